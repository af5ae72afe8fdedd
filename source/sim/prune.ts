// Retention as PVE::Storage::prune_mark_backup_group applies it: per guest,
// newest first, keep-last keeps the N newest; each keep-<period> keeps the
// newest backup of the N newest periods not already covered by an earlier
// rule; the rest is removed. Protected backups are marked `protected` up
// front and never counted nor removed. No positive option = keep everything.

import {paramError} from './errors.js';

export const KEEP_OPTIONS = ['keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly'] as const;
export type KeepOption = (typeof KEEP_OPTIONS)[number];
export type Retention = Partial<Record<KeepOption | 'keep-all', number>>;

export type PruneMark = 'keep' | 'remove' | 'protected';

export interface PruneCandidate {
	volid: string;
	ctime: number;
	vmid: number;
	type: string;
	protected: boolean;
}

/** "keep-daily=7,keep-weekly=4" → {keep-daily: 7, keep-weekly: 4}; bad keys are a parameter error, as in pve-storage. */
export function parseRetention(text: string | undefined, param = 'prune-backups'): Retention {
	const out: Retention = {};
	if (text === undefined || text.trim() === '') return out;
	for (const part of text.split(',')) {
		const [key, value] = part.split('=');
		if (key !== 'keep-all' && !(KEEP_OPTIONS as readonly string[]).includes(key ?? '')) throw paramError({[param]: `invalid format - format error\n${param}.${key}: property is not defined in schema and the schema does not allow additional properties\n`});
		if (value === undefined || !/^\d+$/.test(value)) throw paramError({[param]: `invalid format - format error\n${param}.${key}: type check ('integer') failed - got '${value ?? ''}'\n`});
		out[key as KeepOption] = Number(value);
	}
	return out;
}

/** The retention as vzdump prints it: `keep-daily=7,keep-weekly=4` in a fixed order. */
export function formatRetention(keep: Retention): string {
	return (['keep-all', ...KEEP_OPTIONS] as const)
		.filter((k) => keep[k] !== undefined)
		.map((k) => `${k}=${keep[k]}`)
		.join(',');
}

export function keepsAll(keep: Retention): boolean {
	return keep['keep-all'] === 1 || !KEEP_OPTIONS.some((k) => (keep[k] ?? 0) > 0);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** ISO 8601 week-numbering year and week (strftime %G/%V). */
function isoWeek(d: Date): string {
	const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
	const weekday = day.getUTCDay() || 7;
	day.setUTCDate(day.getUTCDate() + 4 - weekday);
	const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
	const week = Math.ceil(((day.getTime() - yearStart) / 86400000 + 1) / 7);
	return `${day.getUTCFullYear()}/${pad(week)}`;
}

/** The period a backup falls in for each rule (host time is UTC in the simulator). */
const PERIOD: Record<KeepOption, (ctime: number) => string> = {
	'keep-last': (ctime) => String(ctime),
	'keep-hourly': (ctime) => new Date(ctime * 1000).toISOString().slice(0, 13),
	'keep-daily': (ctime) => new Date(ctime * 1000).toISOString().slice(0, 10),
	'keep-weekly': (ctime) => isoWeek(new Date(ctime * 1000)),
	'keep-monthly': (ctime) => new Date(ctime * 1000).toISOString().slice(0, 7),
	'keep-yearly': (ctime) => new Date(ctime * 1000).toISOString().slice(0, 4),
};

/** Marks one guest's backups (any order in, newest first out). */
function markGroup(group: PruneCandidate[], keep: Retention): Array<PruneCandidate & {mark: PruneMark}> {
	const list = [...group].sort((a, b) => b.ctime - a.ctime).map((c) => ({...c, mark: (c.protected ? 'protected' : undefined) as PruneMark | undefined}));
	if (keepsAll(keep)) return list.map((e) => ({...e, mark: e.mark ?? 'keep'}));
	for (const option of KEEP_OPTIONS) {
		const count = keep[option] ?? 0;
		if (count <= 0) continue;
		const period = PERIOD[option];
		const covered = new Set(list.filter((e) => e.mark === 'keep').map((e) => period(e.ctime)));
		const newly = new Set<string>();
		for (const entry of list) {
			const id = period(entry.ctime);
			if (entry.mark !== undefined || covered.has(id)) continue;
			if (!newly.has(id)) {
				if (newly.size >= count) break;
				newly.add(id);
				entry.mark = 'keep';
			} else {
				entry.mark = 'remove';
			}
		}
	}
	return list.map((e) => ({...e, mark: e.mark ?? 'remove'}));
}

/** Marks every backup, grouped per guest (`<type>/<vmid>`). */
export function markBackups(candidates: PruneCandidate[], keep: Retention): Array<PruneCandidate & {mark: PruneMark}> {
	const groups = new Map<string, PruneCandidate[]>();
	for (const c of candidates) {
		const key = `${c.type}/${c.vmid}`;
		groups.set(key, [...(groups.get(key) ?? []), c]);
	}
	return [...groups.values()].flatMap((g) => markGroup(g, keep));
}
