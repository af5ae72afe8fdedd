// The plan and the summary as plain text lines (headless output), one
// container a line, with the counts the confirm step states.

import {sanitize} from '../../util/sanitize.js';
import {OUTCOMES} from './summary.js';
import type {PlanEntry, RunSummary, UpgradePlan} from './types.js';

export function planCounts(plan: UpgradePlan): {upgrade: number; skip: number; packages: number; withoutSnapshot: number; backupFirst: number; startStop: number; reboot: number} {
	const up = plan.entries.filter((e) => e.action === 'upgrade');
	return {
		upgrade: up.length,
		skip: plan.entries.length - up.length,
		packages: up.reduce((s, e) => s + (e.pending ?? 0), 0),
		withoutSnapshot: up.filter((e) => !e.snapshot.possible && !e.backupFirst).length,
		backupFirst: up.filter((e) => e.backupFirst).length,
		startStop: up.filter((e) => e.startStop).length,
		reboot: up.filter((e) => e.reboot).length,
	};
}

/** "upgrade 18 containers (61 packages), skip 10; 3 will need a reboot". */
export function planHeadline(plan: UpgradePlan): string {
	const c = planCounts(plan);
	const extras = [
		c.reboot > 0 ? `${c.reboot} will need a reboot` : '',
		c.withoutSnapshot > 0 ? `${c.withoutSnapshot} WITHOUT a snapshot` : '',
		c.backupFirst > 0 ? `${c.backupFirst} backed up first to ${plan.options.backupFirst ?? '?'}` : '',
		c.startStop > 0 ? `${c.startStop} started and stopped again` : '',
	].filter(Boolean);
	return `upgrade ${c.upgrade} container${c.upgrade === 1 ? '' : 's'} (${c.packages} package${c.packages === 1 ? '' : 's'}), skip ${c.skip}${extras.length > 0 ? `; ${extras.join(', ')}` : ''}`;
}

const pad = (text: string, width: number) => (text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length));

/** SNAP column: yes, no, or B (a backup first instead). */
export function snapshotCell(e: PlanEntry): string {
	return e.snapshot.possible ? 'yes' : e.backupFirst ? 'B' : 'no';
}

export function actionCell(e: PlanEntry): string {
	if (e.action === 'skip') return `skip: ${e.skipReason ?? ''}`;
	if (!e.snapshot.possible && e.backupFirst) return `back up first, upgrade, restore the backup if it fails (${e.snapshot.reason ?? 'no snapshot'})`;
	if (!e.snapshot.possible) return `upgrade WITHOUT snapshot (${e.snapshot.reason ?? ''})`;
	return e.startStop ? 'start, upgrade, stop' : 'upgrade';
}

export function planLines(plan: UpgradePlan): string[] {
	const head = `${pad('CT', 6)}${pad('NAME', 16)}${pad('MANAGER', 8)}${pad('PENDING', 8)}${pad('REBOOT', 7)}${pad('SNAP', 5)}ACTION`;
	const rows = plan.entries.map(
		(e) =>
			`${pad(String(e.vmid), 6)}${pad(sanitize(e.name), 16)}${pad(e.manager ?? '-', 8)}${pad(e.pending === undefined ? '?' : String(e.pending), 8)}${pad(e.reboot ? 'yes' : '', 7)}${pad(snapshotCell(e), 5)}${sanitize(actionCell(e))}`,
	);
	return [head, ...rows, '', planHeadline(plan)];
}

export function summaryLines(s: RunSummary): string[] {
	const rows = s.containers.map((c) => `${pad(String(c.vmid), 6)}${pad(sanitize(c.name), 16)}${pad(c.outcome, 12)}${pad(String(c.packages), 5)}${c.reason ? sanitize(c.reason) : ''}`);
	return [
		...rows,
		'',
		`${OUTCOMES.map((o) => `${o} ${s.counts[o]}`).join(', ')}; ${s.packages} packages in ${(s.durationMs / 1000).toFixed(1)} s${s.halted ? ` — halted: ${s.halted}` : ''}`,
	];
}
