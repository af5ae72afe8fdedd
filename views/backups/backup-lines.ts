// How a backup archive reads in the console: one line per archive (time,
// storage, size, protected, verification, notes), used by the detail panel's
// list and the restore picker. Host strings (notes, storage names) are
// sanitised here, the one place an archive becomes text.

import type {BackupEntry} from '../../source/services/backups/model.js';
import {sanitize} from '../../source/util/sanitize.js';
import {formatBytes, snapTime} from '../format.js';
import type {Tone} from '../theme.js';

/** "2026-11-30 02:00  backups  1.2G  protected  verify ok  plex nightly". */
export function backupEntryText(entry: BackupEntry): string {
	const parts = [snapTime(entry.ctime), sanitize(entry.storage), formatBytes(entry.size)];
	if (entry.protected) parts.push('protected');
	if (entry.verification) parts.push(`verify ${sanitize(entry.verification)}`);
	const notes = sanitize((entry.notes ?? '').split('\n')[0] ?? '');
	if (notes !== '') parts.push(notes);
	return parts.join('  ');
}

/** A failed verification is the one thing in the list that must stand out. */
export function backupEntryTone(entry: BackupEntry): Tone | undefined {
	return entry.verification === 'failed' ? 'danger' : undefined;
}

export interface GuestBackupLine {
	text: string;
	tone?: Tone;
}

/**
 * The detail panel's backup section: a summary line (how many, covered by a
 * job or not, the key that lists them all for a restore), then the newest
 * `max` archives.
 */
export function guestBackupLines(entries: readonly BackupEntry[], opts: {read: boolean; notCovered: boolean; restoreKey?: string; max?: number}): GuestBackupLine[] {
	if (!opts.read) return [{text: 'backups ?', tone: 'muted'}];
	const job = opts.notCovered ? ' · covered by no backup job' : '';
	if (entries.length === 0) return [{text: `backups none${job}`, tone: 'danger'}];
	const key = opts.restoreKey ? ` · ${opts.restoreKey} lists them to restore` : '';
	const max = opts.max ?? 4;
	const lines: GuestBackupLine[] = [{text: `backups ${entries.length}${job}${key}`, tone: opts.notCovered ? 'warn' : undefined}];
	for (const entry of entries.slice(0, max)) lines.push({text: `  ${backupEntryText(entry)}`, tone: backupEntryTone(entry)});
	if (entries.length > max) lines.push({text: `  … ${entries.length - max} older`, tone: 'muted'});
	return lines;
}
