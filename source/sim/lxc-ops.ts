// What every guest write shares: the task it forks, how long it takes in
// simulated seconds, and the checks PVE's workers make first (config lock,
// the per-guest config lock file). Power and snapshot operations build on this.
// Containers (pve-container) and VMs (qemu-server) run the same
// AbstractConfig machinery under different words: GUEST_WORDS holds them.

import {beforeBroadcastChange} from './broadcast.js';
import {noise} from './drift.js';
import type {SimGuest, SimState} from './state.js';
import type {SimTask} from './tasks.js';
import {isRunning, resumeWaitingTask, startTask} from './tasks.js';

/** Who forked the task: `user@realm` or `user@realm!token`, as the UPID records it. */
export interface OpActor {
	state: SimState;
	guest: SimGuest;
	user: string;
}

export type GuestOp = 'start' | 'stop' | 'shutdown' | 'reboot' | 'snapshot' | 'rollback' | 'delsnapshot';

/** How Proxmox names a kind of guest: in messages ("CT is locked"), in task types, in its lock file. */
export interface GuestWords {
	/** AbstractConfig guest_type(): "CT" or "VM". */
	noun: 'CT' | 'VM';
	task: Record<GuestOp, string>;
	/** The flock file lock_config takes. */
	lockFile(vmid: number): string;
}

export const GUEST_WORDS: Record<SimGuest['type'], GuestWords> = {
	lxc: {
		noun: 'CT',
		task: {start: 'vzstart', stop: 'vzstop', shutdown: 'vzshutdown', reboot: 'vzreboot', snapshot: 'vzsnapshot', rollback: 'vzrollback', delsnapshot: 'vzdelsnapshot'},
		lockFile: (vmid) => `/run/lock/lxc/pve-config-${vmid}.lock`,
	},
	qemu: {
		noun: 'VM',
		task: {start: 'qmstart', stop: 'qmstop', shutdown: 'qmshutdown', reboot: 'qmreboot', snapshot: 'qmsnapshot', rollback: 'qmrollback', delsnapshot: 'qmdelsnapshot'},
		lockFile: (vmid) => `/var/lock/qemu-server/lock-${vmid}.conf`,
	},
};

export function wordsOf(guest: SimGuest): GuestWords {
	return GUEST_WORDS[guest.type];
}

/** Tasks whose worker holds the guest's config lock file for their whole run. */
const POWER_TASKS = new Set(Object.values(GUEST_WORDS).flatMap((w) => [w.task.start, w.task.stop, w.task.shutdown, w.task.reboot, 'qmpause', 'qmsuspend', 'qmresume']));

/** How long PVE's lock_config waits for the lock file before giving up. */
export const LOCK_TIMEOUT_SEC = 10;

/** A task that fails at once (a check at the top of the worker) still takes a moment to fork and log. */
export const QUICK_FAIL_SEC = 0.5;

/**
 * A deterministic duration between min and max simulated seconds, varying
 * per guest and per task (the pid counter), rounded to tenths.
 */
export function simDuration(state: SimState, vmid: number, min: number, max: number): number {
	const spread = noise(state.seed, vmid, state.nextPid, 7);
	return Math.round((min + spread * (max - min)) * 10) / 10;
}

/** Epoch ms at which a task's simulated run ends (not when it was noticed). */
export function taskEndMs(state: SimState, task: SimTask): number {
	return task.startedAtMs + (task.durationSec * 1000) / state.taskSpeed;
}

/** PVE's check_lock wording ("CT is locked (backup)", "VM is locked (snapshot)"). */
export function lockMessage(guest: SimGuest): string | undefined {
	return guest.lock === undefined ? undefined : `${wordsOf(guest).noun} is locked (${guest.lock})`;
}

/** The running power task of this guest, if any (it holds the config lock file). */
export function runningPowerTask(state: SimState, vmid: number): SimTask | undefined {
	return state.tasks.find((t) => isRunning(t) && t.id === String(vmid) && POWER_TASKS.has(t.type));
}

export function lockFileTimeout(guest: SimGuest): string {
	return `can't lock file '${wordsOf(guest).lockFile(guest.vmid)}' - got timeout`;
}

/** What pve-common's lock_file_full prints when the flock is taken (and again, " OK", once it gets it). */
const LOCK_WAIT_LINE = 'trying to acquire lock...';

/**
 * The worker's lock_config: when a running power task holds the guest's lock
 * file, the new worker waits for it (PVE waits up to 10 s): if the holder
 * ends within that time, `body` runs then, as the same task, after the
 * holder's effects; otherwise the worker dies with the timeout. Without a
 * holder `body` runs at once. `body` forks its task with startTask/failingTask.
 */
export function withLockFile(actor: OpActor, type: string, body: () => string): string {
	const {state, guest} = actor;
	const holder = runningPowerTask(state, guest.vmid);
	if (!holder) return body();
	const holderEndMs = taskEndMs(state, holder);
	const waitSec = ((holderEndMs - state.clock()) / 1000) * state.taskSpeed;
	if (waitSec > LOCK_TIMEOUT_SEC) return failingTask(actor, type, lockFileTimeout(guest), LOCK_TIMEOUT_SEC, [LOCK_WAIT_LINE]);
	const upid = startTask(state, {node: guest.node, type, id: String(guest.vmid), user: actor.user, durationSec: Number.POSITIVE_INFINITY, steps: [LOCK_WAIT_LINE], outcome: 'OK'});
	const waiter = state.tasks.find((t) => t.upid === upid)!;
	const previous = holder.onEnd;
	holder.onEnd = (task) => {
		previous?.(task);
		waiter.steps.push(' OK');
		resumeWaitingTask(state, waiter, holderEndMs, body);
	};
	return upid;
}

/** Forks a worker that dies on one of its first checks; nothing in the state changes. */
export function failingTask(actor: OpActor, type: string, error: string, durationSec = QUICK_FAIL_SEC, steps: string[] = []): string {
	return startTask(actor.state, {node: actor.guest.node, type, id: String(actor.guest.vmid), user: actor.user, durationSec, steps, outcome: error});
}

/** The guest runs from `sinceMs` on (when its start ended); /cluster/resources learns it at its node's next broadcast. */
export function markRunning(state: SimState, guest: SimGuest, sinceMs: number): void {
	beforeBroadcastChange(state, guest, sinceMs);
	guest.status = 'running';
	guest.runningSince = sinceMs;
}

/** The guest stopped at `atMs`; /cluster/resources learns it at its node's next broadcast. */
export function markStopped(state: SimState, guest: SimGuest, atMs: number = state.clock()): void {
	beforeBroadcastChange(state, guest, atMs);
	guest.status = 'stopped';
	delete guest.runningSince;
	delete guest.paused;
}
