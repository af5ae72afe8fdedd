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

test('tasks read before the fleet make no evaluation of an empty fleet: the first frame with guests says "evaluating…", not "no problems"', async () => {
	const {createProblemsService} = await import('../../source/services/problems/problems-service.js');
	const {fixtureNamed, guestRowsOf, nodeSummariesOf} = await import('../topology/fixture-input.js');
	const store = createAppStore({target: 'test', demo: true, readOnly: false});
	// No host behind it: the slow reads fail, which the service shrugs off.
	const api = {request: () => Promise.reject(new Error('no host in this test'))};
	const problems = createProblemsService({api, store, slowMs: 3_600_000, evaluateGapMs: 0});
	problems.start();
	try {
		const at = Date.now();
		store.getState().actions.clusterTasksReceived([{upid: 'UPID:pve:1:2:3:vzdump:100:root@pam:', node: 'pve', type: 'vzdump', id: '100', user: 'root@pam', startedAt: at - 60_000, endedAt: at - 30_000, state: 'failed', exitstatus: 'job errors', logTail: [], ours: false}]);
		await new Promise((resolve) => setTimeout(resolve, 20));
		assert.equal(store.getState().problems.evaluatedAt, undefined, 'the tasks alone were evaluated: the first fleet frame would say "no problems"');
		const fixture = fixtureNamed('homelab');
		let drawn: number | undefined | null = null;
		const unsubscribe = store.subscribe(() => {
			if (drawn === null) queueMicrotask(() => (drawn = store.getState().problems.evaluatedAt));
		});
		store.getState().actions.fleetReceived({guests: guestRowsOf(fixture), nodes: nodeSummariesOf(fixture), receivedAt: at});
		await new Promise((resolve) => setTimeout(resolve, 20));
		unsubscribe();
		assert.equal(drawn, undefined, 'what the first fleet frame draws has no evaluation yet');
		// Then the rules run on the fleet and the tasks together.
		assert.notEqual(store.getState().problems.evaluatedAt, undefined);
		assert.ok(store.getState().problems.list.some((p) => p.rule === 'task-failed'), JSON.stringify(store.getState().problems.list.map((p) => p.id)));
	} finally {
		problems.stop();
	}
});
