// Reads the whole backup picture (storages, archives, jobs, uncovered guests)
// and hands it to the store; one read on demand, no timer of its own (the
// session decides how often: archives change nightly, not per second).

import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../../store/types.js';
import type {BackupsData} from '../../store/backups-slice.js';
import {errorLine} from '../error-line.js';
import type {ApiRequester} from '../fleet-source.js';
import {readBackupJobs, readBackups, readBackupStorages, readNotBackedUp} from './reader.js';

/** Online nodes of the fleet (offline ones cannot answer; their local archives are unknown). */
export function onlineNodes(state: Pick<AppState, 'nodes'>): string[] {
	return state.nodes.filter((n) => n.status === 'online').map((n) => n.name);
}

export async function readBackupOverview(api: ApiRequester, nodes: string[]): Promise<BackupsData> {
	const storages = await readBackupStorages(api, nodes);
	const [entries, jobs, notBackedUp] = await Promise.all([readBackups(api, storages), readBackupJobs(api), readNotBackedUp(api)]);
	return {storages, entries, jobs, notBackedUp};
}

export interface BackupService {
	/** Reads everything and stores it; a failure keeps the previous data and records the error line. */
	refresh(): Promise<void>;
}

export function createBackupService(options: {api: ApiRequester; store: StoreApi<AppState>; clock?: () => number}): BackupService {
	const clock = options.clock ?? Date.now;
	return {
		async refresh() {
			const state = options.store.getState();
			try {
				const data = await readBackupOverview(options.api, onlineNodes(state));
				options.store.getState().actions.backupsReceived(data, clock());
			} catch (error) {
				options.store.getState().actions.backupsFailed(errorLine(error));
			}
		},
	};
}
