// Keeps the console's problem list current. Most facts are already in the
// store (guests, nodes, quorum, tasks, NICs); this service adds the few the
// console does not otherwise read — storages, ZFS pools, the onboot flag of
// guests that are down, the upgrade journals — on a slow timer, tracks how
// long locks and high CPU have lasted, and re-evaluates the rules when
// anything they read changes. Its API load grows with what is wrong (configs
// of down guests and of their neighbours), not with the fleet's size.

import type {StoreApi} from 'zustand/vanilla';
import type {AppState, GuestNic, GuestRow} from '../../store/types.js';
import type {ApiRequester} from '../fleet-source.js';
import {createConfigReader, type ConfigReader} from '../config-reader.js';
import {eachLimited, readPools, snapshotFacts, storageFacts} from './collect.js';
import {countProblems, evaluateProblems} from './rules.js';
import {runFacts} from './run-facts.js';
import {DEFAULT_THRESHOLDS, guestThresholds, type Thresholds} from './thresholds.js';
import type {PoolFact, ProblemFacts, RunFact, SnapshotFact, StorageFact, TaskFact} from './types.js';
import type {SnapshotEntry} from '../../api/types.js';
import {guestPath} from '../guest-path.js';
import {readNodeFacts, type NodeFacts} from './node-facts.js';

export interface ProblemsService {
	start(): void;
	stop(): void;
	/** Reads the slow facts now and re-evaluates (tests, and after an action). */
	refresh(): Promise<void>;
	/** Resolves when no read is in flight (tests). */
	idle(): Promise<void>;
}

export interface ProblemsServiceOptions {
	api: ApiRequester;
	store: StoreApi<AppState>;
	thresholds?: Thresholds;
	/** Upgrade journals to read, and the host/cluster they must name. */
	runs?: {dir: string; host: string};
	clock?: () => number;
	/** Storages, pools, onboot flags and journals are re-read this often (default 30 s). */
	slowMs?: number;
	/** Config reads at once (default 4). */
	concurrency?: number;
	/** Shared with the NIC inventory, so a guest's config is asked for once. */
	configs?: ConfigReader;
	/** Evaluations at least this far apart (default 1 s; real time). */
	evaluateGapMs?: number;
}

/** Guests whose snapshot list is read per slow cycle (the retention rules). */
const SNAPSHOT_READS_PER_CYCLE = 8;
/** NICs read within this long reach the store as one change. */
const NIC_FLUSH_MS = 250;
/** A down guest's config is re-read after this long (an onboot flag changed in the web UI)… */
const CONFIG_REFRESH_MS = 5 * 60_000;
/** …at most this many per slow cycle, oldest first. */
const REREAD_PER_CYCLE = 8;

export function createProblemsService(options: ProblemsServiceOptions): ProblemsService {
	const {api, store} = options;
	const clock = options.clock ?? Date.now;
	const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
	const slowMs = options.slowMs ?? 30_000;
	const concurrency = options.concurrency ?? 4;
	const evaluateGapMs = options.evaluateGapMs ?? 1000;
	const configs = options.configs ?? createConfigReader(api, {clock});
	let storages: StorageFact[] = [];
	let pools: PoolFact[] = [];
	let runs: RunFact[] = [];
	// Node updates, pending kernels and CPU pulses: re-read at their own pace (node-facts.ts).
	const nodeFacts: NodeFacts = {nodeUpdates: new Map(), nodeReboot: new Map(), nodePulses: new Map(), readAt: new Map()};
	const onboot = new Map<number, boolean>();
	const snapshots = new Map<number, SnapshotFact[]>();
	const snapshotsReadAt = new Map<number, number>();
	const configReadAt = new Map<number, number>();
	/** When each guest's status last changed (a guest that goes down has its config read again). */
	const statusSince = new Map<number, number>();
	const lastStatus = new Map<number, string>();
	const lockSince = new Map<number, number>();
	const cpuAboveSince = new Map<string, number>();
	let timer: ReturnType<typeof setTimeout> | undefined;
	let evaluateQueued = false;
	let inFlight: Promise<void> = Promise.resolve();
	let unsubscribe: (() => void) | undefined;
	let stopped = true;
	let abort = new AbortController();

	/** Remembers since when each lock and each high CPU has held (cleared when it stops). */
	function track(state: AppState): void {
		const now = clock();
		for (const g of state.guests.values()) {
			if (lastStatus.get(g.vmid) !== g.status) {
				lastStatus.set(g.vmid, g.status);
				statusSince.set(g.vmid, now);
			}
			if (g.lock) {
				if (!lockSince.has(g.vmid)) lockSince.set(g.vmid, now);
			} else lockSince.delete(g.vmid);
			const warn = guestThresholds(thresholds, g).cpu.warn;
			const key = `guest:${g.vmid}`;
			if (warn !== undefined && g.status === 'running' && g.cpu * 100 >= warn) {
				if (!cpuAboveSince.has(key)) cpuAboveSince.set(key, now);
			} else cpuAboveSince.delete(key);
		}
		for (const n of state.nodes) {
			const key = `node:${n.name}`;
			if (thresholds.cpu.warn !== undefined && n.status === 'online' && n.cpu * 100 >= thresholds.cpu.warn) {
				if (!cpuAboveSince.has(key)) cpuAboveSince.set(key, now);
			} else cpuAboveSince.delete(key);
		}
		for (const vmid of lockSince.keys()) if (!state.guests.has(vmid)) lockSince.delete(vmid);
		if (lastStatus.size > state.guests.size) {
			for (const vmid of lastStatus.keys()) {
				if (state.guests.has(vmid)) continue;
				lastStatus.delete(vmid);
				statusSince.delete(vmid);
			}
		}
	}

	function taskFacts(state: AppState): TaskFact[] {
		return state.tasks.map((t) => ({
			upid: t.upid,
			node: t.node,
			type: t.type,
			...(t.id ? {id: t.id} : {}),
			user: t.user,
			starttime: Math.floor(t.startedAt / 1000),
			...(t.endedAt !== undefined ? {endtime: Math.floor(t.endedAt / 1000)} : {}),
			...(t.state !== 'running' ? {status: t.exitstatus ?? (t.state === 'ok' ? 'OK' : 'failed')} : {}),
		}));
	}

	function evaluate(): void {
		evaluateQueued = false;
		if (stopped) return;
		const state = store.getState();
		// A running task on a locked guest says how long the lock has really been held.
		for (const t of state.tasks) {
			const vmid = Number(t.id);
			if (t.state === 'running' && lockSince.has(vmid)) lockSince.set(vmid, Math.min(lockSince.get(vmid)!, t.startedAt));
		}
		const facts: ProblemFacts = {
			now: clock(),
			guests: [...state.guests.values()],
			nodes: state.nodes,
			...(state.quorate !== undefined ? {quorate: state.quorate} : {}),
			...(state.clusterName !== undefined ? {clusterName: state.clusterName} : {}),
			storages,
			pools,
			tasks: taskFacts(state),
			onboot,
			nics: state.nics,
			runs,
			snapshots,
			cpuAboveSince,
			lockSince,
			nodeUpdates: nodeFacts.nodeUpdates,
			nodeReboot: nodeFacts.nodeReboot,
			nodePulses: nodeFacts.nodePulses,
			// What was raised last time: a value drifting around its bar holds its problem (hysteresis).
			active: new Set(state.problems.list.map((p) => p.id)),
		};
		const list = evaluateProblems(facts, thresholds);
		state.actions.problemsEvaluated(list, countProblems(list), facts.now);
	}

	let evaluatedAt = -Infinity;
	let lastCost = 0;
	/** One synchronous evaluation per tick at most (a burst of store changes still coalesces). */
	let syncDone = false;
	function queueEvaluate(): void {
		if (evaluateQueued || stopped) return;
		evaluateQueued = true;
		// Coalesces a burst of store changes (a poll, NIC reads) into one evaluation,
		// and at most one per evaluateGapMs: at 10,000 guests an evaluation is tens of ms.
		// The gap grows with what an evaluation costs (at least 50 times its last
		// duration): the rules never take more than ~2 % of a core, whatever the fleet.
		const gap = Math.max(evaluateGapMs, 50 * lastCost);
		const wait = Math.max(0, evaluatedAt + gap - performance.now());
		const run = () => {
			evaluatedAt = performance.now();
			evaluate();
			lastCost = performance.now() - evaluatedAt;
		};
		// Not waiting: evaluate now, inside the store change that asked, so the
		// new figures and the problems they make are drawn in one frame (a timer
		// drew them in two, 30 ms apart: twice the idle frames).
		if (wait === 0 && !syncDone) {
			syncDone = true;
			queueMicrotask(() => (syncDone = false));
			run();
			return;
		}
		setTimeout(run, wait);
	}

	// NICs read here reach the store in batches: one store change (one re-render) per
	// quarter second of reads, not one per guest.
	let pendingNics: Array<[number, GuestNic[]]> = [];
	let flushTimer: ReturnType<typeof setTimeout> | undefined;
	function flushNics(): void {
		if (flushTimer) clearTimeout(flushTimer);
		flushTimer = undefined;
		if (pendingNics.length === 0 || abort.signal.aborted) return;
		const batch = pendingNics;
		pendingNics = [];
		store.getState().actions.nicsReceivedMany(batch);
	}

	async function readConfig(g: GuestRow): Promise<void> {
		const facts = await configs.read(g);
		if (abort.signal.aborted) return;
		configReadAt.set(g.vmid, clock());
		onboot.set(g.vmid, facts.onboot);
		pendingNics.push([g.vmid, facts.nics]);
		flushTimer ??= setTimeout(flushNics, NIC_FLUSH_MS);
	}

	/**
	 * Configs of down guests (onboot, and their addresses), then of their
	 * neighbours when a down guest may route for them. A down guest's config is
	 * read when it goes down; after that, a few of the oldest are re-read per
	 * cycle (an onboot flag changed in the web UI is seen within minutes) — so
	 * the requests per minute at idle are bounded, whatever the fleet's size.
	 */
	async function readConfigs(state: AppState): Promise<void> {
		const online = new Set(state.nodes.filter((n) => n.status === 'online').map((n) => n.name));
		const readSinceDown = (g: GuestRow) => (configReadAt.get(g.vmid) ?? -Infinity) >= (statusSince.get(g.vmid) ?? -Infinity);
		const down = [...state.guests.values()].filter((g) => g.status !== 'running' && !g.template && online.has(g.node));
		const unread = down.filter((g) => !readSinceDown(g));
		const stale = down.filter(readSinceDown).sort((a, b) => configReadAt.get(a.vmid)! - configReadAt.get(b.vmid)!);
		const due = stale.filter((g) => clock() - configReadAt.get(g.vmid)! > CONFIG_REFRESH_MS).slice(0, REREAD_PER_CYCLE);
		await eachLimited([...unread, ...due], concurrency, readConfig, abort.signal);
		flushNics();
		// A down guest that routes between networks (NICs on two bridges) may be someone's
		// gateway: its node's other guests' NICs decide, read once each.
		const after = store.getState();
		const routes = (g: GuestRow) => new Set((after.nics.get(g.vmid) ?? []).filter((n) => n.ip && /^\d/.test(n.ip)).map((n) => n.bridge)).size >= 2;
		const gatewayNodes = new Set(down.filter(routes).map((g) => g.node));
		const neighbours = [...after.guests.values()].filter((g) => gatewayNodes.has(g.node) && !after.nics.has(g.vmid) && !configReadAt.has(g.vmid));
		await eachLimited(neighbours, concurrency, readConfig, abort.signal);
		flushNics();
		for (const vmid of onboot.keys()) if (!after.guests.has(vmid)) onboot.delete(vmid);
	}

	/**
	 * Snapshot ages for the retention rules (no snapshot newer than the window;
	 * snapshots older than it). A few guests per cycle, the longest unread first:
	 * the homelab's 28 are all read within two minutes, and a 10,000-guest fleet
	 * costs the same 8 requests a cycle — never a sweep of the fleet.
	 */
	async function readSnapshots(state: AppState): Promise<void> {
		const online = new Set(state.nodes.filter((n) => n.status === 'online').map((n) => n.name));
		const due = [...state.guests.values()]
			.filter((g) => !g.template && online.has(g.node))
			.sort((a, b) => (snapshotsReadAt.get(a.vmid) ?? -Infinity) - (snapshotsReadAt.get(b.vmid) ?? -Infinity))
			.slice(0, SNAPSHOT_READS_PER_CYCLE);
		await eachLimited(
			due,
			concurrency,
			async (g) => {
				const list = await api.request<SnapshotEntry[]>('GET', `${guestPath(g.node, g.kind, g.vmid)}/snapshot`, undefined, abort.signal).catch(() => undefined);
				snapshotsReadAt.set(g.vmid, clock());
				if (!Array.isArray(list)) return;
				snapshots.set(g.vmid, snapshotFacts(list));
			},
			abort.signal,
		);
		for (const vmid of snapshots.keys()) {
			if (state.guests.has(vmid)) continue;
			snapshots.delete(vmid);
			snapshotsReadAt.delete(vmid);
		}
	}

	/**
	 * The ZFS pane's pools when it read every online node within the last cycle:
	 * the same GET /nodes/{node}/disks/zfs, so it is not asked twice.
	 */
	function poolsFromZfsPane(state: AppState, online: string[]): PoolFact[] | undefined {
		const sample = state.zfs.sample;
		if (!sample || clock() - sample.at > slowMs) return undefined;
		const covered = new Set(sample.pools.map((p) => p.node));
		if (!online.every((node) => covered.has(node))) return undefined;
		return sample.pools.map((p) => ({node: p.node, name: p.name, size: p.size, alloc: p.alloc, health: p.health}));
	}

	async function readSlow(): Promise<void> {
		const state = store.getState();
		const online = state.nodes.filter((n) => n.status === 'online').map((n) => n.name);
		const [resources, read] = await Promise.all([
			api.request<unknown>('GET', '/cluster/resources', {type: 'storage'}, abort.signal).catch(() => undefined),
			poolsFromZfsPane(state, online) ?? readPools(api, online, abort.signal),
			readConfigs(state),
			readSnapshots(state),
			readNodeFacts(api, online, nodeFacts, {now: clock(), signal: abort.signal}),
		]);
		pools = read;
		if (resources !== undefined) storages = storageFacts(resources);
		if (options.runs) runs = runFacts(options.runs.dir, options.runs.host, store.getState().clusterName, clock());
	}

	function schedule(): void {
		if (stopped) return;
		timer = setTimeout(() => {
			void refresh().finally(schedule);
		}, slowMs);
		timer.unref?.();
	}

	function refresh(): Promise<void> {
		inFlight = inFlight.then(readSlow).catch(() => {}).then(() => queueEvaluate());
		return inFlight;
	}

	return {
		start() {
			if (!stopped) return;
			stopped = false;
			abort = new AbortController();
			let firstFleet = store.getState().guests.size > 0;
			let previous = store.getState();
			unsubscribe = store.subscribe((state) => {
				if (state.guests === previous.guests && state.nodes === previous.nodes && state.tasks === previous.tasks && state.nics === previous.nics && state.quorate === previous.quorate) return;
				const fleetChanged = state.guests !== previous.guests || state.nodes !== previous.nodes;
				previous = state;
				if (fleetChanged) track(state);
				// The slow facts are read once the first fleet is in (they need its nodes and guests).
				if (!firstFleet && state.guests.size > 0) {
					firstFleet = true;
					void refresh();
				}
				queueEvaluate();
			});
			if (firstFleet) {
				track(store.getState());
				void refresh();
			}
			schedule();
		},
		stop() {
			stopped = true;
			abort.abort();
			if (flushTimer) clearTimeout(flushTimer);
			if (timer) clearTimeout(timer);
			unsubscribe?.();
		},
		refresh,
		idle: () => inFlight,
	};
}
