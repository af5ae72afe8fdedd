// The topology service: what it reads when the screen opens (and only then),
// against the simulator and against a counting fake API.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createTopologyService} from '../../source/services/topology/topology-service.js';
import type {ApiRequester} from '../../source/services/fleet-source.js';
import {createAppStore} from '../../source/store/store.js';
import {selectTopologyView} from '../../views/topology-lines.js';
import {startSimSession, waitFor} from '../zfs/sim-helpers.js';

test('homelab: opening the topology reads the networks and every missing config; stopping WireGuard flags its dependents', async () => {
	const s = await startSimSession('homelab');
	try {
		assert.ok(!s.sim.requests.some((r) => r.path.endsWith('/network')), 'nothing read before the screen opens');
		s.store.getState().actions.setScreen('topology');
		await waitFor('networks and all NICs', () => s.store.getState().topology.fetchedAt !== undefined && s.store.getState().nics.size === 28 && !s.store.getState().topology.progress);
		let text = selectTopologyView(s.store.getState()).lines.map((l) => l.text).join('\n');
		assert.match(text, /└ vmbr1 {2}10\.10\.10\.254\/24 {2}no port {2}active {2}autostart {2}· 3 guests/);
		assert.match(text, /300 wireguard {2}10\.10\.10\.1\/24 {2}fw off {2}running {2}GATEWAY 10\.10\.10\.1 of 2/);
		assert.match(text, /├ 105 prowlarr {2}10\.10\.10\.105\/24 {2}fw on {2}running\n.*└ 106 qbittorrent/);
		assert.doesNotMatch(text, /CUT OFF/);

		s.sim.state.guests.get(300)!.status = 'stopped';
		await s.session.refreshNow();
		text = selectTopologyView(s.store.getState()).lines.map((l) => l.text).join('\n');
		assert.match(text, /✗ gateway 300 wireguard \(pve\/vmbr1 10\.10\.10\.1\) is stopped — cuts off 105 prowlarr, 106 qbittorrent/);
		assert.match(text, /105 prowlarr .*CUT OFF/);
		assert.match(text, /106 qbittorrent .*CUT OFF/);
		assert.doesNotMatch(text, /10[0-4] \w+ .*CUT OFF/);
	} finally {
		await s.close();
	}
});

test('cluster: the offline node is reported, the missing bridge and stopped gateway are in the problems', async () => {
	const s = await startSimSession('cluster');
	try {
		s.store.getState().actions.setScreen('topology');
		await waitFor('networks', () => s.store.getState().topology.fetchedAt !== undefined && !s.store.getState().topology.progress && s.store.getState().nics.size > 15);
		const lines = selectTopologyView(s.store.getState()).lines;
		const text = lines.map((l) => l.text).join('\n');
		assert.match(text, /✗ gateway 105 wg-gateway .* is stopped — cuts off 106 torrent-box, 107 scraper/);
		assert.match(text, /✗ 116 ci-runner net0 is on vmbr2, which does not exist on pve2/);
		assert.match(text, /▾ node pve3 {2}pve3 is offline: network not read/);
		assert.match(text, /[├└] vmbr2 {2}MISSING on pve2/);
		const problem = lines.find((l) => l.text.includes('wg-gateway') && l.text.startsWith('✗'));
		assert.equal(problem?.tone, 'danger');
	} finally {
		await s.close();
	}
});

test('configs are read at most 4 at a time with progress, and not at all once the screen closes', async () => {
	const store = createAppStore({target: 't', demo: false, readOnly: false});
	const guests = Array.from({length: 30}, (_, i) => ({
		vmid: 100 + i, kind: 'lxc' as const, name: `ct${i}`, node: 'pve', status: 'running', cpu: 0, maxcpu: 1, mem: 0, maxmem: 1,
		disk: 0, maxdisk: 1, uptime: 0, netin: 0, netout: 0, tags: [], template: false,
	}));
	store.getState().actions.fleetReceived({guests, nodes: [{name: 'pve', status: 'online', cpu: 0, maxcpu: 1, mem: 0, maxmem: 1, uptime: 0}], receivedAt: 0});
	let inFlight = 0;
	let maxInFlight = 0;
	let configReads = 0;
	const api: ApiRequester = {
		async request<T>(_method: string, path: string): Promise<T> {
			if (path.endsWith('/network')) return [{iface: 'vmbr0', type: 'bridge', active: 1, autostart: 1, bridge_ports: 'eno1', cidr: '10.0.0.2/24'}] as T;
			configReads++;
			inFlight++;
			maxInFlight = Math.max(maxInFlight, inFlight);
			await new Promise((resolve) => setTimeout(resolve, 1));
			inFlight--;
			const n = Number(/\/(\d+)\/config$/.exec(path)![1]);
			return {net0: `name=eth0,bridge=vmbr0,ip=10.0.0.${n - 90}/24,hwaddr=BC:24:11:00:00:${n},firewall=1`} as T;
		},
	};
	const progress: string[] = [];
	store.subscribe((state) => {
		const p = state.topology.progress;
		if (p) progress.push(`${p.done}/${p.total}`);
	});
	const service = createTopologyService({api, store});
	service.start();
	store.getState().actions.setScreen('topology');
	await waitFor('all configs', () => store.getState().nics.size === 30 && !store.getState().topology.progress);
	await service.idle();
	assert.equal(configReads, 30);
	assert.ok(maxInFlight <= 4 && maxInFlight > 1, `max in flight ${maxInFlight}`);
	assert.deepEqual([progress[0], progress.at(-1)], ['0/30', '25/30']);
	// Reopening reads nothing more: the NICs are cached in the store.
	store.getState().actions.setScreen('fleet');
	store.getState().actions.setScreen('topology');
	await service.idle();
	assert.equal(configReads, 30);
	service.stop();
});
