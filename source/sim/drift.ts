// Deterministic metric drift: the same seed, vmid and clock always give the
// same numbers, so tests can assert exact values while a user watching the
// console still sees CPU and memory move every couple of seconds.

import {guestSizes, type GuestSizes} from './sizes.js';
import type {SimGuest, SimNode, SimState} from './state.js';
import {guestUptime, nodeUptime} from './state.js';

/** Drift changes every DRIFT_STEP_MS of simulated clock. */
export const DRIFT_STEP_MS = 2000;

/**
 * pvestatd's update loop (`$updatetime = 10` in PVE/Service/pvestatd.pm):
 * every 10 s it reads each guest's and node's figures and broadcasts them to
 * pmxcfs's RRD cache. /cluster/resources answers from that cache
 * (PVE::API2Tools::extract_vm_stats / extract_node_stats over rrd_dump), so
 * its numbers — uptime included — move in 10 s steps however often a client
 * polls, while a node's own /nodes/{node}/…/status/current reads /proc now.
 */
export const PVESTATD_STEP_MS = 10_000;

/**
 * When pvestatd last broadcast, as of `nowMs`, for a daemon whose loop runs
 * `phaseMs` after the 10 s grid.
 */
export function lastBroadcastAt(nowMs: number, phaseMs = 0): number {
	return Math.floor((nowMs - phaseMs) / PVESTATD_STEP_MS) * PVESTATD_STEP_MS + phaseMs;
}

/** Phases by node name, per state; recomputed when the node list changes. */
const phases = new WeakMap<SimState, {count: number; byNode: Map<string, number>}>();

/**
 * Where in the 10 s cycle a node's pvestatd broadcasts. Each node runs its own
 * daemon, started when the node booted, with nothing aligning them: in a
 * cluster the nodes' figures in /cluster/resources move at different moments,
 * so a 2 s poll of a large cluster almost never sees an unchanged answer, only
 * some nodes' guests changed. The nodes are spread evenly over the cycle
 * (sorted by name, the first at 0, so a single node keeps the plain grid).
 */
export function pvestatdPhase(state: SimState, nodeName: string): number {
	let known = phases.get(state);
	// Asked once per guest per answer: recomputed only when the node list changed (a node added,
	// removed or replaced by another name), not sorted anew each time.
	if (!known || known.count !== state.nodes.size || (state.nodes.has(nodeName) && !known.byNode.has(nodeName))) {
		const names = [...state.nodes.keys()].sort();
		known = {count: names.length, byNode: new Map(names.map((name, i) => [name, Math.floor((i * PVESTATD_STEP_MS) / names.length)]))};
		phases.set(state, known);
	}
	return known.byNode.get(nodeName) ?? 0;
}

/** When `nodeName`'s pvestatd last broadcast, as of `atMs` (default now). */
export function nodeBroadcastAt(state: SimState, nodeName: string, atMs: number = state.clock()): number {
	return lastBroadcastAt(atMs, pvestatdPhase(state, nodeName));
}

/** 32-bit integer hash (murmur3 finaliser) → [0, 1). */
export function noise(seed: number, key: number, tick: number, salt: number): number {
	let h = (seed ^ Math.imul(key, 0x9e3779b1) ^ Math.imul(tick, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35)) >>> 0;
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	h ^= h >>> 16;
	return (h >>> 0) / 0x100000000;
}

export interface GuestMetrics {
	cpu: number;
	mem: number;
	disk: number;
	netin: number;
	netout: number;
	diskread: number;
	diskwrite: number;
	uptime: number;
}

function clamp(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, value));
}

/**
 * A guest's used disk in bytes, up to the byte: a fixture's 0.95 is a disk at
 * 95 %, and a console printing a percentage's floor (proxdeck does,
 * source/util/percent.ts) would read a byte under as 94.
 */
export function guestDiskBytes(guest: Readonly<SimGuest>, sizes: GuestSizes): number {
	return Math.ceil(sizes.maxdisk * clamp(guest.usage.disk, 0, 1));
}

/** A guest's figures as of `atMs` (default now; /cluster/resources passes pvestatd's last broadcast). */
export function guestMetrics(state: SimState, guest: Readonly<SimGuest>, atMs: number = state.clock(), sizes: GuestSizes = guestSizes(state, guest)): GuestMetrics {
	const disk = guestDiskBytes(guest, sizes);
	if (guest.status !== 'running') return {cpu: 0, mem: 0, disk, netin: 0, netout: 0, diskread: 0, diskwrite: 0, uptime: 0};
	const tick = Math.floor(atMs / DRIFT_STEP_MS);
	const uptime = guestUptime(state, guest, atMs);
	// ±40 % around the configured CPU share, ±10 % around memory.
	const cpu = clamp(guest.usage.cpu * (0.6 + 0.8 * noise(state.seed, guest.vmid, tick, 1)), 0, 1);
	const mem = Math.floor(clamp(guest.usage.mem * (0.9 + 0.2 * noise(state.seed, guest.vmid, tick, 2)), 0, 1) * sizes.maxmem);
	// Counters are totals since guest start: a per-guest rate times uptime grows monotonically.
	const rate = guest.usage.netRate ?? 2048;
	return {
		cpu: Math.round(cpu * 1e6) / 1e6,
		mem,
		disk,
		netin: Math.floor(rate * uptime),
		netout: Math.floor(rate * 0.6 * uptime),
		diskread: Math.floor(rate * 0.25 * uptime),
		diskwrite: Math.floor(rate * 0.4 * uptime),
		uptime,
	};
}

export interface NodeMetrics {cpu: number; mem: number; uptime: number; wait: number; loadavg: [string, string, string]}

/** A guest's figures and sizes, as a node's figures count them. */
export interface MeasuredGuest {
	metrics: GuestMetrics;
	sizes: GuestSizes;
}

/**
 * How nodeMetrics finds and measures a node's guests. By default: every guest
 * whose node it is, measured as of `atMs`. /cluster/resources passes the
 * guests as the node's last broadcast saw them (broadcast.ts), measured once
 * for the guest's own entry and its node's, so node and guests agree.
 */
export interface NodeGuests {
	/** The node's guests (default: every guest of the state whose node it is). */
	guests?: Iterable<SimGuest>;
	/** A guest's figures as they count; null leaves the guest out. */
	measure?: (guest: SimGuest) => MeasuredGuest | null;
}

/** A node's figures as of `atMs`, its guests' share found and measured as `how` says. */
export function nodeMetrics(state: SimState, node: SimNode, atMs: number = state.clock(), how: NodeGuests = {}): NodeMetrics {
	const tick = Math.floor(atMs / DRIFT_STEP_MS);
	const key = [...node.name].reduce((acc, ch) => (Math.imul(acc, 31) + ch.charCodeAt(0)) >>> 0, 7);
	const measure =
		how.measure ??
		((guest: SimGuest) => {
			const sizes = guestSizes(state, guest);
			return {metrics: guestMetrics(state, guest, atMs, sizes), sizes};
		});
	let guestCpu = 0;
	let guestMem = 0;
	for (const guest of how.guests ?? state.guests.values()) {
		if (guest.node !== node.name) continue;
		const measured = measure(guest);
		if (!measured) continue;
		guestCpu += measured.metrics.cpu * measured.sizes.cpus;
		guestMem += measured.metrics.mem;
	}
	const base = (node.cpuBase ?? 0.02) * (0.7 + 0.6 * noise(state.seed, key, tick, 3));
	const cpu = clamp(base + guestCpu / node.cpuinfo.cpus, 0, 1);
	// Host overhead: about 1.5 GiB plus guest memory, never above physical memory.
	const mem = Math.floor(clamp(1.5 * 1024 ** 3 + guestMem, 0, node.memory * 0.98));
	const load = cpu * node.cpuinfo.cpus;
	const fmt = (v: number) => v.toFixed(2);
	return {
		cpu: Math.round(cpu * 1e6) / 1e6,
		mem,
		uptime: nodeUptime(state, node, atMs),
		wait: Math.round(noise(state.seed, key, tick, 4) * 0.01 * 1e6) / 1e6,
		loadavg: [fmt(load), fmt(load * 0.9), fmt(load * 0.8)],
	};
}
