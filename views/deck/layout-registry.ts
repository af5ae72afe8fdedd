// The layouts a console runs with (built-ins plus the config's), kept beside
// the store like the logs and upgrade services: the `:layout` command and the
// deck view find them through the store they already have.

import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../../source/store/types.js';
import type {DeckLayout} from './layout-engine.js';
import {allLayouts, DEFAULT_LAYOUT, findLayout} from './layouts.js';

const registry = new WeakMap<StoreApi<AppState>, DeckLayout[]>();

export function attachLayouts(store: StoreApi<AppState>, layouts: DeckLayout[]): void {
	registry.set(store, layouts);
}

export function layoutsOf(store: StoreApi<AppState>): DeckLayout[] {
	return registry.get(store) ?? allLayouts();
}

/** The store's current layout (an unknown name falls back to the default). */
export function currentLayout(store: StoreApi<AppState>, state: AppState = store.getState()): DeckLayout {
	const layouts = layoutsOf(store);
	return findLayout(layouts, state.deck.layout) ?? findLayout(layouts, DEFAULT_LAYOUT) ?? layouts[0]!;
}
