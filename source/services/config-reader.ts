// One reader of guest configs for the services that need them (the BRIDGE/IP
// column's NIC inventory, the problem rules' onboot flags): a config being read
// or read within `ttlMs` is not asked for again, so two services looking at the
// same guest cost one request.

import type {LxcConfig} from '../api/types.js';
import type {GuestKind} from '../store/types.js';
import type {ApiRequester} from './fleet-source.js';
import {guestPath} from './guest-path.js';

export interface ConfigReader {
	read(guest: {node: string; kind: GuestKind; vmid: number}): Promise<LxcConfig>;
	/** Drops every cached answer (tests, a reconnect). */
	clear(): void;
}

export function createConfigReader(api: ApiRequester, options: {ttlMs?: number; clock?: () => number} = {}): ConfigReader {
	const ttlMs = options.ttlMs ?? 60_000;
	const clock = options.clock ?? Date.now;
	const cache = new Map<string, {at: number; answer: Promise<LxcConfig>}>();
	return {
		read(guest) {
			const path = `${guestPath(guest.node, guest.kind, guest.vmid)}/config`;
			const hit = cache.get(path);
			if (hit && clock() - hit.at < ttlMs) return hit.answer;
			const answer = api.request<LxcConfig>('GET', path);
			cache.set(path, {at: clock(), answer});
			// A failure is not cached: the next reader asks again.
			answer.catch(() => cache.delete(path));
			return answer;
		},
		clear() {
			cache.clear();
		},
	};
}
