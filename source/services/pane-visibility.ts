// Runs a service while a deck pane of its kind is on screen: opens when the
// deck starts drawing one, closes when it stops, and reloads once when the
// first fleet poll names the nodes (the default deck shows its panes before
// any data has arrived). Shared by the topology and ZFS services.

import type {StoreApi} from 'zustand/vanilla';
import type {DeckPaneKind} from '../store/deck-types.js';
import {paneVisible} from '../store/selectors.js';
import type {AppState} from '../store/types.js';

export function whilePaneVisible(store: StoreApi<AppState>, kind: DeckPaneKind, on: {open(): void; close(): void; nodesKnown(): void}): () => void {
	const unsubscribe = store.subscribe((state, previous) => {
		const shown = paneVisible(state, kind);
		if (shown && previous.nodes.length === 0 && state.nodes.length > 0) on.nodesKnown();
		if (shown === paneVisible(previous, kind)) return;
		if (shown) on.open();
		else on.close();
	});
	if (paneVisible(store.getState(), kind)) on.open();
	return unsubscribe;
}
