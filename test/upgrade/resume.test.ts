// A run interrupted mid-way (the process dies: streams closed, no more journal
// lines) and resumed by a new engine over the same journal: the containers
// that finished are not run again, the one caught mid-upgrade is rolled back to
// its snapshot, the untouched ones are upgraded — nothing is upgraded twice.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {installedVersions, resetUpgradeStats} from '../../source/sim/ssh/package-state.js';
import {exitCodeFor} from '../../source/cli/upgrade-command.js';
import {summaryLines} from '../../source/services/upgrade/plan-text.js';
import {resumeUpgradeRun, startUpgradeRun} from '../../source/services/upgrade/engine.js';
import {readJournal, unfinishedRuns} from '../../source/services/upgrade/journal.js';
import {waitFor} from '../actions/helpers.js';
import {byVmid, startUpgradeRig} from './helpers.js';

test('an interrupted run is found at the next start and resumed with nothing repeated', async () => {
	const rig = await startUpgradeRig({packageSpeed: 25});
	try {
		const targets = [200, 204, 205, 207, 300, 302, 303, 405];
		const plan = await rig.plan(targets, {concurrency: 2, maxFailures: 5});
		resetUpgradeStats(rig.sim.state);
		const first = startUpgradeRun(rig.deps, plan);
		const doneCount = () => first.rows().filter((r) => r.outcome === 'upgraded').length;
		await waitFor('two done and one mid-upgrade', () => doneCount() >= 2 && first.rows().some((r) => r.phase === 'upgrade'), 60_000);
		const finishedBefore = first.rows().filter((r) => r.outcome === 'upgraded').map((r) => r.vmid);
		const midUpgrade = first.rows().filter((r) => r.phase === 'upgrade').map((r) => r.vmid);
		first.abandon(); // the process dies here
		await assert.rejects(first.done, /abandoned/);

		// The next start finds the run…
		const open = unfinishedRuns(rig.runsDir, rig.client.target);
		assert.deepEqual(open.map((r) => r.id), [first.id]);
		const replay = readJournal(first.journalPath);
		assert.deepEqual([...replay.done.keys()].sort(), [...finishedBefore].sort());

		// …and resumes it.
		const second = resumeUpgradeRun(rig.deps, replay);
		assert.equal(second.id, first.id);
		const summary = await second.done;
		assert.equal(summary.resumed, true);
		for (const vmid of finishedBefore) assert.equal(byVmid(summary.containers, vmid).outcome, 'upgraded');
		for (const vmid of midUpgrade) {
			const row = byVmid(summary.containers, vmid);
			assert.equal(row.outcome, 'interrupted', `CT ${vmid}`);
			assert.match(row.reason!, /interrupted during upgrade \(previous session\); rolled back to pre-upgrade-/);
		}
		const untouched = targets.filter((v) => !finishedBefore.includes(v) && !midUpgrade.includes(v));
		for (const vmid of untouched) assert.equal(byVmid(summary.containers, vmid).outcome, 'upgraded', `CT ${vmid}`);

		// Nothing ran twice: one upgrade command per container, and the interrupted one was killed, not re-run.
		const log = rig.sim.state.upgradeStats.log;
		for (const vmid of targets) assert.equal(log.filter((l) => l.vmid === vmid).length, 1, `CT ${vmid}: ${JSON.stringify(log.filter((l) => l.vmid === vmid))}`);
		for (const vmid of midUpgrade) assert.equal(log.find((l) => l.vmid === vmid)!.outcome, 'killed');
		assert.deepEqual(unfinishedRuns(rig.runsDir, rig.client.target), []);
	} finally {
		await rig.close();
	}
});

test('an interruption is not a failure: with --max-failures 1 the caught container is rolled back and the rest still run', async () => {
	const rig = await startUpgradeRig({packageSpeed: 25});
	try {
		const targets = [200, 204, 205, 300, 302, 303];
		// The defaults of `proxdeck upgrade`: one failure halts the run.
		const plan = await rig.plan(targets, {concurrency: 1, maxFailures: 1});
		const before = installedVersions(rig.sim.state, targets[0]!);
		resetUpgradeStats(rig.sim.state);
		const first = startUpgradeRun(rig.deps, plan);
		await waitFor('the first container mid-upgrade', () => first.rows().some((r) => r.phase === 'upgrade'), 60_000);
		const caught = first.rows().find((r) => r.phase === 'upgrade')!.vmid;
		first.abandon(); // kill -9
		await assert.rejects(first.done, /abandoned/);

		const summary = await resumeUpgradeRun(rig.deps, readJournal(first.journalPath)).done;
		const row = byVmid(summary.containers, caught);
		assert.equal(row.outcome, 'interrupted');
		assert.deepEqual(installedVersions(rig.sim.state, caught), before, 'the caught container is back on its snapshot');
		assert.equal(rig.sim.state.guests.get(caught)!.status, 'running');
		assert.equal(summary.halted, undefined, 'no failure was counted');
		assert.deepEqual(
			summary.containers.filter((c) => c.vmid !== caught).map((c) => [c.vmid, c.outcome]),
			targets.filter((v) => v !== caught).map((v) => [v, 'upgraded']),
		);
		assert.deepEqual([summary.counts.interrupted, summary.counts.failed, summary.counts['rolled-back'], summary.counts['not-started']], [1, 0, 0, 0]);
		assert.match(summaryLines(summary).at(-1)!, /interrupted 1/);
		assert.equal(exitCodeFor(summary), 1, 'the caught container was not upgraded');
	} finally {
		await rig.close();
	}
});
