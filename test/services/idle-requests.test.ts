// Issue 12: API requests at idle must not grow with the fleet. The whole
// console's services run against generated fleets of 40 and 800 guests (same
// node count) with the default deck's panes shown; once start-up reading is
// over, the requests of a few polls are counted per kind. Per-guest reads
// (/nodes/N/lxc|qemu/VMID/…) may only come from the fixed caps (snapshot ages:
// 8 guests per cycle), so both fleets must send the same number of each kind.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createClient} from '../../source/api/client.js';
import {demoFixture, demoToken} from '../../source/cli/demo.js';
import {createSession} from '../../source/services/session.js';
import {startSimulator} from '../../source/sim/server.js';
import {createAppStore} from '../../source/store/store.js';
import {waitFor} from '../zfs/sim-helpers.js';

// One kind of request: "/nodes/N/lxc/VMID/config" becomes "/nodes/:/lxc/:/config".
const kindOf = (path: string) => path.replace(/^\/nodes\/[^/]+/, '/nodes/:').replace(/\/(lxc|qemu)\/\d+/, '/$1/:');

async function idleRequests(guests: number): Promise<Map<string, number>> {
	const fixture = demoFixture({kind: 'generated', guests, nodes: 4});
	const sim = await startSimulator({fixture, authFailureDelayMs: 0});
	const client = createClient({host: sim.host, port: sim.port, auth: {kind: 'token', ...demoToken(fixture)}, fingerprint: sim.fingerprint});
	const store = createAppStore({target: 'test', demo: true, readOnly: false});
	const shown = ['fleet', 'topology', 'zfs', 'tasks', 'problems'] as const;
	store.getState().actions.deckShown([...shown], [...shown], []);
	const session = createSession({api: client, store, refreshMs: 300});
	session.start();
	try {
		await waitFor('the fleet', () => store.getState().guests.size === guests, 20_000);
		await waitFor('the start-up config sweep', () => !store.getState().topology.progress && store.getState().topology.networks.size > 0, 30_000);
		// Let reads that the first polls started finish.
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const from = sim.requests.length;
		await new Promise((resolve) => setTimeout(resolve, 2000));
		const counts = new Map<string, number>();
		for (const r of sim.requests.slice(from)) counts.set(kindOf(r.path), (counts.get(kindOf(r.path)) ?? 0) + 1);
		return counts;
	} finally {
		session.stop();
		await client.close();
		await sim.close();
	}
}

test('requests at idle do not grow with the fleet: 40 and 800 guests send the same kinds, per-guest reads capped', async () => {
	const small = await idleRequests(40);
	const large = await idleRequests(800);
	const perGuest = (counts: Map<string, number>) => [...counts].filter(([kind]) => /\/(lxc|qemu)\/:/.test(kind)).reduce((sum, [, n]) => sum + n, 0);
	assert.ok((small.get('/cluster/resources') ?? 0) >= 3, `the fleet was polled: ${JSON.stringify([...small])}`);
	// The same polls in the same time, give or take one at the window's edges.
	assert.ok(Math.abs((large.get('/cluster/resources') ?? 0) - (small.get('/cluster/resources') ?? 0)) <= 2, `${JSON.stringify([...small])} vs ${JSON.stringify([...large])}`);
	// 20 times the guests, not more per-guest reads than the caps allow (8 snapshot lists per cycle).
	assert.ok(perGuest(large) <= Math.max(8, perGuest(small)), `per-guest reads at 800 guests: ${JSON.stringify([...large].filter(([k]) => /\/(lxc|qemu)\/:/.test(k)))}`);
	const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);
	assert.ok(total(large) <= total(small) + 8, `all requests: 40 guests ${total(small)}, 800 guests ${total(large)}`);
});
