// The console's problem list end to end: the simulator in the incident
// scenario over real HTTPS, the session's services, and what lands in the
// store — and which requests it cost.

import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {createClient, type PveClient} from '../../source/api/client.js';
import {createSession, type Session} from '../../source/services/session.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {applyScenario} from '../../source/sim/scenarios.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {createAppStore} from '../../source/store/store.js';
import type {AppState} from '../../source/store/types.js';
import type {StoreApi} from 'zustand/vanilla';
import {demoToken} from '../../source/cli/demo.js';

let sim: RunningSimulator;
let client: PveClient;
let store: StoreApi<AppState>;
let session: Session;
const paths: string[] = [];

const waitFor = async (what: string, predicate: () => boolean, ms = 20_000) => {
	const until = Date.now() + ms;
	while (!predicate()) {
		if (Date.now() > until) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(store.getState().problems.list.map((p) => p.id))}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
};

before(async () => {
	const fixture = applyScenario(loadFixture(BUILTIN_FIXTURES.homelab), 'incident');
	sim = await startSimulator({fixture, authFailureDelayMs: 0});
	const token = demoToken(fixture);
	client = createClient({host: sim.host, port: sim.port, auth: {kind: 'token', ...token}, fingerprint: sim.fingerprint});
	const request = client.request.bind(client);
	client.request = ((method, path, params, signal) => {
		paths.push(`${method} ${path}`);
		return request(method, path, params, signal);
	}) as PveClient['request'];
	store = createAppStore({target: 'test', demo: true, readOnly: false});
	session = createSession({api: client, store, refreshMs: 60_000});
	session.start();
	await waitFor('the first fleet', () => store.getState().guests.size > 0);
});

after(async () => {
	session.stop();
	await client.close();
	await sim.close();
});

test('the incident shows ranked and correlated in the store, with the header counts', async () => {
	await waitFor('the gateway problem', () => store.getState().problems.list.some((p) => p.id === 'gateway-down:300'));
	await waitFor('the pool problem', () => store.getState().problems.list.some((p) => p.id === 'pool-health:pve/tank'));
	await waitFor('the storages', () => store.getState().problems.list.some((p) => p.id === 'storage-fill:pve/tank'));
	// The gateway's neighbours' configs arrive a few at a time: both dependents in the end.
	await waitFor('both dependents', () => store.getState().problems.list.find((p) => p.id === 'gateway-down:300')?.details?.length === 2);
	const {list, counts} = store.getState().problems;
	const ids = list.map((p) => p.id);
	assert.deepEqual(ids.slice(0, 2), ['pool-health:pve/tank', 'gateway-down:300']);
	assert.ok(ids.includes('pool-fill:pve/tank'));
	assert.ok(ids.includes('guest-disk:201'));
	assert.ok(list.find((p) => p.id === 'gateway-down:300')!.details!.some((d) => d.startsWith('106 qbittorrent')));
	assert.equal(ids.includes('onboot-down:300'), false, 'the gateway is one line, not two');
	assert.ok(counts.critical >= 4);
	assert.equal(counts.critical, list.filter((p) => p.level === 'critical').length);
	// Each problem has the time it was first seen (its age on screen).
	for (const p of list) assert.ok(store.getState().problems.firstSeen.has(p.id));
});

test('the slow facts cost a handful of reads: storages, each node\'s pools, configs of the down guest and its neighbours only', () => {
	assert.ok(paths.includes('GET /cluster/resources'));
	assert.ok(paths.filter((p) => p === 'GET /nodes/pve/disks/zfs').length >= 1);
	const configs = paths.filter((p) => /\/config$/.test(p));
	assert.ok(configs.includes('GET /nodes/pve/lxc/300/config'), 'the down gateway\'s config (onboot)');
	assert.ok(configs.length <= 2 * 28, `${configs.length} config reads`);
	assert.equal(paths.filter((p) => p === 'GET /nodes/pve/disks/zfs').length, 1, 'pools are read once per slow cycle (30 s)');
});
