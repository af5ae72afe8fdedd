// What a container restore (pct restore, lxc-restore.ts) and a VM restore
// (qmrestore, qemu-restore.ts) have in common: who may read the archive
// (PVE::Storage::check_volume_access), the placeholder guest a restore to a
// new VMID creates before its worker runs (create_and_lock_config writes a
// config holding only `lock: create`), and how long reading the archive takes.

import {hasPriv, PermissionDenied, type Principal} from './acl.js';
import {handlerError} from './errors.js';
import type {GuestType} from './fixture-types.js';
import {guestCreated} from './broadcast.js';
import type {SimGuest, SimNode, SimState} from './state.js';
import {setLock} from './state.js';

export interface RestoreRequest {
	state: SimState;
	node: SimNode;
	principal: Principal;
	user: string;
	params: Record<string, string>;
}

/** The simulated restore rate: the archive is read at 150 MiB/s. */
const RESTORE_RATE = 150 * 1024 * 1024;

/** Simulated seconds to restore disks of `diskBytes` in all: 40 % of them hold data, read at 150 MiB/s; at least 5 s. */
export function restoreSeconds(diskBytes: number): number {
	return Math.max(5, Math.round((diskBytes * 0.4) / RESTORE_RATE));
}

/**
 * PVE::Storage::check_volume_access for a backup volume: Datastore.Allocate on
 * its storage, or restoring the guest's own backup, or else Datastore.AllocateSpace
 * on the storage and VM.Backup on the guest the archive belongs to.
 */
export function checkArchiveAccess(state: SimState, principal: Principal, volid: string, vmid: number, owner: number | undefined): void {
	const storage = volid.split(':')[0] ?? '';
	if (hasPriv(state, principal, `/storage/${storage}`, 'Datastore.Allocate')) return;
	if (owner === vmid) return;
	if (owner === undefined) throw handlerError(`missing privileges to access ${volid}`);
	if (!hasPriv(state, principal, `/storage/${storage}`, 'Datastore.AllocateSpace')) throw new PermissionDenied(`Permission check failed (/storage/${storage}, Datastore.AllocateSpace)`);
	if (!hasPriv(state, principal, `/vms/${owner}`, 'VM.Backup')) throw new PermissionDenied(`Permission check failed (/vms/${owner}, VM.Backup)`);
}

/** The guest a restore writes into: the existing one, or a new stopped guest with an empty config; locked `create` either way. */
export function restoreTarget(state: SimState, node: SimNode, vmid: number, type: GuestType, existing: SimGuest | undefined): SimGuest {
	const guest: SimGuest = existing ?? {vmid, type, node: node.name, status: 'stopped', config: {}, usage: {cpu: 0.02, mem: 0.3, disk: 0.4}, snapshots: []};
	if (!existing) {
		state.guests.set(vmid, guest);
		guestCreated(state, guest);
	}
	setLock(guest, 'create');
	return guest;
}
