// One reader of guest configs for the services that need them (the BRIDGE/IP
// column's NIC inventory, the problem rules' onboot flags): a config being read
// or read within `ttlMs` is not asked for again, so two services looking at the
// same guest cost one request.
//
// What is kept is the few facts those services use (the NICs, onboot), not the
// config: at 10,000 guests the problem rules read every down guest's config,
// and the whole answers (descriptions, disks, hookscripts …) stayed in memory
// for good, ~3.5 MB of the console's live heap (issue 12). An answer older than
// `ttlMs` is dropped, not just ignored.

import type {GuestNic, GuestKind} from '../store/types.js';
import {listNics} from '../util/pve-config.js';
import type {ApiRequester} from './fleet-source.js';
import {guestPath} from './guest-path.js';

/** What the services sharing the reader take from a guest config. */
export interface ConfigFacts {
	nics: GuestNic[];
	/** `onboot: 1` in the config: started with its node. */
	onboot: boolean;
}

export interface ConfigReader {
	read(guest: {node: string; kind: GuestKind; vmid: number}): Promise<ConfigFacts>;
	/** Drops every cached answer (tests, a reconnect). */
	clear(): void;
	/** Answers held (read or in flight, not yet expired): tests. */
	readonly size: number;
}

/** The facts of one config answer; the answer itself is not referenced by them. */
export function configFacts(config: unknown, kind: GuestKind): ConfigFacts {
	const record = config !== null && typeof config === 'object' ? (config as Record<string, unknown>) : {};
	return {nics: listNics(record, kind), onboot: record.onboot === 1};
}

export function createConfigReader(api: ApiRequester, options: {ttlMs?: number; clock?: () => number} = {}): ConfigReader {
	const ttlMs = options.ttlMs ?? 60_000;
	const clock = options.clock ?? Date.now;
	// Insertion order is age order (a re-read deletes before it sets), so the expired are at the front.
	const cache = new Map<string, {at: number; answer: Promise<ConfigFacts>}>();
	function dropExpired(now: number): void {
		for (const [path, entry] of cache) {
			if (now - entry.at < ttlMs) break;
			cache.delete(path);
		}
	}
	return {
		read(guest) {
			const now = clock();
			dropExpired(now);
			const path = `${guestPath(guest.node, guest.kind, guest.vmid)}/config`;
			const hit = cache.get(path);
			if (hit) return hit.answer;
			const answer = api.request<unknown>('GET', path).then((config) => configFacts(config, guest.kind));
			cache.set(path, {at: now, answer});
			// A failure is not cached: the next reader asks again.
			answer.catch(() => {
				if (cache.get(path)?.answer === answer) cache.delete(path);
			});
			return answer;
		},
		clear() {
			cache.clear();
		},
		get size() {
			return cache.size;
		},
	};
}
