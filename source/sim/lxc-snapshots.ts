// Container snapshots (create, delete, rollback) following pve-guest-common's
// AbstractConfig: the worker checks the config lock and the snapshot, marks
// the config (`lock: snapshot` + `snapstate: prepare`, `lock: snapshot-delete`
// + `snapstate: delete`, `lock: rollback`) while it runs, and commits at the
// end. Only the reserved names are refused before the fork.

import {handlerError} from './errors.js';
import type {OpActor} from './lxc-ops.js';
import {failingTask, LOCK_TIMEOUT_SEC, lockFileTimeout, lockMessage, markStopped, runningPowerTask, simDuration} from './lxc-ops.js';
import {startContainer} from './lxc-power.js';
import type {SimGuest, SimSnapshot} from './state.js';
import {setLock, snapshotConfigOf, takeFailure} from './state.js';
import {restorePackages, snapshotPackages} from './ssh/package-state.js';
import {startTask} from './tasks.js';
import {canSnapshot, guestVolumes, rollbackNeedsNewest} from './volumes.js';

export interface SnapshotOptions {
	description?: string;
}
export interface DeleteSnapshotOptions {
	force?: boolean;
}
export interface RollbackOptions {
	/** Start the container after a successful rollback (a separate vzstart task). */
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

/** A worker that first waits for the config lock file held by a running power task. */
function lockFileBusy(actor: OpActor, type: string): string | undefined {
	return runningPowerTask(actor.state, actor.guest.vmid) ? failingTask(actor, type, lockFileTimeout(actor.guest.vmid), LOCK_TIMEOUT_SEC) : undefined;
}

export function createSnapshot(actor: OpActor, snapname: string, options: SnapshotOptions = {}): string {
	const {state, guest} = actor;
	if (snapname === 'current' || snapname === 'vzdump') throw handlerError(`unable to use snapshot name '${snapname}' (reserved name)`);
	const busy = lockFileBusy(actor, 'vzsnapshot');
	if (busy) return busy;
	// __snapshot_prepare's order: template, lock, name, storage feature.
	if (guest.config.template === 1) return failingTask(actor, 'vzsnapshot', "you can't take a snapshot if it's a template");
	const locked = lockMessage(guest);
	if (locked) return failingTask(actor, 'vzsnapshot', locked);
	if (findSnapshot(guest, snapname)) return failingTask(actor, 'vzsnapshot', `snapshot name '${snapname}' already used`);
	const volumes = guestVolumes(state, guest.node, guest.config);
	if (!volumes.every(canSnapshot)) return failingTask(actor, 'vzsnapshot', 'snapshot feature is not available');

	const parent = currentParent(guest);
	const snapshot: SimSnapshot = {
		name: snapname,
		snaptime: Math.floor(state.clock() / 1000),
		...(options.description ? {description: options.description} : {}),
		...(parent !== undefined ? {parent} : {}),
		config: snapshotConfigOf(guest.config),
		snapstate: 'prepare',
		// The container's disk, packages included (restored by a rollback).
		...packagesOf(snapshotPackages(state, guest)),
	};
	guest.snapshots.push(snapshot);
	setLock(guest, 'snapshot');
	const injected = injectedError(actor, 'snapshot', snapname);
	const steps = volumes.map((v) => `snapshotting '${v.key}' (${v.volid})`);
	if (injected) steps.push('snapshot create failed: starting cleanup');
	return startTask(state, {
		node: guest.node,
		type: 'vzsnapshot',
		id: String(guest.vmid),
		user: actor.user,
		durationSec: simDuration(state, guest.vmid, 1, 3),
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
	const busy = lockFileBusy(actor, 'vzdelsnapshot');
	if (busy) return busy;
	const snapshot = findSnapshot(guest, snapname);
	if (!snapshot) return failingTask(actor, 'vzdelsnapshot', `snapshot '${snapname}' does not exist`);
	const locked = lockMessage(guest);
	if (locked) return failingTask(actor, 'vzdelsnapshot', locked);

	setLock(guest, 'snapshot-delete');
	snapshot.snapstate = 'delete';
	const injected = injectedError(actor, 'delsnapshot', snapname);
	// With force, a failing volume snapshot removal is only a warning and the entry goes anyway.
	const forced = injected !== undefined && options.force === true;
	return startTask(state, {
		node: guest.node,
		type: 'vzdelsnapshot',
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
	guest.config = {...structuredClone(snapshot.config), ...Object.fromEntries(kept), parent: snapshot.name};
}

export function rollbackSnapshot(actor: OpActor, snapname: string, options: RollbackOptions = {}): string {
	const {state, guest} = actor;
	const busy = lockFileBusy(actor, 'vzrollback');
	if (busy) return busy;
	const snapshot = findSnapshot(guest, snapname);
	if (!snapshot) return failingTask(actor, 'vzrollback', `snapshot '${snapname}' does not exist`);
	const blocker = zfsRollbackBlocker(actor, snapshot);
	if (blocker) return failingTask(actor, 'vzrollback', blocker);
	if (snapshot.snapstate) return failingTask(actor, 'vzrollback', `unable to rollback to incomplete snapshot (snapstate = ${snapshot.snapstate})`);
	const locked = lockMessage(guest);
	if (locked) return failingTask(actor, 'vzrollback', locked);

	// The prepare step stops a running container before touching its volumes.
	markStopped(guest);
	setLock(guest, 'rollback');
	const injected = injectedError(actor, 'rollback', snapname);
	return startTask(state, {
		node: guest.node,
		type: 'vzrollback',
		id: String(guest.vmid),
		user: actor.user,
		durationSec: simDuration(state, guest.vmid, 2, 5),
		steps: [],
		outcome: injected ?? 'OK',
		onEnd: (task) => {
			// A failed rollback keeps `lock: rollback` (PVE needs `pct unlock` then).
			if (task.exitstatus !== 'OK') return;
			setLock(guest, undefined);
			applySnapshotConfig(guest, snapshot);
			restorePackages(state, guest, snapshot.packages);
			if (options.start) {
				try {
					startContainer(actor);
				} catch {
					/* already running again (e.g. HA): nothing to start */
				}
			}
		},
	});
}
