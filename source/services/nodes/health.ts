// Turning the node endpoints' answers into store rows: GET /nodes/{node}/status
// into NodeHealth, apt/update into a pending count, apt/versions into "a newer
// kernel is installed than the one running" (a reboot is pending), and
// rrddata points into the fractions and rates the sparklines draw. Pure, so
// each mapping is tested on recorded answers.

import type {NodeHealth, PulsePoint} from '../../store/nodes-slice.js';
import {compareReleases} from '../../util/kernel-release.js';
import {atOrAbove} from '../../util/percent.js';
import {sanitize} from '../../util/sanitize.js';

type Json = Record<string, unknown>;

function num(v: unknown): number {
	const n = typeof v === 'string' ? Number(v) : v;
	return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}

function obj(v: unknown): Json {
	return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

/** GET /nodes/{node}/status → health (updates and kernels are added from the apt reads). */
export function parseNodeStatus(data: unknown, readAt: number): NodeHealth {
	const d = obj(data);
	const load = Array.isArray(d.loadavg) ? d.loadavg.map(num) : [];
	const release = typeof obj(d['current-kernel']).release === 'string' ? String(obj(d['current-kernel']).release) : String(d.kversion ?? '').split(' ')[1] ?? '';
	const pve = String(d.pveversion ?? '').split('/')[1] ?? '';
	const pair = (v: unknown) => ({total: num(obj(v).total), used: num(obj(v).used)});
	return {
		cpu: num(d.cpu),
		cpus: num(obj(d.cpuinfo).cpus),
		loadavg: [load[0] ?? 0, load[1] ?? 0, load[2] ?? 0],
		mem: pair(d.memory),
		swap: pair(d.swap),
		rootfs: pair(d.rootfs),
		uptime: num(d.uptime),
		pveVersion: sanitize(pve),
		kernel: sanitize(release),
		readAt,
	};
}

/** GET /nodes/{node}/apt/update: how many packages wait (anything but a list is unknown). */
export function pendingUpdates(data: unknown): number | undefined {
	return Array.isArray(data) ? data.filter((p) => typeof obj(p).Package === 'string').length : undefined;
}

/**
 * GET /nodes/{node}/apt/versions: the newest installed proxmox-kernel (or
 * pve-kernel) release when it is newer than the running one — the node boots
 * into it at its next reboot, so a reboot is pending. Undefined otherwise.
 */
export function pendingKernel(data: unknown, running: string): string | undefined {
	if (!Array.isArray(data) || running === '') return undefined;
	const installed = data
		.map(obj)
		.filter((p) => p.CurrentState === 'Installed' && typeof p.Package === 'string')
		.map((p) => /^(?:proxmox|pve)-kernel-(\d+\.\d+\.\d+-\d+-pve)(?:-signed)?$/.exec(String(p.Package))?.[1])
		.filter((r): r is string => r !== undefined);
	const newest = installed.sort(compareReleases).at(-1);
	return newest !== undefined && compareReleases(newest, running) > 0 ? sanitize(newest) : undefined;
}

/** rrddata points → what the sparklines draw: CPU and memory as fractions, rates in bytes/s; absent when the archive has none. */
export function pulsePoints(data: unknown): PulsePoint[] {
	if (!Array.isArray(data)) return [];
	const value = (p: Json, key: string) => (typeof p[key] === 'number' && Number.isFinite(p[key]) ? (p[key] as number) : undefined);
	return data
		.map(obj)
		.filter((p) => typeof p.time === 'number')
		.map((p) => {
			const total = value(p, 'memtotal') ?? value(p, 'maxmem');
			const used = value(p, 'memused') ?? value(p, 'mem');
			const point: PulsePoint = {time: p.time as number};
			const set = (key: keyof PulsePoint, v: number | undefined) => {
				if (v !== undefined) point[key] = v;
			};
			set('cpu', value(p, 'cpu'));
			set('mem', total && used !== undefined ? used / total : undefined);
			set('netin', value(p, 'netin'));
			set('netout', value(p, 'netout'));
			set('diskread', value(p, 'diskread'));
			set('diskwrite', value(p, 'diskwrite'));
			return point;
		})
		.sort((a, b) => a.time - b.time);
}

/**
 * Since when (epoch ms) CPU has been at or above `warnPercent` without a
 * break, counted back from the newest point that has a value; undefined when
 * that newest point is below. A gap (a point without CPU) ends the run.
 */
export function cpuAboveSince(points: readonly PulsePoint[], warnPercent: number): number | undefined {
	const withCpu = points.filter((p) => p.cpu !== undefined);
	let since: number | undefined;
	for (let i = points.length - 1; i >= 0; i--) {
		const p = points[i]!;
		if (p.cpu === undefined) {
			if (since === undefined && withCpu.length > 0 && p.time > withCpu.at(-1)!.time) continue;
			break;
		}
		if (!atOrAbove(p.cpu * 100, warnPercent)) break;
		since = p.time * 1000;
	}
	return since;
}
