// The services end to end: the simulator over real HTTPS, the real client with
// the certificate pinned, the store. What a user would see in the store after
// each refresh, and what the simulator received.

import {PVESTATD_STEP_MS} from '../../source/sim/drift.js';
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {createClient, type PveClient} from '../../source/api/client.js';
import {createSession, type Session} from '../../source/services/session.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {createAppStore} from '../../source/store/store.js';
import type {AppState} from '../../source/store/types.js';
import type {StoreApi} from 'zustand/vanilla';
import {demoToken} from '../../source/cli/demo.js';

let now = Date.parse('2026-11-23T12:00:00Z');
const clock = () => now;
let sim: RunningSimulator;
let client: PveClient;
let store: StoreApi<AppState>;
let session: Session;

// Bounded generously: a loaded CI machine can stall for seconds; a passing wait returns as soon as it holds.
const waitFor = async (what: string, predicate: () => boolean, ms = 20_000) => {
	const until = Date.now() + ms;
	while (!predicate()) {
		if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
};

before(async () => {
	const fixture = loadFixture(BUILTIN_FIXTURES.homelab);
	sim = await startSimulator({fixture, clock, authFailureDelayMs: 0});
	const token = demoToken(fixture);
	client = createClient({host: sim.host, port: sim.port, auth: {kind: 'token', ...token}, fingerprint: sim.fingerprint, clock});
	store = createAppStore({target: 'test', demo: true, readOnly: false});
	// A long interval: the test drives refreshes itself with refreshNow().
	session = createSession({api: client, store, refreshMs: 60_000, clock});
	session.start();
	await waitFor('the first fleet', () => store.getState().guests.size > 0);
});

after(async () => {
	session.stop();
	await client.close();
	await sim.close();
});

test('the first refresh fills the store with the 28 homelab containers and the host identity', () => {
	const state = store.getState();
	assert.equal(state.guests.size, 28);
	assert.equal(state.connection.status, 'ok');
	assert.equal(state.pveVersion, '9.1.5');
	assert.equal(state.clusterName, undefined, 'a standalone host has no cluster name (the header names the node)');
	const names = [...state.guests.values()].map((g) => g.name.toLowerCase());
	assert.ok(names.some((n) => n.includes('plex')));
	assert.ok(names.some((n) => n.includes('wireguard')));
	assert.equal(state.nodes.length, 1);
	assert.equal(state.nodes[0]!.status, 'online');
});

test('one refresh is one GET /cluster/resources, and CPU and memory move when pvestatd broadcasts again (10 s)', async () => {
	const running = [...store.getState().guests.values()].filter((g) => g.status === 'running');
	const before = new Map(running.map((g) => [g.vmid, `${g.cpu}/${g.mem}`]));
	// The fleet's reads only: the problem service's ?type=storage read is another read, and since the
	// first fleet's slow reads follow its first frame it can land in this window.
	const fleetReads = () => sim.requests.filter((r) => r.path === '/cluster/resources' && r.query.type === undefined).length;
	const countBefore = fleetReads();
	now += PVESTATD_STEP_MS;
	await session.refreshNow();
	const countAfter = fleetReads();
	assert.equal(countAfter - countBefore, 1);
	const moved = [...store.getState().guests.values()].filter((g) => g.status === 'running' && before.get(g.vmid) !== `${g.cpu}/${g.mem}`);
	assert.ok(moved.length >= running.length / 2, `only ${moved.length} of ${running.length} running guests changed`);
});

test('the BRIDGE/IP data of visible guests comes from their configs', async () => {
	await waitFor('NICs of the visible guests', () => store.getState().nics.size >= Math.min(28, store.getState().ui.viewportRows));
	const state = store.getState();
	const byName = (part: string) => [...state.guests.values()].find((g) => g.name.toLowerCase().includes(part))!;
	const qbit = state.nics.get(byName('qbit').vmid);
	if (qbit) {
		assert.equal(qbit[0]?.bridge, 'vmbr1');
		assert.match(qbit[0]?.ip ?? '', /^10\.10\.10\./);
	}
	const configReads = sim.requests.filter((r) => /\/lxc\/\d+\/config$/.test(r.path)).length;
	assert.ok(configReads <= 28, `read ${configReads} configs for 28 guests`);
});

test('the detail panel loads the selected guest’s config and snapshots, only while open', async () => {
	const plex = [...store.getState().guests.values()].find((g) => g.name.toLowerCase().includes('plex'))!;
	store.setState((s) => ({ui: {...s.ui, selectedVmid: plex.vmid}}));
	store.getState().actions.setOverlay('detail');
	await waitFor('the detail', () => store.getState().detail?.vmid === plex.vmid && store.getState().detail?.loading === false);
	const detail = store.getState().detail!;
	assert.equal(detail.error, undefined);
	assert.equal(String(detail.config?.hostname).toLowerCase().includes('plex'), true);
	assert.ok(Array.isArray(detail.snapshots));
	assert.ok(store.getState().nics.get(plex.vmid)?.length);
	store.getState().actions.setOverlay('none');
});

test('when the host stops answering the last data stays, marked stale, and polling recovers', async () => {
	const guests = store.getState().guests;
	sim.setOutage(true);
	await session.refreshNow();
	let state = store.getState();
	assert.equal(state.connection.status, 'stale');
	assert.ok(state.connection.lastError && state.connection.lastError.length > 0);
	assert.ok(!state.connection.lastError!.includes('\n'));
	assert.equal(state.guests, guests, 'the last fleet is kept');
	assert.ok(state.connection.lastOkAt !== undefined);
	sim.setOutage(false);
	await session.refreshNow();
	state = store.getState();
	assert.equal(state.connection.status, 'ok');
	assert.equal(state.connection.consecutiveFailures, 0);
});
