// Thresholds of the problem rules, as data. The defaults are the seed
// homelab's: alerts at 90 %, storage warned at 85 %, CPU at 80 %, snapshots
// kept 7 days. The config file may override them globally, per tag and per
// guest (`thresholds: {disk: {warn: 80, crit: 90}, tags: {db: {…}}, guests: {201: {…}}}`);
// a guest's own entry wins over its tags', which win over the global ones.

import type {GuestRow} from '../../store/types.js';
import {atOrAbove} from '../../util/percent.js';

/** A percentage pair; a level left out is not checked. */
export interface Levels {
	warn?: number;
	crit?: number;
}

/** What may differ per guest (tag or vmid). */
export interface GuestThresholds {
	disk: Levels;
	mem: Levels;
	cpu: Levels;
}

export interface Thresholds extends GuestThresholds {
	storage: Levels;
	pool: Levels;
	/** Snapshots older than this are prunable; a snapshotted guest with none newer is warned about. */
	retentionDays: number;
	/** A guest locked longer than this is a warning. */
	lockMinutes: number;
	/** Failed tasks within this window are a warning. */
	taskWindowMinutes: number;
	/** CPU counts as sustained once above its level this long. */
	cpuSustainMinutes: number;
	/** A guest's newest backup older than this is stale (the LAST BACKUP column turns yellow). */
	backupWindowHours: number;
	tags: Record<string, Partial<GuestThresholds>>;
	guests: Record<number, Partial<GuestThresholds>>;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
	disk: {crit: 90},
	mem: {crit: 90},
	cpu: {warn: 80},
	storage: {warn: 85, crit: 90},
	pool: {warn: 85, crit: 90},
	retentionDays: 7,
	lockMinutes: 10,
	taskWindowMinutes: 60,
	cpuSustainMinutes: 5,
	// Nightly jobs plus slack: a backup that ran late last night is not yet stale.
	backupWindowHours: 36,
	tags: {},
	guests: {},
};

const LEVEL_KEYS = ['disk', 'mem', 'cpu', 'storage', 'pool'] as const;
const GUEST_LEVEL_KEYS = ['disk', 'mem', 'cpu'] as const;
const NUMBER_KEYS = {retentionDays: [1, 3650], lockMinutes: [1, 10_080], taskWindowMinutes: [1, 10_080], cpuSustainMinutes: [1, 1440], backupWindowHours: [1, 8760]} as const;

/** Reports one problem with a key path ("thresholds.tags.db.disk.crit"); never returns. */
export type Fail = (key: string, message: string) => never;

function isMapping(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseLevels(value: unknown, key: string, fail: Fail): Levels {
	if (!isMapping(value)) fail(key, 'expected a mapping like {warn: 85, crit: 90}');
	const levels: Levels = {};
	for (const [name, v] of Object.entries(value)) {
		if (name !== 'warn' && name !== 'crit') fail(`${key}.${name}`, 'unknown key (known: warn, crit)');
		// Whole: a figure prints as its whole floor (source/util/percent.ts), so with a
		// bar of 92.5 a guest at 92.7 % would read `92 % (≥ 92.5 %)`.
		if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 100) fail(`${key}.${name}`, 'expected a whole percentage from 1 to 100');
		levels[name] = v;
	}
	if (levels.warn !== undefined && levels.crit !== undefined && levels.warn >= levels.crit) fail(`${key}.warn`, `must be below crit (${levels.crit})`);
	return levels;
}

function parseGuestLevels(value: unknown, key: string, fail: Fail): Partial<GuestThresholds> {
	if (!isMapping(value)) fail(key, `expected a mapping (known: ${GUEST_LEVEL_KEYS.join(', ')})`);
	const out: Partial<GuestThresholds> = {};
	for (const [name, v] of Object.entries(value)) {
		if (!(GUEST_LEVEL_KEYS as readonly string[]).includes(name)) fail(`${key}.${name}`, `unknown key (known: ${GUEST_LEVEL_KEYS.join(', ')})`);
		out[name as keyof GuestThresholds] = parseLevels(v, `${key}.${name}`, fail);
	}
	return out;
}

/** The config file's `thresholds:` over the defaults; each mistake is one line naming its key. */
export function parseThresholds(value: unknown, fail: Fail): Thresholds {
	const key = 'thresholds';
	const known = [...LEVEL_KEYS, ...Object.keys(NUMBER_KEYS), 'tags', 'guests'];
	if (!isMapping(value)) fail(key, `expected a mapping (known: ${known.join(', ')})`);
	const out: Thresholds = {...DEFAULT_THRESHOLDS, tags: {}, guests: {}};
	for (const [name, v] of Object.entries(value)) {
		const at = `${key}.${name}`;
		if ((LEVEL_KEYS as readonly string[]).includes(name)) {
			out[name as (typeof LEVEL_KEYS)[number]] = parseLevels(v, at, fail);
		} else if (name in NUMBER_KEYS) {
			const [min, max] = NUMBER_KEYS[name as keyof typeof NUMBER_KEYS];
			if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(at, `expected a whole number from ${min} to ${max}`);
			out[name as keyof typeof NUMBER_KEYS] = v;
		} else if (name === 'tags') {
			if (!isMapping(v)) fail(at, 'expected a mapping of tag: {disk, mem, cpu}');
			for (const [tag, levels] of Object.entries(v)) out.tags[tag] = parseGuestLevels(levels, `${at}.${tag}`, fail);
		} else if (name === 'guests') {
			if (!isMapping(v)) fail(at, 'expected a mapping of vmid: {disk, mem, cpu}');
			for (const [vmid, levels] of Object.entries(v)) {
				const id = Number(vmid);
				if (!Number.isInteger(id) || id < 100 || id > 999_999_999) fail(`${at}.${vmid}`, 'expected a guest id (100-999999999)');
				out.guests[id] = parseGuestLevels(levels, `${at}.${vmid}`, fail);
			}
		} else {
			fail(at, `unknown key (known: ${known.join(', ')})`);
		}
	}
	return out;
}

/** The global levels as a guest's, one object per Thresholds (shared, never changed by callers). */
const globalLevels = new WeakMap<Thresholds, Readonly<GuestThresholds>>();

/** Whether any tag has levels of its own, per Thresholds (most configurations have none). */
const anyTagLevels = new WeakMap<Thresholds, boolean>();

function hasTagLevels(t: Thresholds, tags: readonly string[]): boolean {
	let any = anyTagLevels.get(t);
	if (any === undefined) anyTagLevels.set(t, (any = Object.keys(t.tags).length > 0));
	if (!any) return false;
	for (const tag of tags) if (Object.hasOwn(t.tags, tag)) return true;
	return false;
}

/** The levels that apply to one guest: its own, else its tags' (the strictest of them), else the global ones. */
export function guestThresholds(t: Thresholds, guest: Pick<GuestRow, 'vmid' | 'tags'>): Readonly<GuestThresholds> {
	// Most guests have no levels of their own and no tag with levels: the global
	// ones apply, as one shared object. Checked first because this runs for every
	// guest at every poll (issue 12: an object per guest per poll at 10,000 guests).
	if (t.guests[guest.vmid] === undefined && !hasTagLevels(t, guest.tags)) {
		let shared = globalLevels.get(t);
		if (!shared) globalLevels.set(t, (shared = {disk: t.disk, mem: t.mem, cpu: t.cpu}));
		return shared;
	}
	const result: GuestThresholds = {disk: t.disk, mem: t.mem, cpu: t.cpu};
	const own = t.guests[guest.vmid] ?? {};
	for (const metric of GUEST_LEVEL_KEYS) {
		const fromTags = guest.tags.map((tag) => t.tags[tag]?.[metric]).filter((l): l is Levels => l !== undefined);
		if (own[metric]) result[metric] = own[metric]!;
		else if (fromTags.length > 0) result[metric] = strictest(fromTags);
	}
	return result;
}

/** Several tags' levels: the lowest of each (a guest in `db` and `media` is warned at the lower bar). */
function strictest(list: Levels[]): Levels {
	const pick = (k: keyof Levels) => {
		const values = list.map((l) => l[k]).filter((v): v is number => v !== undefined);
		return values.length > 0 ? Math.min(...values) : undefined;
	};
	const warn = pick('warn');
	const crit = pick('crit');
	return {...(warn !== undefined ? {warn} : {}), ...(crit !== undefined ? {crit} : {})};
}

/** Which level a percentage reaches, crit first; with `slack`, each bar counts that many points lower (hysteresis). */
export function levelOf(percent: number, levels: Levels, slack = 0): 'critical' | 'warning' | undefined {
	if (levels.crit !== undefined && atOrAbove(percent, levels.crit - slack)) return 'critical';
	if (levels.warn !== undefined && atOrAbove(percent, levels.warn - slack)) return 'warning';
	return undefined;
}
