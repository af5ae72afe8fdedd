// Loads the selected guest's config and snapshots while the detail panel is
// open — the only per-guest requests the console makes besides the NIC window.
// A new selection aborts the read for the old one; while the panel stays open
// the detail is refreshed at the fleet interval.

import type {StoreApi} from 'zustand/vanilla';
import type {LxcConfig, SnapshotEntry} from '../api/types.js';
import type {AppState, GuestRow} from '../store/types.js';
import {listNics} from '../util/pve-config.js';
import {errorLine} from './error-line.js';
import {timerDelay} from './poller.js';
import type {ApiRequester} from './fleet-source.js';
import {guestPath} from './guest-path.js';

export interface DetailService {
	start(): void;
	stop(): void;
	/** The read in flight, if any (for tests). */
	pending(): Promise<void>;
}

export function createDetailService(options: {
	api: ApiRequester;
	store: StoreApi<AppState>;
	refreshMs: number;
	clock?: () => number;
}): DetailService {
	const {api, store} = options;
	const clock = options.clock ?? Date.now;
	let current: {vmid: number; abort: AbortController; promise: Promise<void>} | undefined;
	let refreshTimer: NodeJS.Timeout | undefined;
	let unsubscribe: (() => void) | undefined;

	function wanted(state: AppState): GuestRow | undefined {
		if (state.ui.overlay !== 'detail' || state.ui.selectedVmid === undefined) return undefined;
		return state.guests.get(state.ui.selectedVmid);
	}

	async function load(guest: GuestRow, signal: AbortSignal, showLoading: boolean): Promise<void> {
		const actions = store.getState().actions;
		if (showLoading) actions.detailLoading(guest.vmid);
		const base = guestPath(guest.node, guest.kind, guest.vmid);
		try {
			const [config, snapshots] = await Promise.all([
				api.request<LxcConfig>('GET', `${base}/config`, undefined, signal),
				// Snapshots are secondary: a guest whose snapshot list cannot be read
				// (no VM.Audit on it, an old host) still shows its config.
				api.request<SnapshotEntry[]>('GET', `${base}/snapshot`, undefined, signal).catch(() => undefined),
			]);
			if (signal.aborted) return;
			actions.detailReceived(guest.vmid, config, Array.isArray(snapshots) ? snapshots : undefined, clock());
			actions.nicsReceived(guest.vmid, listNics(config, guest.kind));
		} catch (error) {
			if (!signal.aborted) actions.detailFailed(guest.vmid, errorLine(error));
		}
	}

	function begin(guest: GuestRow, showLoading: boolean): void {
		current?.abort.abort();
		const abort = new AbortController();
		const promise = load(guest, abort.signal, showLoading);
		current = {vmid: guest.vmid, abort, promise};
	}

	function sync(state: AppState): void {
		const guest = wanted(state);
		if (!guest) {
			current?.abort.abort();
			current = undefined;
			return;
		}
		if (current?.vmid !== guest.vmid) begin(guest, true);
	}

	return {
		start() {
			unsubscribe = store.subscribe((state, previous) => {
				if (state.ui.overlay !== previous.ui.overlay || state.ui.selectedVmid !== previous.ui.selectedVmid) sync(state);
			});
			refreshTimer = setInterval(() => {
				const guest = wanted(store.getState());
				if (guest) begin(guest, false);
			}, timerDelay(options.refreshMs));
			sync(store.getState());
		},
		stop() {
			unsubscribe?.();
			clearInterval(refreshTimer);
			current?.abort.abort();
		},
		pending() {
			return current?.promise ?? Promise.resolve();
		},
	};
}
