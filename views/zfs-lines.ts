// The ZFS screen as data: pool lines (usage bar, health, faulted device),
// and the consumer table (guests and datasets, largest first) — or, without
// SSH, the API's storage usage. Pure; the view only windows and colours it.

import {fleetShape} from '../source/store/guest-shape.js';
import {buildConsumers, poolFigures, poolFraction, sortConsumers, usageLevel, type Consumer, type FillFigure, type FillInputs, type PoolFigures, type UsageLevel} from '../source/services/zfs/model.js';
import {fillLevel, storageFillKey, type FillLevel} from '../source/services/problems/rules.js';
import type {ProblemsState} from '../source/store/problems-slice.js';
import type {ZfsSort, ZfsState} from '../source/store/screen-types.js';
import type {AppState} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import {floorWithSlack} from '../source/util/percent.js';
import {fit, formatBytes, formatPercent} from './format.js';
import type {Tone} from './theme.js';
import {LEVEL_MARK} from './problems-lines.js';

export interface ZfsLine {
	text: string;
	tone?: Tone;
	bold?: boolean;
}

export const NO_SSH_NOTICE = 'datasets need SSH (--ssh …); showing storage usage from the API';

const LEVEL_TONE: Record<UsageLevel, Tone | undefined> = {ok: undefined, warn: 'warn', danger: 'danger'};

/** A fill's (0..1) colour by the default bars (usageLevel): the ZFS pane's consumers, the deck's, a backup storage's. */
export function usageTone(fraction: number): Tone | undefined {
	return LEVEL_TONE[usageLevel(fraction)];
}

export const SORT_TITLES: Record<ZfsSort, string> = {used: 'largest first', snapshots: 'most snapshot space first', growth: 'fastest-growing first'};

/** "████░░░░" for a 0..1 fraction; whole cells only, as its figure prints its floor (a bar is full only when the pool is). */
export function usageBar(fraction: number, width: number): string {
	const filled = Math.max(0, Math.min(width, floorWithSlack(fraction * width)));
	return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function signedBytes(bytes: number | undefined): string {
	if (bytes === undefined) return '-';
	if (bytes === 0) return '0';
	return `${bytes > 0 ? '+' : '-'}${formatBytes(Math.abs(bytes))}`;
}

const FILL_TONE: Record<FillLevel, Tone> = {warning: 'warn', critical: 'danger'};

/** A pool line's colour: red when not ONLINE, else the worst level of its figures (the problems pane's). */
export function poolTone(health: string, figures: PoolFigures | undefined): Tone | undefined {
	if (health !== 'ONLINE') return 'danger';
	return figures?.level ? FILL_TONE[figures.level] : undefined;
}

/** " ▲" / " ✖" after a figure at or over its bar: the problems pane's marks, so it is plain which figure a warning is about. */
function mark(figure: FillFigure | undefined): string {
	return figure?.level ? ` ${LEVEL_MARK[figure.level]}` : '';
}

/**
 * A pool's two figures, long ("pool 84% raw", "storage tank 87% ▲") or short
 * ("84% raw", "storage 87% ▲"): the short one drops words, never the figure
 * the thresholds apply to or its mark.
 */
export function figureTexts(pool: {alloc: number; size: number}, figures: PoolFigures | undefined, short: boolean): {raw: string; storage: string} {
	const raw = `${short ? '' : 'pool '}${formatPercent(poolFraction(pool))} raw${mark(figures?.raw)}`;
	const s = figures?.storage;
	const storage = s ? `storage${short ? '' : ` ${sanitize(s.storage)}`} ${formatPercent(s.fraction)}${mark(s)}` : '';
	return {raw, storage};
}

let inputsCache: {problems: Pick<ProblemsState, 'storages' | 'thresholds' | 'list'>; inputs: FillInputs} | undefined;

/**
 * What the problem list was evaluated on — the storages, the thresholds, the
 * ids raised (hysteresis) — as the ZFS pane marks its figures with it (rebuilt
 * when one of them changes, not when the problems pane's cursor moves).
 */
export function selectFillInputs(state: Pick<AppState, 'problems'>): FillInputs {
	const p = state.problems;
	const c = inputsCache;
	if (c && c.problems.storages === p.storages && c.problems.thresholds === p.thresholds && c.problems.list === p.list) return c.inputs;
	const inputs: FillInputs = {storages: p.storages, thresholds: p.thresholds, active: new Set(p.list.map((x) => x.id))};
	inputsCache = {problems: {storages: p.storages, thresholds: p.thresholds, list: p.list}, inputs};
	return inputs;
}

let figuresCache: {sample: ZfsState['sample']; inputs: FillInputs; figures: Map<string, PoolFigures>} | undefined;

/** Each pool's figures and marks from the store: the ZFS sample and what the problem list was evaluated on. */
export function selectPoolFigures(state: Pick<AppState, 'zfs' | 'problems'>): Map<string, PoolFigures> {
	const {sample} = state.zfs;
	const inputs = selectFillInputs(state);
	if (figuresCache && figuresCache.sample === sample && figuresCache.inputs === inputs) return figuresCache.figures;
	const figures = poolFigures(sample, inputs);
	figuresCache = {sample, inputs, figures};
	return figures;
}

/**
 * Pool lines: one per pool — zpool's raw fill and the fill of the storage
 * allocating in it, each marked by its own thresholds — then any other storage
 * of the pool at or over a bar, and each faulted device of a pool that is not
 * ONLINE. Narrower terminals get a shorter bar, then shorter labels.
 */
export function poolLines(zfs: ZfsState, width: number, figures: ReadonlyMap<string, PoolFigures> = new Map()): ZfsLine[] {
	const pools = zfs.sample?.pools ?? [];
	if (pools.length === 0) return [{text: zfs.sample ? 'no ZFS pools' : 'reading pools…', tone: 'muted'}];
	const nameWidth = Math.min(20, Math.max(...pools.map((p) => p.node.length + p.name.length + 1)));
	// Name, bar, both figures and the health must fit; the byte counts after them may be cut.
	const layout = (barWidth: number, short: boolean) => {
		const texts = pools.map((p) => figureTexts(p, figures.get(`${p.node}/${p.name}`), short));
		const rawWidth = Math.max(...texts.map((t) => t.raw.length));
		const storageWidth = Math.max(...texts.map((t) => t.storage.length));
		const essential = nameWidth + (barWidth > 0 ? barWidth + 2 : 0) + 2 + rawWidth + (storageWidth > 0 ? storageWidth + 2 : 0) + 2 + 8;
		return {barWidth, texts, rawWidth, storageWidth, essential};
	};
	const candidates = [...(width >= 100 ? [layout(24, false)] : []), layout(12, false), layout(6, false), layout(6, true), layout(0, true)];
	const chosen = candidates.find((c) => c.essential <= width) ?? candidates[candidates.length - 1]!;
	const lines: ZfsLine[] = [];
	pools.forEach((p, i) => {
		const fig = figures.get(`${p.node}/${p.name}`);
		const text = chosen.texts[i]!;
		lines.push({
			text: [
				fit(sanitize(`${p.node}/${p.name}`), nameWidth),
				...(chosen.barWidth > 0 ? [usageBar(poolFraction(p), chosen.barWidth)] : []),
				fit(text.raw, chosen.rawWidth),
				...(chosen.storageWidth > 0 ? [fit(text.storage, chosen.storageWidth)] : []),
				// Health before the numbers: a narrow terminal must not cut it off.
				fit(sanitize(p.health), 8),
				`${formatBytes(p.alloc)} of ${formatBytes(p.size)}`,
				`free ${formatBytes(p.free)}`,
				`frag ${p.frag}%`,
				`dedup ${p.dedup.toFixed(2)}x`,
			].join('  '),
			tone: poolTone(p.health, fig),
			bold: p.health !== 'ONLINE',
		});
		for (const s of fig?.more ?? []) {
			lines.push({text: `   storage ${sanitize(s.storage)} ${formatPercent(s.fraction)}${mark(s)}  (${sanitize(s.dataset)}, ${formatBytes(s.used)} of ${formatBytes(s.total)})`, tone: s.level ? FILL_TONE[s.level] : undefined});
		}
		if (p.health !== 'ONLINE' && p.faulted.length === 0) lines.push({text: '   ✗ faulted device not reported', tone: 'danger'});
		for (const d of p.faulted) {
			const counts = `read ${d.read} write ${d.write} cksum ${d.cksum}`;
			lines.push({text: `   ✗ ${sanitize(d.state)} ${sanitize(d.name)}${d.msg ? `  ${sanitize(d.msg)}` : ''}  (${counts})`, tone: 'danger'});
		}
	});
	return lines;
}

const COLUMNS = {label: 22, pool: 14, used: 7, fill: 4, snaps: 12, growth: 7, refer: 7, ratio: 6};

/** Below this width REFER and RATIO give way: fill, snapshots and growth answer "what is filling the pool". */
const WIDE = 100;

export function consumerHeader(width: number): string {
	return [
		fit('GUEST / DATASET', COLUMNS.label),
		fit('POOL', COLUMNS.pool),
		fit('USED', COLUMNS.used, 'right'),
		fit('FILL', COLUMNS.fill, 'right'),
		fit('SNAPSHOTS', COLUMNS.snaps, 'right'),
		fit('GROWTH', COLUMNS.growth, 'right'),
		...(width >= WIDE ? [fit('REFER', COLUMNS.refer, 'right'), fit('RATIO', COLUMNS.ratio, 'right')] : []),
	].join(' ');
}

export function consumerLine(c: Consumer, width: number): ZfsLine {
	const snaps = c.snapshotCount > 0 ? `${formatBytes(c.snapshots)} (${c.snapshotCount})` : formatBytes(c.snapshots);
	const fixed = [
		fit(sanitize(c.label), COLUMNS.label),
		fit(sanitize(`${c.node}/${c.pool}`), COLUMNS.pool),
		fit(formatBytes(c.used), COLUMNS.used, 'right'),
		fit(formatPercent(c.fill), COLUMNS.fill, 'right'),
		fit(snaps, COLUMNS.snaps, 'right'),
		fit(signedBytes(c.growth), COLUMNS.growth, 'right'),
		...(width >= WIDE ? [fit(formatBytes(c.refer), COLUMNS.refer, 'right'), fit(`${c.ratio.toFixed(2)}x`, COLUMNS.ratio, 'right')] : []),
	].join(' ');
	// The fill bar takes what is left, if anything.
	const room = width - fixed.length - 1;
	const bar = room >= 6 ? ` ${usageBar(c.fill, Math.min(16, room))}` : '';
	return {text: `${fixed}${bar}`, tone: usageTone(c.fill)};
}

/**
 * The API's storage usage (nodes not read over SSH). With `fill` (what the
 * problem list was evaluated on) each row is marked and coloured as the
 * problems pane raises it; without, by the default bars.
 */
export function storageLines(zfs: ZfsState, width: number, fill?: FillInputs): ZfsLine[] {
	const storages = zfs.sample?.storages ?? [];
	if (storages.length === 0) return [];
	const barWidth = width >= 100 ? 24 : 12;
	return storages.map((s) => {
		const fraction = s.total > 0 ? s.used / s.total : 0;
		const level = fill ? fillLevel('storage-fill', storageFillKey(s), s.used, s.total, fill.thresholds.storage, fill.active) : undefined;
		const text = [
			fit(sanitize(`${s.node}/${s.storage}`), 22),
			fit(sanitize(s.type), 8),
			s.active ? usageBar(fraction, barWidth) : fit('inactive', barWidth),
			fit(s.active ? `${formatPercent(fraction)}${level ? ` ${LEVEL_MARK[level]}` : ''}` : '-', fill ? 6 : 4, 'right'),
			s.active ? `${formatBytes(s.used)} of ${formatBytes(s.total)}` : '',
		].join('  ');
		if (!s.active) return {text, tone: 'muted'};
		return {text, tone: fill ? (level ? FILL_TONE[level] : undefined) : usageTone(fraction)};
	});
}

let cache: {zfs: ZfsState; shape: object; consumers: Consumer[]} | undefined;

/** The consumer rows in the chosen order (memoised on the ZFS state and guest names). */
/** Consumers by dataset, named after their guests: rebuilt when the sample or the fleet's shape changed (not on a CPU drift). */
export function selectConsumers(state: AppState): Consumer[] {
	const shape = fleetShape(state.guests);
	if (cache && cache.zfs === state.zfs && cache.shape === shape) return cache.consumers;
	const consumers = sortConsumers(buildConsumers(state.zfs, state.guests), state.zfs.sort);
	cache = {zfs: state.zfs, shape, consumers};
	return consumers;
}
