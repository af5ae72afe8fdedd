// Follows Proxmox tasks without blocking the UI. Every UPID proxdeck starts is
// polled (status, then the log from the last line seen) until it stops; the
// store gets each change. /cluster/tasks is polled too, single-flight, so
// tasks started elsewhere (the web UI, pct on the host) show in the pane.

import type {StoreApi} from 'zustand/vanilla';
import type {TaskEntry, TaskLogLine, TaskStatus} from '../../api/types.js';
import {MAX_LOG_TAIL} from '../../store/ops-slice.js';
import {guestLabel} from '../../store/selectors.js';
import type {TrackedTask} from '../../store/ops-types.js';
import type {AppState} from '../../store/types.js';
import {sanitize} from '../../util/sanitize.js';
import {errorLine} from '../error-line.js';
import type {ApiRequester} from '../fleet-source.js';
import {createPoller, type Poller} from '../poller.js';
import {parseUpid} from '../../api/upid.js';
import {isTaskSuccess} from './exit-status.js';

export interface TaskTrackerOptions {
	api: ApiRequester;
	store: StoreApi<AppState>;
	clock?: () => number;
	/** Status/log poll of our own tasks; default 1 s. */
	pollMs?: number;
	/** /cluster/tasks poll; default 5 s. */
	clusterPollMs?: number;
	/** Give up following a task after this long (it keeps running on the host); default 1 h. */
	maxFollowMs?: number;
}

export interface TaskTracker {
	/** Follows a task we started; resolves with its final entry once it stops. */
	track(upid: string, label?: string): Promise<TrackedTask>;
	start(): void;
	stop(): void;
	refreshClusterTasks(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function taskPath(node: string, upid: string): string {
	return `/nodes/${encodeURIComponent(node)}/tasks/${encodeURIComponent(upid)}`;
}

/** A /cluster/tasks entry as a pane row (status "RUNNING" while it runs, with source=all). */
export function fromTaskEntry(entry: TaskEntry): TrackedTask {
	const running = entry.endtime === undefined || entry.status === 'RUNNING' || entry.status === undefined;
	return {
		upid: entry.upid,
		node: sanitize(entry.node),
		type: sanitize(entry.type),
		id: sanitize(entry.id ?? ''),
		user: sanitize(entry.tokenid ? `${entry.user}!${entry.tokenid}` : entry.user),
		startedAt: entry.starttime * 1000,
		endedAt: entry.endtime === undefined ? undefined : entry.endtime * 1000,
		state: running ? 'running' : isTaskSuccess(entry.status) ? 'ok' : 'failed',
		exitstatus: running ? undefined : sanitize(entry.status ?? ''),
		logTail: [],
		ours: false,
	};
}

export function createTaskTracker(options: TaskTrackerOptions): TaskTracker {
	const {api, store} = options;
	const clock = options.clock ?? Date.now;
	const pollMs = options.pollMs ?? 1000;
	const maxFollowMs = options.maxFollowMs ?? 3_600_000;
	let stopped = false;
	let clusterPoller: Poller | undefined;

	async function follow(upid: string, label: string | undefined): Promise<TrackedTask> {
		const parsed = parseUpid(upid);
		if (!parsed) throw new Error(`not a task id: ${sanitize(upid)}`);
		const path = taskPath(parsed.node, upid);
		let task: TrackedTask = {
			upid,
			node: parsed.node,
			type: parsed.type,
			id: parsed.id,
			user: parsed.user,
			startedAt: parsed.starttime * 1000,
			state: 'running',
			logTail: [],
			ours: true,
			label,
		};
		store.getState().actions.taskUpdated(task);
		const began = clock();
		let nextLine = 0;
		for (;;) {
			try {
				const status = await api.request<TaskStatus>('GET', `${path}/status`);
				// The log after the status: once "stopped" is seen the log is complete.
				const lines = await api.request<TaskLogLine[]>('GET', `${path}/log`, {start: nextLine, limit: 500});
				const fresh = Array.isArray(lines) ? lines.filter((l) => l.n > nextLine && !(l.n === 1 && l.t === 'no content')) : [];
				if (fresh.length > 0) nextLine = fresh.at(-1)!.n;
				const done = status.status === 'stopped';
				task = {
					...task,
					logTail: [...task.logTail, ...fresh.map((l) => sanitize(l.t))].slice(-MAX_LOG_TAIL),
					state: done ? (isTaskSuccess(status.exitstatus) ? 'ok' : 'failed') : 'running',
					exitstatus: done ? sanitize(status.exitstatus ?? 'unexpected status') : undefined,
					endedAt: done ? clock() : undefined,
				};
				store.getState().actions.taskUpdated(task);
				if (done) return task;
			} catch (error) {
				// A dropped poll is not a failed task: show why and try again.
				task = {...task, logTail: [...task.logTail.slice(-(MAX_LOG_TAIL - 1)), `(status unavailable: ${errorLine(error)})`]};
			}
			if (stopped || clock() - began > maxFollowMs) {
				return task;
			}
			await sleep(pollMs);
		}
	}

	async function readClusterTasks(signal: AbortSignal): Promise<void> {
		const entries = await api.request<TaskEntry[]>('GET', '/cluster/tasks', undefined, signal);
		if (!Array.isArray(entries)) return;
		// Name the guest a task was about ("postgresql (404)"), as proxdeck's own tasks are.
		const guests = store.getState().guests;
		const withLabel = entries.map(fromTaskEntry).map((task) => {
			const label = /^\d+$/.test(task.id) ? guestLabel(guests, Number(task.id)) : undefined;
			return label ? {...task, label} : task;
		});
		store.getState().actions.clusterTasksReceived(withLabel);
	}

	// The log of a task started elsewhere is read when the tasks pane focuses it
	// (again once it has ended): /cluster/tasks carries no log.
	const tailRead = new Map<string, TrackedTask['state']>();
	let unsubscribe: (() => void) | undefined;

	async function readForeignTail(task: TrackedTask): Promise<void> {
		let tail: string[];
		try {
			const lines = await api.request<TaskLogLine[]>('GET', `${taskPath(task.node, task.upid)}/log`, {start: 0, limit: 5000});
			tail = (Array.isArray(lines) ? lines : []).filter((l) => !(l.n === 1 && l.t === 'no content')).map((l) => sanitize(l.t)).slice(-MAX_LOG_TAIL);
		} catch (error) {
			tail = [`(log unavailable: ${errorLine(error)})`];
		}
		const current = store.getState().tasks.find((t) => t.upid === task.upid);
		if (current && !current.ours && !stopped) store.getState().actions.taskUpdated({...current, logTail: tail});
	}

	function onStoreChange(state: AppState): void {
		if (state.pane !== 'tasks') return;
		const task = state.tasks[state.taskCursor];
		if (!task || task.ours || tailRead.get(task.upid) === task.state) return;
		tailRead.set(task.upid, task.state);
		void readForeignTail(task);
	}

	return {
		track: follow,
		start() {
			stopped = false;
			clusterPoller = createPoller({poll: readClusterTasks, onError: () => {}, intervalMs: options.clusterPollMs ?? 5000});
			clusterPoller.start();
			unsubscribe = store.subscribe(onStoreChange);
		},
		stop() {
			stopped = true;
			clusterPoller?.stop();
			unsubscribe?.();
		},
		refreshClusterTasks: () => clusterPoller?.refreshNow() ?? readClusterTasks(new AbortController().signal),
	};
}
