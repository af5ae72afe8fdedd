// The console's first frame waits for the first fleet answer (or failure),
// for at most a moment. Drawing the deck before any data costs a whole frame
// while nothing is warm yet (Ink lays out and styles the full screen; 300–500 ms
// on a 2-core machine, issue 12), and the frame with data then comes that much
// later; the fleet request would also sit behind it. A host slower than the
// wait still gets its "connecting…" frame.

import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../store/types.js';
import type {PveClient} from '../api/client.js';

/** Longest the first frame waits for the fleet; past it the header's "connecting…" is worth showing. */
export const FIRST_ANSWER_WAIT_MS = 1500;

/** Resolves once the first fleet poll has answered or failed, or after `waitMs`. */
export function firstFleetAnswer(store: StoreApi<AppState>, waitMs = FIRST_ANSWER_WAIT_MS): Promise<void> {
	if (store.getState().connection.status !== 'connecting') return Promise.resolve();
	return new Promise((resolve) => {
		const done = () => {
			clearTimeout(timer);
			unsubscribe();
			resolve();
		};
		const timer = setTimeout(done, waitMs);
		const unsubscribe = store.subscribe((state) => {
			if (state.connection.status !== 'connecting') done();
		});
	});
}

/**
 * The fleet's first read, entry by entry as every later poll reads it
 * (client.requestEach: entries read from the bytes into one key order, each
 * bounded and checked alone). Read whole, the 4 MB answer of 10,000 guests
 * went through JSON.parse and a walk of the whole tree: ~100 ms more before
 * the first frame, and entries in pveproxy's random key order (issue 12).
 */
export async function firstResourcesRead(client: PveClient): Promise<Array<Record<string, unknown>>> {
	const entries: Array<Record<string, unknown>> = [];
	// Kept past their visit, which requestEach allows only because this visitor
	// is new each call: no later read hands it these objects again (EntryMemo).
	await client.requestEach('/cluster/resources', (entry) => entries.push(entry));
	return entries;
}
