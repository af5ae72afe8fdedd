// One round of API reads that gathers the facts the problem rules need, for
// `proxdeck check` (the console feeds the same rules from its store). Reads
// only what a PVEAuditor token may: /cluster/resources, /cluster/status,
// /cluster/tasks, each online node's ZFS pools, rrddata (sustained CPU) and apt
// versions (a pending kernel), and the configs and snapshot lists of the guests
// (a few at a time) for onboot, gateways and retention. Pending package updates
// (apt/update) need Sys.Modify: an auditor token simply gets no such line.

import type {ClusterStatusEntry, SnapshotEntry, TaskEntry} from '../../api/types.js';
import {listNics} from '../../util/pve-config.js';
import {sanitize} from '../../util/sanitize.js';
import type {ApiRequester} from '../fleet-source.js';
import {mapResources} from '../fleet-mapping.js';
import type {GuestRow} from '../../store/types.js';
import {emptyFacts, type PoolFact, type ProblemFacts, type SnapshotFact, type StorageFact, type TaskFact} from './types.js';
import {readNodeFacts} from './node-facts.js';

export interface CollectOptions {
	now?: () => number;
	/** Config and snapshot reads at once (default 6). */
	concurrency?: number;
}

/** Runs `work` over `items`, `limit` at a time, until `signal` aborts; a failed item is skipped, not thrown. */
export async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length && !signal?.aborted) {
			const item = items[next++]!;
			await work(item).catch(() => {});
		}
	};
	await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
}

function number(v: unknown): number {
	return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** A guest's snapshot list as the retention rules read it: names and times, without `current`. */
export function snapshotFacts(list: SnapshotEntry[]): SnapshotFact[] {
	return list.filter((s) => s && s.name !== 'current').map((s) => ({name: sanitize(String(s.name)), ...(typeof s.snaptime === 'number' ? {snaptime: s.snaptime} : {})}));
}

export function storageFacts(resources: unknown): StorageFact[] {
	if (!Array.isArray(resources)) return [];
	return resources.flatMap((r) => {
		if (r === null || typeof r !== 'object' || (r as {type?: unknown}).type !== 'storage') return [];
		const e = r as Record<string, unknown>;
		if (typeof e.storage !== 'string' || typeof e.node !== 'string') return [];
		if (e.status !== undefined && e.status !== 'available') return [];
		return [{node: sanitize(e.node), storage: sanitize(e.storage), used: number(e.disk), total: number(e.maxdisk), shared: e.shared === 1, ...(typeof e.status === 'string' ? {status: e.status} : {})}];
	});
}

export function taskFacts(tasks: unknown): TaskFact[] {
	if (!Array.isArray(tasks)) return [];
	return (tasks as TaskEntry[]).flatMap((t) => {
		if (t === null || typeof t !== 'object' || typeof t.upid !== 'string') return [];
		return [{
			upid: t.upid,
			node: sanitize(String(t.node ?? '')),
			type: sanitize(String(t.type ?? '')),
			...(t.id ? {id: sanitize(String(t.id))} : {}),
			user: sanitize(String(t.user ?? '')),
			starttime: number(t.starttime),
			...(typeof t.endtime === 'number' ? {endtime: t.endtime} : {}),
			...(typeof t.status === 'string' ? {status: sanitize(t.status)} : {}),
		}];
	});
}

/** Each node's ZFS pools (GET /nodes/{node}/disks/zfs), sorted; a node that does not answer has none. */
export async function readPools(api: ApiRequester, nodes: string[], signal?: AbortSignal): Promise<PoolFact[]> {
	const pools: PoolFact[] = [];
	await Promise.all(
		nodes.map(async (node) => {
			const list = await api.request<unknown>('GET', `/nodes/${encodeURIComponent(node)}/disks/zfs`, undefined, signal).catch(() => []);
			if (!Array.isArray(list)) return;
			for (const p of list as Array<Record<string, unknown>>) {
				if (p === null || typeof p !== 'object' || typeof p.name !== 'string') continue;
				pools.push({node, name: sanitize(p.name), size: number(p.size), alloc: number(p.alloc), health: sanitize(String(p.health ?? 'UNKNOWN'))});
			}
		}),
	);
	return pools.sort((a, b) => a.node.localeCompare(b.node) || a.name.localeCompare(b.name));
}

function guestPath(g: GuestRow): string {
	return `/nodes/${encodeURIComponent(g.node)}/${g.kind}/${g.vmid}`;
}

export async function collectFacts(api: ApiRequester, options: CollectOptions = {}): Promise<ProblemFacts> {
	const now = options.now ?? Date.now;
	const [resources, status, tasks] = await Promise.all([
		api.request<unknown>('GET', '/cluster/resources'),
		api.request<ClusterStatusEntry[]>('GET', '/cluster/status'),
		api.request<unknown>('GET', '/cluster/tasks').catch(() => []),
	]);
	const facts = emptyFacts(now());
	const {guests, nodes} = mapResources(resources);
	facts.guests = guests;
	facts.nodes = nodes;
	const cluster = Array.isArray(status) ? status.find((e) => e.type === 'cluster') : undefined;
	if (cluster?.type === 'cluster') {
		facts.quorate = cluster.quorate === 1;
		facts.clusterName = sanitize(cluster.name);
	}
	facts.storages = storageFacts(resources);
	facts.tasks = taskFacts(tasks);
	// A running task on a guest tells how long its lock has been held.
	for (const t of facts.tasks) {
		const vmid = Number(t.id);
		if (t.status === undefined && Number.isInteger(vmid) && guests.some((g) => g.vmid === vmid && g.lock)) {
			facts.lockSince.set(vmid, Math.min(facts.lockSince.get(vmid) ?? Infinity, t.starttime * 1000));
		}
	}
	const online = new Set(nodes.filter((n) => n.status === 'online').map((n) => n.name));
	const nodeFacts = {nodeUpdates: facts.nodeUpdates, nodeReboot: facts.nodeReboot, nodePulses: facts.nodePulses, readAt: new Map<string, number>()};
	[facts.pools] = await Promise.all([readPools(api, [...online]), readNodeFacts(api, [...online], nodeFacts, {now: facts.now})]);
	const reachable = guests.filter((g) => online.has(g.node) && !g.template);
	await eachLimited(reachable, options.concurrency ?? 6, async (g) => {
		const config = await api.request<Record<string, unknown>>('GET', `${guestPath(g)}/config`);
		facts.onboot.set(g.vmid, config.onboot === 1 || config.onboot === '1');
		facts.nics.set(g.vmid, listNics(config, g.kind));
		const snaps = await api.request<SnapshotEntry[]>('GET', `${guestPath(g)}/snapshot`).catch(() => undefined);
		if (Array.isArray(snaps)) {
			facts.snapshots.set(g.vmid, snapshotFacts(snaps));
		}
	});
	return facts;
}
