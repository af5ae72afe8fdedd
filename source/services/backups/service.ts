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
	/** Reads once the first fleet poll names the nodes, then every `refreshMs`. */
	start(): void;
	stop(): void;
}

/** Archives change nightly and after proxdeck's own backups (which refresh at once): a slow re-read is enough. */
export const BACKUP_REFRESH_MS = 5 * 60_000;

export function createBackupService(options: {api: ApiRequester; store: StoreApi<AppState>; clock?: () => number; refreshMs?: number; windowHours?: number}): BackupService {
	const clock = options.clock ?? Date.now;
	const {store} = options;
	let timer: ReturnType<typeof setInterval> | undefined;
	let unsubscribe: (() => void) | undefined;
	let inFlight: Promise<void> | undefined;
	let again = false;
	async function read(): Promise<void> {
		const state = store.getState();
		try {
			const data = await readBackupOverview(options.api, onlineNodes(state));
			store.getState().actions.backupsReceived(data, clock());
		} catch (error) {
			store.getState().actions.backupsFailed(errorLine(error));
		}
	}
	// One read at a time; a refresh asked for during one runs once after it (a backup that just ended must show).
	function refresh(): Promise<void> {
		if (inFlight) {
			again = true;
			return inFlight;
		}
		inFlight = (async () => {
			do {
				again = false;
				await read();
			} while (again);
		})().finally(() => {
			inFlight = undefined;
		});
		return inFlight;
	}
	return {
		refresh,
		start() {
			if (options.windowHours !== undefined) store.getState().actions.backupsWindow(options.windowHours * 3600);
			const known = () => store.getState().nodes.length > 0;
			if (known()) void refresh();
			else
				unsubscribe = store.subscribe((state, previous) => {
					if (previous.nodes.length === 0 && state.nodes.length > 0) {
						unsubscribe?.();
						unsubscribe = undefined;
						void refresh();
					}
				});
			timer = setInterval(() => void refresh(), options.refreshMs ?? BACKUP_REFRESH_MS);
			timer.unref?.();
		},
		stop() {
			unsubscribe?.();
			unsubscribe = undefined;
			if (timer) clearInterval(timer);
			timer = undefined;
		},
	};
}
