// The other package managers and failure kinds: Alpine/apk and Fedora/EL dnf
// upgrades end to end; a hang is killed at the phase limit and rolled back; a
// dropped channel and a broken service (per-tag health command) roll back
// too; --no-rollback keeps the container for inspection; read-only refuses.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {installedVersions, setPackageFailure} from '../../source/sim/ssh/package-state.js';
import {startUpgradeRun, UpgradeRefused} from '../../source/services/upgrade/engine.js';
import {byVmid, startUpgradeRig} from './helpers.js';

test('Alpine/apk, Fedora/EL dnf, Arch pacman and openSUSE zypper containers are planned and upgraded with their own manager', async () => {
	const fixture = loadFixture(BUILTIN_FIXTURES.homelab);
	for (const [vmid, ostype] of [[204, 'fedora'], [303, 'centos'], [205, 'archlinux'], [302, 'opensuse']] as const) {
		const guest = fixture.guests.find((g) => g.vmid === vmid)!;
		guest.config.ostype = ostype;
		delete guest.packages;
	}
	const rig = await startUpgradeRig({fixture});
	try {
		const plan = await rig.plan([203, 204, 205, 302, 303]);
		assert.deepEqual(plan.entries.map((e) => [e.vmid, e.manager, e.action]), [[203, 'apk', 'upgrade'], [204, 'dnf', 'upgrade'], [205, 'pacman', 'upgrade'], [302, 'zypper', 'upgrade'], [303, 'dnf', 'upgrade']]);
		assert.deepEqual(byVmid(plan.entries, 203).packages, ['alertmanager', 'libcrypto3', 'libssl3', 'musl']);
		assert.ok(byVmid(plan.entries, 204).packages.includes('systemd'));
		assert.equal(byVmid(plan.entries, 204).reboot, true);
		const run = startUpgradeRun(rig.deps, plan);
		const summary = await run.done;
		assert.deepEqual(summary.containers.map((c) => c.outcome), ['upgraded', 'upgraded', 'upgraded', 'upgraded', 'upgraded']);
		assert.equal(installedVersions(rig.sim.state, 203).alertmanager, '0.28.1-r6');
		// dnf's needs-restarting said a reboot is needed (systemd, openssl-libs).
		assert.equal(byVmid(summary.containers, 204).reboot, true);
		const log = rig.sim.state.upgradeStats.log;
		assert.deepEqual(log.map((l) => [l.vmid, l.manager, l.outcome]).sort(), [[203, 'apk', 'ok'], [204, 'dnf', 'ok'], [205, 'pacman', 'ok'], [302, 'zypper', 'ok'], [303, 'dnf', 'ok']]);
		// The streamed output reached the pane's buffer.
		const ring = run.output(203)!;
		const texts = Array.from({length: ring.length}, (_, i) => ring.at(i)!.text);
		assert.ok(texts.includes('(1/4) Upgrading alertmanager (0.28.1-r5 -> 0.28.1-r6)'), texts.join('\n'));
	} finally {
		await rig.close();
	}
});

test('a hang is stopped at the phase limit and rolled back; a dropped channel and a dead service too', async () => {
	const rig = await startUpgradeRig();
	try {
		setPackageFailure(rig.sim.state, 302, 'hang');
		setPackageFailure(rig.sim.state, 404, 'drop-channel');
		setPackageFailure(rig.sim.state, 300, 'break-service');
		const before = {302: installedVersions(rig.sim.state, 302), 404: installedVersions(rig.sim.state, 404), 300: installedVersions(rig.sim.state, 300)};
		// The phase limit applies to every phase of every container (and to the wait for a
		// rolled-back container to run again): 3 s leaves the others room on a loaded machine.
		const plan = await rig.plan([300, 302, 404, 405], {maxFailures: 10, concurrency: 4, phaseTimeoutMs: 3000, health: {vpn: ['systemctl is-active wg-quick@wg0']}});
		const summary = await startUpgradeRun(rig.deps, plan).done;
		assert.match(byVmid(summary.containers, 302).reason!, /^apt upgrade hung: stopped after 3 s$/);
		assert.match(byVmid(summary.containers, 404).reason!, /^apt upgrade: the SSH channel dropped/);
		assert.match(byVmid(summary.containers, 300).reason!, /^health check failed: systemctl is-active wg-quick@wg0 exited 3$/);
		for (const vmid of [300, 302, 404] as const) {
			assert.equal(byVmid(summary.containers, vmid).outcome, 'rolled-back', `CT ${vmid}`);
			assert.deepEqual(installedVersions(rig.sim.state, vmid), before[vmid], `CT ${vmid} versions`);
			assert.equal(rig.sim.state.guests.get(vmid)!.status, 'running');
		}
		assert.equal(byVmid(summary.containers, 405).outcome, 'upgraded');
		const outcomes = new Map(rig.sim.state.upgradeStats.log.map((l) => [l.vmid, l.outcome]));
		assert.deepEqual([outcomes.get(302), outcomes.get(404)], ['killed', 'dropped']);
	} finally {
		await rig.close();
	}
});

test('--no-rollback keeps a failed container as it is, with its snapshot named', async () => {
	const rig = await startUpgradeRig();
	try {
		setPackageFailure(rig.sim.state, 404, 'dpkg-error');
		const before = installedVersions(rig.sim.state, 404);
		const plan = await rig.plan([404], {rollback: false});
		const summary = await startUpgradeRun(rig.deps, plan).done;
		const row = byVmid(summary.containers, 404);
		assert.equal(row.outcome, 'failed');
		assert.match(row.reason!, /kept for inspection \(--no-rollback\), snapshot pre-upgrade-\d{8}-\d{6}$/);
		assert.notDeepEqual(installedVersions(rig.sim.state, 404), before);
		assert.equal(rig.writes().filter((r) => r.path.includes('/rollback')).length, 0);
	} finally {
		await rig.close();
	}
});

test('read-only mode refuses the whole run and sends nothing', async () => {
	const rig = await startUpgradeRig({readOnly: true});
	try {
		const plan = await rig.plan([300, 405]);
		assert.equal(plan.entries.filter((e) => e.action === 'upgrade').length, 2);
		assert.throws(() => startUpgradeRun(rig.deps, plan), (e: unknown) => e instanceof UpgradeRefused && /read-only mode, nothing was sent/.test(e.message));
		assert.deepEqual(rig.writes(), []);
		assert.equal(rig.sim.state.upgradeStats.started, 0);
	} finally {
		await rig.close();
	}
});
