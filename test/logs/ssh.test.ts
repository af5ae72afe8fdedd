// Log panes fed over the simulator's SSH side (a real ssh2 server on loopback,
// host key verified): container and host journals, Alpine's syslog, a stopped
// container, a container stopping mid-stream, and a dropped connection.

import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import type {ApiRequester} from '../../source/services/fleet-source.js';
import {createLogsService, type LogsService} from '../../source/services/logs/panes.js';
import {startHarness, type Harness} from '../sim-ssh/harness.js';
import {fleetStore, guest, until} from './helpers.js';

let h: Harness;
let service: LogsService;
let store: ReturnType<typeof fleetStore>;

// The config read that decides journalctl vs tail, answered from the simulator's state.
function configApi(harness: Harness): ApiRequester {
	return {
		async request<T>(_method: string, path: string): Promise<T> {
			const vmid = Number(/\/lxc\/(\d+)\/config$/.exec(path)?.[1]);
			const found = harness.state.guests.get(vmid);
			if (!found) throw new Error(`no config for ${path}`);
			return {ostype: found.config.ostype} as T;
		},
	};
}

before(async () => {
	h = await startHarness({journalRate: 20});
	store = fleetStore([guest(100, 'plex'), guest(203, 'alertmanager'), guest(300, 'wireguard'), guest(402, 'immich-backup', {status: 'stopped'})]);
	service = createLogsService({store, runner: h.runner, api: configApi(h), renderIntervalMs: 20});
});

after(async () => {
	service.stop();
	await h.close();
});

const paneOf = (id: number) => store.getState().logs.panes.find((p) => p.id === id)!;
const texts = (id: number) => service.buffer(id)!.toArray().map((l) => l.text);

test("a container's journal: 200 lines of history from the container, then it follows", async () => {
	const id = service.open({kind: 'guest', vmid: 100, node: 'pve', name: 'plex'})!;
	await until('history', () => (service.buffer(id)?.length ?? 0) >= 200);
	assert.equal(paneOf(id).status.state, 'following');
	const first = service.buffer(id)!.oldest()!;
	assert.match(first.ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/, 'short-iso timestamps');
	assert.ok(texts(id).every((t) => t.startsWith('plex ')), 'every line is from the plex container');
	const count = service.buffer(id)!.appended;
	await until('new lines', () => service.buffer(id)!.appended > count + 3);
	service.close(id);
});

test('the host journal comes from journalctl on the node', async () => {
	const id = service.open({kind: 'host', node: 'pve'})!;
	await until('host lines', () => (service.buffer(id)?.length ?? 0) >= 50);
	assert.ok(texts(id).every((t) => t.startsWith('pve ')), texts(id)[0]);
	assert.ok(texts(id).some((t) => /pve(proxy|daemon|statd)|systemd|kernel|cron/.test(t)));
	service.close(id);
});

test('an Alpine container (no journald) is followed through tail -F /var/log/messages', async () => {
	const id = service.open({kind: 'guest', vmid: 203, node: 'pve', name: 'alertmanager'})!;
	await until('syslog lines', () => (service.buffer(id)?.length ?? 0) >= 50);
	const line = service.buffer(id)!.newest()!;
	assert.match(line.ts, /^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}$/, 'busybox syslog stamp');
	assert.match(line.text, /^alertmanager daemon\.info /);
	service.close(id);
});

test("a stopped container's pane fails with pct's message", async () => {
	const id = service.open({kind: 'guest', vmid: 402, node: 'pve', name: 'immich-backup'})!;
	await until('failure', () => paneOf(id).status.state === 'failed');
	assert.deepEqual(paneOf(id).status, {state: 'failed', reason: "container '402' not running!"});
	service.close(id);
});

test('a container that stops while followed: the pane says the stream ended (137)', async () => {
	const id = service.open({kind: 'guest', vmid: 300, node: 'pve', name: 'wireguard'})!;
	await until('history', () => (service.buffer(id)?.length ?? 0) >= 200);
	h.state.guests.get(300)!.status = 'stopped';
	try {
		await until('end', () => paneOf(id).status.state === 'ended');
		assert.deepEqual(paneOf(id).status, {state: 'ended', code: 137});
	} finally {
		h.state.guests.get(300)!.status = 'running';
		service.close(id);
	}
});

test('a dropped SSH connection: the pane shows reconnecting, then follows again without repeating history', async () => {
	const id = service.open({kind: 'guest', vmid: 100, node: 'pve', name: 'plex'})!;
	await until('history', () => (service.buffer(id)?.length ?? 0) >= 200);
	const seen: string[] = [paneOf(id).status.state];
	const unsubscribe = store.subscribe((s) => {
		const state = s.logs.panes.find((p) => p.id === id)?.status.state;
		if (state && seen[seen.length - 1] !== state) seen.push(state);
	});
	const before = service.buffer(id)!.appended;
	h.sim.dropConnections();
	await until('reconnected and new lines', () => seen.includes('reconnecting') && paneOf(id).status.state === 'following' && service.buffer(id)!.appended > before + 2, 20_000);
	unsubscribe();
	assert.deepEqual(seen.slice(0, 3), ['following', 'reconnecting', 'following']);
	// The re-issued `journalctl -n 200` repeats 200 lines; they are skipped.
	assert.ok(service.buffer(id)!.appended - before < 100, `${service.buffer(id)!.appended - before} lines after reconnecting`);
	service.close(id);
});

test('an unknown host key: the pane fails with the fingerprint and the flag that accepts it', async () => {
	const stranger = h.runnerWith({knownHostsPath: `${h.dir}/empty_known_hosts`});
	const otherStore = fleetStore();
	const other = createLogsService({store: otherStore, runner: stranger});
	other.open({kind: 'host', node: 'pve'});
	const pane = () => otherStore.getState().logs.panes[0]!;
	await until('failure', () => pane().status.state === 'failed');
	const failed = pane().status as {reason: string};
	assert.ok(failed.reason.includes(h.sim.hostKeyFingerprint), failed.reason);
	assert.match(failed.reason, /--accept-new-host-key/);
	other.stop();
});
