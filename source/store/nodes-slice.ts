// Node health and pulses (issue 15): what the nodes service read for each
// node (status, pending updates, installed kernels) and the rrddata series the
// sparklines draw — for the nodes on screen and the selected guest only.
// Written by source/services/nodes; read by the nodes pane and the detail panel.

import type {AppState} from './types.js';

type Set_ = (partial: Partial<AppState>) => void;
type Get = () => AppState;

export type PulseTimeframe = 'hour' | 'day';

/** One node's health, from GET /nodes/{node}/status, apt/update and apt/versions. */
export interface NodeHealth {
	cpu: number; // fraction
	cpus: number;
	loadavg: [number, number, number];
	mem: {total: number; used: number};
	swap: {total: number; used: number};
	rootfs: {total: number; used: number};
	uptime: number; // seconds
	/** "9.1.5" from pveversion "pve-manager/9.1.5/80cf92a6". */
	pveVersion: string;
	/** The running kernel's release ("6.14.8-2-pve"). */
	kernel: string;
	/** Pending host package updates; undefined until read (or when refused). */
	updates?: number;
	/** A newer installed kernel than the running one: a reboot is pending. */
	rebootKernel?: string;
	readAt: number;
}

/** One rrddata point, the keys the sparklines draw (absent where the archive has no value). */
export interface PulsePoint {
	time: number; // epoch s
	cpu?: number; // fraction
	mem?: number; // fraction of the total
	netin?: number; // bytes/s
	netout?: number;
	diskread?: number;
	diskwrite?: number;
}

export interface PulseSeries {
	timeframe: PulseTimeframe;
	points: PulsePoint[];
	readAt: number;
	error?: string;
}

export interface NodesState {
	health: Map<string, NodeHealth>;
	/** Why a node's status could not be read. */
	errors: Map<string, string>;
	/** "node:pve1" / "guest:101" → its series. */
	pulses: Map<string, PulseSeries>;
	timeframe: PulseTimeframe;
	/** The node under the pane's cursor (index into the node list). */
	cursor: number;
	/** Nodes the pane drew in its last frame: pulses are read for these only. */
	onScreen: readonly string[];
}

export interface NodesSliceState {
	nodeHealth: NodesState;
}

export interface NodesActions {
	nodeHealthReceived(node: string, health: NodeHealth): void;
	nodeHealthFailed(node: string, message: string): void;
	pulsesReceived(key: string, series: PulseSeries): void;
	setPulseTimeframe(timeframe: PulseTimeframe): void;
	nodesMove(delta: number, count: number): void;
	nodesOnScreen(names: readonly string[]): void;
}

export function initialNodesState(): NodesSliceState {
	return {nodeHealth: {health: new Map(), errors: new Map(), pulses: new Map(), timeframe: 'hour', cursor: 0, onScreen: []}};
}

export function createNodesActions(set: Set_, get: Get): NodesActions {
	function patch(change: Partial<NodesState>): void {
		set({nodeHealth: {...get().nodeHealth, ...change}});
	}
	return {
		nodeHealthReceived(node, health) {
			const current = get().nodeHealth;
			const errors = current.errors.has(node) ? new Map(current.errors) : current.errors;
			errors.delete(node);
			patch({health: new Map(current.health).set(node, health), errors});
		},
		nodeHealthFailed(node, message) {
			patch({errors: new Map(get().nodeHealth.errors).set(node, message)});
		},
		pulsesReceived(key, series) {
			patch({pulses: new Map(get().nodeHealth.pulses).set(key, series)});
		},
		setPulseTimeframe(timeframe) {
			if (get().nodeHealth.timeframe !== timeframe) patch({timeframe});
		},
		nodesMove(delta, count) {
			const cursor = Math.max(0, Math.min(get().nodeHealth.cursor + delta, count - 1));
			if (cursor !== get().nodeHealth.cursor) patch({cursor});
		},
		nodesOnScreen(names) {
			const current = get().nodeHealth.onScreen;
			if (current.length === names.length && current.every((n, i) => n === names[i])) return;
			patch({onScreen: names});
		},
	};
}
