// Keeps the deck's log panes on the fleet's selected guest (on the upgrade
// pane's focused container while that pane has the keys). Moving the cursor
// restarts a short rest timer; only when it fires (the cursor rested ~300 ms)
// is the old journal closed and the new one opened — so scrolling through 50
// rows opens one SSH stream, not 50. It acts only while a log pane that
// follows is drawn (deck.logSources), and closes what it opened when none is.

import type {StoreApi} from 'zustand/vanilla';
import type {LogSourceSpec} from '../../store/logs-types.js';
import type {AppState} from '../../store/types.js';
import type {LogsService} from './panes.js';
import {guestSpec, hostSpec, sameSpec} from './specs.js';
import {upgradesOf} from '../upgrade/registry.js';

/** How long the cursor must rest before the journal switches. */
export const FOLLOW_REST_MS = 300;

export interface FollowTimers {
	set(fn: () => void, ms: number): unknown;
	clear(handle: unknown): void;
}

const realTimers: FollowTimers = {
	set: (fn, ms) => {
		const t = setTimeout(fn, ms);
		t.unref?.();
		return t;
	},
	clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface FollowController {
	start(): void;
	stop(): void;
}

type Slot = 'followPane' | 'hostPane';

export function createFollowController(options: {store: StoreApi<AppState>; logs: LogsService; restMs?: number; timers?: FollowTimers}): FollowController {
	const {store, logs} = options;
	const restMs = options.restMs ?? FOLLOW_REST_MS;
	const timers = options.timers ?? realTimers;
	let timer: unknown;
	let unsubscribe: (() => void) | undefined;
	// Panes this controller opened (it closes only those; a pane the user opened stays).
	const owned = new Set<number>();

	function wants(state: AppState, source: string): boolean {
		return state.deck.logSources.includes(source);
	}

	/** The guest to follow: the upgrade pane's focused container while it has the keys, else the fleet's selection. */
	function followedVmid(state: AppState): number | undefined {
		if (state.ui.screen !== 'upgrade') return state.ui.selectedVmid;
		const view = upgradesOf(store)?.view();
		if (view?.stage === 'plan') return view.plan.entries[view.cursor]?.vmid ?? state.ui.selectedVmid;
		if (view?.stage === 'run') return view.run.rows()[view.cursor]?.vmid ?? state.ui.selectedVmid;
		return state.ui.selectedVmid;
	}

	function specOf(slot: Slot, state: AppState): LogSourceSpec | undefined {
		return slot === 'followPane' ? guestSpec(state, followedVmid(state)) : hostSpec(state);
	}

	function current(slot: Slot, state: AppState): LogSourceSpec | undefined {
		const id = state.deck[slot];
		return state.logs.panes.find((p) => p.id === id)?.source;
	}

	function release(slot: Slot): void {
		const id = store.getState().deck[slot];
		if (id === undefined) return;
		if (owned.delete(id)) logs.close(id);
		store.getState().actions.deckLogPanes({[slot]: undefined});
	}

	/** Points a slot at the spec the selection asks for (closing the one it showed). */
	function retarget(slot: Slot): void {
		const state = store.getState();
		const spec = specOf(slot, state);
		const shown = current(slot, state);
		if (spec && shown && sameSpec(spec, shown)) return;
		release(slot);
		if (!spec) return;
		const before = new Set(store.getState().logs.panes.map((p) => p.id));
		const id = logs.open(spec);
		if (id === undefined) return;
		if (!before.has(id)) owned.add(id);
		store.getState().actions.deckLogPanes({[slot]: id});
	}

	function rested(): void {
		timer = undefined;
		const state = store.getState();
		if (state.deck.follow && wants(state, 'follow')) retarget('followPane');
		if (wants(state, 'host')) retarget('hostPane');
	}

	function schedule(): void {
		if (timer !== undefined) timers.clear(timer);
		timer = timers.set(rested, restMs);
	}

	function onChange(state: AppState, previous: AppState): void {
		// Nothing drawn follows: stop what was opened for it (and any pending switch).
		const following = wants(state, 'follow') || wants(state, 'all');
		if (!following && state.deck.followPane !== undefined) release('followPane');
		if (!wants(state, 'host') && !wants(state, 'all') && state.deck.hostPane !== undefined) release('hostPane');
		const needFollow = state.deck.follow && wants(state, 'follow');
		const needHost = wants(state, 'host');
		if (!needFollow && !needHost) {
			if (timer !== undefined) timers.clear(timer);
			timer = undefined;
			return;
		}
		const moved = state.ui.selectedVmid !== previous.ui.selectedVmid || state.ui.screen !== previous.ui.screen;
		// A pane that follows was just drawn, or follow was just turned on.
		const appeared = (needFollow && !(previous.deck.follow && previous.deck.logSources.includes('follow'))) || (needHost && !previous.deck.logSources.includes('host'));
		if (moved || appeared) schedule();
	}

	// The upgrade pane's cursor lives in its controller, not the store.
	let followed: number | undefined;
	function onUpgradeChange(): void {
		const state = store.getState();
		if (state.ui.screen !== 'upgrade' || !state.deck.follow || !wants(state, 'follow')) return;
		const vmid = followedVmid(state);
		if (vmid !== followed) {
			followed = vmid;
			schedule();
		}
	}
	let unsubscribeUpgrades: (() => void) | undefined;

	return {
		start() {
			unsubscribe = store.subscribe(onChange);
			unsubscribeUpgrades = upgradesOf(store)?.subscribe(onUpgradeChange);
			const state = store.getState();
			if ((state.deck.follow && wants(state, 'follow')) || wants(state, 'host')) schedule();
		},
		stop() {
			unsubscribe?.();
			unsubscribeUpgrades?.();
			if (timer !== undefined) timers.clear(timer);
			timer = undefined;
		},
	};
}
