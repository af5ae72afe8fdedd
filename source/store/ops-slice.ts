// The actions slice of the store (see ops-types.ts). Kept apart from store.ts
// so the fleet store stays readable; store.ts spreads it into the state.

import type {AppState} from './types.js';
import type {OpsActions, OpsState, TrackedTask} from './ops-types.js';

/** How many tasks the pane keeps: enough for an incident, bounded for a long session. */
export const MAX_TASKS = 50;
/** Log lines kept per task. */
export const MAX_LOG_TAIL = 20;

type Set_ = (partial: Partial<AppState>) => void;
type Get = () => AppState;

function newestFirst(tasks: TrackedTask[]): TrackedTask[] {
	return tasks.sort((a, b) => b.startedAt - a.startedAt).slice(0, MAX_TASKS);
}

export function initialOpsState(): OpsState {
	return {marks: new Set(), tasks: [], audit: [], pane: 'none', taskCursor: 0};
}

export function createOpsActions(set: Set_, get: Get): OpsActions {
	return {
		toggleMark(vmid) {
			const marks = new Set(get().marks);
			if (!marks.delete(vmid)) marks.add(vmid);
			set({marks});
		},
		markAll(vmids) {
			set({marks: new Set([...get().marks, ...vmids])});
		},
		clearMarks() {
			if (get().marks.size > 0) set({marks: new Set()});
		},
		openDialog(dialog) {
			set({dialog});
		},
		updateDialog(dialog) {
			const open = get().dialog;
			if (open && open.kind === dialog.kind) set({dialog});
		},
		closeDialog() {
			if (get().dialog) set({dialog: undefined});
		},
		taskUpdated(task) {
			const others = get().tasks.filter((t) => t.upid !== task.upid);
			set({tasks: newestFirst([task, ...others])});
		},
		clusterTasksReceived(listed) {
			// Our own tasks are tracked more closely (log tail, label): keep those entries.
			// A poll that brings nothing new changes nothing, so it draws no frame.
			const current = new Map(get().tasks.map((t) => [t.upid, t]));
			let changed = false;
			for (const task of listed) {
				const known = current.get(task.upid);
				if (!known || (!known.ours && (known.state !== task.state || known.exitstatus !== task.exitstatus))) {
					current.set(task.upid, task);
					changed = true;
				}
			}
			if (changed) set({tasks: newestFirst([...current.values()])});
		},
		showNotice(notice) {
			// A result line belongs to the pane that had the keys when it came: it stays there, not on the next pane.
			set({notice: notice.pane !== undefined ? notice : {...notice, pane: get().deck.focus}});
		},
		auditChanged(audit) {
			set({audit});
		},
		permissionsReceived(permissions) {
			set({permissions});
		},
		setPane(pane) {
			if (pane !== get().pane) set({pane, taskCursor: 0});
		},
		moveTaskCursor(delta) {
			const max = Math.max(0, get().tasks.length - 1);
			set({taskCursor: Math.max(0, Math.min(max, get().taskCursor + delta))});
		},
	};
}
