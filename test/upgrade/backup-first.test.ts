// Backup-first (issue 14): containers that cannot be snapshotted (the
// homelab's bind-mounted *arr stack) take a vzdump backup first and, when the
// upgrade fails, are restored from it — stopped, restored over, started
// again, with the package versions of before. Against the simulator, through
// the dispatcher (audited, tracked).

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {installedVersions, setPackageFailure} from '../../source/sim/ssh/package-state.js';
import {startUpgradeRun} from '../../source/services/upgrade/engine.js';
import {readJournal} from '../../source/services/upgrade/journal.js';
import {byVmid, startUpgradeRig} from './helpers.js';

test('backup first: sonarr fails its upgrade and is restored from its pre-upgrade backup; radarr is upgraded with a backup as its way back', async () => {
	const rig = await startUpgradeRig();
	try {
		const [sonarr, radarr] = [101, 102];
		setPackageFailure(rig.sim.state, sonarr, 'dpkg-error');
		const before = installedVersions(rig.sim.state, sonarr);
		const without = await rig.plan([sonarr, radarr], {maxFailures: 99});
		assert.match(byVmid(without.entries, sonarr).skipReason!, /no snapshot possible .*bind mount.*"backup first"/);

		const plan = await rig.plan([sonarr, radarr], {maxFailures: 99, backupFirst: 'backups'});
		for (const vmid of [sonarr, radarr]) {
			const entry = byVmid(plan.entries, vmid);
			assert.deepEqual([entry.action, entry.snapshot.possible, entry.backupFirst], ['upgrade', false, true]);
		}
		const run = startUpgradeRun(rig.deps, plan);
		const summary = await run.done;

		const failed = byVmid(summary.containers, sonarr);
		assert.equal(failed.outcome, 'rolled-back');
		assert.match(failed.reason!, new RegExp(`apt upgrade exited 100 .*; restored from backup backups:backup/vzdump-lxc-${sonarr}-\\S+\\.tar\\.zst`));
		assert.deepEqual(installedVersions(rig.sim.state, sonarr), before, 'the versions of before, from the backup');
		assert.equal(rig.sim.state.guests.get(sonarr)!.status, 'running', 'started again after the restore');
		assert.equal(byVmid(summary.containers, radarr).outcome, 'upgraded');
		assert.match(byVmid(summary.containers, radarr).backup!, new RegExp(`^backups:backup/vzdump-lxc-${radarr}-`));

		const writes = rig.writes().map((w) => `${w.method} ${w.path}${w.body.vmid ? ` ${w.body.vmid}` : ''}`);
		assert.ok(writes.includes(`POST /nodes/pve/vzdump ${sonarr}`) && writes.includes(`POST /nodes/pve/vzdump ${radarr}`), writes.join('\n'));
		assert.ok(!writes.some((w) => w.endsWith('/snapshot')), 'no snapshot was attempted');
		const order = [`POST /nodes/pve/lxc/${sonarr}/status/stop`, `POST /nodes/pve/lxc ${sonarr}`, `POST /nodes/pve/lxc/${sonarr}/status/start`].map((w) => writes.indexOf(w));
		assert.ok(order.every((i) => i >= 0) && order[0]! < order[1]! && order[1]! < order[2]!, writes.join('\n'));
		const restore = rig.writes().find((w) => w.path === '/nodes/pve/lxc')!;
		assert.equal(restore.body.ostemplate, failed.reason!.match(/restored from backup (\S+)/)![1]);
		assert.equal(restore.body.force, '1');
		// Audited and tracked like every action.
		for (const action of ['backup', 'restore']) assert.ok(rig.auditLines().some((l) => l.phase === 'begin' && l.action === action), action);
		const tasks = rig.store.getState().tasks;
		const dump = tasks.find((t) => t.type === 'vzdump' && t.ours && t.label?.includes(String(sonarr)))!;
		const vzrestore = tasks.find((t) => t.type === 'vzrestore')!;
		// On the simulator's task clock (simulated seconds).
		const simulated = (t: {upid: string}) => rig.sim.state.tasks.find((x) => x.upid === t.upid)!.durationSec;
		console.log(`# measured: backup-first vzdump of sonarr ${simulated(dump)} simulated s, its restore ${simulated(vzrestore)} simulated s`);
		// The journal names the archive, so a resumed run restores from it.
		const replay = readJournal(run.journalPath);
		assert.equal(replay.backupTaken.get(sonarr), restore.body.ostemplate);
		assert.equal(summary.options.backupFirst, 'backups');
	} finally {
		await rig.close();
	}
});
