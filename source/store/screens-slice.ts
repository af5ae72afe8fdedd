// The screens slice of the store (see screen-types.ts): the main-screen
// switch, the `:` prompt, the vmid-set fleet filter, and the topology and ZFS
// screens' data and cursors. Kept apart from store.ts; store.ts spreads it in.

import type {ScreenActions, ScreenState, ZfsState} from './screen-types.js';
import type {AppState, UiState} from './types.js';

type Set_ = (partial: Partial<AppState>) => void;
type Get = () => AppState;
/** store.ts's update: applies a change, then re-anchors the fleet selection. */
type Update = (change: (state: AppState) => Partial<AppState>) => void;

export function initialScreenState(): ScreenState {
	return {
		topology: {networks: new Map(), networkErrors: new Map(), cursor: 0},
		zfs: {loading: false, previousUsed: new Map(), sort: 'used', cursor: 0},
	};
}

/** The ui fields this slice owns, with their starting values. */
export function initialScreenUi(): Pick<UiState, 'screen' | 'commandDraft'> {
	return {screen: 'fleet', commandDraft: null};
}

function clampCursor(cursor: number, count: number): number {
	return Math.max(0, Math.min(cursor, count - 1));
}

export function createScreenActions(set: Set_, get: Get, update: Update): ScreenActions {
	function ui(patch: Partial<UiState>): void {
		update((state) => ({ui: {...state.ui, ...patch}}));
	}
	function zfs(patch: Partial<ZfsState>): void {
		set({zfs: {...get().zfs, ...patch}});
	}
	return {
		setScreen(screen) {
			// The old screens are zoomed deck panes; the overlays (help, detail) belong to the fleet.
			const current = get();
			if (current.ui.screen === screen && current.deck.zoomed && current.ui.overlay === 'none') return;
			current.actions.deckFocus(screen, screen, true);
			ui({overlay: 'none', commandNotice: undefined});
		},
		openCommand() {
			if (get().ui.commandDraft === null) ui({commandDraft: '', commandNotice: undefined});
		},
		editCommand(draft) {
			ui({commandDraft: draft});
		},
		cancelCommand() {
			ui({commandDraft: null});
		},
		commitCommand() {
			const text = get().ui.commandDraft ?? '';
			ui({commandDraft: null});
			return text.trim();
		},
		setCommandNotice(text) {
			if (get().ui.commandNotice !== text) ui({commandNotice: text});
		},
		filterFleetTo(filter) {
			// Back to the deck with the fleet focused: the pane the line came from stays in view.
			get().actions.deckFocus('fleet', 'fleet', false);
			ui({screen: 'fleet', overlay: 'none', vmidFilter: filter, filter: '', filterDraft: null, scrollTop: 0});
		},
		topologyNetworks(networks, networkErrors, at) {
			const previous = get().topology;
			// A re-read that found the same networks keeps the old Maps: the topology built from them stands.
			const same = (a: ReadonlyMap<string, unknown> | undefined, b: ReadonlyMap<string, unknown>) => a !== undefined && a.size === b.size && JSON.stringify([...a]) === JSON.stringify([...b]);
			set({
				topology: {
					...previous,
					networks: same(previous.networks, networks) ? previous.networks : networks,
					networkErrors: same(previous.networkErrors, networkErrors) ? previous.networkErrors : networkErrors,
					fetchedAt: at,
				},
			});
		},
		topologyNics(entries, progress) {
			const state = get();
			let nics = state.nics;
			if (entries.length > 0) {
				nics = new Map(nics);
				for (const [vmid, list] of entries) if (state.guests.has(vmid)) nics.set(vmid, list);
			}
			update(() => ({nics, topology: {...state.topology, progress}}));
		},
		topologyMove(delta, lineCount) {
			const topology = get().topology;
			const cursor = clampCursor(topology.cursor + delta, lineCount);
			if (cursor !== topology.cursor) set({topology: {...topology, cursor}});
		},
		zfsLoading() {
			zfs({loading: true});
		},
		zfsReceived(sample) {
			const previous = get().zfs.sample;
			// Growth is measured against the sample this one replaces.
			const previousUsed = previous ? new Map(previous.datasets.map((d) => [`${d.node}:${d.name}`, d.used])) : get().zfs.previousUsed;
			zfs({loading: false, sample, previousUsed, previousAt: previous?.at, error: undefined});
		},
		zfsFailed(message) {
			zfs({loading: false, error: message});
		},
		zfsSort(sort) {
			zfs({sort, cursor: 0});
		},
		zfsMove(delta, rowCount) {
			const current = get().zfs;
			const cursor = clampCursor(current.cursor + delta, rowCount);
			if (cursor !== current.cursor) zfs({cursor});
		},
	};
}
