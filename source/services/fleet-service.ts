// Keeps the store's fleet fresh: polls the fleet source on an interval and
// reports each answer or failure to the store. On failure the store keeps the
// last data (marked stale with its age) and the poller backs off, then resumes.

import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../store/types.js';
import {errorLine} from './error-line.js';
import {fleetIntervalMs} from './fleet-pace.js';
import type {FleetSource} from './fleet-source.js';
import {createPoller, type Poller} from './poller.js';

export function createFleetService(options: {
	source: FleetSource;
	store: StoreApi<AppState>;
	refreshMs: number;
	clock?: () => number;
}): Poller {
	const clock = options.clock ?? Date.now;
	/** Entries in the last answer: a large fleet is read less often (fleet-pace.ts). */
	let entries = 0;
	return createPoller({
		intervalMs: () => fleetIntervalMs(options.refreshMs, entries),
		async poll(signal) {
			const snapshot = await options.source.fetchFleet(signal);
			entries = snapshot.guests.length + snapshot.nodes.length;
			const every = fleetIntervalMs(options.refreshMs, entries);
			options.store.getState().actions.fleetReceived(every > options.refreshMs ? {...snapshot, readEveryMs: every} : snapshot);
		},
		onError(error) {
			options.store.getState().actions.pollFailed(errorLine(error), clock());
		},
	});
}
