// Loads ZFS data while a ZFS pane is on screen (deck.visible): pools
// from GET /nodes/{node}/disks/zfs on every online node, the detail tree of
// any pool that is not ONLINE (its faulted device), and — when a command
// runner (SSH) is given — datasets and snapshots from `zfs list` plus
// `zpool status` on the runner's node. Without a runner, or for the other
// nodes, it shows GET /nodes/{node}/storage instead and says so.
//
// Pools are not re-read on every node every cycle (issue 12: 64 requests a
// minute on 32 nodes). Each load reads: every node not read since the pane
// opened (opening it shows the whole cluster at once); the selected guest's
// node and any node whose last read showed a pool that is not ONLINE (what the
// admin is looking at, or a resilver in progress, stays as prompt as before);
// and POOL_NODES_PER_LOAD more nodes, longest unread first. The other nodes
// keep their last pools. One node is read every cycle as before; on 32 nodes
// each healthy node's pools are re-read at worst every 8 minutes (16 loads of
// 30 s), while the problems service reads pools on its own budget as well.

import type {StoreApi} from 'zustand/vanilla';
import {whilePaneVisible} from '../pane-visibility.js';
import {hopArgv, shellNode} from '../../ssh/node-hop.js';
import type {CommandRunner} from '../../ssh/types.js';
import type {StorageUsageRow, ZfsDatasetRow, ZfsPoolRow, ZfsSample, ZfsSnapshotRow, ZfsStorageConfig} from '../../store/screen-types.js';
import type {AppState} from '../../store/types.js';
import {errorLine} from '../error-line.js';
import type {ApiRequester} from '../fleet-source.js';
import {parseZfsDatasets, parseZfsSnapshots, ZFS_DATASETS_ARGV, ZFS_SNAPSHOTS_ARGV} from './parse-zfs-list.js';
import {parseZpoolStatus, unhealthyDevices} from './parse-zpool-status.js';
import {dueReads} from '../read-budget.js';

/** Healthy, unselected nodes whose pools are re-read per load (see above). */
export const POOL_NODES_PER_LOAD = 2;
/** storage.cfg (which storage allocates in which pool) is re-read this often while the pane is open: it rarely changes. */
export const STORAGE_CONFIG_EVERY_MS = 10 * 60_000;

export interface ZfsService {
	start(): void;
	stop(): void;
	/** Loads once now (also what the screen does on open); resolves when stored. */
	refreshNow(): Promise<void>;
}

/** GET /nodes/{node}/disks/zfs entry. */
interface ZfsPoolEntry {
	name: string;
	size: number;
	alloc: number;
	free: number;
	frag: number;
	dedup: number;
	health: string;
}

/** GET /nodes/{node}/disks/zfs/{name}: the vdev tree. */
interface ZfsPoolDetail {
	name: string;
	state: string;
	status?: string;
	children?: ZfsVdev[];
}

interface ZfsVdev {
	name: string;
	state: string;
	read?: number;
	write?: number;
	cksum?: number;
	msg?: string;
	leaf?: number;
	children?: ZfsVdev[];
}

/** /cluster/resources `type=storage` entry (pve-manager's extract_storage_stats). */
interface StorageResource {
	type: string;
	node: string;
	storage: string;
	plugintype?: string;
	status?: string;
	shared?: number;
	disk?: number;
	maxdisk?: number;
}

/** GET /storage entry (pve-storage's api_storage_config): the storage.cfg section, `nodes` comma-joined. */
interface StorageConfigEntry {
	storage?: unknown;
	type?: unknown;
	pool?: unknown;
	nodes?: unknown;
	disable?: unknown;
}

const HEALTHY = new Set(['ONLINE', 'AVAIL', 'INUSE']);

/** The zfspool entries of GET /storage; anything malformed is left out. */
export function zfsStorageConfigs(list: unknown): ZfsStorageConfig[] {
	if (!Array.isArray(list)) return [];
	return (list as StorageConfigEntry[]).flatMap((e) => {
		if (e === null || typeof e !== 'object' || e.type !== 'zfspool' || typeof e.storage !== 'string' || typeof e.pool !== 'string') return [];
		const nodes = typeof e.nodes === 'string' && e.nodes !== '' ? e.nodes.split(',') : undefined;
		return [{storage: e.storage, pool: e.pool, ...(nodes ? {nodes} : {}), ...(e.disable === 1 || e.disable === '1' ? {disabled: true} : {})}];
	});
}

function faultedLeaves(vdev: ZfsVdev): ZfsPoolRow['faulted'] {
	const children = vdev.children ?? [];
	if (children.length === 0) {
		if (HEALTHY.has(vdev.state)) return [];
		return [{name: vdev.name, state: vdev.state, msg: vdev.msg ?? '', read: vdev.read ?? 0, write: vdev.write ?? 0, cksum: vdev.cksum ?? 0}];
	}
	return children.flatMap(faultedLeaves);
}

export interface ZfsServiceOptions {
	api: ApiRequester;
	store: StoreApi<AppState>;
	/** Runs `zfs`/`zpool` on `runnerNode` (SSH); absent → storage usage from the API. */
	runner?: CommandRunner;
	/** The node the runner's commands run on; default: what `hostname` answers there, else the only node. */
	runnerNode?: string;
	refreshMs?: number;
	clock?: () => number;
}

export function createZfsService(options: ZfsServiceOptions): ZfsService {
	const {api, store, runner} = options;
	const refreshMs = options.refreshMs ?? 30_000;
	const clock = options.clock ?? Date.now;
	let unsubscribe: (() => void) | undefined;
	let timer: NodeJS.Timeout | undefined;
	let abort = new AbortController();
	let inFlight: Promise<void> | undefined;
	/** Each node's pools and their read errors as last read, and when (cleared when the pane closes). */
	const poolCache = new Map<string, {pools: ZfsPoolRow[]; notes: string[]}>();
	const poolsReadAt = new Map<string, number>();
	/** storage.cfg's zfspool storages as last read, and when (cleared when the pane closes). */
	let storageConfig: {at: number; list?: ZfsStorageConfig[]; error?: string} | undefined;

	/**
	 * Which storage allocates in which pool: one GET /storage?type=zfspool when
	 * the pane opens and every STORAGE_CONFIG_EVERY_MS after. The pane shows
	 * each pool's storage figure (the one the problems pane warns on) beside
	 * zpool's raw one; without this read it shows the raw figure alone.
	 */
	async function storageConfigs(signal: AbortSignal, notes: string[]): Promise<ZfsStorageConfig[] | undefined> {
		if (!storageConfig || clock() - storageConfig.at >= STORAGE_CONFIG_EVERY_MS) {
			try {
				storageConfig = {at: clock(), list: zfsStorageConfigs(await api.request<unknown>('GET', '/storage', {type: 'zfspool'}, signal))};
			} catch (error) {
				if (signal.aborted) return undefined;
				// Not retried before the interval either (a token without Datastore.Audit would ask every load).
				storageConfig = {at: clock(), ...(storageConfig?.list ? {list: storageConfig.list} : {}), error: errorLine(error)};
			}
		}
		if (storageConfig.error) notes.push(`storage.cfg not read, so no storage figure beside the pools: ${storageConfig.error}`);
		return storageConfig.list;
	}

	/** The nodes whose pools this load reads (see the header). */
	function poolNodesToRead(state: AppState, online: string[]): string[] {
		const selected = state.ui.selectedVmid === undefined ? undefined : state.guests.get(state.ui.selectedVmid)?.node;
		const prompt = online.filter((node) => node === selected || (poolCache.get(node)?.pools ?? []).some((p) => p.health !== 'ONLINE'));
		const rest = online.filter((node) => !prompt.includes(node));
		return [...prompt, ...dueReads(rest, poolsReadAt, {now: clock(), everyMs: refreshMs / 2, budget: POOL_NODES_PER_LOAD, unreadAtOnce: true})];
	}

	async function poolsOf(node: string, signal: AbortSignal, notes: string[]): Promise<ZfsPoolRow[]> {
		const base = `/nodes/${encodeURIComponent(node)}/disks/zfs`;
		let list: ZfsPoolEntry[];
		try {
			list = await api.request<ZfsPoolEntry[]>('GET', base, undefined, signal);
		} catch (error) {
			notes.push(`${node}: pools not read: ${errorLine(error)}`);
			return [];
		}
		return Promise.all(
			(Array.isArray(list) ? list : []).map(async (p): Promise<ZfsPoolRow> => {
				const row: ZfsPoolRow = {node, name: p.name, size: p.size, alloc: p.alloc, free: p.free, frag: p.frag, dedup: p.dedup, health: p.health, faulted: []};
				if (p.health === 'ONLINE') return row;
				try {
					const detail = await api.request<ZfsPoolDetail>('GET', `${base}/${encodeURIComponent(p.name)}`, undefined, signal);
					row.faulted = (detail.children ?? []).flatMap(faultedLeaves);
					row.status = detail.status;
				} catch (error) {
					notes.push(`${node}/${p.name}: device tree not read: ${errorLine(error)}`);
				}
				return row;
			}),
		);
	}

	/**
	 * Storage usage of `nodes`, from one /cluster/resources?type=storage read
	 * for the whole cluster (pvestatd's figures, the same the GUI's tree shows)
	 * instead of one /nodes/{node}/storage per node: 32 requests a cycle on a
	 * 32-node cluster became one.
	 */
	async function storagesOf(nodes: readonly string[], signal: AbortSignal, notes: string[]): Promise<StorageUsageRow[]> {
		if (nodes.length === 0) return [];
		const wanted = new Set(nodes);
		try {
			const list = await api.request<StorageResource[]>('GET', '/cluster/resources', {type: 'storage'}, signal);
			return (Array.isArray(list) ? list : [])
				.filter((s) => s.type === 'storage' && wanted.has(s.node))
				.map((s) => ({node: s.node, storage: s.storage, type: s.plugintype ?? '', used: s.disk ?? 0, total: s.maxdisk ?? 0, active: s.status === 'available', ...(s.shared === 1 ? {shared: true} : {})}));
		} catch (error) {
			notes.push(`storage usage not read: ${errorLine(error)}`);
			return [];
		}
	}

	/**
	 * Datasets, snapshots and `zpool status` of `node`, fills the sample in
	 * place. The runner's own node directly; another node through it, over the
	 * cluster's root SSH (node-hop.ts).
	 */
	async function overSsh(node: string, sshNode: string, sample: ZfsSample, signal: AbortSignal): Promise<boolean> {
		if (!runner) return false;
		const on = (argv: string[]) => (node === sshNode ? argv : hopArgv(node, argv));
		try {
			const [datasets, snapshots] = await Promise.all([runner.run(on(ZFS_DATASETS_ARGV), {signal}), runner.run(on(ZFS_SNAPSHOTS_ARGV), {signal})]);
			if (datasets.code !== 0) {
				sample.notes.push(`${node}: zfs list failed (exit ${datasets.code}): ${errorLine(datasets.stderr || 'no output')}`);
				return false;
			}
			const parsedDatasets = parseZfsDatasets(datasets.stdout);
			sample.datasets.push(...parsedDatasets.rows.map((d): ZfsDatasetRow => ({...d, node})));
			sample.notes.push(...parsedDatasets.notes);
			if (snapshots.code === 0) {
				const parsedSnapshots = parseZfsSnapshots(snapshots.stdout);
				sample.snapshots.push(...parsedSnapshots.rows.map((s): ZfsSnapshotRow => ({...s, node})));
				sample.notes.push(...parsedSnapshots.notes);
			}
			// `zpool status` names the faulted device even where the API tree was not readable.
			for (const pool of sample.pools.filter((p) => p.node === node && p.health !== 'ONLINE')) {
				const status = await runner.run(on(['zpool', 'status', pool.name]), {signal});
				if (status.code !== 0) continue;
				const parsed = parseZpoolStatus(status.stdout);
				sample.notes.push(...parsed.notes);
				const found = parsed.rows.find((r) => r.name === pool.name);
				if (!found) continue;
				pool.status = found.status ?? pool.status;
				if (pool.faulted.length === 0) pool.faulted = unhealthyDevices(found).map(({name, state, msg, read, write, cksum}) => ({name, state, msg, read, write, cksum}));
			}
			return true;
		} catch (error) {
			sample.notes.push(`${node}: over SSH: ${errorLine(error)}`);
			return false;
		}
	}

	let runnerNode = options.runnerNode;

	/**
	 * Which node the runner is on (an SSH target may be any node of the
	 * cluster): the one `hostname` answer node-hop.ts asks per runner, kept when
	 * it names a node of this cluster.
	 */
	async function nodeOfRunner(nodes: string[]): Promise<string | undefined> {
		if (runnerNode !== undefined || !runner) return runnerNode;
		const name = await shellNode(runner);
		if (name !== undefined && nodes.includes(name)) runnerNode = name;
		return runnerNode ?? (nodes.length === 1 ? nodes[0] : undefined);
	}

	async function loadOnce(signal: AbortSignal): Promise<void> {
		const state = store.getState();
		const online = state.nodes.filter((n) => n.status === 'online').map((n) => n.name);
		const sshNode = await nodeOfRunner(state.nodes.map((n) => n.name));
		const sample: ZfsSample = {source: 'api', sshLabel: runner?.label, pools: [], datasets: [], snapshots: [], storages: [], notes: [], at: clock()};
		const configs = storageConfigs(signal, sample.notes);
		await Promise.all(
			poolNodesToRead(state, online).map(async (node) => {
				const notes: string[] = [];
				const pools = await poolsOf(node, signal, notes);
				if (signal.aborted) return;
				poolCache.set(node, {pools, notes});
				poolsReadAt.set(node, sample.at);
			}),
		);
		for (const node of [...poolCache.keys()]) {
			if (online.includes(node)) continue;
			poolCache.delete(node);
			poolsReadAt.delete(node);
		}
		sample.pools = online.flatMap((node) => (poolCache.get(node)?.pools ?? []).map((p) => ({...p, faulted: [...p.faulted]})));
		sample.notes.push(...online.flatMap((node) => poolCache.get(node)?.notes ?? []));
		sample.poolsReadAt = new Map(poolsReadAt);
		// Every online node over SSH: the connected one directly, the others through it.
		const viaSsh = sshNode === undefined ? [] : online;
		const covered = new Set<string>();
		await Promise.all(
			viaSsh.map(async (node) => {
				if (await overSsh(node, sshNode!, sample, signal)) covered.add(node);
			}),
		);
		if (runner && sshNode === undefined) sample.notes.push(`${runner.label}: could not tell which node it is (hostname matched no node)`);
		if (covered.size > 0) sample.source = 'ssh';
		// Storage usage stands in for datasets on every node SSH does not cover.
		const apiNodes = online.filter((node) => !covered.has(node));
		sample.storages = await storagesOf(apiNodes, signal, sample.notes);
		const zfsStorages = await configs;
		if (zfsStorages) sample.zfsStorages = zfsStorages;
		for (const node of state.nodes) if (node.status !== 'online') sample.notes.push(`${node.name} is ${node.status}: not read`);
		if (!signal.aborted) store.getState().actions.zfsReceived(sample);
	}

	function refresh(): Promise<void> {
		if (inFlight) return inFlight;
		const signal = abort.signal;
		store.getState().actions.zfsLoading();
		inFlight = loadOnce(signal)
			.catch((error) => {
				if (!signal.aborted) store.getState().actions.zfsFailed(errorLine(error));
			})
			.finally(() => {
				inFlight = undefined;
			});
		return inFlight;
	}

	function open(): void {
		abort = new AbortController();
		void refresh();
		timer = setInterval(() => void refresh(), refreshMs);
	}

	function close(): void {
		clearInterval(timer);
		timer = undefined;
		abort.abort();
		poolCache.clear();
		poolsReadAt.clear();
		storageConfig = undefined;
	}

	return {
		start() {
			// Loads only while a zfs pane is on screen (the deck reports what it drew).
			unsubscribe = whilePaneVisible(store, 'zfs', {open, close, nodesKnown: () => void (inFlight ?? Promise.resolve()).then(() => refresh())});
		},
		stop() {
			unsubscribe?.();
			close();
		},
		refreshNow: refresh,
	};
}
