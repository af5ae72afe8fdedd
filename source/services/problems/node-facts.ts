// The node facts the problem rules read — pending updates, a pending kernel,
// the last hour of CPU — gathered per online node at their own pace: the CPU
// pulse about once a minute (one rrd step), the apt state every ten minutes
// (it changes when apt-get update runs, nightly). `proxdeck check` reads them
// once (maxAge 0); the console's problems service keeps them between reads.
//
// In the console each kind has a budget per slow cycle (issue 12: requests at
// idle must not grow with the cluster): a node not yet read is read at once,
// after that at most PULSE_NODES_PER_CYCLE pulses and APT_NODES_PER_CYCLE apt
// pairs per cycle, longest unread first. One node keeps its pace (a pulse a
// minute, apt every ten); on 32 nodes with 30-s cycles each node's pulse and
// apt state are re-read at worst every 16 minutes (32 cycles) — a sustained CPU
// (15 minutes by default, and tracked from the 2-s fleet poll meanwhile), a
// pending kernel or new updates are still found, just up to 16 minutes later.

import type {PulsePoint} from '../../store/nodes-slice.js';
import type {ApiRequester} from '../fleet-source.js';
import {readHourPulse, readNodeApt} from '../nodes/node-reads.js';
import {dueReads} from '../read-budget.js';

export interface NodeFacts {
	nodeUpdates: Map<string, number>;
	nodeReboot: Map<string, {installed: string; running: string}>;
	nodePulses: Map<string, PulsePoint[]>;
	/** "apt:pve1" / "pulse:pve1" → when last read. */
	readAt: Map<string, number>;
}

export const PULSE_EVERY_MS = 60_000;
export const APT_EVERY_MS = 600_000;
/** Nodes whose rrddata is re-read per call, once each was read (the console's budget). */
export const PULSE_NODES_PER_CYCLE = 1;
/** Nodes whose apt/update + apt/versions are re-read per call. */
export const APT_NODES_PER_CYCLE = 1;

export async function readNodeFacts(
	api: ApiRequester,
	online: string[],
	facts: NodeFacts,
	options: {now: number; signal?: AbortSignal; pulseEveryMs?: number; aptEveryMs?: number; /** Re-reads per call of each kind (default: every node due). */ budget?: {pulse: number; apt: number}},
): Promise<void> {
	const pick = (kind: 'pulse' | 'apt', everyMs: number, budget = Infinity) =>
		new Set(dueReads(online.map((node) => `${kind}:${node}`), facts.readAt, {now: options.now, everyMs, budget, unreadAtOnce: true}));
	const pulses = pick('pulse', options.pulseEveryMs ?? PULSE_EVERY_MS, options.budget?.pulse);
	const apts = pick('apt', options.aptEveryMs ?? APT_EVERY_MS, options.budget?.apt);
	for (const map of [facts.nodeUpdates, facts.nodeReboot, facts.nodePulses]) for (const node of map.keys()) if (!online.includes(node)) map.delete(node);
	for (const key of facts.readAt.keys()) if (!online.includes(key.slice(key.indexOf(':') + 1))) facts.readAt.delete(key);
	await Promise.all(
		online.map(async (node) => {
			const reads: Array<Promise<void>> = [];
			if (pulses.has(`pulse:${node}`)) {
				reads.push(
					readHourPulse(api, node, options.signal).then((points) => {
						facts.readAt.set(`pulse:${node}`, options.now);
						if (points && points.some((p) => p.cpu !== undefined)) facts.nodePulses.set(node, points);
						else facts.nodePulses.delete(node);
					}),
				);
			}
			if (apts.has(`apt:${node}`)) {
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
