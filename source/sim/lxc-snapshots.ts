// Guest snapshots (create, delete, rollback) of containers and VMs following
// pve-guest-common's AbstractConfig: the worker checks the config lock and the snapshot, marks
// the config (`lock: snapshot` + `snapstate: prepare`, `lock: snapshot-delete`
// + `snapstate: delete`, `lock: rollback`) while it runs, and commits at the
// end. Only the reserved names are refused before the fork. A VM snapshot can
// also save the running VM's RAM (vmstate); a rollback to it resumes the VM.

import {handlerError} from './errors.js';
import {beforeBroadcastChange} from './broadcast.js';
import type {OpActor} from './lxc-ops.js';
import {failingTask, lockMessage, markRunning, markStopped, simDuration, taskEndMs, withLockFile, wordsOf} from './lxc-ops.js';
import {startContainer} from './lxc-power.js';
import type {SimGuest, SimSnapshot} from './state.js';
import {setLock, snapshotConfigOf, takeFailure} from './state.js';
import {restorePackages, snapshotPackages} from './ssh/package-state.js';
import {startTask} from './tasks.js';
import {canSnapshot, guestVolumes, rollbackNeedsNewest, type GuestVolume} from './volumes.js';
import {guestSizes, renderBytes} from './sizes.js';

export interface SnapshotOptions {
	description?: string;
	/** VMs: save the RAM too (ignored for a VM that does not run, as Proxmox does). */
	vmstate?: boolean;
}
export interface DeleteSnapshotOptions {
	force?: boolean;
}
export interface RollbackOptions {
	/** Start the guest after a successful rollback (a separate vzstart / qmstart task). */
	start?: boolean;
}

/** An injected error for a snapshot operation; `{snapname}` in its text becomes the snapshot's name. */
function injectedError(actor: OpActor, action: 'snapshot' | 'rollback' | 'delsnapshot', snapname: string): string | undefined {
	return takeFailure(actor.state, actor.guest.vmid, action)?.replaceAll('{snapname}', snapname);
}

/** The snapshot `current` descends from: the config's `parent`, else (fixture guests) the newest snapshot. */
export function currentParent(guest: SimGuest): string | undefined {
	if (typeof guest.config.parent === 'string') return guest.config.parent;
	return [...guest.snapshots].sort((a, b) => b.snaptime - a.snaptime)[0]?.name;
}

function packagesOf(saved: SimSnapshot['packages']): Pick<SimSnapshot, 'packages'> {
	return saved ? {packages: saved} : {};
}

function findSnapshot(guest: SimGuest, name: string): SimSnapshot | undefined {
	return guest.snapshots.find((s) => s.name === name);
}

function removeSnapshot(guest: SimGuest, name: string): void {
	guest.snapshots = guest.snapshots.filter((s) => s.name !== name);
}

/** pve-container reserves `vzdump`; qemu-server reserves `pending` (any case). Both reserve `current`. */
function reservedName(guest: SimGuest, snapname: string): boolean {
	if (snapname === 'current') return true;
	return guest.type === 'qemu' ? snapname.toLowerCase() === 'pending' : snapname === 'vzdump';
}

/** The storage find_vmstate_storage picks when none is configured: the first disk's. */
function vmstateStorage(guest: SimGuest, volumes: GuestVolume[]): string {
	const configured = guest.config.vmstatestorage;
	return typeof configured === 'string' ? configured : (volumes[0]?.volid.split(':')[0] ?? 'local');
}

/**
 * The line qemu-server's __snapshot_create_vol_snapshot logs per drive
 * ("snapshotting 'drive-scsi0' (local-zfs:vm-150-disk-0)"). pve-container's
 * logs nothing per volume: a container snapshot task shows only its result.
 */
function snapshotSteps(guest: SimGuest, volumes: GuestVolume[]): string[] {
	return guest.type === 'qemu' ? volumes.map((v) => `snapshotting 'drive-${v.key}' (${v.volid})`) : [];
}

export function createSnapshot(actor: OpActor, snapname: string, options: SnapshotOptions = {}): string {
	const {state, guest} = actor;
	const type = wordsOf(guest).task.snapshot;
	if (reservedName(guest, snapname)) throw handlerError(`unable to use snapshot name '${snapname}' (reserved name)`);
	return withLockFile(actor, type, () => snapshotWorker(actor, type, snapname, options));
}

function snapshotWorker(actor: OpActor, type: string, snapname: string, options: SnapshotOptions): string {
	const {state, guest} = actor;
	// __snapshot_prepare's order: template, lock, name, storage feature.
	if (guest.config.template === 1) return failingTask(actor, type, "you can't take a snapshot if it's a template");
	const locked = lockMessage(guest);
	if (locked) return failingTask(actor, type, locked);
	if (findSnapshot(guest, snapname)) return failingTask(actor, type, `snapshot name '${snapname}' already used`);
	const volumes = guestVolumes(state, guest.node, guest.config);
	if (!volumes.every(canSnapshot)) return failingTask(actor, type, 'snapshot feature is not available');
	// The RAM is saved only from a running VM; otherwise vmstate is quietly ignored.
	const saveRam = guest.type === 'qemu' && options.vmstate === true && guest.status === 'running';

	const parent = currentParent(guest);
	const snapshot: SimSnapshot = {
		name: snapname,
		snaptime: Math.floor(state.clock() / 1000),
		...(options.description ? {description: options.description} : {}),
		...(parent !== undefined ? {parent} : {}),
		config: snapshotConfigOf(guest.config),
		snapstate: 'prepare',
		// The container's disk, packages included (restored by a rollback).
		...(guest.type === 'lxc' ? packagesOf(snapshotPackages(state, guest)) : {}),
	};
	const steps: string[] = [];
	let ramSec = 0;
	if (saveRam) {
		const storage = vmstateStorage(guest, volumes);
		const mem = guestSizes(state, guest).maxmem * Math.min(1, Math.max(0, guest.usage.mem));
		ramSec = Math.max(1, Math.round(mem / 1024 ** 3));
		snapshot.config = {...snapshot.config, vmstate: `${storage}:vm-${guest.vmid}-state-${snapname}`, runningmachine: String(guest.config.machine ?? 'pc-i440fx-9.2+pve1')};
		steps.push(`saving VM state and RAM using storage '${storage}'`, `completed saving the VM state in ${ramSec}s, saved ${renderBytes(Math.floor(mem))}`);
	}
	guest.snapshots.push(snapshot);
	setLock(guest, 'snapshot');
	const injected = injectedError(actor, 'snapshot', snapname);
	steps.push(...snapshotSteps(guest, volumes));
	if (injected) steps.push('snapshot create failed: starting cleanup');
	return startTask(state, {
		node: guest.node,
		type,
		id: String(guest.vmid),
		user: actor.user,
		durationSec: simDuration(state, guest.vmid, 1, 3) + ramSec,
		steps,
		outcome: injected ?? 'OK',
		onEnd: (task) => {
			setLock(guest, undefined);
			if (task.exitstatus !== 'OK') {
				// snapshot_create's cleanup deletes the half-made snapshot.
				removeSnapshot(guest, snapname);
				return;
			}
			delete snapshot.snapstate;
			guest.config.parent = snapname;
		},
	});
}

/** Children of a deleted snapshot (and `current`) move up to its parent, as snapshot_delete's unlink_parent does. */
function reparent(guest: SimGuest, removed: SimSnapshot): void {
	const relink = <T extends {parent?: unknown}>(entry: T) => {
		if (entry.parent !== removed.name) return;
		if (removed.parent !== undefined) entry.parent = removed.parent;
		else delete entry.parent;
	};
	for (const s of guest.snapshots) relink(s);
	relink(guest.config as {parent?: unknown});
}

export function deleteSnapshot(actor: OpActor, snapname: string, options: DeleteSnapshotOptions = {}): string {
	const {state, guest} = actor;
	const type = wordsOf(guest).task.delsnapshot;
	return withLockFile(actor, type, () => deleteWorker(actor, type, snapname, options));
}

function deleteWorker(actor: OpActor, type: string, snapname: string, options: DeleteSnapshotOptions): string {
	const {state, guest} = actor;
	const snapshot = findSnapshot(guest, snapname);
	if (!snapshot) return failingTask(actor, type, `snapshot '${snapname}' does not exist`);
	const locked = lockMessage(guest);
	if (locked) return failingTask(actor, type, locked);

	setLock(guest, 'snapshot-delete');
	snapshot.snapstate = 'delete';
	const injected = injectedError(actor, 'delsnapshot', snapname);
	// With force, a failing volume snapshot removal is only a warning and the entry goes anyway.
	const forced = injected !== undefined && options.force === true;
	return startTask(state, {
		node: guest.node,
		type,
		id: String(guest.vmid),
		user: actor.user,
		durationSec: simDuration(state, guest.vmid, 1, 2),
		steps: forced ? [injected] : [],
		outcome: forced ? 'WARNINGS: 1' : (injected ?? 'OK'),
		onEnd: (task) => {
			// A failed delete leaves `snapstate: delete` and the lock behind, as on real PVE (fix with `pct unlock` / force).
			if (task.exitstatus !== 'OK' && !task.exitstatus?.startsWith('WARNINGS')) return;
			reparent(guest, snapshot);
			removeSnapshot(guest, snapname);
			setLock(guest, undefined);
		},
	});
}

/** The ZFS refusal for the first ZFS volume that has a newer snapshot than the target. */
function zfsRollbackBlocker(actor: OpActor, snapshot: SimSnapshot): string | undefined {
	const {state, guest} = actor;
	const index = guest.snapshots.indexOf(snapshot);
	for (const volume of guestVolumes(state, guest.node, snapshot.config)) {
		if (!rollbackNeedsNewest(volume)) continue;
		const newer = guest.snapshots.some((s, i) => s !== snapshot && (s.snaptime > snapshot.snaptime || (s.snaptime === snapshot.snaptime && i > index)) && guestVolumes(state, guest.node, s.config).some((v) => v.volid === volume.volid));
		if (newer) return `can't rollback, '${snapshot.name}' is not most recent snapshot on '${volume.volid}'`;
	}
	return undefined;
}

/** __snapshot_apply_config: the snapshot's config, keeping the current description and unused volumes. */
function applySnapshotConfig(guest: SimGuest, snapshot: SimSnapshot): void {
	const kept = Object.entries(guest.config).filter(([key]) => key === 'description' || /^unused\d+$/.test(key));
	const restored = structuredClone(snapshot.config);
	// The saved RAM is loaded once by the resumed VM and not kept in the config.
	delete restored.vmstate;
	delete restored.runningmachine;
	delete restored.runningcpu;
	guest.config = {...restored, ...Object.fromEntries(kept), parent: snapshot.name};
}

export function rollbackSnapshot(actor: OpActor, snapname: string, options: RollbackOptions = {}): string {
	const {state, guest} = actor;
	const type = wordsOf(guest).task.rollback;
	return withLockFile(actor, type, () => rollbackWorker(actor, type, snapname, options));
}

function rollbackWorker(actor: OpActor, type: string, snapname: string, options: RollbackOptions): string {
	const {state, guest} = actor;
	const snapshot = findSnapshot(guest, snapname);
	if (!snapshot) return failingTask(actor, type, `snapshot '${snapname}' does not exist`);
	const blocker = zfsRollbackBlocker(actor, snapshot);
	if (blocker) return failingTask(actor, type, blocker);
	if (snapshot.snapstate) return failingTask(actor, type, `unable to rollback to incomplete snapshot (snapstate = ${snapshot.snapstate})`);
	const locked = lockMessage(guest);
	if (locked) return failingTask(actor, type, locked);

	// The prepare step stops a running guest before touching its volumes.
	markStopped(state, guest);
	setLock(guest, 'rollback');
	const injected = injectedError(actor, 'rollback', snapname);
	// A VM snapshot with RAM: the VM is started from the saved state in the same task.
	const resumes = guest.type === 'qemu' && typeof snapshot.config.vmstate === 'string';
	return startTask(state, {
		node: guest.node,
		type,
		id: String(guest.vmid),
		user: actor.user,
		durationSec: simDuration(state, guest.vmid, 2, 5),
		steps: [],
		outcome: injected ?? 'OK',
		onEnd: (task) => {
			// A failed rollback keeps `lock: rollback` (PVE needs `pct unlock` then).
			if (task.exitstatus !== 'OK') return;
			setLock(guest, undefined);
			beforeBroadcastChange(state, guest, taskEndMs(state, task));
			applySnapshotConfig(guest, snapshot);
			if (guest.type === 'lxc') restorePackages(state, guest, snapshot.packages);
			if (resumes) markRunning(state, guest, taskEndMs(state, task));
			else if (options.start) {
				try {
					startContainer(actor);
				} catch {
					/* already running again (e.g. HA): nothing to start */
				}
			}
		},
	});
}
