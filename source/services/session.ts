// One connected console session: the services that keep the store fresh for
// one Proxmox host (or cluster). Started after the first successful contact,
// stopped on quit.

import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../store/types.js';
import {createDetailService} from './detail-service.js';
import {createFleetService} from './fleet-service.js';
import {createFleetSource, type ApiRequester} from './fleet-source.js';
import {createNicInventory} from './nic-inventory.js';

export interface Session {
	start(): void;
	stop(): void;
	refreshNow(): Promise<void>;
}

export function createSession(options: {api: ApiRequester; store: StoreApi<AppState>; refreshMs: number; clock?: () => number}): Session {
	const {api, store, refreshMs, clock} = options;
	const fleet = createFleetService({source: createFleetSource(api, {clock}), store, refreshMs, clock});
	const nics = createNicInventory({api, store, clock});
	const detail = createDetailService({api, store, refreshMs, clock});
	return {
		start() {
			fleet.start();
			nics.start();
			detail.start();
		},
		stop() {
			fleet.stop();
			nics.stop();
			detail.stop();
		},
		refreshNow: () => fleet.refreshNow(),
	};
}
