// The backups pane's lines as a pure function of the store: the cluster's
// backup jobs (schedule, storage, mode, selection, retention, next run and
// the last run's result from the vzdump tasks), the guests no job covers and
// each backup storage's usage. Jobs, guests and storages are cursor stops:
// Enter on a guest selects it in the fleet, p on a storage previews a prune.

import {lastJobRun, type JobRun} from '../../source/services/backups/job-runs.js';
import type {BackupJob, BackupStorage} from '../../source/services/backups/model.js';
import type {BackupsState} from '../../source/store/backups-slice.js';
import type {TrackedTask} from '../../source/store/ops-types.js';
import {sanitize} from '../../source/util/sanitize.js';
import {formatBytes, formatDuration, formatPercent} from '../format.js';
import type {Tone} from '../theme.js';
import {usageTone} from '../zfs-lines.js';

export type BackupsStop = {kind: 'job'; id: string} | {kind: 'guest'; vmid: number} | {kind: 'storage'; storage: string; node: string};

export interface BackupsLine {
	text: string;
	tone?: Tone;
	bold?: boolean;
	/** Set on a line the cursor can rest on. */
	stop?: BackupsStop;
}

/** "keep-daily=7,keep-weekly=4", "no retention (the storage's applies)". */
export function retentionText(retention: Record<string, number>): string {
	const parts = Object.entries(retention).map(([k, v]) => `${k}=${v}`);
	return parts.length > 0 ? parts.join(',') : "storage's retention";
}

function selectionText(job: BackupJob): string {
	if (job.all) return job.exclude.length > 0 ? `all but ${job.exclude.join(',')}` : 'all guests';
	return job.vmids.length <= 4 ? job.vmids.join(',') : `${job.vmids.length} guests`;
}

function nextText(job: BackupJob, nowMs: number): string {
	if (!job.enabled) return 'disabled';
	if (job.nextRun === undefined) return 'next run unknown';
	return `next in ${formatDuration(job.nextRun * 1000 - nowMs)}`;
}

function lastText(run: JobRun | undefined, nowMs: number): {text: string; tone?: Tone} {
	if (!run) return {text: 'last run: no vzdump task in the task history', tone: 'muted'};
	const when = `last run ${formatDuration(nowMs - run.at)} ago`;
	if (run.running > 0) return {text: `${when}: running (${run.tasks - run.running}/${run.tasks} done)`, tone: 'warn'};
	if (run.failed > 0) return {text: `${when}: ${run.failed} of ${run.tasks} FAILED`, tone: 'danger'};
	if (run.warnings > 0) return {text: `${when}: ${run.tasks} OK, ${run.warnings} with warnings`, tone: 'warn'};
	return {text: `${when}: ${run.tasks} OK`, tone: 'ok'};
}

function storageLine(s: BackupStorage, archives: number): BackupsLine {
	const full = s.total ? (s.used ?? 0) / s.total : 0;
	const usage = s.total ? `${formatBytes(s.used ?? 0)}/${formatBytes(s.total)} ${formatPercent(full)}` : 'usage unknown';
	const where = s.shared ? 'shared' : s.nodes.join(',');
	return {
		text: `  ${sanitize(s.storage)} (${sanitize(s.type)}, ${sanitize(where)})  ${usage}  ${archives} archive${archives === 1 ? '' : 's'}`,
		tone: usageTone(full),
		stop: {kind: 'storage', storage: s.storage, node: s.nodes[0] ?? ''},
	};
}

/** Every line of the pane, headings included; `names` labels the uncovered guests the fleet knows. */
export function backupsLines(b: BackupsState, tasks: readonly TrackedTask[], nowMs: number, names: (vmid: number) => string | undefined): BackupsLine[] {
	if (b.readAt === undefined) return [{text: b.error ? `backups not read: ${sanitize(b.error)}` : 'reading the backup storages and jobs…', tone: b.error ? 'danger' : 'muted'}];
	const out: BackupsLine[] = [];
	if (b.error) out.push({text: `last read failed: ${sanitize(b.error)} (showing the previous one)`, tone: 'danger'});
	out.push({text: `JOBS (${b.jobs.length})`, bold: true});
	if (b.jobs.length === 0) out.push({text: '  no backup job: nothing is backed up on a schedule', tone: 'danger'});
	for (const job of b.jobs) {
		const head = [`  ${sanitize(job.schedule) || '?'}`, `→ ${sanitize(job.storage ?? '?')}`, job.mode ?? 'snapshot', selectionText(job), retentionText(job.retention)].join('  ');
		out.push({text: `${head}${job.enabled ? '' : '  (disabled)'}`, tone: job.enabled ? undefined : 'muted', stop: {kind: 'job', id: job.id}});
		const last = lastText(job.enabled ? lastJobRun(job, tasks) : undefined, nowMs);
		const comment = job.comment ? ` · ${sanitize(job.comment)}` : '';
		out.push({text: `      ${nextText(job, nowMs)} · ${job.enabled ? last.text : 'never runs'}${comment}`, tone: job.enabled ? last.tone : 'muted'});
	}
	out.push({text: `NOT COVERED BY ANY JOB (${b.notBackedUp.length})`, bold: true, tone: b.notBackedUp.length > 0 ? 'warn' : undefined});
	if (b.notBackedUp.length === 0) out.push({text: '  every guest is in a job', tone: 'ok'});
	for (const g of b.notBackedUp) {
		const newest = b.newest.get(g.vmid);
		const had = newest ? `last backup ${formatDuration(nowMs - newest.ctime * 1000)} ago (by hand)` : 'never backed up';
		out.push({text: `  ${g.vmid} ${sanitize(names(g.vmid) ?? g.name ?? '')} (${g.type})  ${had}`, tone: newest ? 'warn' : 'danger', stop: {kind: 'guest', vmid: g.vmid}});
	}
	out.push({text: `BACKUP STORAGES (${b.storages.length})`, bold: true});
	for (const s of b.storages) out.push(storageLine(s, b.entries.filter((e) => e.storage === s.storage).length));
	return out;
}

/** The selectable lines' indices into `lines`. */
export function stopIndices(lines: readonly BackupsLine[]): number[] {
	return lines.flatMap((l, i) => (l.stop ? [i] : []));
}
