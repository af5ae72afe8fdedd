// Fills the BRIDGE/IP column. /cluster/resources carries no network data, so a
// guest's NICs come from its config. To keep API load proportional to what is
// on screen (not to the fleet size), only the guests in the visible window are
// read, at most `concurrency` at a time, and each is re-read after `ttlMs`.

import type {StoreApi} from 'zustand/vanilla';
import {selectVisibleRows} from '../store/selectors.js';
import type {AppState, GuestRow} from '../store/types.js';
import type {ApiRequester} from './fleet-source.js';
import {createConfigReader, type ConfigReader} from './config-reader.js';

export interface NicInventory {
	start(): void;
	stop(): void;
	/** Resolves when nothing is queued or in flight (for tests and benches). */
	idle(): Promise<void>;
}

export function createNicInventory(options: {
	api: ApiRequester;
	store: StoreApi<AppState>;
	concurrency?: number;
	ttlMs?: number;
	clock?: () => number;
	/** Shared with the other services that read configs, so a guest's config is asked for once. */
	configs?: ConfigReader;
}): NicInventory {
	const {api, store} = options;
	const configs = options.configs ?? createConfigReader(api, {clock: options.clock});
	const concurrency = options.concurrency ?? 4;
	const ttlMs = options.ttlMs ?? 5 * 60_000;
	const clock = options.clock ?? Date.now;
	const readAt = new Map<number, number>();
	const queue: GuestRow[] = [];
	const queued = new Set<number>();
	let active = 0;
	let unsubscribe: (() => void) | undefined;
	let abort = new AbortController();
	let idleWaiters: Array<() => void> = [];

	function visibleGuests(state: AppState): GuestRow[] {
		const rows = selectVisibleRows(state);
		return rows.slice(state.ui.scrollTop, state.ui.scrollTop + Math.max(1, state.ui.viewportRows));
	}

	function enqueueVisible(state: AppState): void {
		const now = clock();
		for (const guest of visibleGuests(state)) {
			const last = readAt.get(guest.vmid);
			if (queued.has(guest.vmid) || (last !== undefined && now - last < ttlMs)) continue;
			queued.add(guest.vmid);
			queue.push(guest);
		}
		pump();
	}

	async function read(guest: GuestRow): Promise<void> {
		try {
			const {nics} = await configs.read(guest);
			if (abort.signal.aborted) return;
			store.getState().actions.nicsReceived(guest.vmid, nics);
		} catch {
			// A guest whose config cannot be read (gone, 403, node offline) shows no
			// NIC; it is tried again after the TTL, and the fleet poll reports outages.
		} finally {
			readAt.set(guest.vmid, clock());
			queued.delete(guest.vmid);
		}
	}

	function pump(): void {
		while (active < concurrency && queue.length > 0 && !abort.signal.aborted) {
			const guest = queue.shift()!;
			active++;
			void read(guest).finally(() => {
				active--;
				pump();
			});
		}
		if (active === 0 && queue.length === 0) {
			const waiters = idleWaiters;
			idleWaiters = [];
			for (const resolve of waiters) resolve();
		}
	}

	return {
		start() {
			abort = new AbortController();
			unsubscribe = store.subscribe((state, previous) => {
				if (state.guests !== previous.guests || state.ui !== previous.ui) enqueueVisible(state);
			});
			enqueueVisible(store.getState());
		},
		stop() {
			unsubscribe?.();
			abort.abort();
			queue.length = 0;
			queued.clear();
		},
		idle() {
			if (active === 0 && queue.length === 0) return Promise.resolve();
			return new Promise((resolve) => idleWaiters.push(resolve));
		},
	};
}
