// A backup job's last run as the task history shows it. Proxmox keeps no
// "last run" per job (GET /cluster/backup has only next-run); a scheduled
// vzdump writes one task per guest (its id the vmid) on the guest's node, so
// a job's run is the newest vzdump tasks of the guests it selects, started
// by the scheduler rather than by this proxdeck. Pure; the pane calls it.

import type {TrackedTask} from '../../store/ops-types.js';
import type {BackupJob} from './model.js';

export interface JobRun {
	/** Epoch ms the run's newest task started. */
	at: number;
	/** Guests' tasks in that run. */
	tasks: number;
	/** Tasks that failed ("error", anything but OK / WARNINGS). */
	failed: number;
	/** Tasks that ended with warnings. */
	warnings: number;
	running: number;
}

/** Tasks of one run lie within this of its newest (a job that backs up many guests takes a while). */
const RUN_SPAN_MS = 6 * 3600_000;

/** Whether a job's selection includes this guest (vmid list, or all minus exclude; a pinned node only its own). */
export function jobSelects(job: BackupJob, vmid: number, node: string | undefined): boolean {
	if (job.node !== undefined && node !== undefined && job.node !== node) return false;
	if (job.all) return !job.exclude.includes(vmid);
	return job.vmids.includes(vmid);
}

/** The job's newest run in the task history, undefined when none of its tasks is there. */
export function lastJobRun(job: BackupJob, tasks: readonly TrackedTask[]): JobRun | undefined {
	const mine = tasks.filter((t) => t.type === 'vzdump' && !t.ours && /^\d+$/.test(t.id) && jobSelects(job, Number(t.id), t.node));
	if (mine.length === 0) return undefined;
	const newest = Math.max(...mine.map((t) => t.startedAt));
	const run = mine.filter((t) => newest - t.startedAt <= RUN_SPAN_MS);
	return {
		at: newest,
		tasks: run.length,
		running: run.filter((t) => t.state === 'running').length,
		// "WARNINGS: n" is a success to Proxmox (the task state is ok) but worth saying.
		warnings: run.filter((t) => t.state === 'ok' && /^WARNINGS/.test(t.exitstatus ?? '')).length,
		failed: run.filter((t) => t.state === 'failed').length,
	};
}
