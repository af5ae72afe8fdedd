// What the problem rules read and what they say. Facts are plain data a
// collector gathered (the console from its store, `proxdeck check` from one
// round of API reads), so the rules are a pure function that tests can feed.

import type {GuestNic, GuestRow, NodeSummary} from '../../store/types.js';
import type {PulsePoint} from '../../store/nodes-slice.js';

export type ProblemLevel = 'critical' | 'warning' | 'info';

export const LEVEL_ORDER: Record<ProblemLevel, number> = {critical: 0, warning: 1, info: 2};

/** Where Enter on a problem line goes. */
export type ProblemTarget =
	| {kind: 'guest'; vmid: number}
	| {kind: 'guests'; vmids: number[]; label: string}
	| {kind: 'node'; node: string}
	| {kind: 'pool'; node: string; pool: string}
	| {kind: 'storage'; node: string; storage: string}
	| {kind: 'task'; upid: string}
	| {kind: 'run'; id: string};

export interface Problem {
	/** Stable across evaluations (ages and --notify compare by it): "guest-disk:201". */
	id: string;
	level: ProblemLevel;
	/** Which rule said it: "guest-disk", "gateway-down"… */
	rule: string;
	/** One line: subject, measured value, threshold. */
	text: string;
	target: ProblemTarget;
	/** Since when it is known to hold (epoch ms), where the data says. */
	since?: number;
	/** Correlated consequences shown under the line (the guests a down gateway cuts off). */
	details?: string[];
	/** An obvious, safe fix one key can apply (with the usual confirm): start these guests. */
	fix?: {kind: 'start'; vmids: number[]};
}

export interface StorageFact {
	node: string;
	storage: string;
	used: number;
	total: number;
	shared: boolean;
	/** "available" | "unknown" … as /cluster/resources says. */
	status?: string;
}

export interface PoolFact {
	node: string;
	name: string;
	size: number;
	alloc: number;
	health: string;
}

export interface TaskFact {
	upid: string;
	node: string;
	type: string;
	id?: string;
	user: string;
	starttime: number; // epoch s
	endtime?: number; // epoch s
	/** "OK", "WARNINGS: n", an error message; absent while running. */
	status?: string;
}

/** What the upgrade journals say about one run. */
export interface RunFact {
	id: string;
	state: 'finished' | 'interrupted';
	/** Containers that failed or were rolled back. */
	failed: number[];
	/** Containers that need a reboot after their upgrade. */
	rebootNeeded: number[];
	at: number; // epoch ms (end, or the journal's last entry)
}

export interface SnapshotFact {
	name: string;
	snaptime?: number; // epoch s
}

export interface ProblemFacts {
	now: number; // epoch ms
	guests: GuestRow[];
	nodes: NodeSummary[];
	quorate?: boolean;
	/** The Proxmox cluster's name (absent on a standalone node): upgrade journals are matched by it. */
	clusterName?: string;
	storages: StorageFact[];
	pools: PoolFact[];
	tasks: TaskFact[];
	/** onboot per vmid, where the config was read (only non-running guests need it). */
	onboot: Map<number, boolean>;
	/** NICs per vmid, for the gateway correlation. */
	nics: Map<number, GuestNic[]>;
	runs: RunFact[];
	/** Snapshots per vmid, where read ("current" excluded). */
	snapshots: Map<number, SnapshotFact[]>;
	/**
	 * Since when a guest's or node's CPU has been above its warn level: guests by VMID (101),
	 * nodes as "node:pve"; from samples or rrddata. Numbers for guests: no key string per guest per poll.
	 */
	cpuAboveSince: Map<number | string, number>;
	/** The guests again, by VMID, when the caller has that Map already (the console's store): not rebuilt per evaluation. */
	byVmid?: ReadonlyMap<number, GuestRow>;
	/**
	 * Problems raised by the previous evaluation (the console's): a fill level that raised one clears
	 * only HYSTERESIS points below its threshold, so a value drifting around 90 % does not flap.
	 */
	active?: ReadonlySet<string>;
	/** Since when a guest has held its lock (a running task's start, or when it was first seen locked). */
	lockSince: Map<number, number>;
	/** Pending host package updates per node (apt/update); a node missing here could not be read (it needs Sys.Modify). */
	nodeUpdates: Map<string, number>;
	/** Nodes with a newer kernel installed than the one running: a reboot is pending. */
	nodeReboot: Map<string, {installed: string; running: string}>;
	/** Each online node's rrddata for the last hour: sustained CPU is judged from it where the node gives it. */
	nodePulses: Map<string, PulsePoint[]>;
}

export function emptyFacts(now: number): ProblemFacts {
	return {now, guests: [], nodes: [], storages: [], pools: [], tasks: [], onboot: new Map(), nics: new Map(), runs: [], snapshots: new Map(), cpuAboveSince: new Map(), lockSince: new Map(), nodeUpdates: new Map(), nodeReboot: new Map(), nodePulses: new Map()};
}
