// Actions end to end through the simulator, below the views: what the
// simulator received, the store afterwards (tasks, notice, guest state) and
// the audit file.

import assert from 'node:assert/strict';
import {statSync} from 'node:fs';
import {dirname} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {startRig, guestByName, snapshotNames, waitFor, type ActionRig} from './helpers.js';

// Sonarr (101) has a bind mount (mp0: /tank/data), so Proxmox — and the
// simulator — refuse to snapshot it ("snapshot feature is not available");
// prowlarr (105) is a plain ZFS container and plays the part here.
describe('snapshot, reboot, rollback and delete on prowlarr (root token)', () => {
	let rig: ActionRig;
	before(async () => {
		rig = await startRig();
	});
	after(() => rig.close());

	it('a container with a bind mount cannot be snapshotted: the task fails with Proxmox\'s reason', async () => {
		assert.equal(guestByName(rig.store, 'sonarr'), 101);
		const [outcome] = await rig.services.dispatcher.dispatch({action: 'snapshot', targets: [101], params: {snapname: 'sonarr-try'}});
		assert.equal(outcome?.ok, false);
		assert.equal(outcome?.result, 'snapshot feature is not available');
		assert.equal(rig.store.getState().notice?.tone, 'error');
	});

	it('a snapshot sends POST …/lxc/105/snapshot, tracks the task to OK and audits begin and end without a secret', async () => {
		assert.equal(guestByName(rig.store, 'prowlarr'), 105);
		const [outcome] = await rig.services.dispatcher.dispatch({action: 'snapshot', targets: [105], params: {snapname: 'before-test', description: 'from the test'}});
		assert.equal(outcome?.ok, true, outcome?.result);
		const post = rig.writes().find((r) => r.path === '/nodes/pve/lxc/105/snapshot');
		assert.equal(post?.method, 'POST');
		assert.equal(post?.body.snapname, 'before-test');

		const state = rig.store.getState();
		const task = state.tasks.find((t) => t.upid === outcome!.upid)!;
		assert.equal(task.type, 'vzsnapshot');
		assert.equal(task.id, '105');
		assert.equal(task.user, 'root@pam!proxdeck');
		assert.equal(task.state, 'ok');
		assert.ok(task.logTail.includes('TASK OK'), task.logTail.join('|'));
		assert.match(state.notice!.text, /^✓ snapshot prowlarr \(105\) OK in \d+\.\ds$/);

		const lines = rig.auditLines();
		const end = lines.find((l) => l.phase === 'end' && l.upid === outcome!.upid)!;
		const begin = lines.find((l) => l.phase === 'begin' && l.id === end.id)!;
		assert.equal(begin.action, 'snapshot');
		assert.ok(lines.indexOf(begin) < lines.indexOf(end), 'begin is written before end');
		assert.deepEqual(begin.targets, [105]);
		assert.equal(begin.identity, 'root@pam!proxdeck');
		assert.deepEqual(begin.params, {snapname: 'before-test', description: 'from the test'});
		assert.equal(end.upid, outcome!.upid);
		assert.equal(end.result, 'OK');
		assert.equal(typeof end.durationMs, 'number');
		const secret = rig.sim.state.users.get('root@pam')!.tokens!.find((t) => t.tokenid === 'proxdeck')!.secret;
		const text = JSON.stringify(lines);
		assert.ok(!text.includes(secret), 'the audit log holds the token secret');
		assert.equal(statSync(rig.auditPath).mode & 0o777, 0o600);
		assert.equal(statSync(dirname(rig.auditPath)).mode & 0o777, 0o700);
		assert.equal(rig.store.getState().audit[0]?.result, 'OK');
	});

	it('a dangerous action is refused without a confirmed dialog: nothing is sent', async () => {
		const before = rig.writes().length;
		const [outcome] = await rig.services.dispatcher.dispatch({action: 'reboot', targets: [105], params: {}});
		assert.equal(outcome?.refused, true);
		assert.equal(rig.writes().length, before);
		assert.match(rig.store.getState().notice!.text, /reboot: refused: not confirmed/);
	});

	it('a confirmed reboot runs vzreboot to OK', async () => {
		const [outcome] = await rig.services.dispatcher.dispatch({action: 'reboot', targets: [105], params: {}}, {confirmed: true});
		assert.equal(outcome?.ok, true, outcome?.result);
		assert.ok(rig.writes().some((r) => r.path === '/nodes/pve/lxc/105/status/reboot'));
		assert.match(outcome!.upid!, /:vzreboot:105:root@pam!proxdeck:$/);
	});

	it('a lock conflict (a second action while the snapshot runs) is shown failed with CT is locked (snapshot)', async () => {
		// At 40× the snapshot lasts only 25–75 ms: the clock is held so that it is still
		// running (holding the lock) when the reboot arrives, however slow the machine.
		rig.hold();
		// Counted before: the store still lists this suite's earlier snapshot of prowlarr (before-test).
		const snapshotTasks = () => rig.store.getState().tasks.filter((t) => t.type === 'vzsnapshot' && t.id === '105').length;
		const earlier = snapshotTasks();
		let first: ReturnType<typeof rig.services.dispatcher.dispatch> | undefined;
		let pendingSecond: ReturnType<typeof rig.services.dispatcher.dispatch> | undefined;
		try {
			first = rig.services.dispatcher.dispatch({action: 'snapshot', targets: [105], params: {snapname: 'locking'}});
			await waitFor('the snapshot task', () => rig.store.getState().tasks.some((t) => t.state === 'running' && t.type === 'vzsnapshot'));
			// A second snapshot: its worker checks the config lock (a reboot would not: pve-container's
			// vm_reboot stops the CT and its prestart hook then refuses the start, see test/sim/fidelity.test.ts).
			pendingSecond = rig.services.dispatcher.dispatch({action: 'snapshot', targets: [105], params: {snapname: 'second'}});
			// The simulator decides the lock conflict when it accepts the second snapshot.
			await waitFor('the second snapshot task', () => snapshotTasks() >= earlier + 2);
		} finally {
			rig.release();
		}
		const [second] = await pendingSecond!;
		assert.equal(second?.ok, false);
		assert.match(second!.result, /CT is locked \(snapshot\)/);
		assert.match(rig.store.getState().notice!.text, /^✗ snapshot prowlarr \(105\) failed: .*CT is locked \(snapshot\)/);
		assert.equal((await first!)[0]?.ok, true);
	});

	it('rolling back to a non-latest ZFS snapshot fails with Proxmox\'s task error', async () => {
		const [outcome] = await rig.services.dispatcher.dispatch({action: 'rollback', targets: [105], params: {snapname: 'before-test'}}, {confirmed: true});
		assert.equal(outcome?.ok, false);
		assert.match(outcome!.result, /^can't rollback, 'before-test' is not most recent snapshot on 'local-zfs:subvol-105-disk-0'/);
		const task = rig.store.getState().tasks.find((t) => t.upid === outcome!.upid)!;
		assert.equal(task.state, 'failed');
		assert.match(rig.store.getState().notice!.text, /^✗ rollback prowlarr \(105\) 'before-test' failed: can't rollback/);
		const end = rig.auditLines().find((l) => l.phase === 'end' && l.upid === outcome!.upid)!;
		assert.match(String(end.result), /not most recent snapshot/);
	});

	it('rolls back to the newest snapshot with start after, and deletes a snapshot', async () => {
		const [rollback] = await rig.services.dispatcher.dispatch({action: 'rollback', targets: [105], params: {snapname: 'locking', start: 1}}, {confirmed: true});
		assert.equal(rollback?.ok, true, rollback?.result);
		assert.equal(rig.writes().find((r) => r.path.endsWith('/snapshot/locking/rollback'))?.body.start, '1');
		// `start 1` forks a vzstart after the rollback; it holds the config lock until it ends.
		for (let i = 0; i < 200 && rig.sim.state.tasks.some((t) => t.id === '105' && t.endtime === undefined); i++) {
			await rig.client.request('GET', '/version'); // a request lets the simulator advance its tasks
			await new Promise((resolve) => setTimeout(resolve, 10));
		}
		const [del] = await rig.services.dispatcher.dispatch({action: 'delsnapshot', targets: [105], params: {snapname: 'locking'}}, {confirmed: true});
		assert.equal(del?.ok, true, del?.result);
		const {snapshots} = await rig.services.dispatcher.loadSnapshots(105);
		assert.deepEqual(snapshots.map((s) => s.name).sort(), ['before-test', 'current']);
	});

	it('tasks started outside proxdeck show up from /cluster/tasks', async () => {
		const upid = await rig.client.request<string>('POST', '/nodes/pve/lxc/102/status/reboot');
		await rig.services.tracker.refreshClusterTasks();
		const seen = rig.store.getState().tasks.find((t) => t.upid === upid);
		assert.ok(seen, 'the outside task is listed');
		assert.equal(seen.ours, false);
		assert.equal(seen.type, 'vzreboot');
	});
});

describe('prune', () => {
	let rig: ActionRig;
	before(async () => {
		rig = await startRig();
	});
	after(() => rig.close());

	it('deletes only the snapshots older than 7 days, oldest first', async () => {
		const vault = guestByName(rig.store, 'vaultwarden');
		// Two days on: the seed's two oldest daily snapshots are now past 7 days.
		rig.skip(2 * 86_400_000);
		const all = (await rig.services.dispatcher.loadSnapshots(vault)).snapshots;
		const oldest = snapshotNames(rig, vault).slice(0, 2);
		const outcomes = await rig.services.dispatcher.dispatch({action: 'prune', targets: [vault], params: {days: 7, snapshots: {[vault]: oldest}}}, {confirmed: true});
		assert.deepEqual(outcomes.map((o) => o.ok), [true, true]);
		const deletes = rig.writes().filter((r) => r.method === 'DELETE').map((r) => r.path.split('/').at(-1));
		assert.deepEqual(deletes, oldest);
		const left = (await rig.services.dispatcher.loadSnapshots(vault)).snapshots.map((s) => s.name);
		assert.equal(left.length, all.length - 2);
	});

	it('the prune command lists what goes in its dialog (older than 7 days only)', async () => {
		const odoo = guestByName(rig.store, 'odoo');
		rig.store.getState().actions.markAll([odoo]);
		rig.services.commands.request('prune');
		await waitFor('the prune dialog', () => rig.store.getState().dialog?.kind === 'confirm');
		const dialog = rig.store.getState().dialog!;
		assert.equal(dialog.kind, 'confirm');
		if (dialog.kind !== 'confirm') return;
		assert.equal(dialog.title, 'prune 2 snapshots older than 7 days?');
		const oldest = snapshotNames(rig, odoo).slice(0, 2);
		assert.deepEqual(dialog.targets.map((t) => t.split(':')[1]!.trim().split(' ')[0]), oldest);
		assert.deepEqual(dialog.commands, oldest.map((name) => `pct delsnapshot ${odoo} ${name}`));
		assert.equal(dialog.focus, 'cancel');
		rig.services.commands.dialog.cancel();
		rig.store.getState().actions.clearMarks();
	});
});

describe('refusals', () => {
	it('read-only: every action is refused with the reason and the simulator receives no write', async () => {
		const rig = await startRig({readOnly: true});
		try {
			for (const action of ['snapshot', 'reboot', 'start', 'shutdown', 'stop', 'rollback', 'delsnapshot', 'prune'] as const) {
				const [outcome] = await rig.services.dispatcher.dispatch({action, targets: [100], params: {snapname: 'x'}}, {confirmed: true});
				assert.equal(outcome?.refused, true, action);
				assert.match(rig.store.getState().notice!.text, /read-only mode, nothing was sent/);
				assert.equal(rig.services.commands.disabledReason(action), 'read-only');
			}
			assert.deepEqual(rig.writes(), []);
			assert.deepEqual(rig.auditLines(), []);
		} finally {
			await rig.close();
		}
	});

	it('an auditor token: keys disabled with the privilege; a forced request gets the 403 naming it', async () => {
		const rig = await startRig({user: 'monitor@pve', tokenid: 'readonly'});
		try {
			rig.store.getState().actions.moveSelection(0);
			assert.equal(rig.services.commands.disabledReason('snapshot'), 'needs VM.Snapshot on /vms/100');
			assert.equal(rig.services.commands.disabledReason('reboot'), 'needs VM.PowerMgmt on /vms/100');
			assert.equal(rig.services.commands.disabledReason('rollback'), 'needs VM.Snapshot or VM.Snapshot.Rollback on /vms/100');
			rig.services.commands.request('snapshot');
			assert.equal(rig.store.getState().dialog, undefined);
			assert.equal(rig.store.getState().notice?.text, 'snapshot is disabled (needs VM.Snapshot on /vms/100)');
			// Privileges unknown (as before the first read): the host's 403 is shown with the privilege.
			rig.store.setState({permissions: undefined});
			const [outcome] = await rig.services.dispatcher.dispatch({action: 'snapshot', targets: [100], params: {snapname: 'nope'}});
			assert.equal(outcome?.ok, false);
			assert.match(rig.store.getState().notice!.text, /^✗ snapshot plex \(100\) failed: Permission check failed \(\/vms\/100, VM\.Snapshot\)$/);
		} finally {
			await rig.close();
		}
	});
});

describe('the cluster fixture', () => {
	it('CT 112\'s injected snapshot failure is shown as a failed task with the host\'s error', async () => {
		const rig = await startRig({fixtureName: 'cluster'});
		try {
			const [outcome] = await rig.services.dispatcher.dispatch({action: 'snapshot', targets: [112], params: {snapname: 'will-fail'}});
			assert.equal(outcome?.ok, false);
			assert.match(outcome!.result, /out of space/);
			const task = rig.store.getState().tasks.find((t) => t.upid === outcome!.upid)!;
			assert.equal(task.state, 'failed');
			assert.ok(task.logTail.some((l) => l.startsWith('TASK ERROR:')), task.logTail.join('|'));
		} finally {
			await rig.close();
		}
	});
});
