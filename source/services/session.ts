// One connected console session: the services that keep the store fresh for
// one Proxmox host (or cluster). Started after the first successful contact,
// stopped on quit.

import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../store/types.js';
import {createDetailService} from './detail-service.js';
import {createFleetService} from './fleet-service.js';
import {createFleetSource, type ApiRequester} from './fleet-source.js';
import {createNicInventory} from './nic-inventory.js';
import {createTopologyService} from './topology/topology-service.js';
import {createZfsService} from './zfs/zfs-service.js';
import {createLogsService} from './logs/panes.js';
import {createFollowController} from './logs/follow.js';
import type {CommandRunner} from '../ssh/types.js';

export interface Session {
	start(): void;
	stop(): void;
	refreshNow(): Promise<void>;
}

export function createSession(options: {
	api: ApiRequester;
	store: StoreApi<AppState>;
	refreshMs: number;
	clock?: () => number;
	/** SSH to a node: the ZFS screen lists datasets/snapshots over it (optional). */
	runner?: CommandRunner;
	/** The audit log the log panes tail (default: $XDG_STATE_HOME/proxdeck/audit.log); pass --audit-log's path. */
	auditPath?: string;
}): Session {
	const {api, store, refreshMs, clock} = options;
	const fleet = createFleetService({source: createFleetSource(api, {clock}), store, refreshMs, clock});
	const nics = createNicInventory({api, store, clock});
	const detail = createDetailService({api, store, refreshMs, clock});
	// Both load only while their screen is open.
	const topology = createTopologyService({api, store, clock});
	const zfs = createZfsService({api, store, runner: options.runner, clock});
	// Log panes open on demand (keys); the view finds the service through the store (logs/registry.ts).
	const logs = createLogsService({api, store, runner: options.runner, clock, ...(options.auditPath !== undefined ? {auditPath: options.auditPath} : {})});
	// The deck's log panes follow the selected guest once the cursor rests (one stream per rest).
	const follow = createFollowController({store, logs});
	return {
		start() {
			fleet.start();
			follow.start();
			nics.start();
			detail.start();
			topology.start();
			zfs.start();
		},
		stop() {
			fleet.stop();
			nics.stop();
			detail.stop();
			topology.stop();
			zfs.stop();
			follow.stop();
			logs.stop();
		},
		refreshNow: () => fleet.refreshNow(),
	};
}
