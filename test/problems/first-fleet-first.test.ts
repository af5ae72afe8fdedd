// The first fleet is drawn before the problem rules run on it (issue 12: at
// 10,000 guests tracking, the first evaluation and the slow reads' set-up held
// the first frame back by ~0.1 s). The store change that brings the first
// guests must not carry an evaluation; one follows on its own.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createClient} from '../../source/api/client.js';
import {demoToken} from '../../source/cli/demo.js';
import {createSession} from '../../source/services/session.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimulator} from '../../source/sim/server.js';
import {createAppStore} from '../../source/store/store.js';

test('the first guests reach the store before the rules have run on them, and the rules run right after', async () => {
	const fixture = loadFixture(BUILTIN_FIXTURES.homelab);
	const sim = await startSimulator({fixture, authFailureDelayMs: 0});
	const client = createClient({host: sim.host, port: sim.port, auth: {kind: 'token', ...demoToken(fixture)}, fingerprint: sim.fingerprint});
	const store = createAppStore({target: 'test', demo: true, readOnly: false});
	// What the screen draws from the store change that brings the first guests:
	// React renders it in a microtask, from the store as it is by then.
	let atFirstFleet: {guests: number; evaluatedAt: number | undefined} | undefined;
	let seen = false;
	const unsubscribe = store.subscribe((state) => {
		if (seen || state.guests.size === 0) return;
		seen = true;
		queueMicrotask(() => {
			const drawn = store.getState();
			atFirstFleet = {guests: drawn.guests.size, evaluatedAt: drawn.problems.evaluatedAt};
		});
	});
	const session = createSession({api: client, store, refreshMs: 60_000});
	try {
		session.start();
		const until = Date.now() + 20_000;
		while (store.getState().problems.evaluatedAt === undefined && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
		assert.ok(atFirstFleet, 'no fleet arrived');
		assert.equal(atFirstFleet.guests, 28);
		assert.equal(atFirstFleet.evaluatedAt, undefined, 'the first fleet came with an evaluation: its frame waited for the rules');
		assert.notEqual(store.getState().problems.evaluatedAt, undefined, 'the rules never ran on the first fleet');
		// The rules ran on that fleet: the homelab's 201 is over its disk bar.
		assert.ok(store.getState().problems.list.some((p) => p.id === 'guest-disk:201'), JSON.stringify(store.getState().problems.list.map((p) => p.id)));
	} finally {
		unsubscribe();
		session.stop();
		await client.close();
		await sim.close();
	}
});
