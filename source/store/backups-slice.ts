// The backups slice (services/backups): every archive the backup storages
// hold, the newest per guest (the LAST BACKUP column), the cluster's jobs,
// the guests no job covers and each backup storage. Views read it through
// the selectors below; store.ts spreads it in.

import type {BackupEntry, BackupJob, BackupStorage, NotBackedUp} from '../services/backups/model.js';
import {backupsOfGuest, newestByGuest} from '../services/backups/model.js';
import {DEFAULT_THRESHOLDS} from '../services/problems/thresholds.js';
import type {AppState} from './types.js';

export interface BackupsData {
	storages: BackupStorage[];
	/** Newest first, one per volid. */
	entries: BackupEntry[];
	jobs: BackupJob[];
	notBackedUp: NotBackedUp[];
}

export interface BackupsState extends BackupsData {
	/** Newest archive per vmid (derived once per read, not per frame). */
	newest: ReadonlyMap<number, BackupEntry>;
	/** Epoch ms of the last complete read; undefined before the first. */
	readAt?: number;
	/** The last read's failure, one line; the previous data stays. */
	error?: string;
	/** A newest backup older than this (seconds) is stale: yellow in LAST BACKUP (thresholds.backupWindowHours). */
	windowSeconds: number;
	/** The backups pane's cursor (an index into its selectable lines). */
	cursor: number;
}

export interface BackupsSliceState {
	backups: BackupsState;
}

export interface BackupsActions {
	backupsReceived(data: BackupsData, at: number): void;
	backupsFailed(message: string): void;
	/** The configured stale window, in seconds. */
	backupsWindow(seconds: number): void;
	/** Moves the backups pane's cursor within its `count` selectable lines. */
	backupsMove(delta: number, count: number): void;
}

type Set_ = (partial: Partial<AppState>) => void;
type Get = () => AppState;

export function initialBackupsState(): BackupsSliceState {
	return {backups: {storages: [], entries: [], jobs: [], notBackedUp: [], newest: new Map(), windowSeconds: DEFAULT_THRESHOLDS.backupWindowHours * 3600, cursor: 0}};
}

export function createBackupsActions(set: Set_, get: Get): BackupsActions {
	return {
		backupsReceived(data, at) {
			set({backups: {...data, newest: newestByGuest(data.entries), readAt: at, windowSeconds: get().backups.windowSeconds, cursor: get().backups.cursor}});
		},
		backupsFailed(message) {
			set({backups: {...get().backups, error: message}});
		},
		backupsWindow(seconds) {
			set({backups: {...get().backups, windowSeconds: seconds}});
		},
		backupsMove(delta, count) {
			const b = get().backups;
			const cursor = Math.max(0, Math.min(b.cursor + delta, count - 1));
			if (cursor !== b.cursor) set({backups: {...b, cursor}});
		},
	};
}

/** The guest's backups, newest first (the detail panel's list). */
export function selectGuestBackups(state: Pick<AppState, 'backups'>, vmid: number): BackupEntry[] {
	return backupsOfGuest(state.backups.entries, vmid);
}

/** Whether this guest is covered by no backup job (known once the jobs were read). */
export function selectNotCovered(state: Pick<AppState, 'backups'>, vmid: number): boolean {
	return state.backups.notBackedUp.some((g) => g.vmid === vmid);
}
