// Bulk upgrade of the 28-container homelab in the simulator, every container's
// upgrade fixed at the same simulated duration: proxdeck at concurrency 1, 2
// and 4 against the one-at-a-time baseline of today's scripts (update-lxcs.sh:
// `pct exec <ct> -- sh -c 'apt-get update && apt-get -y dist-upgrade'`, no
// snapshot, no checks), as ratios; and what proxdeck adds per container
// (snapshot task + health and reboot checks), in simulated seconds.
//
// Time: the simulator's tasks and package output both run SPEED× faster than
// real time and proxdeck polls its tasks every 10 ms real (= 1 s simulated at
// SPEED 100, like a real console polling once a second), so simulated seconds
// are real ms × SPEED / 1000. The plan (index refresh + count) is measured
// apart: the baseline has none.
//
//   node --import tsx bench/upgrade.ts [upgradeSeconds=60] [speed=100]

import {resetUpgradeStats, setUpgradeSeconds} from '../source/sim/ssh/package-state.js';
import {startUpgradeRun} from '../source/services/upgrade/engine.js';
import {MANAGERS, managerForOstype} from '../source/services/upgrade/managers.js';
import {execIn} from '../source/services/upgrade/exec.js';
import {startUpgradeRig, type UpgradeRig} from '../test/upgrade/helpers.js';

const UPGRADE_SECONDS = Number(process.argv[2] ?? 60);
const SPEED = Number(process.argv[3] ?? 100);

async function rig(): Promise<UpgradeRig> {
	const r = await startUpgradeRig({packageSpeed: SPEED});
	r.sim.state.taskSpeed = SPEED;
	setUpgradeSeconds(r.sim.state, UPGRADE_SECONDS);
	return r;
}

const simSeconds = (realMs: number) => (realMs * SPEED) / 1000;
const running = (r: UpgradeRig) => [...r.store.getState().guests.values()].filter((g) => g.kind === 'lxc' && g.status === 'running').map((g) => g.vmid).sort((a, b) => a - b);

/** update-lxcs.sh: each running container in turn, refresh then upgrade, nothing else. */
async function baseline(): Promise<{sim: number; containers: number}> {
	const r = await rig();
	try {
		const vmids = running(r);
		const started = performance.now();
		for (const vmid of vmids) {
			const ostype = r.sim.state.guests.get(vmid)!.config.ostype as string;
			const spec = MANAGERS[managerForOstype(ostype)!];
			await execIn(r.deps.runner, {vmid}, `${spec.refresh} && ${spec.upgrade}`, 600_000);
		}
		return {sim: simSeconds(performance.now() - started), containers: vmids.length};
	} finally {
		await r.close();
	}
}

async function proxdeck(concurrency: number): Promise<{plan: number; run: number; containers: number; peak: number; upgraded: number}> {
	const r = await rig();
	try {
		const vmids = running(r);
		const planned = performance.now();
		// The same containers as the baseline: the bind-mounted ones are upgraded without a snapshot.
		const plan = await r.plan(vmids, {concurrency, allowNoSnapshot: true, maxFailures: 99, phaseTimeoutMs: 600_000});
		const planMs = performance.now() - planned;
		// Up-to-date containers are skipped by the plan; the baseline still visits them (cheap: nothing to do).
		resetUpgradeStats(r.sim.state);
		const started = performance.now();
		const summary = await startUpgradeRun(r.deps, plan).done;
		return {plan: simSeconds(planMs), run: simSeconds(performance.now() - started), containers: vmids.length, peak: r.sim.state.upgradeStats.peak, upgraded: summary.counts.upgraded};
	} finally {
		await r.close();
	}
}

const base = await baseline();
console.log(`homelab, ${base.containers} running containers, every upgrade fixed at ${UPGRADE_SECONDS} simulated s (speed ${SPEED}×)`);
console.log(`baseline one at a time, no snapshot: ${base.sim.toFixed(0)} s simulated`);
const results: Array<{concurrency: number; r: Awaited<ReturnType<typeof proxdeck>>}> = [];
for (const concurrency of [1, 2, 4]) {
	const r = await proxdeck(concurrency);
	results.push({concurrency, r});
	console.log(
		`proxdeck concurrency ${concurrency}: run ${r.run.toFixed(0)} s (+ plan ${r.plan.toFixed(0)} s), ${r.upgraded} upgraded, peak ${r.peak} at once — ` +
			`run/baseline ${(r.run / base.sim).toFixed(2)}, (plan+run)/baseline ${((r.plan + r.run) / base.sim).toFixed(2)}`,
	);
}
const one = results[0]!.r;
// At concurrency 1 the difference to the baseline is what proxdeck adds per upgraded container.
const perContainer = (one.run - (base.sim * one.upgraded) / base.containers) / Math.max(1, one.upgraded);
console.log(`overhead per upgraded container at concurrency 1 (snapshot task + status, reboot checks): ${perContainer.toFixed(1)} s simulated`);
process.exit(0);
