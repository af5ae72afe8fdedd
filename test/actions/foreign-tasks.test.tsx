import '../views/force-color.js';
// Tasks started elsewhere (the web UI, pct on the host): the tasks pane names
// the guest, shows when each started and its outcome before the user, and
// reads the focused task's log from the host, since /cluster/tasks has none.

import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import React from 'react';
import {after, before, test} from 'node:test';
import {loadKeymap} from '../../keymaps/index.js';
import {App} from '../../views/App.js';
import {taskLine, taskStart} from '../../views/OpsPane.js';
import {plain, press, settle, keyClock} from '../views/harness.js';
import {startRig, waitFor, type ActionRig} from './helpers.js';

let rig: ActionRig;
before(async () => {
	rig = await startRig();
});
after(async () => {
	cleanup();
	await rig.close();
});

test('a snapshot taken by someone else shows with its guest name, start time and log', async () => {
	// "Someone else": a request straight to the API, not through proxdeck's dispatcher.
	const upid = await rig.client.request<string>('POST', '/nodes/pve/lxc/404/snapshot', {snapname: 'before-vacuum'});
	for (let i = 0; ; i++) {
		const status = await rig.client.request<{status: string}>('GET', `/nodes/pve/tasks/${encodeURIComponent(upid)}/status`);
		if (status.status === 'stopped') break;
		assert.ok(i < 600, 'the snapshot task ended');
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
	await rig.services.tracker.refreshClusterTasks();
	const listed = rig.store.getState().tasks.find((t) => t.upid === upid);
	assert.ok(listed && !listed.ours);
	assert.equal(listed.label, 'postgresql (404)');
	assert.deepEqual(listed.logTail, [], '/cluster/tasks carries no log');

	const app = render(<App store={rig.store} keymap={loadKeymap()} size={{columns: 150, rows: 40}} onQuit={() => {}} tickMs={0} commands={rig.services.commands} inputClock={keyClock} />);
	await settle();
	await press(app, 't');
	const index = rig.store.getState().tasks.findIndex((t) => t.upid === upid);
	for (let i = 0; i < index; i++) await press(app, ']');
	await waitFor('the focused task log', () => (rig.store.getState().tasks.find((t) => t.upid === upid)?.logTail.length ?? 0) > 0);
	await settle();
	const text = plain(app.lastFrame() ?? '');
	assert.match(text, / +\d\d:\d\d vzsnapshot +postgresql \(404\) +OK \(.+\) +root@pam!proxdeck/);
	assert.match(text, /log of vzsnapshot postgresql \(404\):/);
	assert.match(text, /TASK OK/);
	assert.ok(rig.sim.requests.some((r) => r.method === 'GET' && r.path === `/nodes/pve/tasks/${encodeURIComponent(upid)}/log`), 'the log was read from the host');
	app.unmount();
});

test('task lines: start time today or with the date, outcome before the user', () => {
	const now = new Date(2026, 10, 23, 15, 0).getTime();
	assert.equal(taskStart(new Date(2026, 10, 23, 14, 5).getTime(), now), '14:05');
	assert.equal(taskStart(new Date(2026, 10, 22, 9, 7).getTime(), now), 'Nov 22 09:07');
	const failed = {upid: 'u', node: 'pve', type: 'vzsnapshot', id: '112', user: 'alice@pve', startedAt: now - 60_000, endedAt: now - 58_000, state: 'failed' as const, exitstatus: 'snapshot feature is not available', logTail: [], ours: false, label: 'nextcloud (112)'};
	assert.match(taskLine(failed, now), /^ {2}14:59 vzsnapshot +nextcloud \(112\) +failed: snapshot feature is not available \(2s\) {2}alice@pve$/);
});
