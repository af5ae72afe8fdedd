// The simulator's live state, built once from a fixture. Tests mutate it
// directly (e.g. `state.guests.get(101)!.status = 'stopped'`) and the API
// reflects the change on the next request, so handlers never cache anything.

import type {Fixture, FixtureAcl, FixtureGuest, FixtureNode, FixtureSnapshot, FixtureUser} from './fixture-types.js';
import {roleTable} from './roles.js';
import type {SimTask} from './tasks.js';
import {seedTaskHistory} from './tasks.js';

export interface SimGuest {
	vmid: number;
	type: FixtureGuest['type'];
	node: string;
	status: 'running' | 'stopped';
	config: FixtureGuest['config'];
	usage: FixtureGuest['usage'];
	/** Epoch ms the guest was (re)started; uptime is derived from it and the clock. */
	runningSince?: number;
	snapshots: FixtureSnapshot[];
	ha?: FixtureGuest['ha'];
	pool?: string;
	/** Config lock (`backup`, `snapshot`, …) while an operation holds it. */
	lock?: string;
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
}

export function buildState(fixture: Fixture, options: {clock: () => number; taskSpeed: number; fingerprint: string}): SimState {
	const now = options.clock();
	const nodes = new Map<string, SimNode>();
	for (const node of fixture.nodes) nodes.set(node.name, {...structuredClone(node), bootedAt: now - node.uptime * 1000});
	const guests = new Map<number, SimGuest>();
	for (const g of fixture.guests) {
		guests.set(g.vmid, {
			vmid: g.vmid,
			type: g.type,
			node: g.node,
			status: g.status,
			config: structuredClone(g.config),
			usage: {...g.usage},
			runningSince: g.status === 'running' ? now - (g.uptime ?? 0) * 1000 : undefined,
			snapshots: (g.snapshots ?? []).map((s) => ({...s, snaptime: s.snaptime < 0 ? Math.floor(now / 1000) + s.snaptime : s.snaptime})),
			...(g.ha ? {ha: {...g.ha}} : {}),
			...(g.pool ? {pool: g.pool} : {}),
			...(typeof g.config.lock === 'string' ? {lock: g.config.lock} : {}),
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
	};
	seedTaskHistory(state, fixture.taskHistory ?? []);
	return state;
}

export function guestUptime(state: SimState, guest: SimGuest): number {
	if (guest.status !== 'running') return 0;
	return Math.max(0, Math.floor((state.clock() - (guest.runningSince ?? state.startedAt)) / 1000));
}

export function nodeUptime(state: SimState, node: SimNode): number {
	return Math.max(0, Math.floor((state.clock() - node.bootedAt) / 1000));
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
