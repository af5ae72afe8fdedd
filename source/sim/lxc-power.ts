// Guest power operations (POST …/lxc|qemu/{vmid}/status/{start,stop,shutdown,reboot})
// as pve-container's API2/LXC/Status.pm and qemu-server's API2/Qemu.pm run
// them: status checks before the fork (HTTP 500), everything else inside the
// worker (task exit status), and HA-managed guests only *request* a state
// change (hastart/hastop) that the simulated HA manager carries out shortly
// after with its own task. Where the two differ it is said at the spot:
// qemu-server checks "already running" inside the worker, and its stop and
// shutdown of a stopped VM end OK having done nothing.

import {handlerError, paramError} from './errors.js';
import type {FailureAction} from './fixture-types.js';
import type {OpActor} from './lxc-ops.js';
import {failingTask, lockMessage, QUICK_FAIL_SEC, markRunning, markStopped, simDuration, taskEndMs, withLockFile, wordsOf} from './lxc-ops.js';
import type {SimGuest} from './state.js';
import {takeFailure} from './state.js';
import {isRunning, startTask, stopTask} from './tasks.js';

/** The HA manager acts as root@pam when its local resource manager runs the start/stop. */
const HA_USER = 'root@pam';
/** Simulated seconds the HA stack needs to notice a request and act on it. */
const HA_REQUEST_SEC = 1;

export interface StartOptions {
	skiplock?: boolean;
}
export interface StopOptions {
	skiplock?: boolean;
	overruleShutdown?: boolean;
}
export interface ShutdownOptions {
	/** Seconds to wait for a clean shutdown (PVE default 60). */
	timeout?: number;
	forceStop?: boolean;
}
export interface RebootOptions {
	timeout?: number;
}

/** `ignored` HA resources are left alone by the HA stack, so the API handles them directly. */
function isHaManaged(guest: SimGuest): boolean {
	return guest.ha !== undefined && guest.ha.state !== 'ignored';
}

/** Status.pm: `raise_param_exc({skiplock => "Only root may use this option."})` — a token is not root@pam. */
export function checkSkiplock(actor: OpActor, skiplock: boolean | undefined): void {
	if (skiplock && actor.user !== 'root@pam') throw paramError({skiplock: 'Only root may use this option.'});
}

/** How long this container takes to shut down cleanly (its init and services). */
function shutdownNeeds(actor: OpActor): number {
	return simDuration(actor.state, actor.guest.vmid, 2, 5);
}

interface WorkerPlan {
	type: string;
	action: FailureAction;
	durationSec: number;
	steps: string[];
	skiplock?: boolean;
	/** Outcome decided by the simulation itself (e.g. a shutdown that times out). */
	outcome?: string;
	onSuccess: (endMs: number) => void;
	/** A worker that does not check the config lock itself forks its own task here (see rebootContainer). */
	onLocked?: (message: string) => string;
}

/** The forked worker: lock file (waited for), config lock, injected failure, then the state change at the end. */
function powerWorker(actor: OpActor, plan: WorkerPlan): string {
	return withLockFile(actor, plan.type, () => lockedPowerWorker(actor, plan));
}

function lockedPowerWorker(actor: OpActor, plan: WorkerPlan): string {
	const {state, guest} = actor;
	// `mounted` is the lock `pct mount` leaves; start and stop may proceed through it.
	const locked = plan.skiplock || guest.lock === 'mounted' ? undefined : lockMessage(guest);
	if (locked) return plan.onLocked?.(locked) ?? failingTask(actor, plan.type, locked);
	const outcome = takeFailure(state, guest.vmid, plan.action) ?? plan.outcome ?? 'OK';
	return startTask(state, {
		node: guest.node,
		type: plan.type,
		id: String(guest.vmid),
		user: actor.user,
		durationSec: plan.durationSec,
		steps: plan.steps,
		outcome,
		onEnd: (task) => {
			if (task.exitstatus === 'OK') plan.onSuccess(taskEndMs(state, task));
		},
	});
}

/** The worker behind vzstart / qmstart (API start, rollback --start 1, HA manager). */
function startWorker(actor: OpActor, skiplock: boolean | undefined): string {
	const {guest} = actor;
	const type = wordsOf(guest).task.start;
	if (guest.config.template === 1) return failingTask(actor, type, guest.type === 'qemu' ? "you can't start a vm if it's a template" : "you can't start a CT if it's a template");
	// vm_start checks the lock, then whether the VM runs, inside the worker.
	if (guest.type === 'qemu' && guest.status === 'running') return failingTask(actor, type, lockMessage(guest) ?? `VM ${guest.vmid} already running`);
	return powerWorker(actor, {
		type,
		action: 'start',
		durationSec: simDuration(actor.state, guest.vmid, 2, 4),
		steps: [],
		...(skiplock ? {skiplock} : {}),
		onSuccess: (endMs) => {
			if (guest.status !== 'running') markRunning(actor.state, guest, endMs);
		},
	});
}

function shutdownWorker(actor: OpActor, type: string, timeout: number, forceStop: boolean): string {
	const needs = shutdownNeeds(actor);
	const inTime = needs <= timeout;
	return powerWorker(actor, {
		type,
		action: 'shutdown',
		durationSec: inTime ? needs : timeout,
		steps: [],
		// lxc-stop --nokill / the ACPI powerdown gives up at the timeout; forceStop kills the rest instead.
		...(inTime || forceStop ? {} : {outcome: actor.guest.type === 'qemu' ? 'VM quit/powerdown failed - got timeout' : 'container did not stop'}),
		onSuccess: (endMs) => markStopped(actor.state, actor.guest, endMs),
	});
}

/**
 * An HA request task: it only records the requested state; the HA manager
 * then runs the real start/stop as root@pam, so the status changes a little
 * after the request task ends.
 */
function haRequest(actor: OpActor, type: 'hastart' | 'hastop', requested: 'started' | 'stopped', carryOut: () => void): string {
	const {state, guest} = actor;
	const verb = requested === 'started' ? 'start' : 'stop';
	return startTask(state, {
		node: guest.node,
		type,
		id: String(guest.vmid),
		user: actor.user,
		durationSec: HA_REQUEST_SEC,
		steps: [`Requesting HA ${verb} for ${wordsOf(guest).noun} ${guest.vmid}`],
		outcome: 'OK',
		onEnd: (task) => {
			if (task.exitstatus !== 'OK' || !guest.ha) return;
			guest.ha.state = requested;
			// A service in error (or being fenced) is left alone by the CRM until it is disabled.
			if (!guest.ha.crm) carryOut();
		},
	});
}

/** The CRM acting on a new requested state (ha-manager set / PUT /cluster/ha/resources/{sid}): its LRM starts or stops the guest as root@pam. */
export function haCarryOut(state: OpActor['state'], guest: SimGuest, requested: string): void {
	const actor = {state, guest, user: HA_USER};
	if (requested === 'started' && guest.status !== 'running') startWorker(actor, false);
	else if ((requested === 'stopped' || requested === 'disabled') && guest.status === 'running') shutdownWorker(actor, wordsOf(guest).task.shutdown, 60, true);
}

/** qemu-server's _do_vm_stop returns at once when the VM does not run: the task ends OK having done nothing. */
function noOpTask(actor: OpActor, type: string): string {
	return startTask(actor.state, {node: actor.guest.node, type, id: String(actor.guest.vmid), user: actor.user, durationSec: 0.2, steps: [], outcome: 'OK'});
}

/** vm_is_paused: a graceful shutdown would hang on a paused VM, so qemu-server refuses it (or stops it with forceStop). */
function pausedRefusal(guest: SimGuest): void {
	if (guest.type === 'qemu' && guest.paused) throw handlerError('VM is paused - cannot shutdown');
}

export function startContainer(actor: OpActor, options: StartOptions = {}): string {
	const {guest} = actor;
	checkSkiplock(actor, options.skiplock);
	if (guest.type === 'lxc' && guest.status === 'running') throw handlerError(`CT ${guest.vmid} already running`);
	if (isHaManaged(guest)) {
		return haRequest(actor, 'hastart', 'started', () => {
			if (guest.status !== 'running') startWorker({...actor, user: HA_USER}, false);
		});
	}
	return startWorker(actor, options.skiplock);
}

/** Stop with overrule-shutdown first aborts running vzshutdown tasks, as PVE ≥ 8.1 does. */
function overruleShutdowns(actor: OpActor): string[] {
	const {state, guest} = actor;
	const type = wordsOf(guest).task.shutdown;
	const shutdowns = state.tasks.filter((t) => isRunning(t) && t.type === type && t.id === String(guest.vmid));
	for (const task of shutdowns) stopTask(state, task);
	return shutdowns.length > 0 ? [`overruled ${type} tasks: ${shutdowns.map((t) => t.upid).join(', ')}`] : [];
}

export function stopContainer(actor: OpActor, options: StopOptions = {}): string {
	const {guest} = actor;
	const words = wordsOf(guest);
	checkSkiplock(actor, options.skiplock);
	if (guest.type === 'lxc' && guest.status !== 'running') throw handlerError(`CT ${guest.vmid} not running`);
	if (isHaManaged(guest)) {
		if (guest.type === 'qemu' && options.overruleShutdown) throw paramError({'overrule-shutdown': 'Not applicable for HA resources.'});
		return haRequest(actor, 'hastop', 'stopped', () => {
			if (guest.status === 'running') shutdownWorker({...actor, user: HA_USER}, words.task.shutdown, 60, true);
		});
	}
	const steps = options.overruleShutdown ? overruleShutdowns(actor) : [];
	if (guest.status !== 'running') return noOpTask(actor, words.task.stop);
	return powerWorker(actor, {
		type: words.task.stop,
		action: 'stop',
		durationSec: simDuration(actor.state, guest.vmid, 1, 2),
		steps,
		...(options.skiplock ? {skiplock: true} : {}),
		onSuccess: (endMs) => markStopped(actor.state, guest, endMs),
	});
}

export function shutdownContainer(actor: OpActor, options: ShutdownOptions = {}): string {
	const {guest} = actor;
	const words = wordsOf(guest);
	const timeout = options.timeout ?? 60;
	if (guest.type === 'lxc' && guest.status !== 'running') throw handlerError(`CT ${guest.vmid} not running`);
	// A paused VM with forceStop is stopped instead ("VM is paused - stop instead of shutdown").
	if (!options.forceStop) pausedRefusal(guest);
	if (isHaManaged(guest)) {
		return haRequest(actor, 'hastop', 'stopped', () => {
			if (guest.status === 'running') shutdownWorker({...actor, user: HA_USER}, words.task.shutdown, timeout, true);
		});
	}
	if (guest.status !== 'running') return noOpTask(actor, words.task.shutdown);
	return shutdownWorker(actor, words.task.shutdown, timeout, options.forceStop ?? false);
}

export function rebootContainer(actor: OpActor, options: RebootOptions = {}): string {
	const {guest, state} = actor;
	pausedRefusal(guest);
	// (sic) pve-container's Status.pm says "VM" here too.
	if (guest.status !== 'running') throw handlerError(`VM ${guest.vmid} not running`);
	const down = Math.min(shutdownNeeds(actor), options.timeout ?? Number.POSITIVE_INFINITY);
	const type = wordsOf(guest).task.reboot;
	return powerWorker(actor, {
		type,
		action: 'reboot',
		durationSec: Math.round((down + simDuration(state, guest.vmid, 2, 4)) * 10) / 10,
		steps: [],
		onSuccess: (endMs) => markRunning(state, guest, endMs),
		...(guest.type === 'lxc' ? {onLocked: (locked: string) => lockedContainerReboot(actor, type, down, locked)} : {}),
	});
}

/**
 * pve-container's vm_reboot does not check the config lock: it stops the
 * container, then vm_start's `systemctl start pve-container@ID` runs the
 * prestart hook, whose check_lock refuses ("CT is locked (snapshot)"); LXC
 * aborts the start and vm_start prints the container's stderr log and dies.
 * The container stays stopped; the lock stays with whoever holds it.
 */
function lockedContainerReboot(actor: OpActor, type: string, downSec: number, locked: string): string {
	const {state, guest} = actor;
	const vmid = guest.vmid;
	return startTask(state, {
		node: guest.node,
		type,
		id: String(vmid),
		user: actor.user,
		durationSec: Math.round((downSec + QUICK_FAIL_SEC) * 10) / 10,
		steps: [locked, 'run_buffer: 571 Script exited with status 2', `lxc_init: 845 Failed to run lxc.hook.pre-start for container "${vmid}"`, `__lxc_start: 2034 Failed to initialize container "${vmid}"`],
		outcome: `startup for container '${vmid}' failed`,
		onEnd: (task) => markStopped(state, guest, taskEndMs(state, task)),
	});
}
