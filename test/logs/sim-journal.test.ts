// The simulator's GET /nodes/{node}/journal, as pve-api.md §3 describes the
// real one: a gzip download of application/json whose first and last
// elements are cursors; lastentries, since/until, start/endcursor.

import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import type {RunningSimulator} from '../../source/sim/server.js';
import {AUDIT_TOKEN, call, fakeClock, ROOT_TOKEN, startTestSim} from '../sim/helpers.js';

const clock = fakeClock();
let sim: RunningSimulator;
before(async () => {
	sim = await startTestSim({clock: clock.now});
});
after(() => sim.close());

const journal = async (query = '') => {
	const res = await call(sim, 'GET', `/nodes/pve1/journal${query}`, {auth: ROOT_TOKEN});
	return {res, data: res.json?.data as string[] | undefined};
};

test('the answer is gzip-encoded application/json: cursor, lines, cursor; 50 entries by default', async () => {
	const {res, data} = await journal();
	assert.equal(res.status, 200);
	assert.equal(res.headers['content-encoding'], 'gzip');
	assert.equal(res.headers['content-type'], 'application/json');
	assert.equal(data!.length, 52);
	assert.match(data![0]!, /^s=[0-9a-f]{32};i=[0-9a-f]+;b=/);
	assert.match(data![1]!, /^[A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} pve1 \S+: /);
});

test('lastentries, then startcursor returns only what came after it (nothing, until time passes)', async () => {
	const first = (await journal('?lastentries=5')).data!;
	assert.equal(first.length, 7);
	const cursor = first[first.length - 1]!;
	const none = (await journal(`?startcursor=${encodeURIComponent(cursor)}`)).data!;
	assert.deepEqual(none, [cursor, cursor], 'no new entries: the cursor comes back unchanged');
	clock.advance(60_000);
	const next = (await journal(`?startcursor=${encodeURIComponent(cursor)}`)).data!;
	assert.ok(next.length > 2);
	assert.ok(!next.slice(1, -1).some((line) => first.includes(line)), 'nothing repeated');
	const again = (await journal(`?startcursor=${encodeURIComponent(next[next.length - 1]!)}`)).data!;
	assert.equal(again.length, 2);
});

test('since/until select by time; an endcursor ends before its entry', async () => {
	const nowS = Math.floor(clock.now() / 1000);
	const window = (await journal(`?since=${nowS - 60}&until=${nowS}`)).data!;
	assert.ok(window.length > 2 && window.length < 40, `${window.length}`);
	const last5 = (await journal('?lastentries=5')).data!;
	const upTo = (await journal(`?since=${nowS - 600}&endcursor=${encodeURIComponent(last5[last5.length - 1]!)}`)).data!;
	assert.ok(!upTo.includes(last5[5]!), 'the endcursor entry itself is not included');
	assert.ok(upTo.includes(last5[4]!));
});

test('conflicting parameters and foreign cursors are refused; Sys.Syslog is required', async () => {
	const conflict = await journal('?lastentries=5&since=1');
	assert.equal(conflict.res.status, 400);
	assert.match(conflict.res.json.errors.lastentries, /conflicts/);
	const bad = await journal('?startcursor=s%3Dnope');
	assert.equal(bad.res.status, 500);
	assert.match(bad.res.reason, /Failed to seek to cursor/);
	const audit = await call(sim, 'GET', '/nodes/pve1/journal', {auth: AUDIT_TOKEN});
	assert.equal(audit.status, 403);
});
