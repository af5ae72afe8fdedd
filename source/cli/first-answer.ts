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
 * The fleet's first read, parsed whole: bounded and checked as every poll's
 * entries are (client.request, shapes.ts). Later polls go entry by entry
 * (client.requestEach), which pays off once an entry that came as before is
 * no longer made anew (EntryMemo); for the first read it runs cold, in V8's
 * interpreter, where JSON.parse is native and needs no warm-up. At 10,000
 * guests, in a fresh process: read and checked in 55–70 ms whole against
 * 90–97 ms entry by entry, and the first frame ~50 ms sooner (issue 12).
 * Session 9 measured the opposite (whole ~100 ms slower) before the entry
 * reader grew its memo; the bench is the judge.
 */
export async function firstResourcesRead(client: PveClient): Promise<Array<Record<string, unknown>>> {
	return client.request<Array<Record<string, unknown>>>('GET', '/cluster/resources');
}
