// The clusters the console can switch between (`:ctx`), found through the
// store like the upgrade controller: the view tree gets only the store, and
// the switch itself (closing one cluster's connections, opening another's)
// happens in the service behind this interface, never in a view.

import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../../store/types.js';

export interface ContextEntry {
	name: string;
	/** The first endpoint, "host:port" (what the list shows beside the name). */
	endpoint: string;
	current: boolean;
}

export interface ContextSwitcher {
	list(): ContextEntry[];
	/** Starts the switch; progress and failures are notices on the console. */
	switchTo(name: string): void;
}

const switchers = new WeakMap<StoreApi<AppState>, ContextSwitcher>();

export function attachContexts(store: StoreApi<AppState>, switcher: ContextSwitcher): void {
	switchers.set(store, switcher);
}

export function contextsOf(store: StoreApi<AppState>): ContextSwitcher | undefined {
	return switchers.get(store);
}
