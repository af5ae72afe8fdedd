// Loads the selected guest's config and snapshots (and, for a running VM, its
// guest agent's addresses) while the detail panel is open — the only
// per-guest requests the console makes besides the NIC window.
// A new selection aborts the read for the old one; while the panel stays open
// the detail is refreshed at the fleet interval.

import type {StoreApi} from 'zustand/vanilla';
import type {LxcConfig, SnapshotEntry} from '../api/types.js';
import type {AppState, GuestAgentView, GuestRow} from '../store/types.js';
import {listNics} from '../util/pve-config.js';
import {sanitize} from '../util/sanitize.js';
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
			const [config, snapshots, agent] = await Promise.all([
				api.request<LxcConfig>('GET', `${base}/config`, undefined, signal),
				// Snapshots are secondary: a guest whose snapshot list cannot be read
				// (no VM.Audit on it, an old host) still shows its config.
				api.request<SnapshotEntry[]>('GET', `${base}/snapshot`, undefined, signal).catch(() => undefined),
				guest.kind === 'qemu' ? readAgent(guest, base, signal) : Promise.resolve(undefined),
			]);
			if (signal.aborted) return;
			actions.detailReceived(guest.vmid, config, Array.isArray(snapshots) ? snapshots : undefined, clock(), agent);
			actions.nicsReceived(guest.vmid, listNics(config, guest.kind));
		} catch (error) {
			if (!signal.aborted) actions.detailFailed(guest.vmid, errorLine(error));
		}
	}

	/** A VM's addresses come from its guest agent; when it does not answer, Proxmox's reason is kept to show. */
	async function readAgent(guest: GuestRow, base: string, signal: AbortSignal): Promise<GuestAgentView> {
		if (guest.status !== 'running') return {state: 'none', reason: `VM is ${sanitize(guest.status)}`};
		try {
			const answer = await api.request<{result?: unknown}>('GET', `${base}/agent/network-get-interfaces`, undefined, signal);
			return {state: 'ok', interfaces: agentInterfaces(answer?.result)};
		} catch (error) {
			return {state: 'none', reason: errorLine(error)};
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

/**
 * The agent's `result` as interfaces with their addresses: loopback and
 * link-local addresses left out (they say nothing about where the VM is
 * reached); every string sanitised, malformed entries skipped.
 */
export function agentInterfaces(result: unknown): Array<{name: string; ips: string[]}> {
	if (!Array.isArray(result)) return [];
	const out: Array<{name: string; ips: string[]}> = [];
	for (const entry of result as Array<Record<string, unknown> | null>) {
		if (!entry || typeof entry !== 'object' || typeof entry.name !== 'string') continue;
		const addresses = Array.isArray(entry['ip-addresses']) ? (entry['ip-addresses'] as Array<Record<string, unknown> | null>) : [];
		const ips = addresses
			.filter((a): a is Record<string, unknown> => !!a && typeof a['ip-address'] === 'string')
			.map((a) => ({ip: String(a['ip-address']), prefix: typeof a.prefix === 'number' ? a.prefix : undefined}))
			.filter(({ip}) => !/^127\./.test(ip) && ip !== '::1' && !/^fe80:/i.test(ip))
			.map(({ip, prefix}) => sanitize(prefix === undefined ? ip : `${ip}/${prefix}`));
		if (ips.length > 0) out.push({name: sanitize(entry.name), ips});
	}
	return out;
}
