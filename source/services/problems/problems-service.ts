// Keeps the console's problem list current. Most facts are already in the
// store (guests, nodes, quorum, tasks, NICs); this service adds the few the
// console does not otherwise read — storages, ZFS pools, the onboot flag of
// guests that are down, the upgrade journals — on a slow timer, tracks how
// long locks and high CPU have lasted, and re-evaluates the rules when
// anything they read changes. Its API load grows with what is wrong (configs
// of down guests and of their neighbours), not with the fleet's size: per-node
// and per-guest reads each have a budget per cycle (read-budget.ts).

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
import {APT_NODES_PER_CYCLE, PULSE_NODES_PER_CYCLE, readNodeFacts, type NodeFacts} from './node-facts.js';
import {dueReads} from '../read-budget.js';
import {atOrAbove} from '../../util/percent.js';

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

/** The guests whose snapshot lists the rules read: no templates, and only on online nodes. */
function* snapshotCandidates(guests: ReadonlyMap<number, GuestRow>, online: ReadonlySet<string>): Generator<number> {
	for (const g of guests.values()) if (!g.template && online.has(g.node)) yield g.vmid;
}

/**
 * A snapshot list once read stays good this long: retention is counted in
 * days, and a snapshot, rollback or delete (from proxdeck or anyone else) shows
 * as a task, which makes that guest's list due at once (see invalidateSnapshots).
 */
export const SNAPSHOT_FRESH_MS = 15 * 60_000;
/**
 * Nodes whose pools (GET /nodes/{node}/disks/zfs) are re-read per cycle, once
 * each was read: on 32 nodes a degraded pool is found within 8 minutes (16
 * cycles of 30 s); while the ZFS pane is open its reads (2 a cycle plus the
 * selected guest's node) stand in for these, with the same worst case.
 */
export const POOL_NODES_PER_CYCLE = 2;
/** The tasks that change a guest's snapshot list. */
const SNAPSHOT_TASK = /^(?:vz|qm)(?:snapshot|rollback|delsnapshot)$/;
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
	/** Each online node's pools as last read (by this service or the ZFS pane), and when. */
	const poolsByNode = new Map<string, PoolFact[]>();
	const poolsReadAt = new Map<string, number>();
	let pools: PoolFact[] = [];
	let runs: RunFact[] = [];
	// Node updates, pending kernels and CPU pulses: re-read at their own pace (node-facts.ts).
	const nodeFacts: NodeFacts = {nodeUpdates: new Map(), nodeReboot: new Map(), nodePulses: new Map(), readAt: new Map()};
	const onboot = new Map<number, boolean>();
	const snapshots = new Map<number, SnapshotFact[]>();
	const snapshotsReadAt = new Map<number, number>();
	/** Snapshot tasks already seen ended (their guest's list was made due once). */
	const snapshotTasksSeen = new Set<string>();
	const configReadAt = new Map<number, number>();
	/** When each guest's status last changed (a guest that goes down has its config read again). */
	const statusSince = new Map<number, number>();
	const lastStatus = new Map<number, string>();
	const lockSince = new Map<number, number>();
	/** Guests by VMID, nodes as "node:NAME" (ProblemFacts.cpuAboveSince). */
	const cpuAboveSince = new Map<number | string, number>();
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
			if (warn !== undefined && g.status === 'running' && atOrAbove(g.cpu * 100, warn)) {
				if (!cpuAboveSince.has(g.vmid)) cpuAboveSince.set(g.vmid, now);
			} else cpuAboveSince.delete(g.vmid);
		}
		for (const n of state.nodes) {
			const key = `node:${n.name}`;
			if (thresholds.cpu.warn !== undefined && n.status === 'online' && atOrAbove(n.cpu * 100, thresholds.cpu.warn)) {
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
			byVmid: state.guests,
			nodes: state.nodes,
			// Written out, not spread in when set: a spread gives the facts a hidden
			// class V8 drops at the next full collection (README Design notes,
			// "Per-poll objects keep their hidden classes"), and with it the rules' compiled code.
			quorate: state.quorate,
			clusterName: state.clusterName,
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
		state.actions.problemsEvaluated(list, countProblems(list), facts.now, {storages, thresholds});
	}

	/** The work on the first fleet, waiting for that fleet's first frame. */
	let firstWork: ReturnType<typeof setTimeout> | undefined;
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
	 * A snapshot, rollback or snapshot delete that ended since a guest's list was
	 * read (proxdeck's own or anyone's: it is a task) makes that list due now.
	 */
	function invalidateSnapshots(state: AppState): void {
		for (const t of state.tasks) {
			if (t.state === 'running' || !SNAPSHOT_TASK.test(t.type) || snapshotTasksSeen.has(t.upid)) continue;
			snapshotTasksSeen.add(t.upid);
			snapshotsReadAt.delete(Number(t.id));
		}
		if (snapshotTasksSeen.size > 4 * Math.max(50, state.tasks.length)) {
			const live = new Set(state.tasks.map((t) => t.upid));
			for (const upid of snapshotTasksSeen) if (!live.has(upid)) snapshotTasksSeen.delete(upid);
		}
	}

	/**
	 * Snapshot ages for the retention rules (no snapshot newer than the window;
	 * snapshots older than it). A few guests per cycle: those never read (or
	 * changed by a snapshot task) first, then lists older than SNAPSHOT_FRESH_MS,
	 * the oldest first. The homelab's 28 are all read within two minutes, then
	 * about 2 a minute (28 per 15 minutes); a 10,000-guest fleet costs at most the
	 * same 8 requests a cycle — never a sweep of the fleet.
	 */
	async function readSnapshots(state: AppState): Promise<void> {
		const online = new Set(state.nodes.filter((n) => n.status === 'online').map((n) => n.name));
		// The guests by key, not copied into a map of their own: at 10,000 guests that map was made every cycle.
		const due = dueReads(snapshotCandidates(state.guests, online), snapshotsReadAt, {now: clock(), everyMs: SNAPSHOT_FRESH_MS, budget: SNAPSHOT_READS_PER_CYCLE}).map((vmid) => state.guests.get(vmid)!);
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
	 * Pools per node: the ZFS pane's reads are taken when newer than ours (the
	 * same GET /nodes/{node}/disks/zfs, not asked twice); then every node never
	 * read, any node with a pool not ONLINE (is it still degraded?) and, unless
	 * the pane is reading, POOL_NODES_PER_CYCLE more, longest unread first.
	 */
	async function readPoolsBudgeted(state: AppState, online: string[]): Promise<PoolFact[]> {
		const sample = state.zfs.sample;
		if (sample) {
			const byNode = new Map<string, PoolFact[]>();
			for (const p of sample.pools) {
				const fact = {node: p.node, name: p.name, size: p.size, alloc: p.alloc, health: p.health};
				const list = byNode.get(p.node);
				if (list) list.push(fact);
				else byNode.set(p.node, [fact]);
			}
			for (const node of online) {
				const at = sample.poolsReadAt ? sample.poolsReadAt.get(node) : byNode.has(node) ? sample.at : undefined;
				if (at === undefined || at <= (poolsReadAt.get(node) ?? -Infinity)) continue;
				poolsByNode.set(node, byNode.get(node) ?? []);
				poolsReadAt.set(node, at);
			}
		}
		for (const node of [...poolsByNode.keys()]) {
			if (online.includes(node)) continue;
			poolsByNode.delete(node);
			poolsReadAt.delete(node);
		}
		// A node read within a cycle and a half (here or by the pane) is fresh: the two timers run out of step.
		const everyMs = 1.5 * slowMs;
		// While the ZFS pane is open it re-reads nodes on its own budget; this one then reads only new and unhealthy nodes.
		const paneFeeds = sample !== undefined && clock() - sample.at <= everyMs;
		const unhealthy = online.filter((node) => (poolsByNode.get(node) ?? []).some((p) => p.health !== 'ONLINE') && clock() - poolsReadAt.get(node)! >= everyMs);
		const rest = online.filter((node) => !unhealthy.includes(node));
		const read = [...unhealthy, ...dueReads(rest, poolsReadAt, {now: clock(), everyMs, budget: paneFeeds ? 0 : POOL_NODES_PER_CYCLE, unreadAtOnce: true})];
		if (read.length > 0) {
			const at = clock();
			const found = await readPools(api, read, abort.signal);
			if (abort.signal.aborted) return pools;
			for (const node of read) {
				poolsByNode.set(node, found.filter((p) => p.node === node));
				poolsReadAt.set(node, at);
			}
		}
		return online.flatMap((node) => poolsByNode.get(node) ?? []).sort((a, b) => a.node.localeCompare(b.node) || a.name.localeCompare(b.name));
	}

	async function readSlow(): Promise<void> {
		const state = store.getState();
		const online = state.nodes.filter((n) => n.status === 'online').map((n) => n.name);
		const [resources, read] = await Promise.all([
			api.request<unknown>('GET', '/cluster/resources', {type: 'storage'}, abort.signal).catch(() => undefined),
			readPoolsBudgeted(state, online),
			readConfigs(state),
			readSnapshots(state),
			readNodeFacts(api, online, nodeFacts, {now: clock(), signal: abort.signal, budget: {pulse: PULSE_NODES_PER_CYCLE, apt: APT_NODES_PER_CYCLE}}),
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
				const tasksChanged = state.tasks !== previous.tasks;
				previous = state;
				if (tasksChanged) invalidateSnapshots(state);
				if (!firstFleet && state.guests.size > 0) {
					firstFleet = true;
					// The first fleet is drawn before anything is worked out from it: at
					// 10,000 guests tracking, the first evaluation (with its topology) and
					// the slow reads' set-up held the first frame back by ~0.1 s (issue 12).
					// The pane says "evaluating…" meanwhile; the slow facts are read once
					// the first fleet is in (they need its nodes and guests).
					firstWork = setTimeout(() => {
						firstWork = undefined;
						if (stopped) return;
						track(store.getState());
						void refresh();
						queueEvaluate();
					}, 0);
					return;
				}
				// Until then the deferred work above covers every change.
				if (firstWork) return;
				// Before any guest, only the fleet's own changes are evaluated (a cluster
				// with no guests still gets its node rules): tasks read before the fleet
				// would make an evaluation of nothing, and the first frame with the fleet
				// would then say "no problems" until the deferred one ran.
				if (!firstFleet && !fleetChanged) return;
				if (fleetChanged) track(state);
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
			if (firstWork) clearTimeout(firstWork);
			firstWork = undefined;
			unsubscribe?.();
		},
		refresh,
		idle: () => inFlight,
	};
}
