// VM-only power operations (POST …/qemu/{vmid}/status/{suspend,resume}) as
// qemu-server's API2/Qemu.pm runs them: `suspend` pauses the vCPUs (task
// qmpause) or, with todisk, saves the RAM and stops the VM under
// `lock: suspended` (task qmsuspend); `resume` continues a paused VM or starts
// a suspended one from its saved state (task qmresume).

import {handlerError} from './errors.js';
import type {OpActor} from './lxc-ops.js';
import {failingTask, lockMessage, markRunning, markStopped, simDuration, taskEndMs, withLockFile} from './lxc-ops.js';
import {checkSkiplock} from './lxc-power.js';
import {setLock} from './state.js';
import {startTask} from './tasks.js';
import {guestVolumes} from './volumes.js';

export interface SuspendOptions {
	todisk?: boolean;
	skiplock?: boolean;
}

export function suspendVm(actor: OpActor, options: SuspendOptions = {}): string {
	const {state, guest} = actor;
	checkSkiplock(actor, options.skiplock);
	if (guest.status !== 'running') throw handlerError(`VM ${guest.vmid} not running`);
	if (options.todisk && guest.ha !== undefined && guest.ha.state !== 'ignored') throw handlerError('Cannot suspend HA managed VM to disk');
	const type = options.todisk ? 'qmsuspend' : 'qmpause';
	// The worker's lock_config: a short power task holding the lock file is waited for, as for containers.
	return withLockFile(actor, type, () => suspendLocked(actor, type, options));
}

/** suspendVm's worker once it holds the lock file: the config lock, then pause or suspend to disk. */
function suspendLocked(actor: OpActor, type: string, options: SuspendOptions): string {
	const {state, guest} = actor;
	if (guest.status !== 'running') return failingTask(actor, type, `VM ${guest.vmid} not running`);
	const locked = options.skiplock ? undefined : lockMessage(guest);
	if (locked) return failingTask(actor, type, locked);
	if (!options.todisk) {
		return startTask(state, {node: guest.node, type, id: String(guest.vmid), user: actor.user, durationSec: 0.3, steps: [], outcome: 'OK', onEnd: (task) => {
			if (task.exitstatus === 'OK' && guest.status === 'running') guest.paused = true;
		}});
	}
	// Suspend to disk: the RAM goes to a state volume on the first disk's storage; the VM stops under `lock: suspended`.
	setLock(guest, 'suspended');
	const storage = guestVolumes(state, guest.node, guest.config)[0]?.volid.split(':')[0] ?? 'local';
	return startTask(state, {
		node: guest.node,
		type,
		id: String(guest.vmid),
		user: actor.user,
		durationSec: simDuration(state, guest.vmid, 2, 6),
		steps: [],
		outcome: 'OK',
		onEnd: (task) => {
			guest.config.vmstate = `${storage}:vm-${guest.vmid}-state-suspend-${new Date(state.clock()).toISOString().slice(0, 10)}`;
			markStopped(state, guest, taskEndMs(state, task));
		},
	});
}

export function resumeVm(actor: OpActor, options: {skiplock?: boolean} = {}): string {
	const {state, guest} = actor;
	checkSkiplock(actor, options.skiplock);
	const suspendedToDisk = guest.lock === 'suspended';
	if (!suspendedToDisk && guest.status !== 'running') throw handlerError(`VM ${guest.vmid} not running`);
	// A VM suspended to disk is started (vm_start accepts the `suspended` lock); a paused one continues.
	// A short power task holding the lock file is waited for (lock_config), as for containers.
	return withLockFile(actor, 'qmresume', () => {
		const locked = suspendedToDisk || options.skiplock ? undefined : lockMessage(guest);
		return locked ? failingTask(actor, 'qmresume', locked) : resumeLocked(actor, suspendedToDisk);
	});
}

function resumeLocked(actor: OpActor, suspendedToDisk: boolean): string {
	const {state, guest} = actor;
	return startTask(state, {
		node: guest.node,
		type: 'qmresume',
		id: String(guest.vmid),
		user: actor.user,
		durationSec: suspendedToDisk ? simDuration(state, guest.vmid, 2, 4) : 0.3,
		steps: [],
		outcome: 'OK',
		onEnd: (task) => {
			if (task.exitstatus !== 'OK') return;
			if (suspendedToDisk) {
				setLock(guest, undefined);
				delete guest.config.vmstate;
				markRunning(state, guest, taskEndMs(state, task));
			} else delete guest.paused;
		},
	});
}
