// Fidelity gaps an independent Proxmox client found in the simulator (issue
// 15, "The simulator keeps up"): each test states what real Proxmox does,
// with the source it was checked against, and fails on the old behaviour.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {call, login} from './helpers.js';
import {CT, resource, snapshots, statusNow, withWriteSim as withSim, writeSim} from './write-helpers.js';

describe('/cluster/resources and /nodes', () => {
	it('lists the built-in localnetwork SDN zone per online node (type sdn, as pvestatd broadcasts it)', () =>
		withSim(async (w) => {
			const all = await w.api('GET', '/cluster/resources');
			const sdn = all.json.data.filter((r: {type: string}) => r.type === 'sdn');
			assert.deepEqual(sdn, [
				{id: 'sdn/pve1/localnetwork', sdn: 'localnetwork', node: 'pve1', type: 'sdn', status: 'ok'},
				{id: 'sdn/pve2/localnetwork', sdn: 'localnetwork', node: 'pve2', type: 'sdn', status: 'ok'},
			]);
			const only = await w.api('GET', '/cluster/resources?type=sdn');
			assert.deepEqual(only.json.data, sdn);
			w.sim.state.nodes.get('pve2')!.online = false;
			const down = await w.api('GET', '/cluster/resources?type=sdn');
			assert.deepEqual(down.json.data.map((r: {id: string}) => r.id), ['sdn/pve1/localnetwork']);
		}));

	it("orders each entry's keys anew in every answer, as Perl's hash order does (JSON::XS without canonical)", () =>
		withSim(async (w) => {
			// Same simulated instant: the same figures, so only the key order can differ.
			const first = await w.api('GET', '/cluster/resources?type=vm');
			const second = await w.api('GET', '/cluster/resources?type=vm');
			assert.deepEqual(second.json.data, first.json.data, 'the same values');
			assert.notEqual(second.text, first.text, 'not the same bytes');
			const orders = new Set(first.json.data.map((entry: object) => Object.keys(entry).join(',')));
			assert.ok(orders.size > 1, 'two entries of one answer list their keys differently (samples/api-cluster-resources-vm-pve9-http.txt)');
		}));

	it('a user without Sys.Audit sees every node, in /nodes and /cluster/resources, without its numbers', () =>
		withSim(async (w) => {
			const vmuser = await login(w.sim, 'vmuser@pve', 'sim-vmuser-demo');
			const nodes = await call(w.sim, 'GET', '/nodes', {headers: {Cookie: vmuser.cookie}});
			assert.equal(nodes.status, 200);
			assert.deepEqual(nodes.json.data.map((n: Record<string, unknown>) => Object.keys(n).sort()), [
				['id', 'level', 'node', 'ssl_fingerprint', 'status', 'type'],
				['id', 'level', 'node', 'ssl_fingerprint', 'status', 'type'],
			]);
			const resources = await call(w.sim, 'GET', '/cluster/resources?type=node', {headers: {Cookie: vmuser.cookie}});
			assert.deepEqual(resources.json.data, [
				{id: 'node/pve1', type: 'node', node: 'pve1', status: 'online', level: '', 'cgroup-mode': 2},
				{id: 'node/pve2', type: 'node', node: 'pve2', status: 'online', level: '', 'cgroup-mode': 2},
			]);
			// An auditor still gets the numbers.
			const root = await w.api('GET', '/nodes');
			assert.ok(root.json.data.every((n: {cpu?: number; maxmem?: number}) => typeof n.cpu === 'number' && typeof n.maxmem === 'number'));
		}));

	it('PVE 9 keys: memhost on every guest resource (0 for containers), pressure* on running guests only', () =>
		withSim(async (w) => {
			const vm = await resource(w, 200);
			assert.ok(typeof vm.memhost === 'number' && (vm.memhost as number) > 0, `running VM memhost ${String(vm.memhost)}`);
			assert.equal((await resource(w, 101)).memhost, 0);
			const status = await w.api('GET', '/nodes/pve2/qemu/200/status/current');
			for (const key of ['pressurecpusome', 'pressurecpufull', 'pressureiosome', 'pressureiofull', 'pressurememorysome', 'pressurememoryfull', 'memhost']) {
				assert.equal(typeof status.json.data[key], 'number', key);
			}
			const running = (await w.api('GET', CT)).json.data.find((c: {vmid: number}) => c.vmid === 101);
			assert.equal(typeof running.pressurecpusome, 'number');
			assert.equal(running.memhost, undefined, 'the CT list has no memhost');
			const stopped = (await w.api('GET', CT)).json.data.find((c: {vmid: number}) => c.vmid === 102);
			assert.ok(!Object.keys(stopped).some((k) => k.startsWith('pressure')), 'a stopped CT has no cgroup to read');
		}));

	it('a PVE 8 fixture has neither memhost nor pressure keys', async () => {
		const {miniFixture} = await import('./helpers.js');
		const fixture = miniFixture();
		fixture.version = {version: '8.4.1', release: '8.4', repoid: '2a5fa54a'};
		const w = await writeSim(fixture);
		try {
			const vm = await resource(w, 200);
			assert.equal(vm.memhost, undefined);
			const status = await w.api('GET', '/nodes/pve2/qemu/200/status/current');
			assert.ok(!Object.keys(status.json.data).some((k) => k.startsWith('pressure') || k === 'memhost'));
		} finally {
			await w.close();
		}
	});
});

describe('config locks', () => {
	it('a reboot during a snapshot stops the CT; the prestart hook refuses the start (pve-container vm_reboot + lxc-pve-prestart-hook)', () =>
		withSim(async (w) => {
			const snap = await w.api('POST', `${CT}/101/snapshot`, {form: {snapname: 'during-reboot'}});
			assert.equal((await resource(w, 101)).lock, 'snapshot');
			const reboot = await w.api('POST', `${CT}/101/status/reboot`);
			assert.equal(reboot.status, 200, 'vm_reboot checks only that the CT runs before the fork');
			const done = await w.finish(reboot.json.data);
			assert.equal(done.exitstatus, "startup for container '101' failed");
			assert.deepEqual(await w.log(reboot.json.data), [
				'CT is locked (snapshot)',
				'run_buffer: 571 Script exited with status 2',
				'lxc_init: 845 Failed to run lxc.hook.pre-start for container "101"',
				'__lxc_start: 2034 Failed to initialize container "101"',
				"TASK ERROR: startup for container '101' failed",
			]);
			assert.equal((await statusNow(w, 101)).status, 'stopped', 'the container was stopped and not started again');
			assert.equal((await w.finish(snap.json.data)).exitstatus, 'OK');
			assert.ok((await snapshots(w, 'pve1', 101)).some((s) => s.name === 'during-reboot'));
		}));

	it('a write while a short task holds the lock file waits for it and then succeeds (lock_config waits up to 10 s)', () =>
		withSim(async (w) => {
			const start = await w.api('POST', `${CT}/102/status/start`);
			const snap = await w.api('POST', `${CT}/102/snapshot`, {form: {snapname: 'after-start'}});
			assert.equal(snap.status, 200);
			const active = await w.api('GET', '/nodes/pve1/tasks?source=active');
			assert.ok(active.json.data.some((t: {upid: string}) => t.upid === snap.json.data), 'the waiting worker is a running task');
			assert.equal((await w.finish(snap.json.data)).exitstatus, 'OK');
			assert.equal((await w.finish(start.json.data)).exitstatus, 'OK');
			assert.deepEqual(await w.log(snap.json.data), ['trying to acquire lock...', ' OK', 'TASK OK']);
			assert.equal((await statusNow(w, 102)).status, 'running', 'the start ran first');
			assert.ok((await snapshots(w, 'pve1', 102)).some((s) => s.name === 'after-start'));
		}));

	it('a second stop issued while the first runs waits for it and ends OK', () =>
		withSim(async (w) => {
			const first = await w.api('POST', '/nodes/pve2/lxc/103/status/stop');
			const again = await w.api('POST', '/nodes/pve2/lxc/103/status/stop');
			assert.equal(again.status, 200);
			assert.equal((await w.finish(first.json.data)).exitstatus, 'OK');
			assert.equal((await w.finish(again.json.data)).exitstatus, 'OK');
			assert.equal((await statusNow(w, 103)).status, 'stopped');
		}));
});
