// What the ZFS screen shows, computed from one sample: pool fill levels, and
// the "consumers" of each pool — a guest (all of its disks summed) or a leaf
// dataset that belongs to no guest (tank/data) — with snapshot space and the
// growth since the previous sample. Pure: the view and the snapshot warning
// both read it.

import type {GuestRow} from '../../store/types.js';
import type {ZfsDatasetRow, ZfsPoolRow, ZfsSample, ZfsSort, ZfsState} from '../../store/screen-types.js';
import {fillLevel, poolFillKey, storageFillKey, type FillLevel} from '../problems/rules.js';
import {DEFAULT_THRESHOLDS, type Thresholds} from '../problems/thresholds.js';
import type {StorageFact} from '../problems/types.js';
import {atOrAbove} from '../../util/percent.js';

export type UsageLevel = 'ok' | 'warn' | 'danger';

/**
 * Dataset fill thresholds (the consumer table, the snapshot warning), highest
 * first: the problem rules' default pool levels (yellow at 85 %, red at 90 %),
 * kept in one place (thresholds.ts). Pool lines and storages are marked by the
 * configured levels themselves (poolFigures).
 */
export const USAGE_THRESHOLDS: ReadonlyArray<{level: UsageLevel; atLeastPercent: number}> = [
	{level: 'danger', atLeastPercent: DEFAULT_THRESHOLDS.pool.crit ?? 90},
	{level: 'warn', atLeastPercent: DEFAULT_THRESHOLDS.pool.warn ?? 85},
];

/** The fill (percent) from which a snapshot is warned about before it is taken. */
const SNAPSHOT_WARN_PERCENT = USAGE_THRESHOLDS[0]!.atLeastPercent;

/** Whether a fill (0..1) is at or above SNAPSHOT_WARN_PERCENT, by the measure it is printed with. */
export function snapshotWarnFill(fraction: number): boolean {
	return atOrAbove(fraction * 100, SNAPSHOT_WARN_PERCENT);
}

/** A fill's level (0..1), by the measure it is printed with (source/util/percent.ts): a fill reading 90% is danger. */
export function usageLevel(fraction: number): UsageLevel {
	for (const t of USAGE_THRESHOLDS) if (atOrAbove(fraction * 100, t.atLeastPercent)) return t.level;
	return 'ok';
}

export function poolFraction(pool: Pick<ZfsPoolRow, 'alloc' | 'size'>): number {
	return pool.size > 0 ? pool.alloc / pool.size : 0;
}

/** A pool that is not ONLINE is red whatever its fill. */
export function poolLevel(pool: ZfsPoolRow): UsageLevel {
	if (pool.health !== 'ONLINE') return 'danger';
	return usageLevel(poolFraction(pool));
}

const GUEST_DISK = /^(subvol|basevol|vm|base)-(\d+)-disk-\d+$/;

/** `rpool/data/subvol-101-disk-0` → {vmid 101, lxc}; `vm-100-disk-0` → qemu; else undefined. */
export function guestOfDataset(name: string): {vmid: number; kind: 'lxc' | 'qemu'} | undefined {
	const last = name.slice(name.lastIndexOf('/') + 1);
	const match = GUEST_DISK.exec(last);
	if (!match) return undefined;
	return {vmid: Number(match[2]), kind: match[1] === 'subvol' || match[1] === 'basevol' ? 'lxc' : 'qemu'};
}

export function poolOfDataset(name: string): string {
	const slash = name.indexOf('/');
	return slash === -1 ? name : name.slice(0, slash);
}

export interface Consumer {
	key: string;
	node: string;
	pool: string;
	/** "101 plex" for a guest, the dataset name otherwise. */
	label: string;
	vmid?: number;
	datasets: string[];
	used: number;
	snapshots: number;
	snapshotCount: number;
	refer: number;
	/** Compression ratio weighted by each dataset's used bytes. */
	ratio: number;
	/** Bytes more (or less) than at the previous sample; undefined on the first sample. */
	growth?: number;
	/** The fullest of its datasets: used / (used + avail). */
	fill: number;
}

function datasetKey(row: {node: string; name: string}): string {
	return `${row.node}:${row.name}`;
}

/** Datasets with no child dataset in the list (pool roots and containers like rpool/data are not consumers). */
function leaves(datasets: ZfsDatasetRow[]): ZfsDatasetRow[] {
	const parents = new Set<string>();
	for (const d of datasets) {
		const slash = d.name.lastIndexOf('/');
		if (slash !== -1) parents.add(`${d.node}:${d.name.slice(0, slash)}`);
	}
	return datasets.filter((d) => !parents.has(datasetKey(d)));
}

/**
 * Parent datasets held to less than their pool by a quota (the seed's 128 GB
 * docker and 64 GB monitoring volumes): a full quota stops writes although
 * the pool has room, so they are listed with their own fill. Without a quota
 * a dataset may use what the pool has left (its avail is the root's); a quota
 * makes its avail smaller.
 */
function quotaParents(datasets: ZfsDatasetRow[]): ZfsDatasetRow[] {
	const leafKeys = new Set(leaves(datasets).map(datasetKey));
	const rootAvail = new Map(datasets.filter((d) => !d.name.includes('/')).map((d) => [`${d.node}:${d.name}`, d.avail]));
	const candidates = datasets.filter((d) => {
		if (!d.name.includes('/') || leafKeys.has(datasetKey(d))) return false;
		const poolAvail = rootAvail.get(`${d.node}:${poolOfDataset(d.name)}`);
		return poolAvail !== undefined && d.avail < poolAvail * 0.98;
	});
	// Below a quota every descendant's avail is limited too: the quota is on the topmost one.
	const keys = new Set(candidates.map(datasetKey));
	return candidates.filter((d) => !keys.has(`${d.node}:${d.name.slice(0, d.name.lastIndexOf('/'))}`));
}

/** Groups the sample's leaf datasets into consumers (guests summed over their disks), plus quota'd parents. */
export function buildConsumers(state: Pick<ZfsState, 'sample' | 'previousUsed'>, guests: Map<number, GuestRow>): Consumer[] {
	const sample = state.sample;
	if (!sample) return [];
	const snapCount = new Map<string, number>();
	for (const s of sample.snapshots) snapCount.set(`${s.node}:${s.dataset}`, (snapCount.get(`${s.node}:${s.dataset}`) ?? 0) + 1);
	const byKey = new Map<string, Consumer & {ratioWeight: number}>();
	const quotas = new Set(quotaParents(sample.datasets).map(datasetKey));
	for (const d of [...leaves(sample.datasets), ...sample.datasets.filter((row) => quotas.has(datasetKey(row)))]) {
		const guest = guestOfDataset(d.name);
		const key = guest ? `${d.node}:vmid:${guest.vmid}` : datasetKey(d);
		let c = byKey.get(key);
		if (!c) {
			const name = guest ? guests.get(guest.vmid)?.name : undefined;
			c = {
				key,
				node: d.node,
				pool: poolOfDataset(d.name),
				label: guest ? `${guest.vmid} ${name ?? '?'}` : quotas.has(datasetKey(d)) ? `${d.name} (quota)` : d.name,
				vmid: guest?.vmid,
				datasets: [],
				used: 0,
				snapshots: 0,
				snapshotCount: 0,
				refer: 0,
				ratio: 1,
				ratioWeight: 0,
				fill: 0,
			};
			byKey.set(key, c);
		}
		c.datasets.push(d.name);
		c.used += d.used;
		c.snapshots += d.usedbysnapshots;
		c.snapshotCount += snapCount.get(datasetKey(d)) ?? 0;
		c.refer += d.refer;
		c.ratioWeight += d.compressratio * d.used;
		c.fill = Math.max(c.fill, d.used + d.avail > 0 ? d.used / (d.used + d.avail) : 0);
		const before = state.previousUsed.get(datasetKey(d));
		if (before !== undefined) c.growth = (c.growth ?? 0) + d.used - before;
		// A guest's disks may sit in different pools; name the one holding most.
		if (guest && c.datasets.length > 1) c.pool = c.used - d.used >= d.used ? c.pool : poolOfDataset(d.name);
	}
	return [...byKey.values()].map(({ratioWeight, ...c}) => ({...c, ratio: c.used > 0 ? ratioWeight / c.used : 1}));
}

const SORTS: Record<ZfsSort, (c: Consumer) => number> = {
	used: (c) => c.used,
	snapshots: (c) => c.snapshots,
	growth: (c) => c.growth ?? Number.NEGATIVE_INFINITY,
};

/** Largest first for the chosen key; ties by used, then label. */
export function sortConsumers(list: Consumer[], sort: ZfsSort): Consumer[] {
	const key = SORTS[sort];
	return list.slice().sort((a, b) => key(b) - key(a) || b.used - a.used || (a.label < b.label ? -1 : 1));
}

export interface GuestPoolUsage {
	node: string;
	pool: string;
	fraction: number;
	level: UsageLevel;
	health: string;
	/** True when a snapshot should be warned about (fill ≥ 90 % or pool not ONLINE). */
	warn: boolean;
}

/**
 * The pools a guest's disks live in, fullest first (for the snapshot action's
 * warning). Empty when the ZFS screen has not loaded datasets for its node.
 */
export function poolUsageForGuest(state: Pick<ZfsState, 'sample'>, vmid: number): GuestPoolUsage[] {
	const sample = state.sample;
	if (!sample) return [];
	const seen = new Set<string>();
	const out: GuestPoolUsage[] = [];
	for (const d of sample.datasets) {
		if (guestOfDataset(d.name)?.vmid !== vmid) continue;
		const name = poolOfDataset(d.name);
		const pool = sample.pools.find((p) => p.node === d.node && p.name === name);
		if (!pool || seen.has(`${pool.node}:${pool.name}`)) continue;
		seen.add(`${pool.node}:${pool.name}`);
		const fraction = poolFraction(pool);
		const level = poolLevel(pool);
		out.push({node: pool.node, pool: pool.name, fraction, level, health: pool.health, warn: snapshotWarnFill(fraction) || pool.health !== 'ONLINE'});
	}
	return out.sort((a, b) => b.fraction - a.fraction);
}

/** One fill figure of a pool line, with the level the problem rules give it (none: under its bars). */
export interface FillFigure {
	used: number;
	total: number;
	fraction: number;
	level?: FillLevel;
}

/** A zfspool storage allocating in a pool: its used/total as `pvesm status` reports it (dataset level, parity not counted). */
export interface PoolStorageFigure extends FillFigure {
	storage: string;
	/** The dataset it allocates in ("tank", "rpool/data"). */
	dataset: string;
}

/**
 * What a pool line shows: zpool's raw alloc/size (parity included) and the
 * figure of the storage that allocates in it (the problems pane warns on
 * both, each with its own thresholds). `more`: other storages in the pool that
 * are at or over a bar (a quota'd tank/monitoring); `level`: the worst of all.
 */
export interface PoolFigures {
	raw: FillFigure;
	storage?: PoolStorageFigure;
	more: PoolStorageFigure[];
	level?: FillLevel;
}

/** What the problem list was evaluated on (store: problems), and the ids it raised (for hysteresis). */
export interface FillInputs {
	storages: readonly StorageFact[];
	thresholds: Thresholds;
	active: ReadonlySet<string>;
}

function worse(a: FillLevel | undefined, b: FillLevel | undefined): FillLevel | undefined {
	return a === 'critical' || b === 'critical' ? 'critical' : (a ?? b);
}

/**
 * Each pool's figures, keyed `node/pool`. A pool's storage is the zfspool
 * storage of storage.cfg that allocates in it on its node, the one nearest the
 * pool's root first (`tank` before `tank/docker`), then the fullest. Its
 * figure is the storage status the problem rules read, never a figure of its own.
 */
export function poolFigures(sample: Pick<ZfsSample, 'pools' | 'zfsStorages'> | undefined, inputs: FillInputs): Map<string, PoolFigures> {
	const out = new Map<string, PoolFigures>();
	if (!sample) return out;
	const status = new Map(inputs.storages.map((s) => [`${s.node}/${s.storage}`, s]));
	const {thresholds: t, active} = inputs;
	for (const p of sample.pools) {
		const raw: FillFigure = {used: p.alloc, total: p.size, fraction: poolFraction(p), level: fillLevel('pool-fill', poolFillKey(p.node, p.name), p.alloc, p.size, t.pool, active)};
		const storages: PoolStorageFigure[] = [];
		for (const c of sample.zfsStorages ?? []) {
			if (c.disabled || (c.pool !== p.name && !c.pool.startsWith(`${p.name}/`)) || (c.nodes && !c.nodes.includes(p.node))) continue;
			const s = status.get(`${p.node}/${c.storage}`);
			if (!s || s.total <= 0) continue;
			storages.push({storage: c.storage, dataset: c.pool, used: s.used, total: s.total, fraction: s.used / s.total, level: fillLevel('storage-fill', storageFillKey(s), s.used, s.total, t.storage, active)});
		}
		const depth = (d: string) => d.split('/').length;
		storages.sort((a, b) => depth(a.dataset) - depth(b.dataset) || b.fraction - a.fraction || a.storage.localeCompare(b.storage));
		const [storage, ...rest] = storages;
		const more = rest.filter((s) => s.level !== undefined);
		const level = [storage, ...more].reduce<FillLevel | undefined>((worst, s) => worse(worst, s?.level), raw.level);
		out.set(`${p.node}/${p.name}`, {raw, ...(storage ? {storage} : {}), more, ...(level ? {level} : {})});
	}
	return out;
}
