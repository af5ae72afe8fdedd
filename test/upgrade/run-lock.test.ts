// The run lock's rules, and who may resume: a lock is broken only when its
// process is provably gone from this machine; another machine's lock is kept
// and says where it is held; a console never offers a held run; and a resume
// refuses while the host shows someone else at work on the run's containers
// (a config lock, a running task) — what a proxdeck on another machine leaves.

import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdtempSync, utimesSync, writeFileSync} from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {blockedLine, resumeBlockers} from '../../source/services/upgrade/busy-guests.js';
import {createUpgradeController} from '../../source/services/upgrade/controller.js';
import {startUpgradeRun} from '../../source/services/upgrade/engine.js';
import {openJournal, readJournal, unfinishedRuns} from '../../source/services/upgrade/journal.js';
import {acquireRunLock, lockPathOf, RunBusy, runHolder} from '../../source/services/upgrade/run-lock.js';
import type {UpgradePlan} from '../../source/services/upgrade/types.js';
import {setLock} from '../../source/sim/state.js';
import {startTask} from '../../source/sim/tasks.js';
import {waitFor} from '../actions/helpers.js';
import {startUpgradeRig} from './helpers.js';

/** A pid that existed and is gone now. */
function deadPid(): number {
	return spawnSync(process.execPath, ['-e', '']).pid!;
}

const dir = () => mkdtempSync(join(tmpdir(), 'proxdeck-lock-'));

test('a lock is taken once; a dead pid on this machine is stale; another machine or a fresh empty file is held', () => {
	const d = dir();
	const lock = acquireRunLock(d, 'up-1');
	assert.throws(() => acquireRunLock(d, 'up-1'), (e: unknown) => e instanceof RunBusy && new RegExp(`^upgrade run up-1 is running in another proxdeck \\(pid ${process.pid} since \\d\\d:\\d\\d\\)$`).test(e.message));
	lock.release();
	acquireRunLock(d, 'up-1').release();

	writeFileSync(lockPathOf(d, 'up-2'), JSON.stringify({pid: deadPid(), hostname: hostname(), startedAt: Date.now()}));
	assert.equal(runHolder(d, 'up-2'), undefined, 'its process is gone: stale');
	acquireRunLock(d, 'up-2').release();

	writeFileSync(lockPathOf(d, 'up-3'), JSON.stringify({pid: deadPid(), hostname: 'other-box', startedAt: Date.now()}));
	assert.equal(runHolder(d, 'up-3')?.hostname, 'other-box', 'a pid on another machine cannot be checked: held');
	assert.throws(() => acquireRunLock(d, 'up-3'), /running in another proxdeck \(pid \d+ on other-box since \d\d:\d\d\); if that one is gone, remove .*up-3\.lock$/);

	writeFileSync(lockPathOf(d, 'up-4'), JSON.stringify({pid: process.pid, hostname: hostname(), startedAt: Date.now(), bootId: 'an-earlier-boot'}));
	assert.equal(runHolder(d, 'up-4'), undefined, 'a pid from an earlier boot is not this process');

	writeFileSync(lockPathOf(d, 'up-5'), '');
	assert.ok(runHolder(d, 'up-5'), 'an empty lock just created: its process is writing it');
	utimesSync(lockPathOf(d, 'up-5'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
	assert.equal(runHolder(d, 'up-5'), undefined, 'an empty lock left by a crash long ago: stale');
});

test('a console never offers a run another proxdeck holds, and says so', async () => {
	const rig = await startUpgradeRig({packageSpeed: 1});
	try {
		const run = startUpgradeRun({...rig.deps, host: rig.client.target}, await rig.plan([300], {phaseTimeoutMs: 300_000}));
		await waitFor('the run to begin', () => run.rows().some((r) => r.phase !== 'queued' && r.phase !== 'done'), 30_000);
		const [held] = unfinishedRuns(rig.runsDir, rig.client.target);
		assert.equal(held?.heldBy?.pid, process.pid);
		const controller = createUpgradeController({...rig.deps, store: rig.store});
		const view = controller.view();
		assert.deepEqual(view.stage === 'idle' ? view.interrupted : undefined, [], 'not offered for resuming');
		assert.match(rig.store.getState().notice?.text ?? '', new RegExp(`^upgrade run ${run.id} is running in another proxdeck \\(pid ${process.pid} since \\d\\d:\\d\\d\\)$`));
		controller.resume();
		assert.match(rig.store.getState().notice?.text ?? '', /is running in another proxdeck/);
		assert.equal(controller.view().stage, 'idle');
		run.abandon();
		await assert.rejects(run.done);
		assert.equal(unfinishedRuns(rig.runsDir, rig.client.target)[0]?.heldBy, undefined, 'abandoned: resumable');
		controller.stop();
	} finally {
		await rig.close();
	}
});

test('a resume is refused while a container of the run is locked or has a running task on the host', async () => {
	const rig = await startUpgradeRig();
	try {
		const plan: UpgradePlan = await rig.plan([300, 301, 302]);
		const journal = openJournal(rig.runsDir, 'up-20261123-100000-aaaa');
		journal.append({t: 'run', id: 'up-20261123-100000-aaaa', host: rig.client.target, at: Date.now(), plan});
		journal.append({t: 'done', vmid: 302, outcome: 'upgraded', at: Date.now(), packages: 3});
		const replay = readJournal(journal.path);
		assert.deepEqual(await resumeBlockers(rig.client, replay), []);

		setLock(rig.sim.state.guests.get(300)!, 'snapshot');
		startTask(rig.sim.state, {node: 'pve', type: 'vzdump', id: '301', user: 'root@pam', durationSec: 3600, steps: ['INFO: starting new backup job'], outcome: 'OK'});
		// A finished CT's lock is not the run's business.
		setLock(rig.sim.state.guests.get(302)!, 'backup');
		const reasons = await resumeBlockers(rig.client, replay);
		assert.deepEqual(reasons.map((r) => r.replace(/\d\d:\d\d$/, 'HH:MM')), ['CT 300 is locked (snapshot)', 'CT 301 has a running task vzdump by root@pam since HH:MM']);
		assert.match(blockedLine(replay.id, reasons), /^not resuming upgrade run up-20261123-100000-aaaa: CT 300 is locked \(snapshot\); CT 301 has a running task vzdump .* — someone else may be working on them; resume when that has ended$/);

		// The console's resume says the same and starts nothing.
		const controller = createUpgradeController({...rig.deps, store: rig.store});
		controller.resume();
		await waitFor('the refusal', () => /not resuming upgrade run/.test(rig.store.getState().notice?.text ?? ''));
		assert.equal(controller.view().stage, 'idle');
		assert.deepEqual(rig.writes(), []);
		controller.stop();
	} finally {
		await rig.close();
	}
});
