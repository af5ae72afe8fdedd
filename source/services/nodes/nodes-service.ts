// Keeps node health and pulses fresh for what is on screen, and nothing else:
// - while the nodes pane is drawn: each online node's status (every
//   healthMs), its pending updates and installed kernels (every aptMs, they
//   change rarely), and the rrddata of the nodes the pane shows;
// - while the fleet's detail panel is open: the selected guest's rrddata,
//   once the cursor has rested on it (never per-guest polling of the fleet).
// Pulses are re-read about once a minute (one rrd step); a timeframe switch
// or a newly shown node or guest is read at once.
// The rows the pane draws (nodeHealth.onScreen) are what the admin watches:
// their status keeps the healthMs pace. Nodes scrolled out of view are read
// once, then OFFSCREEN_NODES_PER_SWEEP per sweep, longest unread first, so a
// 32-node cluster in a short pane does not cost 32 reads every 15 s (issue 12).

import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../../store/types.js';
import type {PulseTimeframe} from '../../store/nodes-slice.js';
import {paneVisible} from '../../store/selectors.js';
import {errorLine} from '../error-line.js';
import type {ApiRequester} from '../fleet-source.js';
import {guestPath} from '../guest-path.js';
import {timerDelay} from '../poller.js';
import {parseNodeStatus, pulsePoints} from './health.js';
import {readNodeApt} from './node-reads.js';
import {dueReads} from '../read-budget.js';

/** Status reads per sweep for online nodes the nodes pane does not show. */
export const OFFSCREEN_NODES_PER_SWEEP = 2;

export interface NodesService {
	start(): void;
	stop(): void;
	/** Resolves when no read is in flight (tests). */
	idle(): Promise<void>;
	/** Runs one sweep now (tests). */
	sweep(): Promise<void>;
}

export interface NodesServiceOptions {
	api: ApiRequester;
	store: StoreApi<AppState>;
	clock?: () => number;
	/** Node status re-read interval (default 15 s). */
	healthMs?: number;
	/** apt/update and apt/versions re-read interval (default 10 min). */
	aptMs?: number;
	/** rrddata re-read interval (default 60 s: one point of the hour archive). */
	pulseMs?: number;
	/** How long the fleet cursor must rest on a guest before its pulses are read (default 400 ms). */
	restMs?: number;
}

/** The pulses wanted now: "node:pve1" for the nodes on screen, "guest:101" for the selected guest with its detail open. */
export function wantedPulses(state: AppState): Map<string, string> {
	const online = new Set(state.nodes.filter((n) => n.status === 'online').map((n) => n.name));
	const wanted = new Map<string, string>();
	if (paneVisible(state, 'nodes')) {
		for (const name of state.nodeHealth.onScreen) if (online.has(name)) wanted.set(`node:${name}`, `/nodes/${encodeURIComponent(name)}/rrddata`);
	}
	const vmid = state.ui.selectedVmid;
	const guest = vmid === undefined ? undefined : state.guests.get(vmid);
	if (state.ui.overlay === 'detail' && guest && online.has(guest.node)) wanted.set(`guest:${guest.vmid}`, `${guestPath(guest.node, guest.kind, guest.vmid)}/rrddata`);
	return wanted;
}

export function createNodesService(options: NodesServiceOptions): NodesService {
	const {api, store} = options;
	const clock = options.clock ?? Date.now;
	const healthMs = options.healthMs ?? 15_000;
	const aptMs = options.aptMs ?? 600_000;
	const pulseMs = options.pulseMs ?? 60_000;
	const restMs = options.restMs ?? 400;
	const healthAt = new Map<string, number>();
	const aptAt = new Map<string, number>();
	const apt = new Map<string, {updates?: number; rebootKernel?: string}>();
	const inFlight = new Map<string, Promise<void>>();
	let timer: ReturnType<typeof setTimeout> | undefined;
	let unsubscribe: (() => void) | undefined;
	let abort = new AbortController();
	let running = false;

	function once(key: string, work: () => Promise<void>): void {
		if (inFlight.has(key)) return;
		const promise = work()
			.catch(() => {})
			.finally(() => inFlight.delete(key));
		inFlight.set(key, promise);
	}

	async function readApt(node: string, running: string): Promise<void> {
		// apt/update needs Sys.Modify: an auditor token sees the count as unknown, not as zero.
		const {updates, rebootKernel} = await readNodeApt(api, node, abort.signal, running);
		apt.set(node, {...(updates !== undefined ? {updates} : {}), ...(rebootKernel ? {rebootKernel} : {})});
		aptAt.set(node, clock());
	}

	async function readHealth(node: string): Promise<void> {
		try {
			const status = await api.request<unknown>('GET', `/nodes/${encodeURIComponent(node)}/status`, undefined, abort.signal);
			const health = parseNodeStatus(status, clock());
			if (clock() - (aptAt.get(node) ?? -Infinity) >= aptMs) await readApt(node, health.kernel);
			healthAt.set(node, clock());
			if (!abort.signal.aborted) store.getState().actions.nodeHealthReceived(node, {...health, ...apt.get(node)});
		} catch (error) {
			healthAt.set(node, clock());
			if (!abort.signal.aborted) store.getState().actions.nodeHealthFailed(node, errorLine(error));
		}
	}

	async function readPulse(key: string, path: string, timeframe: PulseTimeframe): Promise<void> {
		const readAt = clock();
		try {
			const data = await api.request<unknown>('GET', path, {timeframe, cf: 'AVERAGE'}, abort.signal);
			if (!abort.signal.aborted) store.getState().actions.pulsesReceived(key, {timeframe, points: pulsePoints(data), readAt});
		} catch (error) {
			if (!abort.signal.aborted) store.getState().actions.pulsesReceived(key, {timeframe, points: store.getState().nodeHealth.pulses.get(key)?.points ?? [], readAt, error: errorLine(error)});
		}
	}

	/** Starts every read that is due; returns when they have ended. */
	function sweep(): Promise<void> {
		const state = store.getState();
		const now = clock();
		if (paneVisible(state, 'nodes')) {
			const shown = new Set(state.nodeHealth.onScreen);
			const online = state.nodes.filter((n) => n.status === 'online').map((n) => n.name);
			// Before the pane has reported its rows, every node counts as shown.
			const offscreen = shown.size === 0 ? [] : online.filter((name) => !shown.has(name) && !inFlight.has(`health:${name}`));
			const due = [
				...online.filter((name) => !offscreen.includes(name) && now - (healthAt.get(name) ?? -Infinity) >= healthMs),
				...dueReads(offscreen, healthAt, {now, everyMs: healthMs, budget: OFFSCREEN_NODES_PER_SWEEP, unreadAtOnce: true}),
			];
			for (const name of due) once(`health:${name}`, () => readHealth(name));
		}
		const {timeframe, pulses} = state.nodeHealth;
		for (const [key, path] of wantedPulses(state)) {
			const have = pulses.get(key);
			if (!have || have.timeframe !== timeframe || now - have.readAt >= pulseMs) once(`pulse:${key}`, () => readPulse(key, path, timeframe));
		}
		return idle();
	}

	function idle(): Promise<void> {
		return Promise.all([...inFlight.values()]).then(() => undefined);
	}

	function schedule(delay: number): void {
		if (!running) return;
		clearTimeout(timer);
		timer = setTimeout(() => {
			void sweep();
			schedule(Math.min(healthMs, pulseMs));
		}, timerDelay(delay));
		timer.unref?.();
	}

	return {
		start() {
			if (running) return;
			running = true;
			abort = new AbortController();
			unsubscribe = store.subscribe((state, previous) => {
				const shown = paneVisible(state, 'nodes') !== paneVisible(previous, 'nodes') || state.nodeHealth.onScreen !== previous.nodeHealth.onScreen || state.nodes !== previous.nodes;
				const guest = state.ui.overlay !== previous.ui.overlay || state.ui.selectedVmid !== previous.ui.selectedVmid;
				if (state.nodeHealth.timeframe !== previous.nodeHealth.timeframe || shown) schedule(0);
				// The cursor moving through the fleet: wait until it rests.
				else if (guest) schedule(restMs);
			});
			schedule(0);
		},
		stop() {
			running = false;
			clearTimeout(timer);
			abort.abort();
			unsubscribe?.();
		},
		idle,
		sweep,
	};
}
