// Tells the console when the API client failed over to another endpoint of
// the cluster (api/client.ts moves on by itself when the node in use stops
// answering): the header's target names the endpoint now in use and the node
// given up on, and a notice line says why. The store learns of it here, never
// from the view.

import type {StoreApi} from 'zustand/vanilla';
import type {Failover} from '../api/client.js';
import type {AppState} from '../store/types.js';

export interface FailoverSource {
	onFailover(listener: (event: Failover) => void): () => void;
}

/** The header's target after a failover: "127.0.0.1:8007 (failover from 127.0.0.1:8006)". */
export function failoverTarget(label: (target: string) => string, event: Failover): string {
	return `${label(event.to)} (failover from ${event.from})`;
}

/** Subscribes; returns the unsubscribe. `label` turns "host:port" into the header's target text (the demo prefixes "simulator"). */
export function watchFailover(client: FailoverSource, store: StoreApi<AppState>, label: (target: string) => string = (t) => t): () => void {
	return client.onFailover((event) => {
		store.getState().actions.endpointChanged(failoverTarget(label, event), `${event.from} stopped answering (${event.reason}): now on ${event.to}, its own certificate checked`);
	});
}
