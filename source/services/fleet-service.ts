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
	/** The wait before the next poll: a large fleet is read less often (fleet-pace.ts). */
	let everyMs = options.refreshMs;
	return createPoller({
		intervalMs: () => everyMs,
		async poll(signal) {
			const snapshot = await options.source.fetchFleet(signal);
			everyMs = fleetIntervalMs(options.refreshMs, snapshot.guests.length + snapshot.nodes.length);
			options.store.getState().actions.fleetReceived(everyMs > options.refreshMs ? {...snapshot, readEveryMs: everyMs} : snapshot);
		},
		onError(error) {
			options.store.getState().actions.pollFailed(errorLine(error), clock());
		},
	});
}
