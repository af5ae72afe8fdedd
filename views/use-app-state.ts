// The store's state as App draws it. App draws everything but the panes
// (header, dialogs, footer), so it follows the whole store, except for the
// one change an unchanged poll makes: the time of the last good poll. App
// draws that time only through the header's clock, which reads it from the
// store itself (Header's `pollTime`). Without this, every poll of an idle
// fleet re-rendered the App, its deck placement and its footer hints
// (issue 12: "the App subscribing to the whole store").

import {useCallback, useRef, useSyncExternalStore} from 'react';
import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../source/store/types.js';

/** Whether two records hold the same values under every key but `skip`. */
function sameExcept<T extends object>(a: T, b: T, skip: keyof T): boolean {
	for (const key in b) if (key !== skip && a[key] !== b[key]) return false;
	for (const key in a) if (key !== skip && !(key in b)) return false;
	return true;
}

/** Whether `b` differs from `a` in nothing but connection.lastOkAt (every other connection field compared, whatever ConnectionState gains). */
export function onlyPollTimeMoved(a: AppState, b: AppState): boolean {
	return a === b || (sameExcept(a, b, 'connection') && sameExcept(a.connection, b.connection, 'lastOkAt'));
}

export function useAppState(store: StoreApi<AppState>): AppState {
	const shown = useRef<AppState | undefined>(undefined);
	const snapshot = useCallback(() => {
		const next = store.getState();
		const previous = shown.current;
		if (previous !== undefined && onlyPollTimeMoved(previous, next)) return previous;
		shown.current = next;
		return next;
	}, [store]);
	return useSyncExternalStore(store.subscribe, snapshot, snapshot);
}
