// A guest whose power or rollback task is running shows it: on its row (the
// STATUS cell reads "rebooting…" instead of the old state for the 9 s a reboot
// takes) and in the footer while one of this session's tasks runs. Derived
// from the tracked tasks, so it clears itself when the task ends.

import type {TrackedTask} from '../source/store/ops-types.js';
import {sanitize} from '../source/util/sanitize.js';

/** Task type → what the STATUS cell says (fits its 10 cells) and the footer's verb. */
const BUSY: Record<string, {cell: string; verb: string}> = {
	start: {cell: 'starting…', verb: 'starting'},
	stop: {cell: 'stopping…', verb: 'stopping'},
	shutdown: {cell: 'shutdown…', verb: 'shutting down'},
	reboot: {cell: 'rebooting…', verb: 'rebooting'},
	rollback: {cell: 'rollback…', verb: 'rolling back'},
};

/** vzreboot and qmreboot alike. */
function busyOf(task: TrackedTask): {cell: string; verb: string} | undefined {
	if (task.state !== 'running') return undefined;
	return BUSY[task.type.replace(/^(vz|qm)/, '')];
}

/** vmid → the STATUS cell of a guest with a running power or rollback task (anyone's). */
export function busyGuests(tasks: readonly TrackedTask[]): Map<number, string> {
	const busy = new Map<number, string>();
	for (const task of tasks) {
		const what = busyOf(task);
		const vmid = Number(task.id);
		if (what && Number.isInteger(vmid) && !busy.has(vmid)) busy.set(vmid, what.cell);
	}
	return busy;
}

/** "rebooting plex (100)…" (the first, and how many more): this session's running power and rollback tasks, or undefined. */
export function busyLine(tasks: readonly TrackedTask[]): string | undefined {
	const ours = tasks.filter((t) => t.ours && busyOf(t));
	const [first] = ours;
	if (!first) return undefined;
	const more = ours.length > 1 ? ` (+${ours.length - 1} more)` : '';
	return `${busyOf(first)!.verb} ${sanitize(first.label ?? `CT ${first.id}`)}…${more}`;
}
