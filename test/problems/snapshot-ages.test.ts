// The retention rules in the console: snapshot ages are read a few guests per
// slow cycle (never a sweep of the fleet), and once plex's list is in, its
// only snapshot — 12 days old in the incident scenario — is a warning (no
// snapshot inside the 7-day window) and an info line (prunable).

import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {createClient, type PveClient} from '../../source/api/client.js';
import {demoToken} from '../../source/cli/demo.js';
import {createFleetSource} from '../../source/services/fleet-source.js';
import {createProblemsService} from '../../source/services/problems/problems-service.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {applyScenario} from '../../source/sim/scenarios.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {createAppStore} from '../../source/store/store.js';

let sim: RunningSimulator;
let client: PveClient;
const paths: string[] = [];

before(async () => {
	const fixture = applyScenario(loadFixture(BUILTIN_FIXTURES.homelab), 'incident');
	sim = await startSimulator({fixture, authFailureDelayMs: 0});
	client = createClient({host: sim.host, port: sim.port, auth: {kind: 'token', ...demoToken(fixture)}, fingerprint: sim.fingerprint});
	const request = client.request.bind(client);
	client.request = ((method, path, params, signal) => {
		paths.push(`${method} ${path}`);
		return request(method, path, params, signal);
	}) as PveClient['request'];
});

after(async () => {
	await client.close();
	await sim.close();
});

test('snapshot lists are read 8 guests a cycle; plex\'s 12-day-old only snapshot becomes a warning and a prunable line', async () => {
	const store = createAppStore({target: 'test', demo: true, readOnly: false});
	store.getState().actions.fleetReceived(await createFleetSource(client).fetchFleet(new AbortController().signal));
	const guests = [...store.getState().guests.values()].filter((g) => !g.template).length;
	const problems = createProblemsService({api: client, store, slowMs: 3_600_000, evaluateGapMs: 0});
	const ids = () => store.getState().problems.list.map((p) => p.id);
	problems.start();
	// start() reads the slow facts once: the first 8.
	await problems.idle();
	assert.equal(paths.filter((p) => /\/snapshot$/.test(p)).length, 8);
	const cycles = Math.ceil(guests / 8) - 1;
	for (let cycle = 0; cycle < cycles; cycle++) {
		const before = paths.length;
		await problems.refresh();
		const read = paths.slice(before).filter((p) => /\/snapshot$/.test(p));
		assert.ok(read.length <= 8, `cycle ${cycle}: ${read.length} snapshot lists read`);
	}
	const lists = new Set(paths.filter((p) => /\/snapshot$/.test(p)));
	assert.equal(lists.size, guests, 'every guest read once over the cycles, none twice');
	const until = Date.now() + 5000;
	while (!ids().includes('snapshot-stale:100') && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
	assert.ok(ids().includes('snapshot-stale:100'), `plex's stale snapshot: ${ids().join(', ')}`);
	assert.ok(ids().includes('snapshot-prunable:100'));
	const stale = store.getState().problems.list.find((p) => p.id === 'snapshot-stale:100')!;
	assert.match(stale.text, /plex.*newest snapshot is 12d old \(> 7d\)/);
	problems.stop();
});
