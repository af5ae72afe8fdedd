// Backups as proxdeck reasons about them: one entry per archive (deduplicated
// across nodes: a shared or PBS storage lists the same archive on every
// node), the newest per guest, and its age in the column's words
// (`18h`, `9d`, `never`). Pure functions; the reader (reader.ts) fills them.

export interface BackupEntry {
	volid: string;
	storage: string;
	/** The node it was listed from (any node for a shared storage). */
	node: string;
	vmid: number;
	/** `lxc` or `qemu`. */
	subtype: string;
	/** Epoch seconds. */
	ctime: number;
	size: number;
	format: string;
	notes?: string;
	protected: boolean;
	/** PBS only: the last verification's state (`ok`, `failed`). */
	verification?: string;
}

export interface BackupStorage {
	storage: string;
	type: string;
	shared: boolean;
	/** The nodes that see it (one for a local storage). */
	nodes: string[];
	total?: number;
	used?: number;
}

export interface BackupJob {
	id: string;
	schedule: string;
	storage?: string;
	mode?: string;
	enabled: boolean;
	/** Selected vmids; empty with `all`. */
	vmids: number[];
	all: boolean;
	exclude: number[];
	node?: string;
	/** Epoch seconds of the next run; absent when disabled. */
	nextRun?: number;
	/** keep-* counts (jobs.cfg keeps them as strings; numbers here). */
	retention: Record<string, number>;
	notesTemplate?: string;
	comment?: string;
}

export interface NotBackedUp {
	vmid: number;
	type: string;
	name?: string;
}

export type PruneMark = 'keep' | 'remove' | 'protected' | 'renamed';

export interface PruneEntry {
	volid: string;
	ctime: number;
	mark: PruneMark;
	vmid?: number;
	type: string;
}

/** Newest first, ties by volid, one entry per volid. */
export function dedupeBackups(entries: BackupEntry[]): BackupEntry[] {
	const byVolid = new Map<string, BackupEntry>();
	for (const entry of entries) if (!byVolid.has(entry.volid)) byVolid.set(entry.volid, entry);
	return [...byVolid.values()].sort((a, b) => b.ctime - a.ctime || a.volid.localeCompare(b.volid));
}

/** The newest backup of every guest that has one, across all storages. */
export function newestByGuest(entries: BackupEntry[]): Map<number, BackupEntry> {
	const newest = new Map<number, BackupEntry>();
	for (const entry of entries) {
		const seen = newest.get(entry.vmid);
		if (!seen || entry.ctime > seen.ctime) newest.set(entry.vmid, entry);
	}
	return newest;
}

/** A guest's backups, newest first. */
export function backupsOfGuest(entries: BackupEntry[], vmid: number): BackupEntry[] {
	return dedupeBackups(entries.filter((e) => e.vmid === vmid));
}

/** Age in seconds of the newest backup, or undefined when there is none. */
export function backupAgeSeconds(newest: BackupEntry | undefined, nowMs: number): number | undefined {
	return newest === undefined ? undefined : Math.max(0, Math.floor(nowMs / 1000) - newest.ctime);
}

/** `45m`, `18h`, `9d`, `never`: the LAST BACKUP column's words. */
export function formatBackupAge(seconds: number | undefined): string {
	if (seconds === undefined) return 'never';
	if (seconds < 3600) return `${Math.max(1, Math.floor(seconds / 60))}m`;
	if (seconds < 2 * 86400) return `${Math.floor(seconds / 3600)}h`;
	return `${Math.floor(seconds / 86400)}d`;
}

export type BackupAgeLevel = 'ok' | 'stale' | 'never';

/** `stale` past the configured window (seconds), `never` without any backup. */
export function backupAgeLevel(seconds: number | undefined, windowSeconds: number): BackupAgeLevel {
	if (seconds === undefined) return 'never';
	return seconds > windowSeconds ? 'stale' : 'ok';
}
