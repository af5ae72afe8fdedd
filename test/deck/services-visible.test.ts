// The topology and ZFS services load while their deck pane is visible — also
// when the deck shows them before the first fleet poll has named any node
// (the default deck does, at start): they read as soon as the nodes are known.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createClient} from '../../source/api/client.js';
import {demoToken} from '../../source/cli/demo.js';
import {createSession} from '../../source/services/session.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimulator} from '../../source/sim/server.js';
import {createAppStore} from '../../source/store/store.js';
import {simRunner, waitFor} from '../zfs/sim-helpers.js';

test('panes shown before the first poll are filled once the nodes are known; hidden ones read nothing', async () => {
	const fixture = loadFixture(BUILTIN_FIXTURES.homelab);
	const now = Date.parse('2026-11-23T12:00:00Z');
	const clock = () => now;
	const sim = await startSimulator({fixture, clock, authFailureDelayMs: 0});
	const client = createClient({host: sim.host, port: sim.port, auth: {kind: 'token', ...demoToken(fixture)}, fingerprint: sim.fingerprint, clock});
	const store = createAppStore({target: 'test', demo: true, readOnly: false});
	// The deck drew its panes before any data arrived.
	store.getState().actions.deckShown(['fleet', 'topology', 'zfs', 'logs', 'tasks'], ['fleet', 'topology', 'zfs', 'logs', 'tasks'], []);
	const session = createSession({api: client, store, refreshMs: 600_000, clock, runner: simRunner(sim.state, 'pve')});
	session.start();
	try {
		await waitFor('networks read after the nodes were known', () => store.getState().topology.networks.has('pve'));
		await waitFor('ZFS pools read', () => (store.getState().zfs.sample?.pools.length ?? 0) > 0);
		assert.ok(store.getState().zfs.sample!.pools.some((p) => p.name === 'tank'));
		// Hidden again (the fleet layout): nothing more is read.
		store.getState().actions.deckShown(['fleet'], ['fleet'], []);
		// A read already under way may finish; after that, none starts.
		await new Promise((resolve) => setTimeout(resolve, 200));
		const before = sim.requests.filter((r) => r.path.endsWith('/network')).length;
		await session.refreshNow();
		await new Promise((resolve) => setTimeout(resolve, 200));
		assert.equal(sim.requests.filter((r) => r.path.endsWith('/network')).length, before);
	} finally {
		session.stop();
		await client.close();
		await sim.close();
	}
});
