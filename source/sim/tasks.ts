// Task engine: workers that progress with the injected clock. A task's log
// lines appear proportionally to elapsed simulated time; when its duration is
// over it stops with the requested outcome and the final `TASK OK` /
// `TASK ERROR: <msg>` line, exactly like pve-common's fork_worker.

import type {FixtureTask} from './fixture-types.js';
import {markChanged, type SimState} from './state.js';
import type {UpidFields} from '../api/types.js';
import {formatUpid} from '../api/upid.js';

export interface SimTask extends UpidFields {
	upid: string;
	/** Epoch ms the task started (simulated clock). */
	startedAtMs: number;
	durationSec: number;
	steps: string[];
	/** 'OK', 'WARNINGS: n' or the error text. */
	outcome: string;
	/** Set once the task has stopped. */
	exitstatus?: string;
	/** Epoch seconds, set once stopped. */
	endtime?: number;
	onEnd?: (task: SimTask) => void;
}

export interface StartTaskOptions {
	node: string;
	type: string;
	id: string;
	user: string;
	durationSec: number;
	steps: string[];
	outcome: string;
	onEnd?: (task: SimTask) => void;
}

const CLOCK_TICKS = 100; // USER_HZ: pstart is in clock ticks since boot

function processStart(state: SimState, node: string, atMs: number): number {
	const booted = state.nodes.get(node)?.bootedAt ?? state.startedAt;
	return Math.max(1, Math.floor(((atMs - booted) / 1000) * CLOCK_TICKS));
}

/**
 * A worker forked earlier that waited for a lock and now does its work:
 * startTask fills it in instead of forking a new one (see resumeWaitingTask).
 */
const resuming = new WeakMap<SimState, {task: SimTask; atMs: number}>();

/**
 * Runs `body` (which forks a task through startTask / failingTask) as the
 * continuation of `task`, a worker that waited until `atMs`: the task keeps
 * its UPID and start time, its log gets the body's lines after its own, and
 * it runs for the time it waited plus the body's duration.
 */
export function resumeWaitingTask(state: SimState, task: SimTask, atMs: number, body: () => string): void {
	resuming.set(state, {task, atMs});
	try {
		body();
	} finally {
		resuming.delete(state);
	}
}

export function startTask(state: SimState, options: StartTaskOptions): string {
	const waiting = resuming.get(state);
	if (waiting) {
		resuming.delete(state);
		const {task, atMs} = waiting;
		task.durationSec = Math.round((((atMs - task.startedAtMs) / 1000) * state.taskSpeed + options.durationSec) * 10) / 10;
		task.steps.push(...options.steps);
		task.outcome = options.outcome;
		if (options.onEnd) task.onEnd = options.onEnd;
		else delete task.onEnd;
		advanceTasks(state);
		return task.upid;
	}
	const now = state.clock();
	const pid = state.nextPid++;
	const starttime = Math.floor(now / 1000);
	const pstart = processStart(state, options.node, now);
	const upid = formatUpid({node: options.node, pid, pstart, starttime, type: options.type, id: options.id, user: options.user});
	state.tasks.push({
		upid,
		node: options.node,
		pid,
		pstart,
		starttime,
		type: options.type,
		id: options.id,
		user: options.user,
		startedAtMs: now,
		durationSec: options.durationSec,
		steps: [...options.steps],
		outcome: options.outcome,
		...(options.onEnd ? {onEnd: options.onEnd} : {}),
	});
	advanceTasks(state);
	return upid;
}

/** The closing log line pve-common writes for an exit status. */
function finalLine(exitstatus: string): string {
	if (exitstatus === 'OK') return 'TASK OK';
	if (/^WARNINGS: \d+$/.test(exitstatus)) return `TASK ${exitstatus}`;
	return `TASK ERROR: ${exitstatus}`;
}

function elapsedSimSeconds(state: SimState, task: SimTask): number {
	return ((state.clock() - task.startedAtMs) / 1000) * state.taskSpeed;
}

function finish(state: SimState, task: SimTask, exitstatus: string, atMs: number): void {
	task.exitstatus = exitstatus;
	task.endtime = Math.floor(atMs / 1000);
	task.onEnd?.(task);
	markChanged(state);
}

/**
 * Ends every running task now, as if its time had passed, effects included
 * (the demo closing: the host finishes its work while nobody watches, so no
 * lock is left behind for the next start).
 */
export function completeRunningTasks(state: SimState): void {
	for (const task of state.tasks) if (task.exitstatus === undefined) finish(state, task, task.outcome, state.clock());
}

/** Stops every task whose duration has passed; runs their onEnd once. Call before serving a request. */
export function advanceTasks(state: SimState): void {
	for (const task of state.tasks) {
		if (task.exitstatus !== undefined) continue;
		if (elapsedSimSeconds(state, task) >= task.durationSec) {
			finish(state, task, task.outcome, task.startedAtMs + (task.durationSec * 1000) / state.taskSpeed);
		}
	}
}

/** DELETE /nodes/{node}/tasks/{upid}: the worker gets SIGTERM and dies with `received interrupt`. */
export function stopTask(state: SimState, task: SimTask): void {
	if (task.exitstatus !== undefined) return;
	task.steps = visibleSteps(state, task);
	finish(state, task, 'received interrupt', state.clock());
}

function visibleSteps(state: SimState, task: SimTask): string[] {
	if (task.durationSec <= 0) return task.steps;
	const fraction = Math.min(1, elapsedSimSeconds(state, task) / task.durationSec);
	// The first line is written as the worker starts.
	const count = Math.max(1, Math.floor(task.steps.length * fraction));
	return task.steps.slice(0, count);
}

export function taskLog(state: SimState, task: SimTask): string[] {
	if (task.exitstatus !== undefined) return [...task.steps, finalLine(task.exitstatus)];
	return visibleSteps(state, task);
}

export function isRunning(task: SimTask): boolean {
	return task.exitstatus === undefined;
}

export function findTask(state: SimState, upid: string): SimTask | undefined {
	return state.tasks.find((t) => t.upid === upid);
}

/** Seeds finished tasks (fixture.taskHistory) relative to simulator start. */
export function seedTaskHistory(state: SimState, history: FixtureTask[]): void {
	const sorted = [...history].sort((a, b) => b.startedAgo - a.startedAgo);
	for (const entry of sorted) {
		const startMs = state.startedAt - entry.startedAgo * 1000;
		const pid = state.nextPid++;
		const starttime = Math.floor(startMs / 1000);
		const pstart = processStart(state, entry.node, startMs);
		const log = [...entry.log];
		// Fixture logs may already carry the closing line; never write it twice.
		if (log.length > 0 && /^TASK (OK|ERROR: |WARNINGS: )/.test(log[log.length - 1]!)) log.pop();
		state.tasks.push({
			upid: formatUpid({node: entry.node, pid, pstart, starttime, type: entry.type, id: entry.id, user: entry.user}),
			node: entry.node,
			pid,
			pstart,
			starttime,
			type: entry.type,
			id: entry.id,
			user: entry.user,
			startedAtMs: startMs,
			durationSec: entry.duration,
			steps: log,
			outcome: entry.status,
			exitstatus: entry.status,
			endtime: starttime + entry.duration,
		});
	}
}
