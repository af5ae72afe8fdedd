// The simulator's live state, built once from a fixture. Tests mutate it
// directly (e.g. `state.guests.get(101)!.status = 'stopped'`) and the API
// reflects the change on the next request, so handlers never cache anything.
// (The simulator's own changes to what pvestatd broadcasts go through
// broadcast.ts, so /cluster/resources shows them a cycle late, as PVE does.)

import type {SimBackup} from './backup-store.js';
import {seedBackups} from './backup-store.js';
import type {FailureAction, Fixture, FixtureBackupJob, FixtureAcl, FixtureFailure, FixtureGuest, FixtureNode, FixturePackages, FixtureSnapshot, FixtureTask, FixtureUser} from './fixture-types.js';
import type {GuestPackages, PackageSnapshot, UpgradeStats} from './ssh/package-state.js';
import {roleTable} from './roles.js';
import type {SimTask} from './tasks.js';
import {seedTaskHistory} from './tasks.js';
import {redateName, renameIn, retimeLog} from './fixture-dates.js';

/** A snapshot as the config file keeps it: its own keys plus a copy of the guest config at that time. */
export interface SimSnapshot extends FixtureSnapshot {
	/** The guest config when the snapshot was taken (without description, lock, parent, unusedN), restored by a rollback. */
	config: FixtureGuest['config'];
	/** `prepare` while being created, `delete` while being removed (PVE's snapstate). */
	snapstate?: 'prepare' | 'delete';
	/** The container's package state at snapshot time (ssh/package-state.ts), restored by a rollback. */
	packages?: PackageSnapshot;
}

export interface SimGuest {
	vmid: number;
	type: FixtureGuest['type'];
	node: string;
	status: 'running' | 'stopped';
	config: FixtureGuest['config'];
	usage: FixtureGuest['usage'];
	/** Epoch ms the guest was (re)started; uptime is derived from it and the clock. */
	runningSince?: number;
	snapshots: SimSnapshot[];
	ha?: FixtureGuest['ha'];
	pool?: string;
	/** A running VM whose vCPUs are paused (qm suspend without todisk): status stays running, qmpstatus says paused. */
	paused?: boolean;
	/** VMs: the guest agent answers inside (fixture `guestAgent`); absent = agent not running. */
	guestAgent?: FixtureGuest['guestAgent'];
	/** Config lock (`backup`, `snapshot`, …) while an operation holds it. */
	lock?: string;
	/** Package state inside the container, derived on first use (ssh/package-state.ts guestPackages()). */
	packages?: GuestPackages;
	/** The fixture's `packages` declaration the derivation starts from. */
	packageSpec?: FixturePackages;
}

export interface SimNode extends FixtureNode {
	/** Epoch ms of the node's boot, so uptime grows with the clock. */
	bootedAt: number;
}

export interface SimState {
	clusterName?: string;
	configVersion: number;
	version: Fixture['version'];
	seed: number;
	nodes: Map<string, SimNode>;
	guests: Map<number, SimGuest>;
	users: Map<string, FixtureUser>;
	roles: Map<string, ReadonlySet<string>>;
	tasks: SimTask[];
	/** Epoch ms at simulator start. */
	startedAt: number;
	clock: () => number;
	/** Simulated seconds per real second for task durations. */
	taskSpeed: number;
	/** Next worker pid handed to a task (deterministic). */
	nextPid: number;
	/** SHA-256 fingerprint of the served certificate (GET /nodes ssl_fingerprint). */
	fingerprint: string;
	/** Each node's own certificate fingerprint (every node has its own pve-ssl.pem). */
	nodeFingerprints: Record<string, string>;
	/** Injected task failures still to fire (fixture `failures`, or injectFailure()). */
	failures: FixtureFailure[];
	/** Simulated seconds per ticker second for package-manager output inside containers. */
	packageSpeed: number;
	/** Concurrent package upgrades (now, peak, totals, per-command log) for checking an engine's limit. */
	upgradeStats: UpgradeStats;
	/** Archives on backup storages (backup-store.ts). */
	backups: SimBackup[];
	/** /cluster/backup jobs. */
	backupJobs: FixtureBackupJob[];
	/** Told after anything that may have changed guests, snapshots, packages or tasks (persist.ts keeps the demo's state). */
	onChange?: () => void;
}

/** Something may have changed: a write request served, a task ended, a command inside a guest ended. */
export function markChanged(state: SimState): void {
	state.onChange?.();
}

/**
 * A fixture task whose log names dates: its timestamps moved to when the
 * task now ran; a log without timestamps (a snapshot task) gets the
 * guest's renamed snapshots.
 */
function datedTask(task: FixtureTask, now: number, renamed: ReadonlyMap<string, string> | undefined): FixtureTask {
	const startS = Math.floor((now - task.startedAgo * 1000) / 1000);
	const log = retimeLog(task.log, startS);
	if (log) return {...task, log};
	if (!renamed) return task;
	return {...task, log: task.log.map((line) => renameIn(line, renamed)), status: renameIn(task.status, renamed)};
}

export function buildState(fixture: Fixture, options: {clock: () => number; taskSpeed: number; fingerprint: string; nodeFingerprints?: Record<string, string>; packageSpeed?: number}): SimState {
	const now = options.clock();
	const nodes = new Map<string, SimNode>();
	for (const node of fixture.nodes) nodes.set(node.name, {...structuredClone(node), bootedAt: now - node.uptime * 1000});
	const guests = new Map<number, SimGuest>();
	// Snapshot names carrying a date get the date of the time they are given here (fixture-dates.ts).
	const renamed = new Map<number, Map<string, string>>();
	for (const g of fixture.guests) {
		const names = new Map<string, string>();
		renamed.set(g.vmid, names);
		const snapshots = (g.snapshots ?? []).map((s) => {
			const snaptime = s.snaptime < 0 ? Math.floor(now / 1000) + s.snaptime : s.snaptime;
			names.set(s.name, redateName(s.name, snaptime));
			return {...s, snaptime};
		});
		const rename = (name: string) => names.get(name) ?? name;
		const config = structuredClone(g.config);
		if (typeof config.parent === 'string') config.parent = rename(config.parent);
		guests.set(g.vmid, {
			vmid: g.vmid,
			type: g.type,
			node: g.node,
			status: g.status,
			config,
			usage: {...g.usage},
			runningSince: g.status === 'running' ? now - (g.uptime ?? 0) * 1000 : undefined,
			// A fixture does not record the config at snapshot time; the current one is the best guess.
			snapshots: snapshots.map((s) => ({...s, name: rename(s.name), ...(s.parent !== undefined ? {parent: rename(s.parent)} : {}), config: snapshotConfigOf(config)})),
			...(g.ha ? {ha: {...g.ha}} : {}),
			...(g.pool ? {pool: g.pool} : {}),
			...(typeof g.config.lock === 'string' ? {lock: g.config.lock} : {}),
			...(g.packages ? {packageSpec: structuredClone(g.packages)} : {}),
			...(g.guestAgent ? {guestAgent: structuredClone(g.guestAgent)} : {}),
		});
	}
	const users = new Map<string, FixtureUser>();
	for (const u of fixture.users) users.set(u.userid, structuredClone(u));
	const state: SimState = {
		...(fixture.cluster ? {clusterName: fixture.cluster.name} : {}),
		configVersion: fixture.cluster?.configVersion ?? 1,
		version: fixture.version,
		seed: fixture.seed,
		nodes,
		guests,
		users,
		roles: roleTable(fixture.roles),
		tasks: [],
		startedAt: now,
		clock: options.clock,
		taskSpeed: options.taskSpeed,
		nextPid: 0x1000 + (fixture.seed % 0x8000),
		fingerprint: options.fingerprint,
		nodeFingerprints: options.nodeFingerprints ?? {},
		failures: (fixture.failures ?? []).map((f) => ({...f})),
		packageSpeed: options.packageSpeed ?? options.taskSpeed,
		upgradeStats: {running: 0, peak: 0, started: 0, finished: 0, log: []},
		backups: [],
		backupJobs: structuredClone(fixture.backups?.jobs ?? []),
	};
	seedBackups(state, fixture.backups);
	seedTaskHistory(state, (fixture.taskHistory ?? []).map((task) => datedTask(task, now, renamed.get(Number(task.id)))));
	return state;
}

/** Corosync's majority: more than half of the cluster's nodes online (a standalone node is always quorate). */
export function isQuorate(state: SimState): boolean {
	if (!state.clusterName) return true;
	const nodes = [...state.nodes.values()];
	return nodes.filter((n) => n.online).length * 2 > nodes.length;
}

export function guestUptime(state: SimState, guest: SimGuest, atMs: number = state.clock()): number {
	if (guest.status !== 'running') return 0;
	return Math.max(0, Math.floor((atMs - (guest.runningSince ?? state.startedAt)) / 1000));
}

export function nodeUptime(state: SimState, node: SimNode, atMs: number = state.clock()): number {
	return Math.max(0, Math.floor((atMs - node.bootedAt) / 1000));
}

/** ACL entries of a user (or of one of its tokens). */
export function aclOf(user: FixtureUser, tokenid?: string): FixtureAcl[] {
	if (tokenid === undefined) return user.acl;
	return user.tokens?.find((t) => t.tokenid === tokenid)?.acl ?? [];
}

export function guestName(guest: SimGuest): string {
	const key = guest.type === 'lxc' ? 'hostname' : 'name';
	const value = guest.config[key];
	return typeof value === 'string' ? value : `${guest.type === 'lxc' ? 'CT' : 'VM'}${guest.vmid}`;
}

/** Keys PVE's __snapshot_copy_config never copies into a snapshot. */
function notCopiedIntoSnapshot(key: string): boolean {
	return key === 'description' || key === 'lock' || key === 'parent' || key === 'digest' || /^unused\d+$/.test(key);
}

/** The part of a guest config a snapshot keeps (and a rollback restores). */
export function snapshotConfigOf(config: FixtureGuest['config']): FixtureGuest['config'] {
	return Object.fromEntries(Object.entries(structuredClone(config)).filter(([key]) => !notCopiedIntoSnapshot(key)));
}

/** Sets or clears the config lock; the config and the list views read the same value. */
export function setLock(guest: SimGuest, lock: string | undefined): void {
	if (lock === undefined) {
		delete guest.lock;
		delete guest.config.lock;
	} else {
		guest.lock = lock;
		guest.config.lock = lock;
	}
}

/** Makes the next `times` (default: every) `action` task of `vmid` fail with `error`. For tests and scripted demos. */
export function injectFailure(state: SimState, failure: FixtureFailure): void {
	state.failures.push({...failure});
}

/** The injected error for this operation, consuming one use; undefined when none is armed. */
export function takeFailure(state: SimState, vmid: number, action: FailureAction): string | undefined {
	const index = state.failures.findIndex((f) => f.vmid === vmid && f.action === action);
	if (index === -1) return undefined;
	const failure = state.failures[index]!;
	if (failure.times !== undefined) {
		failure.times -= 1;
		if (failure.times <= 0) state.failures.splice(index, 1);
	}
	return failure.error;
}
