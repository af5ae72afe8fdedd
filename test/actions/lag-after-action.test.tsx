import '../views/force-color.js';
// A start as a real cluster answers it: /cluster/resources says `stopped`
// until the node's pvestatd broadcasts (up to 10 s after the task), while the
// node's status/current says running at once. The row must not read as if the
// start had failed: it says running with the "✓ start … OK" notice, over a
// poll that still carries the stale status, and past the broadcast. The real
// 10 s cycle: the clock is skipped, not waited on.

import assert from 'node:assert/strict';
import {cleanup} from 'ink-testing-library';
import {test} from 'node:test';
import {PVESTATD_STEP_MS} from '../../source/sim/drift.js';
import {KEYS, press, settle, tableRows} from '../views/harness.js';
import {frame, renderConsole, selectByFilter, waitForText} from './console.js';
import {startRig, type ActionRig} from './helpers.js';

/** Just past the (single) node's pvestatd broadcast: an action of a few simulated seconds at 40× ends long before the next. */
function justAfterBroadcast(rig: ActionRig): void {
	rig.skip(PVESTATD_STEP_MS - (rig.clock() % PVESTATD_STEP_MS) + 1);
}

/** Polls an asynchronous check, one at a time. */
async function waitForAsync(what: string, predicate: () => Promise<boolean>, ms = 20_000): Promise<void> {
	const until = Date.now() + ms;
	while (!(await predicate())) {
		if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

function beforeNextBroadcast(rig: ActionRig): boolean {
	return rig.clock() % PVESTATD_STEP_MS < PVESTATD_STEP_MS - 1000;
}

test('+ on a stopped container: running on its row when the start ends, before and after the broadcast', async () => {
	const rig = await startRig();
	try {
		const app = await renderConsole(rig, {columns: 150, rows: 40});
		await selectByFilter(app, 'immich-backup');
		assert.match(tableRows(frame(app))[0] ?? '', /402 immich-backup .*stopped/);
		justAfterBroadcast(rig);
		await press(app, '+');
		const done = await waitForText(app, /✓ start immich-backup \(402\) OK/);
		assert.match(tableRows(done)[0] ?? '', /402 immich-backup .*running/, done);

		const listed = (await rig.client.request<Array<{vmid: number; status: string}>>('GET', '/cluster/resources', {type: 'vm'})).find((e) => e.vmid === 402);
		assert.equal(listed?.status, 'stopped', 'the cluster view had not caught up: the lag was there');
		assert.ok(beforeNextBroadcast(rig), 'still before the broadcast');
		const polls = rig.sim.requests.filter((r) => r.path === '/cluster/resources' && r.query.type === undefined).length;
		await rig.session.refreshNow();
		await settle();
		assert.ok(rig.sim.requests.filter((r) => r.path === '/cluster/resources' && r.query.type === undefined).length > polls, 'the console polled again');
		assert.equal(rig.store.getState().guests.get(402)?.status, 'running', 'a poll with the stale status');
		assert.match(tableRows(frame(app))[0] ?? '', /402 immich-backup .*running/);

		rig.skip(PVESTATD_STEP_MS);
		await rig.session.refreshNow();
		await settle();
		const row = rig.store.getState().guests.get(402)!;
		assert.equal(row.status, 'running', 'the broadcast carries the start');
		assert.ok(row.uptime > 0, `the poll's own figures now, uptime ${row.uptime}`);
		assert.match(tableRows(frame(app))[0] ?? '', /402 immich-backup .*running/);
		app.unmount();
	} finally {
		cleanup();
		await rig.close();
	}
});

test('a rollback that starts the container again: its row does not hold the passing `stopped` once the start ran', async () => {
	const rig = await startRig();
	try {
		const app = await renderConsole(rig, {columns: 150, rows: 40});
		await selectByFilter(app, 'plex');
		assert.match(tableRows(frame(app))[0] ?? '', /100 plex .*running/);
		justAfterBroadcast(rig);
		await press(app, 'b');
		await waitForText(app, /\(newest\)/);
		await press(app, ' ');
		assert.match(frame(app), /\[x\] start after rollback/);
		await press(app, KEYS.enter, '\t', KEYS.enter);
		await waitForText(app, /✓ rollback plex \(100\) '[^']+' OK/);
		// The rollback's task ends before the start it queued: wait for that start on the host (the
		// simulator on a test clock moves its tasks when asked something).
		await waitForAsync('the start after the rollback', async () => (await rig.client.request<{status: string}>('GET', '/nodes/pve/lxc/100/status/current')).status === 'running');
		assert.ok(beforeNextBroadcast(rig), 'still before the broadcast');
		await rig.session.refreshNow();
		await settle();
		assert.equal(rig.store.getState().guests.get(100)?.status, 'running');
		assert.match(tableRows(frame(app))[0] ?? '', /100 plex .*running/);
		app.unmount();
	} finally {
		cleanup();
		await rig.close();
	}
});
