// The fleet table's columns as data: what each shows, how wide it is, how it
// sorts, when it turns red, and which go first when the terminal is narrow.
// FleetTable only lays these out; adding a column is one entry here.

import type {GuestNic, GuestRow, SortKey} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import {fit, formatBytes, formatPercent, formatUptime} from './format.js';
import {HOT_THRESHOLD} from './theme.js';

export interface Column {
	id: string;
	title: string;
	/** Fixed width, or the minimum width of a flexible column. */
	width: number;
	/** Share of the spare width a flexible column takes (0: fixed). */
	flex: number;
	align: 'left' | 'right';
	/** Absent for a column the table cannot be sorted by. */
	sortKey?: SortKey;
	/** 1 is kept longest; the highest number is dropped first on narrow terminals. */
	priority: number;
	format(row: GuestRow, nics: GuestNic[] | undefined): string;
	/** The usage fraction that makes this cell red at ≥ HOT_THRESHOLD. */
	usage?(row: GuestRow): number;
	/** Shown only when the fleet has something for it (absent: always); otherwise it gives its width to the others. */
	shownFor?(rows: readonly GuestRow[]): boolean;
}

/** A guest on an offline node that proxdeck never saw live: its usage is not known at all. */
const unseen = (r: GuestRow) => r.status === 'unknown' && !r.lastKnown;

/** A column only some guests fill (LOCK, HA): shown while at least one does. */
const anyFilled = (value: (row: GuestRow) => string | undefined) => (rows: readonly GuestRow[]) => rows.some((row) => (value(row) ?? '') !== '');

const ratio = (used: number, max: number) => (max > 0 ? used / max : 0);

/** "vmbr1 10.10.10.5": the first NIC without its prefix length (the detail panel has it). */
function nicCell(nics: GuestNic[] | undefined): string {
	const nic = nics?.[0];
	if (!nic) return '';
	return [nic.bridge, nic.ip?.replace(/\/\d+$/, '')].filter(Boolean).join(' ');
}

// Host strings (name, node, tags, lock, NIC fields) are sanitised here, the
// one place a row becomes text.
export const COLUMNS: Column[] = [
	{id: 'vmid', title: 'VMID', width: 6, flex: 0, align: 'right', sortKey: 'vmid', priority: 1, format: (r) => String(r.vmid)},
	{id: 'name', title: 'NAME', width: 12, flex: 1, align: 'left', sortKey: 'name', priority: 1, format: (r) => sanitize(r.name)},
	// ct / vm: which actions and commands (pct or qm) apply. Only a fleet with a VM has anything to tell apart.
	{id: 'type', title: 'TYPE', width: 4, flex: 0, align: 'left', priority: 4, format: (r) => (r.kind === 'qemu' ? 'vm' : 'ct'), shownFor: (rows) => rows.some((r) => r.kind === 'qemu')},
	{id: 'node', title: 'NODE', width: 8, flex: 0, align: 'left', sortKey: 'node', priority: 4, format: (r) => sanitize(r.node)},
	{id: 'status', title: 'STATUS', width: 10, flex: 0, align: 'left', sortKey: 'status', priority: 1, format: (r) => sanitize(r.status)},
	{
		id: 'cpu',
		title: 'CPU%',
		width: 5,
		flex: 0,
		align: 'right',
		sortKey: 'cpu',
		priority: 2,
		format: (r) => (r.status === 'running' || r.lastKnown?.status === 'running' ? formatPercent(r.cpu) : '-'),
		usage: (r) => r.cpu,
	},
	{
		id: 'mem',
		title: 'MEM',
		width: 14,
		flex: 0,
		align: 'right',
		sortKey: 'mem',
		priority: 2,
		format: (r) => (unseen(r) ? `-/${formatBytes(r.maxmem)}` : `${formatBytes(r.mem)}/${formatBytes(r.maxmem)} ${formatPercent(ratio(r.mem, r.maxmem))}`),
		usage: (r) => ratio(r.mem, r.maxmem),
	},
	{
		id: 'disk',
		title: 'DISK',
		width: 5,
		flex: 0,
		align: 'right',
		sortKey: 'disk',
		// As important as memory: "which guests are at 90 % memory or disk".
		priority: 2,
		// Proxmox cannot see inside a VM's images and reports disk 0 for it: unknown, not empty.
		format: (r) => (r.maxdisk > 0 && !unseen(r) && !(r.kind === 'qemu' && r.disk === 0) ? formatPercent(ratio(r.disk, r.maxdisk)) : '-'),
		usage: (r) => ratio(r.disk, r.maxdisk),
	},
	{id: 'uptime', title: 'UPTIME', width: 8, flex: 0, align: 'right', sortKey: 'uptime', priority: 5, format: (r) => formatUptime(r.uptime)},
	{id: 'net', title: 'BRIDGE/IP', width: 19, flex: 1, align: 'left', sortKey: 'net', priority: 3, format: (_r, nics) => sanitize(nicCell(nics))},
	{id: 'tags', title: 'TAGS', width: 8, flex: 1, align: 'left', sortKey: 'tags', priority: 5, format: (r) => sanitize(r.tags.join(','))},
	// A guest stuck in a lock (backup, snapshot, migrate…) is a classic incident: kept before uptime and tags, wide enough for "snapshot".
	{id: 'lock', title: 'LOCK', width: 8, flex: 0, align: 'left', sortKey: 'lock', priority: 4, format: (r) => sanitize(r.lock ?? ''), shownFor: anyFilled((r) => r.lock)},
	// The HA manager's requested state (/cluster/resources `hastate`); empty when not HA-managed.
	{id: 'ha', title: 'HA', width: 8, flex: 0, align: 'left', sortKey: 'ha', priority: 6, format: (r) => sanitize(r.hastate ?? ''), shownFor: anyFilled((r) => r.hastate)},
];

export interface PlacedColumn {
	column: Column;
	width: number;
}

/** One space between columns. */
export const GAP = 1;

/**
 * Fits the columns into `width` cells: drops the lowest-priority columns
 * (rightmost first among equals) until the minimum widths fit, then shares
 * the spare width among the flexible ones. Never wider than `width`.
 */
export function layoutColumns(width: number, columns: Column[] = COLUMNS): PlacedColumn[] {
	let kept = columns.slice();
	const needed = (cols: Column[]) => cols.reduce((sum, c) => sum + c.width, 0) + GAP * Math.max(0, cols.length - 1);
	while (kept.length > 1 && needed(kept) > width) {
		const worst = kept.reduce((a, b) => (b.priority >= a.priority ? b : a));
		kept = kept.filter((c) => c !== worst);
	}
	let spare = Math.max(0, width - needed(kept));
	const flexTotal = kept.reduce((sum, c) => sum + c.flex, 0);
	const placed = kept.map((column) => ({column, width: column.width}));
	if (flexTotal > 0) {
		let given = 0;
		for (const p of placed) {
			const extra = Math.floor((spare * p.column.flex) / flexTotal);
			p.width += extra;
			given += extra;
		}
		// Rounding leftovers go to the first flexible column.
		const first = placed.find((p) => p.column.flex > 0);
		if (first) first.width += spare - given;
		spare = 0;
	}
	const first = placed[0];
	if (first && needed(kept) > width) first.width = Math.max(1, first.width - (needed(kept) - width));
	return placed;
}

/** The column titles, with ▲/▼ on the sorted column. */
export function headerLine(placed: PlacedColumn[], sortKey: SortKey, sortDesc: boolean): string {
	return placed
		.map(({column, width}) => {
			const title = column.sortKey !== undefined && column.sortKey === sortKey ? `${column.title}${sortDesc ? '▼' : '▲'}` : column.title;
			return fit(title, width, column.align);
		})
		.join(' '.repeat(GAP));
}

/** A run of row text; `hot` runs are drawn in the danger colour. */
export interface Segment {
	text: string;
	hot: boolean;
}

/** A row as padded text runs, one run per stretch of same-colour cells. */
/** `busy`: a running task's word ("rebooting…") shown in the STATUS cell instead of the state it is leaving. */
export function rowSegments(row: GuestRow, nics: GuestNic[] | undefined, placed: PlacedColumn[], busy?: string): Segment[] {
	const segments: Segment[] = [];
	placed.forEach(({column, width}, i) => {
		const value = busy !== undefined && column.id === 'status' ? busy : column.format(row, nics);
		const text = (i > 0 ? ' '.repeat(GAP) : '') + fit(value, width, column.align);
		const hot = column.usage !== undefined && isHot(column.usage(row));
		const last = segments[segments.length - 1];
		if (last && last.hot === hot && !hot) last.text += text;
		else if (hot && i > 0) {
			// Keep the gap in the row colour so only the value itself turns red.
			if (last && !last.hot) last.text += ' '.repeat(GAP);
			else segments.push({text: ' '.repeat(GAP), hot: false});
			segments.push({text: text.slice(GAP), hot});
		} else segments.push({text, hot});
	});
	return segments;
}

export function isHot(fraction: number): boolean {
	return fraction >= HOT_THRESHOLD;
}
