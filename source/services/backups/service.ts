// Reads the whole backup picture (storages, archives, jobs, uncovered guests)
// and hands it to the store; one read on demand, no timer of its own (the
// session decides how often: archives change nightly, not per second).

import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../../store/types.js';
import type {BackupsData} from '../../store/backups-slice.js';
import {errorLine} from '../error-line.js';
import type {ApiRequester} from '../fleet-source.js';
import {mergeBackupStorages, readBackupJobs, readBackups, readBackupStorages, readNodeBackupStorages, readNotBackedUp} from './reader.js';
import type {BackupEntry, BackupStorage} from './model.js';
import {dedupeBackups} from './model.js';
import {dueReads} from '../read-budget.js';

/** Online nodes of the fleet (offline ones cannot answer; their local archives are unknown). */
export function onlineNodes(state: Pick<AppState, 'nodes'>): string[] {
	return state.nodes.filter((n) => n.status === 'online').map((n) => n.name);
}

export async function readBackupOverview(api: ApiRequester, nodes: string[]): Promise<BackupsData> {
	const storages = await readBackupStorages(api, nodes);
	const [entries, jobs, notBackedUp] = await Promise.all([readBackups(api, storages), readBackupJobs(api), readNotBackedUp(api)]);
	return {storages, entries, jobs, notBackedUp};
}

export interface BackupService {
	/** Reads everything and stores it; a failure keeps the previous data and records the error line. */
	refresh(): Promise<void>;
	/** The timed re-read now (tests): every node never read, then a few of the others. */
	reread(): Promise<void>;
	/** Reads once the first fleet poll names the nodes, then every `refreshMs`. */
	start(): void;
	stop(): void;
}

/** Archives change nightly and after proxdeck's own backups (which refresh at once): a slow re-read is enough. */
export const BACKUP_REFRESH_MS = 5 * 60_000;
/**
 * Nodes whose storage list and node-local archives a timed re-read asks for
 * (issue 12: one storage list and one local content read per node every 5
 * minutes was 13 requests a minute on 32 nodes). Shared and PBS storages, the
 * jobs and the uncovered guests are read every time (one request each, not
 * per node); a refresh after an action reads every node. On 32 nodes a
 * node-local archive made outside proxdeck shows within 40 minutes at worst
 * (8 re-reads); a single node is read every time, as before.
 */
export const BACKUP_NODES_PER_REFRESH = 4;

export function createBackupService(options: {api: ApiRequester; store: StoreApi<AppState>; clock?: () => number; refreshMs?: number; windowHours?: number}): BackupService {
	const clock = options.clock ?? Date.now;
	const {store} = options;
	let timer: ReturnType<typeof setInterval> | undefined;
	let unsubscribe: (() => void) | undefined;
	let inFlight: Promise<void> | undefined;
	let again = false;
	let againAll = false;
	const refreshMs = options.refreshMs ?? BACKUP_REFRESH_MS;
	/** Each node's backup storages and the archives on its local ones, as last read, and when. */
	const perNode = new Map<string, {storages: BackupStorage[]; local: BackupEntry[]}>();
	const readAt = new Map<string, number>();

	/** The overview, re-reading `all` nodes or the budget's few (see BACKUP_NODES_PER_REFRESH). */
	async function overview(online: string[], all: boolean): Promise<BackupsData> {
		for (const node of [...perNode.keys()]) {
			if (online.includes(node)) continue;
			perNode.delete(node);
			readAt.delete(node);
		}
		const now = clock();
		const nodes = all ? online : dueReads(online, readAt, {now, everyMs: refreshMs / 2, budget: BACKUP_NODES_PER_REFRESH, unreadAtOnce: true});
		const lists = await Promise.all(nodes.map((node) => readNodeBackupStorages(options.api, node)));
		const storages = mergeBackupStorages(online.map((node) => (nodes.includes(node) ? lists[nodes.indexOf(node)]! : perNode.get(node)?.storages ?? [])));
		const fresh = storages.filter((s) => s.shared || nodes.includes(s.nodes[0]!));
		const [entries, jobs, notBackedUp] = await Promise.all([readBackups(options.api, fresh), readBackupJobs(options.api), readNotBackedUp(options.api)]);
		nodes.forEach((node, i) => {
			perNode.set(node, {storages: lists[i]!, local: entries.filter((e) => e.node === node && !fresh.some((s) => s.shared && s.storage === e.storage))});
			readAt.set(node, now);
		});
		const kept = online.filter((node) => !nodes.includes(node)).flatMap((node) => perNode.get(node)?.local ?? []);
		return {storages, entries: dedupeBackups([...entries, ...kept]), jobs, notBackedUp};
	}

	async function read(all: boolean): Promise<void> {
		const state = store.getState();
		try {
			const data = await overview(onlineNodes(state), all);
			store.getState().actions.backupsReceived(data, clock());
		} catch (error) {
			store.getState().actions.backupsFailed(errorLine(error));
		}
	}
	// One read at a time; a refresh asked for during one runs once after it (a backup that just ended must show).
	function run(all: boolean): Promise<void> {
		if (inFlight) {
			again = true;
			againAll ||= all;
			return inFlight;
		}
		inFlight = (async () => {
			let every = all;
			do {
				again = false;
				await read(every);
				every = againAll;
				againAll = false;
			} while (again);
		})().finally(() => {
			inFlight = undefined;
		});
		return inFlight;
	}
	/** Every node now: after an action, or asked for. */
	const refresh = () => run(true);
	return {
		refresh,
		reread: () => run(false),
		start() {
			if (options.windowHours !== undefined) store.getState().actions.backupsWindow(options.windowHours * 3600);
			const known = () => store.getState().nodes.length > 0;
			if (known()) void refresh();
			else
				unsubscribe = store.subscribe((state, previous) => {
					if (previous.nodes.length === 0 && state.nodes.length > 0) {
						unsubscribe?.();
						unsubscribe = undefined;
						void refresh();
					}
				});
			// The timed re-read: the budget's few nodes (and every shared storage).
			timer = setInterval(() => void run(false), refreshMs);
			timer.unref?.();
		},
		stop() {
			unsubscribe?.();
			unsubscribe = undefined;
			if (timer) clearInterval(timer);
			timer = undefined;
		},
	};
}
