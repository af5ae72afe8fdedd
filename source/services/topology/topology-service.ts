// Keeps the topology screen's data fresh while it is open — and only then:
// subscribes to the deck's visible panes. On open it reads every online node's network config
// and the configs of the guests whose NICs the store does not have yet (the
// fleet only reads the visible window), `concurrency` at a time with progress
// ("reading guest configs 120/5000"); networks are re-read every `refreshMs`.
//
// A re-read does not ask every node (issue 12: 16 requests a minute on 32
// nodes): nodes not read since the pane opened are all read, the selected
// guest's node (its path is what the pane marks) at every refresh, and
// NETWORK_NODES_PER_LOAD others, longest unread first; the rest keep their last
// answer. One node keeps its 2-minute pace; on 32 nodes a bridge edited in the
// web UI shows within 16 minutes at worst (8 refreshes), its own node's at once.

import type {StoreApi} from 'zustand/vanilla';
import {whilePaneVisible} from '../pane-visibility.js';
import type {LxcConfig} from '../../api/types.js';
import type {NetworkIface} from '../../store/screen-types.js';
import type {AppState, GuestNic, GuestRow} from '../../store/types.js';
import {listNics} from '../../util/pve-config.js';
import {errorLine} from '../error-line.js';
import type {ApiRequester} from '../fleet-source.js';
import {guestPath} from '../guest-path.js';
import {dueReads} from '../read-budget.js';

/** Nodes besides the selected guest's whose networks a refresh re-reads. */
export const NETWORK_NODES_PER_LOAD = 4;

export interface TopologyService {
	start(): void;
	stop(): void;
	/** Resolves when the current load (networks and configs) has finished (tests). */
	idle(): Promise<void>;
	/** Runs the periodic re-read now while the pane is open, as its timer would (tests); resolves when it ended. */
	refresh(): Promise<void>;
}

/**
 * Config reads handed to the store in one commit, so 5,000 reads are not 5,000
 * redraws: at least 25, and at most ~12 commits per load. Each commit rebuilds
 * the topology and re-evaluates the problem rules over the whole fleet (~100 ms
 * and several MB of short-lived objects at 10,000 guests); with ~50 commits the
 * start-up sweep's heap peaked at ~250 MB (issue 12). ~12 still shows progress
 * about once a second.
 */
export const SWEEP_COMMITS = 12;

function batchSize(total: number): number {
	return Math.max(25, Math.ceil(total / SWEEP_COMMITS));
}

export function createTopologyService(options: {
	api: ApiRequester;
	store: StoreApi<AppState>;
	concurrency?: number;
	refreshMs?: number;
	clock?: () => number;
}): TopologyService {
	const {api, store} = options;
	const concurrency = options.concurrency ?? 4;
	// Bridges and VLANs change when an admin edits a node's network, not between
	// polls: two minutes keeps per-node reads low on a 32-node cluster (issue 12).
	const refreshMs = options.refreshMs ?? 120_000;
	const clock = options.clock ?? Date.now;
	let unsubscribe: (() => void) | undefined;
	let timer: NodeJS.Timeout | undefined;
	let abort: AbortController | undefined;
	let current: Promise<void> = Promise.resolve();
	/** Each online node's last answer (its interfaces or its error line), and when it came (cleared on close). */
	const answers = new Map<string, {list: NetworkIface[]} | {error: string}>();
	const readAt = new Map<string, number>();

	async function readNetworks(signal: AbortSignal): Promise<void> {
		const state = store.getState();
		const online = state.nodes.filter((n) => n.status === 'online').map((n) => n.name);
		const selected = state.ui.selectedVmid === undefined ? undefined : state.guests.get(state.ui.selectedVmid)?.node;
		const now = clock();
		const others = online.filter((node) => node !== selected);
		const read = [...(selected !== undefined && online.includes(selected) ? [selected] : []), ...dueReads(others, readAt, {now, everyMs: refreshMs / 2, budget: NETWORK_NODES_PER_LOAD, unreadAtOnce: true})];
		await Promise.all(
			read.map(async (node) => {
				try {
					const list = await api.request<NetworkIface[]>('GET', `/nodes/${encodeURIComponent(node)}/network`, undefined, signal);
					answers.set(node, {list: Array.isArray(list) ? list : []});
				} catch (error) {
					answers.set(node, {error: `${node}: ${errorLine(error)}`});
				}
				readAt.set(node, now);
			}),
		);
		if (signal.aborted) return;
		const networks = new Map<string, NetworkIface[]>();
		const errors = new Map<string, string>();
		for (const node of state.nodes) {
			const answer = node.status === 'online' ? answers.get(node.name) : undefined;
			if (node.status !== 'online') {
				answers.delete(node.name);
				readAt.delete(node.name);
				errors.set(node.name, `${node.name} is ${node.status}: network not read`);
			} else if (answer && 'list' in answer) networks.set(node.name, answer.list);
			else if (answer) errors.set(node.name, answer.error);
		}
		store.getState().actions.topologyNetworks(networks, errors, clock());
	}

	async function readMissingConfigs(signal: AbortSignal): Promise<void> {
		const state = store.getState();
		const missing: GuestRow[] = [...state.guests.values()].filter((g) => !state.nics.has(g.vmid));
		const total = missing.length;
		if (total === 0) return;
		let done = 0;
		let batch: Array<[number, GuestNic[]]> = [];
		const flush = (final: boolean) => {
			if (signal.aborted) return;
			store.getState().actions.topologyNics(batch, final ? undefined : {done, total});
			batch = [];
		};
		flush(false);
		let next = 0;
		const worker = async () => {
			while (next < missing.length && !signal.aborted) {
				const guest = missing[next++]!;
				try {
					const config = await api.request<LxcConfig>('GET', `${guestPath(guest.node, guest.kind, guest.vmid)}/config`, undefined, signal);
					batch.push([guest.vmid, listNics(config, guest.kind)]);
				} catch {
					// Unreadable (gone, 403, node offline): the guest shows under no bridge; the next open retries it.
				}
				done++;
				if (batch.length >= batchSize(total)) flush(false);
			}
		};
		await Promise.all(Array.from({length: Math.min(concurrency, total)}, worker));
		flush(true);
	}

	let busy = false;
	function load(): void {
		const signal = abort?.signal;
		// Single-flight: a slow cluster must not stack refreshes.
		if (!signal || busy) return;
		busy = true;
		current = (async () => {
			try {
				await readNetworks(signal);
				await readMissingConfigs(signal);
			} finally {
				busy = false;
			}
		})();
	}

	function open(): void {
		abort = new AbortController();
		load();
		// Each refresh also picks up guests created since (their NICs are missing).
		timer = setInterval(() => load(), refreshMs);
	}

	function close(): void {
		clearInterval(timer);
		timer = undefined;
		abort?.abort();
		abort = undefined;
		answers.clear();
		readAt.clear();
	}

	return {
		start() {
			// Loads only while a topology pane is on screen (the deck reports what it drew).
			unsubscribe = whilePaneVisible(store, 'topology', {open, close, nodesKnown: () => void current.then(() => load())});
		},
		stop() {
			unsubscribe?.();
			close();
		},
		idle: () => current,
		refresh() {
			load();
			return current;
		},
	};
}
