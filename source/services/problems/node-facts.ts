// The node facts the problem rules read — pending updates, a pending kernel,
// the last hour of CPU — gathered per online node at their own pace: the CPU
// pulse about once a minute (one rrd step), the apt state every ten minutes
// (it changes when apt-get update runs, nightly). `proxdeck check` reads them
// once (maxAge 0); the console's problems service keeps them between reads.

import type {PulsePoint} from '../../store/nodes-slice.js';
import type {ApiRequester} from '../fleet-source.js';
import {readHourPulse, readNodeApt} from '../nodes/node-reads.js';

export interface NodeFacts {
	nodeUpdates: Map<string, number>;
	nodeReboot: Map<string, {installed: string; running: string}>;
	nodePulses: Map<string, PulsePoint[]>;
	/** "apt:pve1" / "pulse:pve1" → when last read. */
	readAt: Map<string, number>;
}

export const PULSE_EVERY_MS = 60_000;
export const APT_EVERY_MS = 600_000;

export async function readNodeFacts(api: ApiRequester, online: string[], facts: NodeFacts, options: {now: number; signal?: AbortSignal; pulseEveryMs?: number; aptEveryMs?: number}): Promise<void> {
	const due = (key: string, every: number) => options.now - (facts.readAt.get(key) ?? -Infinity) >= every;
	for (const map of [facts.nodeUpdates, facts.nodeReboot, facts.nodePulses]) for (const node of map.keys()) if (!online.includes(node)) map.delete(node);
	await Promise.all(
		online.map(async (node) => {
			const reads: Array<Promise<void>> = [];
			if (due(`pulse:${node}`, options.pulseEveryMs ?? PULSE_EVERY_MS)) {
				reads.push(
					readHourPulse(api, node, options.signal).then((points) => {
						facts.readAt.set(`pulse:${node}`, options.now);
						if (points && points.some((p) => p.cpu !== undefined)) facts.nodePulses.set(node, points);
						else facts.nodePulses.delete(node);
					}),
				);
			}
			if (due(`apt:${node}`, options.aptEveryMs ?? APT_EVERY_MS)) {
				reads.push(
					readNodeApt(api, node, options.signal).then((apt) => {
						facts.readAt.set(`apt:${node}`, options.now);
						if (apt.updates !== undefined) facts.nodeUpdates.set(node, apt.updates);
						else facts.nodeUpdates.delete(node);
						if (apt.rebootKernel && apt.running) facts.nodeReboot.set(node, {installed: apt.rebootKernel, running: apt.running});
						else facts.nodeReboot.delete(node);
					}),
				);
			}
			await Promise.all(reads);
		}),
	);
}
