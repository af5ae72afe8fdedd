// The archives on backup storages, named and listed the way PVE's storage
// plugins do: directory-like storages hold `dump/vzdump-<type>-<vmid>-<time>.<ext>`
// files (volid `<storage>:backup/<file>`), Proxmox Backup Server holds snapshots
// (volid `<storage>:backup/ct/<vmid>/<RFC3339 time>`). Non-shared storages are
// per node; a shared or PBS storage shows the same archives on every node.

import {handlerError} from './errors.js';
import type {FixtureBackups, FixtureGuest, FixtureStorage, GuestType} from './fixture-types.js';
import type {PackageSnapshot} from './ssh/package-state.js';
import type {SimNode, SimState} from './state.js';
import {snapshotConfigOf} from './state.js';

export interface SimBackup {
	storage: string;
	/** The node whose storage holds it (any node sees it when the storage is shared or PBS). */
	node: string;
	vmid: number;
	subtype: GuestType;
	volid: string;
	format: string;
	/** Epoch seconds. */
	ctime: number;
	size: number;
	notes?: string;
	protected: boolean;
	verification?: {state: string; upid: string};
	/** The guest config in the archive (what a restore brings back). */
	config: FixtureGuest['config'];
	/** The container's packages at backup time (restored with it). */
	packages?: PackageSnapshot;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The simulator keeps host time in UTC: `2026_11_30-02_00_05` as vzdump names files. */
export function archiveStamp(ctime: number): string {
	const d = new Date(ctime * 1000);
	return `${d.getUTCFullYear()}_${pad(d.getUTCMonth() + 1)}_${pad(d.getUTCDate())}-${pad(d.getUTCHours())}_${pad(d.getUTCMinutes())}_${pad(d.getUTCSeconds())}`;
}

/** `2026-11-30 02:00:05`, the time format of vzdump's log lines. */
export function logTime(ctime: number): string {
	const d = new Date(ctime * 1000);
	return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** RFC 3339 UTC without fractions, as PBS names a snapshot. */
export function pbsTime(ctime: number): string {
	return new Date(ctime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const COMPRESS_EXT: Record<string, string> = {'0': '', '1': '.lzo', lzo: '.lzo', gzip: '.gz', zstd: '.zst'};

export function isPbs(storage: FixtureStorage): boolean {
	return storage.type === 'pbs';
}

/** The archive's file name and volid on a storage. */
export function archiveName(storage: FixtureStorage, type: GuestType, vmid: number, ctime: number, compress = 'zstd'): {volid: string; format: string; target: string} {
	if (isPbs(storage)) {
		const target = `${type === 'lxc' ? 'ct' : 'vm'}/${vmid}/${pbsTime(ctime)}`;
		return {volid: `${storage.storage}:backup/${target}`, format: type === 'lxc' ? 'pbs-ct' : 'pbs-vm', target};
	}
	const format = `${type === 'lxc' ? 'tar' : 'vma'}${COMPRESS_EXT[compress] ?? '.zst'}`;
	const file = `vzdump-${type}-${vmid}-${archiveStamp(ctime)}.${format}`;
	return {volid: `${storage.storage}:backup/${file}`, format, target: `${dumpDir(storage)}/${file}`};
}

/** A directory-like storage's path (`path`, or where PVE mounts a network share). */
export function storageBase(storage: FixtureStorage): string {
	return storage.path ?? (storage.type === 'nfs' || storage.type === 'cifs' ? `/mnt/pve/${storage.storage}` : `/var/lib/vz`);
}

/** Where a directory-like storage keeps archives (`<path>/dump`). */
export function dumpDir(storage: FixtureStorage): string {
	return `${storageBase(storage)}/dump`;
}

/** The archive file's path on a directory-like storage. */
export function archivePath(storage: FixtureStorage, volid: string): string {
	return `${dumpDir(storage)}/${volid.split('/').at(-1)}`;
}

export function hasBackupContent(storage: FixtureStorage): boolean {
	return storage.content.split(',').includes('backup');
}

/** PVE::Storage::storage_config's refusal for an unknown storage id. */
export function storageOn(node: SimNode, id: string): FixtureStorage {
	const storage = node.storages.find((s) => s.storage === id);
	if (!storage) throw handlerError(`storage '${id}' does not exist`);
	return storage;
}

/** Archives a node sees on one storage (newest first). */
export function backupsOn(state: SimState, node: SimNode, storage: FixtureStorage): SimBackup[] {
	const everywhere = storage.shared === true || isPbs(storage);
	return state.backups.filter((b) => b.storage === storage.storage && (everywhere || b.node === node.name)).sort((a, b) => b.ctime - a.ctime || a.volid.localeCompare(b.volid));
}

/** The guest a backup volume belongs to, read from its name as PVE's parse_volname does (`vzdump-qemu-100-…`, `backup/vm/100/…`). */
export function archiveOwner(volid: string): number | undefined {
	const match = /(?:^|\/)vzdump-(?:lxc|qemu|openvz)-(\d+)-|:backup\/(?:vm|ct)\/(\d+)\//.exec(volid);
	return match ? Number(match[1] ?? match[2]) : undefined;
}

export function findBackup(state: SimState, node: SimNode, volid: string): SimBackup | undefined {
	const id = volid.split(':')[0] ?? '';
	const storage = node.storages.find((s) => s.storage === id);
	return storage ? backupsOn(state, node, storage).find((b) => b.volid === volid) : undefined;
}

/** Seeds the fixture's archives (explicit ones and nightly series) relative to simulator start. */
export function seedBackups(state: SimState, spec: FixtureBackups | undefined): void {
	const startS = Math.floor(state.startedAt / 1000);
	const add = (entry: {storage: string; node: string; vmid: number; ctime: number; size?: number; notes?: string; protected?: boolean; verification?: 'ok' | 'failed'}) => {
		const node = state.nodes.get(entry.node);
		const storage = node?.storages.find((s) => s.storage === entry.storage);
		if (!node || !storage) return;
		const guest = state.guests.get(entry.vmid);
		const type = guest?.type ?? 'lxc';
		const {volid, format} = archiveName(storage, type, entry.vmid, entry.ctime);
		state.backups.push({
			storage: storage.storage,
			node: node.name,
			vmid: entry.vmid,
			subtype: type,
			volid,
			format,
			ctime: entry.ctime,
			size: entry.size ?? seededSize(state, entry.vmid, entry.ctime),
			...(entry.notes !== undefined ? {notes: entry.notes.replaceAll('{{guestname}}', guestNameOf(guest, entry.vmid))} : {}),
			protected: entry.protected === true,
			...(entry.verification ? {verification: {state: entry.verification, upid: verifyUpid(node.name, entry.ctime)}} : {}),
			config: guest ? snapshotConfigOf(guest.config) : {},
		});
	};
	for (const archive of spec?.archives ?? []) add({...archive, ctime: startS - archive.ago});
	for (const series of spec?.nightly ?? []) {
		for (let day = 0; day < series.days; day++) {
			series.vmids.forEach((vmid, i) => add({storage: series.storage, node: series.node, vmid, ctime: startS - series.firstAgo - day * 86400 + i * 23, notes: series.notes, verification: series.verification}));
		}
	}
}

function guestNameOf(guest: {config: FixtureGuest['config']; type: GuestType} | undefined, vmid: number): string {
	const name = guest?.config[guest.type === 'lxc' ? 'hostname' : 'name'];
	return typeof name === 'string' ? name : `${vmid}`;
}

/** A plausible, stable archive size: a few hundred MB, varying per guest and night. */
function seededSize(state: SimState, vmid: number, ctime: number): number {
	const base = 180_000_000 + ((vmid * 7919 + state.seed) % 900) * 1_000_000;
	return base + (Math.floor(ctime / 86400) % 13) * 1_048_576;
}

/** The UPID of the PBS verify job that last checked a snapshot (PBS's own task, on the PBS host). */
function verifyUpid(node: string, ctime: number): string {
	const at = (ctime + 3 * 3600).toString(16).toUpperCase().padStart(8, '0');
	return `UPID:pbs:000004D2:0000A1B2:00000002:${at}:verify:${node}:root@pam:`;
}

/** The storage-content entry PVE lists for a backup. */
export function contentEntry(backup: SimBackup): Record<string, unknown> {
	const entry: Record<string, unknown> = {volid: backup.volid, content: 'backup', ctime: backup.ctime, format: backup.format, size: backup.size, subtype: backup.subtype, vmid: backup.vmid};
	// Only the first line of multi-line notes is listed.
	if (backup.notes) entry.notes = backup.notes.split('\n')[0];
	if (backup.protected) entry.protected = 1;
	if (backup.verification) entry.verification = {...backup.verification};
	return entry;
}
