// The round-robin archives behind …/rrddata: one point per step for the
// timeframe, computed from the same deterministic drift the live endpoints
// use, evaluated at each point's time — so a sparkline ends where the status
// endpoints are now, and the same seed and clock always give the same series.
// Shapes as PVE 9 sends them (pve-api.md §3 RRD): rates in bytes/s, the
// pressure* keys, memhost for guests, arcsize/memavailable for nodes; a
// stopped guest's points carry only its limits.

import {guestDiskBytes, guestMetrics, nodeMetrics, noise} from './drift.js';
import type {Json} from './guest-view.js';
import {guestSizes} from './sizes.js';
import type {SimGuest, SimNode, SimState} from './state.js';

/** PVE 9's archives: seconds per point × points kept. */
export const RRD_FRAMES: Record<string, {step: number; points: number}> = {
	hour: {step: 60, points: 60},
	day: {step: 60, points: 1440},
	week: {step: 1800, points: 336},
	month: {step: 1800, points: 1440},
	year: {step: 21_600, points: 1440},
	decade: {step: 604_800, points: 570},
};

/** The point times (epoch s, step-aligned, oldest first) ending at the current step. */
export function pointTimes(state: SimState, timeframe: string): number[] {
	const frame = RRD_FRAMES[timeframe] ?? RRD_FRAMES.hour!;
	const last = Math.floor(state.clock() / 1000 / frame.step) * frame.step;
	return Array.from({length: frame.points}, (_, i) => last - (frame.points - 1 - i) * frame.step);
}

/** The state as it was at `timeS`: the same guests and nodes, the clock set back. */
function stateAt(state: SimState, timeS: number): SimState {
	return {...state, clock: () => timeS * 1000};
}

function running(guest: SimGuest, timeMs: number): boolean {
	return guest.status === 'running' && (guest.runningSince ?? 0) <= timeMs;
}

function round(value: number, digits = 6): number {
	const f = 10 ** digits;
	return Math.round(value * f) / f;
}

/** A rate around `base` bytes/s that moves with the drift (never negative). */
function rate(state: SimState, key: number, tick: number, salt: number, base: number): number {
	return round(base * (0.5 + noise(state.seed, key, tick, salt)), 4);
}

/** A PSI percentage that rises with how busy the guest or node is. */
function pressure(state: SimState, key: number, tick: number, salt: number, load: number): number {
	return round(Math.max(0, load - 0.5) * 20 * noise(state.seed, key, tick, salt), 2);
}

function pressures(state: SimState, key: number, tick: number, cpu: number, mem: number): Json {
	return {
		pressurecpusome: pressure(state, key, tick, 11, cpu),
		pressurecpufull: pressure(state, key, tick, 12, cpu) / 2,
		pressureiosome: pressure(state, key, tick, 13, cpu * 0.8),
		pressureiofull: pressure(state, key, tick, 14, cpu * 0.8) / 2,
		pressurememorysome: pressure(state, key, tick, 15, mem),
		pressurememoryfull: pressure(state, key, tick, 16, mem) / 2,
	};
}

export function guestRrd(state: SimState, guest: SimGuest, timeframe: string): Json[] {
	const sizes = guestSizes(state, guest);
	const netRate = guest.usage.netRate ?? 2048;
	return pointTimes(state, timeframe).map((time) => {
		const limits: Json = {time, maxcpu: sizes.cpus, maxmem: sizes.maxmem, maxdisk: sizes.maxdisk, disk: guest.type === 'lxc' ? guestDiskBytes(guest, sizes) : 0};
		if (!running(guest, time * 1000)) return limits;
		const at = stateAt(state, time);
		const m = guestMetrics(at, guest);
		const tick = Math.floor(time / 60);
		const memFraction = sizes.maxmem > 0 ? m.mem / sizes.maxmem : 0;
		return {
			...limits,
			cpu: m.cpu,
			mem: m.mem,
			// What the host sees the guest use (page cache included): a little above what the guest reports.
			memhost: Math.floor(m.mem * 1.05),
			netin: rate(state, guest.vmid, tick, 21, netRate),
			netout: rate(state, guest.vmid, tick, 22, netRate * 0.6),
			diskread: rate(state, guest.vmid, tick, 23, netRate * 0.25),
			diskwrite: rate(state, guest.vmid, tick, 24, netRate * 0.4),
			...pressures(state, guest.vmid, tick, m.cpu, memFraction),
		};
	});
}

function nodeKey(node: SimNode): number {
	return [...node.name].reduce((acc, ch) => (Math.imul(acc, 31) + ch.charCodeAt(0)) >>> 0, 7);
}

export function nodeRrd(state: SimState, node: SimNode, timeframe: string): Json[] {
	const key = nodeKey(node);
	const guests = [...state.guests.values()].filter((g) => g.node === node.name);
	return pointTimes(state, timeframe).map((time) => {
		// Before the node booted its archive has only time stamps (rrdcached had nothing to write).
		if (time * 1000 < node.bootedAt) return {time};
		const at = stateAt(state, time);
		const m = nodeMetrics(at, node);
		const tick = Math.floor(time / 60);
		const netBase = guests.filter((g) => running(g, time * 1000)).reduce((sum, g) => sum + (g.usage.netRate ?? 2048), 4096);
		const swapused = Math.floor(node.swap * 0.02 * noise(state.seed, key, tick, 31));
		return {
			time,
			cpu: m.cpu,
			maxcpu: node.cpuinfo.cpus,
			iowait: m.wait,
			loadavg: Number(m.loadavg[0]),
			memtotal: node.memory,
			memused: m.mem,
			memavailable: node.memory - m.mem,
			arcsize: node.zfs ? Math.floor(node.memory * 0.1) : 0,
			swaptotal: node.swap,
			swapused,
			roottotal: node.rootfs.total,
			rootused: node.rootfs.used,
			netin: rate(state, key, tick, 32, netBase),
			netout: rate(state, key, tick, 33, netBase * 0.7),
			...pressures(state, key, tick, m.cpu, m.mem / node.memory),
		};
	});
}
