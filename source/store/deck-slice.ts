// The deck slice of the store (deck-types.ts). Focus also sets ui.screen to
// the focused pane's kind, which is what the key scopes and the services
// already read; store.ts spreads this in.

import type {DeckActions, DeckSliceState, DeckState} from './deck-types.js';
import type {AppState, UiState} from './types.js';

type Set_ = (partial: Partial<AppState>) => void;
type Get = () => AppState;

export function initialDeckState(layout = 'triage'): DeckSliceState {
	return {deck: {layout, focus: 'fleet', zoomed: false, grow: {}, follow: true, visible: [], shown: [], logSources: [], tasksFailedOnly: false}};
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
	return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function createDeckActions(set: Set_, get: Get): DeckActions {
	function deck(patch: Partial<DeckState>, ui?: Partial<UiState>): void {
		const state = get();
		set({deck: {...state.deck, ...patch}, ...(ui ? {ui: {...state.ui, ...ui}} : {})});
	}
	return {
		deckFocus(id, kind, zoom) {
			const state = get();
			const zoomed = zoom ?? (state.deck.zoomed && state.deck.focus === id);
			if (state.deck.focus === id && state.deck.zoomed === zoomed && state.ui.screen === kind) return;
			// Moving the focus closes the fleet's overlays (help, detail belong to the fleet pane).
			const overlay = kind === 'fleet' ? state.ui.overlay : 'none';
			deck({focus: id, zoomed, ...(zoomed ? {visible: [kind], logSources: kind === 'logs' ? ['all'] : []} : {})}, {screen: kind, overlay, commandNotice: undefined});
		},
		deckZoom(zoomed) {
			if (get().deck.zoomed !== zoomed) deck({zoomed});
		},
		deckBack() {
			const state = get();
			if (state.deck.zoomed && state.deck.focus !== 'fleet') deck({zoomed: false, focus: 'fleet'}, {screen: 'fleet', overlay: 'none'});
			else if (state.deck.zoomed) deck({zoomed: false});
			else deck({focus: 'fleet'}, {screen: 'fleet', overlay: 'none'});
		},
		deckLayout(name, focus) {
			deck({layout: name, zoomed: false, focus: focus.id}, {screen: focus.kind, overlay: 'none'});
		},
		deckGrow(id, delta) {
			const {grow, layout} = get().deck;
			const current = grow[layout] ?? {};
			deck({grow: {...grow, [layout]: {...current, [id]: (current[id] ?? 0) + delta}}});
		},
		deckFollow(on) {
			deck({follow: on});
		},
		deckShown(visible, shown, logSources) {
			const current = get().deck;
			if (sameList(current.visible, visible) && sameList(current.shown, shown) && sameList(current.logSources, logSources)) return;
			deck({visible, shown, logSources});
		},
		deckLogPanes(patch) {
			deck(patch);
		},
		deckTasksFailedOnly(on) {
			deck({tasksFailedOnly: on});
		},
		deckNotice(notice) {
			deck({notice});
		},
	};
}
