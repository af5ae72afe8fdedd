// The 28-container homelab, one injected failure: the plan says who is
// skipped and why, the failed container is rolled back with its versions
// restored, the rest are upgraded, the concurrency limit holds and the halt
// policy stops new starts after the failure.

import assert from 'node:assert/strict';
import {existsSync, readFileSync} from 'node:fs';
import {test} from 'node:test';
import {guestPackages, installedVersions, resetUpgradeStats, setPackageFailure, setUpgradeSeconds} from '../../source/sim/ssh/package-state.js';
import {startUpgradeRun} from '../../source/services/upgrade/engine.js';
import {readJournal} from '../../source/services/upgrade/journal.js';
import {byVmid, startUpgradeRig} from './helpers.js';

const BIND_MOUNTED = [101, 102, 103, 104, 106];

test('homelab: plan, skip the unsnapshottable, roll back the failure, never exceed the limit', async () => {
	const rig = await startUpgradeRig();
	try {
		const all = [...rig.store.getState().guests.keys()].sort((a, b) => a - b);
		assert.equal(all.length, 28);
		setPackageFailure(rig.sim.state, 404, 'dpkg-error');
		const before404 = installedVersions(rig.sim.state, 404);
		const plan = await rig.plan(all, {maxFailures: 99, concurrency: 2});

		for (const vmid of BIND_MOUNTED) {
			const entry = byVmid(plan.entries, vmid);
			assert.equal(entry.action, 'skip');
			assert.equal(entry.snapshot.possible, false);
			assert.match(entry.skipReason!, /no snapshot possible \(snapshot feature is not available: mp0 is a bind mount \(\/tank\/data\)\)/);
		}
		assert.match(byVmid(plan.entries, 402).skipReason!, /^stopped \(choose start-upgrade-stop/);
		assert.equal(byVmid(plan.entries, 108).skipReason, 'up to date');
		assert.equal(byVmid(plan.entries, 403).skipReason, 'up to date');
		const plex = byVmid(plan.entries, 100);
		assert.deepEqual([plex.manager, plex.pending, plex.reboot, plex.snapshot.possible], ['apt', 5, true, true]);
		const alpine = byVmid(plan.entries, 203);
		assert.deepEqual([alpine.manager, alpine.pending, alpine.action], ['apk', 4, 'upgrade']);
		const toUpgrade = plan.entries.filter((e) => e.action === 'upgrade').map((e) => e.vmid);
		assert.ok(toUpgrade.length >= 15, `only ${toUpgrade.length} to upgrade`);

		resetUpgradeStats(rig.sim.state);
		const run = startUpgradeRun(rig.deps, plan);
		const summary = await run.done;
		const stats = rig.sim.state.upgradeStats;

		assert.ok(stats.peak <= 2, `peak ${stats.peak}`);
		assert.equal(stats.peak, 2, 'the run should use both slots');
		const row404 = byVmid(summary.containers, 404);
		assert.equal(row404.outcome, 'rolled-back');
		assert.match(row404.reason!, /apt upgrade exited 100/);
		assert.deepEqual(installedVersions(rig.sim.state, 404), before404, 'versions restored by the rollback');
		for (const vmid of toUpgrade.filter((v) => v !== 404)) assert.equal(byVmid(summary.containers, vmid).outcome, 'upgraded', `CT ${vmid}`);
		assert.equal(installedVersions(rig.sim.state, 300).openssl, '3.5.1-1+deb13u1');
		assert.equal(byVmid(summary.containers, 300).reboot, true);
		assert.equal(summary.counts['rolled-back'], 1);
		assert.equal(summary.counts.upgraded, toUpgrade.length - 1);
		assert.equal(summary.counts.skipped, 28 - toUpgrade.length);
		// Every upgraded container was snapshotted first, through the API.
		const snaps = rig.writes().filter((r) => r.method === 'POST' && r.path.endsWith('/snapshot')).length;
		assert.equal(snaps, toUpgrade.length);
		// The upgrade commands are audited like any action.
		const audited = rig.auditLines().filter((l) => l.action === 'upgrade' && l.phase === 'begin').length;
		assert.equal(audited, toUpgrade.length);
		const files = run.status().summaryFiles!;
		assert.ok(existsSync(files.json) && existsSync(files.markdown));
		assert.match(readFileSync(files.markdown, 'utf8'), /\| 404 \| postgresql \| rolled-back \|/);
		assert.equal(readJournal(run.journalPath).ended, true);
	} finally {
		await rig.close();
	}
});

test('halt policy: with K=1, after the first failure no new container starts; in-flight ones finish', async () => {
	const rig = await startUpgradeRig();
	try {
		const targets = [200, 204, 205, 207, 300, 302, 303, 404, 405];
		setPackageFailure(rig.sim.state, 300, 'dpkg-error');
		// 300 (default timing) fails a fraction of a second into its upgrade; the container
		// in the other slot takes ~2 s (800 simulated seconds at 400×), so it is still the one
		// in flight when the halt comes, however load shifts the two.
		setUpgradeSeconds(rig.sim.state, 800);
		delete guestPackages(rig.sim.state, rig.sim.state.guests.get(300)!)!.upgradeSeconds;
		const plan = await rig.plan(targets, {maxFailures: 1, concurrency: 2});
		resetUpgradeStats(rig.sim.state);
		const run = startUpgradeRun(rig.deps, {...plan, entries: [...plan.entries].sort((a, b) => (a.vmid === 300 ? -1 : b.vmid === 300 ? 1 : 0))});
		const summary = await run.done;
		const row = byVmid(summary.containers, 300);
		assert.equal(row.outcome, 'rolled-back');
		// From the journal: after the halt line, no container takes its first step.
		const events = readFileSync(run.journalPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as {t: string; vmid?: number});
		const haltAt = events.findIndex((e) => e.t === 'halt');
		assert.ok(haltAt > 0);
		const begunBefore = new Set(events.slice(0, haltAt).filter((e) => e.t === 'step').map((e) => e.vmid));
		const newAfter = events.slice(haltAt).filter((e) => e.t === 'step' && !begunBefore.has(e.vmid));
		assert.deepEqual(newAfter, []);
		// The one in flight beside it finished its upgrade.
		assert.ok(begunBefore.size <= 2);
		for (const vmid of begunBefore) if (vmid !== 300) assert.equal(byVmid(summary.containers, vmid!).outcome, 'upgraded');
		const planned = plan.entries.filter((e) => e.action === 'upgrade').length;
		assert.ok(planned >= 6, `only ${planned} planned`);
		assert.equal(summary.counts['not-started'], planned - begunBefore.size, JSON.stringify(summary.counts));
		assert.match(summary.halted!, /1 failure \(limit 1\)/);
		for (const c of summary.containers.filter((c) => c.outcome === 'not-started')) assert.match(c.reason!, /no new container starts/);
	} finally {
		await rig.close();
	}
});
