// The fleet table's columns as data: what each shows, how wide it is, how it
// sorts, when it turns red, and which go first when the terminal is narrow.
// The fleet pane (FleetRow, views/FleetTable.tsx) only lays these out; adding a column is one entry here.
//
// The ranking is a triage's: which guest (VMID, NAME, STATUS), is it hot (CPU,
// MEM, DISK), is it stuck in a lock and on which node, what it is for (TAGS:
// the roles a homelab groups by), is it backed up (LAST BACKUP); then what
// another pane or the detail already shows (TYPE, BRIDGE/IP: the topology
// pane draws the selected guest's bridge and path), UPTIME, HA.

import {backupAgeLevel, backupAgeSeconds, formatBackupAge, type BackupEntry} from '../source/services/backups/model.js';
import type {GuestNic, GuestRow, SortKey} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import {fit, formatBytes, formatPercent, formatUptime, textWidth} from './format.js';
import {HOT_PERCENT} from './theme.js';
import {atOrAbove} from '../source/util/percent.js';

/** What a cell knows beyond its row: the guest's newest backup and the clock (LAST BACKUP). */
export interface CellContext {
	/** The guest's newest backup across the backup storages; undefined: none. */
	lastBackup?: BackupEntry;
	/** The backups have been read once: before that LAST BACKUP says `?`, not `never`. */
	backupsRead: boolean;
	/** Epoch ms the ages are measured at. */
	now: number;
	/** Older than this (seconds) is stale. */
	backupWindowS: number;
}

/** Cells that do not need it (tests, benches) get this. */
export const NO_CELL_CONTEXT: CellContext = {backupsRead: false, now: 0, backupWindowS: 36 * 3600};

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
	/** The title while the column has only its minimum width (LAST BACKUP: BACKUP); `title` once there is room for it. */
	shortTitle?: string;
	format(row: GuestRow, nics: GuestNic[] | undefined, ctx: CellContext): string;
	/** The usage fraction that makes this cell red at ≥ HOT_PERCENT. */
	usage?(row: GuestRow): number;
	/** Given up (with content known) while a better-ranked flexible column's cells would be cut: nice to have, never at a tag's expense. */
	optional?: boolean;
	/** A colour of its own for this cell (LAST BACKUP: yellow when stale, red when never). */
	tone?(row: GuestRow, ctx: CellContext): 'warn' | 'danger' | undefined;
	/** Shown only when the fleet has something for it (absent: always); otherwise it gives its width to the others. */
	shownFor?(rows: readonly GuestRow[]): boolean;
	/** Shown once the backups were read (LAST BACKUP): until then it would only say `?`. */
	needsBackups?: boolean;
	/** Its cells come from the guest's NICs (BRIDGE/IP): a NIC change can move its width. */
	readsNics?: boolean;
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
	{id: 'type', title: 'TYPE', width: 4, flex: 0, align: 'left', priority: 6, format: (r) => (r.kind === 'qemu' ? 'vm' : 'ct'), shownFor: (rows) => rows.some((r) => r.kind === 'qemu')},
	// One node (the header names it): the column would repeat it on every row, so its width goes to TAGS.
	// In a cluster, which node a guest is on is the first thing a node outage asks.
	{id: 'node', title: 'NODE', width: 8, flex: 0, align: 'left', sortKey: 'node', priority: 3, format: (r) => sanitize(r.node), shownFor: (rows) => rows.some((r) => r.node !== rows[0]!.node)},
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
	// Age of the newest backup on any backup storage: yellow past the window, red when there is none.
	{
		id: 'backup',
		title: 'LAST BACKUP',
		// `45m`, `18h`, `9d`, `never` need 5: BACKUP and its sort arrow; LAST BACKUP when the spare width allows.
		shortTitle: 'BACKUP',
		width: 7,
		flex: 0,
		align: 'right',
		sortKey: 'backup',
		needsBackups: true,
		// After TAGS (what the guest is), before BRIDGE/IP (the topology pane has the selected guest's).
		priority: 5,
		format: (_r, _n, c) => (c.backupsRead ? formatBackupAge(backupAgeSeconds(c.lastBackup, c.now)) : '?'),
		tone: (_r, c) => {
			if (!c.backupsRead) return undefined;
			const level = backupAgeLevel(backupAgeSeconds(c.lastBackup, c.now), c.backupWindowS);
			return level === 'never' ? 'danger' : level === 'stale' ? 'warn' : undefined;
		},
	},
	// Dropped before TAGS: a guest's tags say what it is; uptime is in the detail panel.
	{id: 'uptime', title: 'UPTIME', width: 8, flex: 0, align: 'right', sortKey: 'uptime', priority: 7, optional: true, format: (r) => formatUptime(r.uptime)},
	// Gives way to whole tags: the topology pane draws the selected guest's bridge and path, the detail every NIC.
	{id: 'net', title: 'BRIDGE/IP', width: 19, flex: 1, align: 'left', sortKey: 'net', priority: 6, optional: true, readsNics: true, format: (_r, nics) => sanitize(nicCell(nics))},
	// The roles a homelab groups by (media, monitoring, db, vpn): what the guest is for.
	{id: 'tags', title: 'TAGS', width: 8, flex: 1, align: 'left', sortKey: 'tags', priority: 4, format: (r) => sanitize(r.tags.join(','))},
	// A guest stuck in a lock (backup, snapshot, migrate…) is a classic incident: kept before uptime and tags, wide enough for "snapshot".
	{id: 'lock', title: 'LOCK', width: 8, flex: 0, align: 'left', sortKey: 'lock', priority: 3, format: (r) => sanitize(r.lock ?? ''), shownFor: anyFilled((r) => r.lock)},
	// The HA manager's requested state (/cluster/resources `hastate`); empty when not HA-managed.
	{id: 'ha', title: 'HA', width: 8, flex: 0, align: 'left', sortKey: 'ha', priority: 8, optional: true, format: (r) => sanitize(r.hastate ?? ''), shownFor: anyFilled((r) => r.hastate)},
];

export interface PlacedColumn {
	column: Column;
	width: number;
}

/** One space between columns. */
export const GAP = 1;

/** Column id → the widest cell of a flexible column in these rows: what it needs to show them whole. */
export type ContentWidths = ReadonlyMap<string, number>;


export function contentWidths(columns: readonly Column[], rows: readonly GuestRow[], nics: ReadonlyMap<number, GuestNic[]>): ContentWidths {
	const widths = new Map<string, number>();
	for (const column of columns) {
		if (column.flex === 0) continue;
		let widest = column.title.length + 1;
		// Flexible columns (NAME, BRIDGE/IP, TAGS) draw from the row alone, not the backup context.
		for (const row of rows) widest = Math.max(widest, textWidth(column.format(row, nics.get(row.vmid), NO_CELL_CONTEXT)));
		widths.set(column.id, widest);
	}
	return widths;
}

/**
 * `previous` (the widths for `before`) once only the NICs changed to `after`:
 * only the columns that read NICs are looked at, and only for the guests whose
 * NICs changed. The topology's start-up sweep hands over the NICs of 10,000
 * guests in a dozen commits; formatting every row's cells at each one was
 * ~80 MB of garbage in the sweep (issue 12). The same object comes back when
 * no width moved. A changed cell that was the widest may shrink the column:
 * then the column is measured over every row again.
 */
export function contentWidthsAfterNics(
	previous: ContentWidths,
	columns: readonly Column[],
	guests: ReadonlyMap<number, GuestRow>,
	before: ReadonlyMap<number, GuestNic[]>,
	after: ReadonlyMap<number, GuestNic[]>,
): ContentWidths {
	let widths = previous;
	for (const column of columns) {
		const widest = previous.get(column.id);
		if (!column.readsNics || widest === undefined) continue;
		const cellWidth = (row: GuestRow, nics: GuestNic[] | undefined) => textWidth(column.format(row, nics, NO_CELL_CONTEXT));
		let next = widest;
		let shrinks = false;
		for (const row of guests.values()) {
			const old = before.get(row.vmid);
			const now = after.get(row.vmid);
			if (old === now) continue;
			const width = cellWidth(row, now);
			// Only a cell that was the widest and got narrower can narrow the column (a re-read with equal NICs cannot).
			if (old !== undefined && width < widest && cellWidth(row, old) >= widest) {
				shrinks = true;
				break;
			}
			next = Math.max(next, width);
		}
		if (shrinks) {
			next = column.title.length + 1;
			for (const row of guests.values()) next = Math.max(next, cellWidth(row, after.get(row.vmid)));
		}
		if (next !== widest) {
			if (widths === previous) widths = new Map(previous);
			(widths as Map<string, number>).set(column.id, next);
		}
	}
	return widths;
}

/**
 * Fits the columns into `width` cells: drops the lowest-priority columns
 * (rightmost first among equals) until the minimum widths fit, then shares
 * the spare width among the flexible ones. With `content` known, a flexible
 * column first gets what its widest cell needs (in priority order), so TAGS
 * is not cut while NAME or BRIDGE/IP has room to spare; what is left after
 * every need is met is shared. Never wider than `width`.
 */
export function layoutColumns(width: number, columns: Column[] = COLUMNS, content?: ContentWidths): PlacedColumn[] {
	const placed = placeColumns(width, columns, content);
	if (!content) return placed;
	// A flexible column cut short (TAGS in the deck's fleet pane at 160 columns) takes the place of an optional
	// one ranked below it (HA, UPTIME, then BRIDGE/IP); BRIDGE/IP cut short does not give itself up.
	const short = placed.filter((p) => p.column.flex > 0 && p.width < (content.get(p.column.id) ?? 0));
	if (short.length === 0) return placed;
	const best = Math.min(...short.map((p) => p.column.priority));
	const optional = placed.filter((p) => p.column.optional && p.column.priority > best).map((p) => p.column);
	if (optional.length === 0) return placed;
	const worst = optional.reduce((a, b) => (b.priority >= a.priority ? b : a));
	return layoutColumns(width, columns.filter((c) => c !== worst), content);
}

function placeColumns(width: number, columns: Column[], content: ContentWidths | undefined): PlacedColumn[] {
	let kept = columns.slice();
	const needed = (cols: Column[]) => cols.reduce((sum, c) => sum + c.width, 0) + GAP * Math.max(0, cols.length - 1);
	while (kept.length > 1 && needed(kept) > width) {
		const worst = kept.reduce((a, b) => (b.priority >= a.priority ? b : a));
		kept = kept.filter((c) => c !== worst);
	}
	// With the cells known, a narrower column dropped before a wide one that did not fit comes back if it fits now
	// (TAGS where BRIDGE/IP does not), best-ranked first.
	if (content) {
		for (const c of columns.filter((x) => !kept.includes(x)).sort((a, b) => a.priority - b.priority)) {
			const tried = columns.filter((x) => kept.includes(x) || x === c);
			if (needed(tried) <= width) kept = tried;
		}
	}
	let spare = Math.max(0, width - needed(kept));
	const flexTotal = kept.reduce((sum, c) => sum + c.flex, 0);
	const placed = kept.map((column) => ({column, width: column.width}));
	if (content && flexTotal > 0) {
		for (const p of [...placed].filter((x) => x.column.flex > 0).sort((a, b) => a.column.priority - b.column.priority)) {
			const extra = Math.min(spare, Math.max(0, (content.get(p.column.id) ?? p.width) - p.width));
			p.width += extra;
			spare -= extra;
		}
	}
	// A column with a short title (BACKUP) takes its full one (LAST BACKUP) from what the cells left over, if all of it fits.
	for (const p of placed) {
		const extra = p.column.shortTitle === undefined ? 0 : Math.max(0, titleWidth(p.column.title) - p.width);
		if (extra > spare) continue;
		p.width += extra;
		spare -= extra;
	}
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

/** A title and the sort arrow beside it. */
const titleWidth = (title: string) => textWidth(title) + 1;

/** The column titles, with ▲/▼ on the sorted column; a column too narrow for its title shows its short one. */
export function headerLine(placed: PlacedColumn[], sortKey: SortKey, sortDesc: boolean): string {
	return placed
		.map(({column, width}) => {
			const name = column.shortTitle !== undefined && width < titleWidth(column.title) ? column.shortTitle : column.title;
			const title = column.sortKey !== undefined && column.sortKey === sortKey ? `${name}${sortDesc ? '▼' : '▲'}` : name;
			return fit(title, width, column.align);
		})
		.join(' '.repeat(GAP));
}

/** A run of row text; `hot` runs are drawn in the danger colour, bold; a `tone` run in that colour. */
export interface Segment {
	text: string;
	hot: boolean;
	tone?: 'warn' | 'danger';
}

/** A row as padded text runs, one run per stretch of same-colour cells. */
/** `busy`: a running task's word ("rebooting…") shown in the STATUS cell instead of the state it is leaving. */
export function rowSegments(row: GuestRow, nics: GuestNic[] | undefined, placed: PlacedColumn[], busy?: string, ctx: CellContext = NO_CELL_CONTEXT): Segment[] {
	const segments: Segment[] = [];
	const plain = (s: Segment | undefined) => s !== undefined && !s.hot && s.tone === undefined;
	placed.forEach(({column, width}, i) => {
		const value = busy !== undefined && column.id === 'status' ? busy : column.format(row, nics, ctx);
		const text = (i > 0 ? ' '.repeat(GAP) : '') + fit(value, width, column.align);
		const hot = column.usage !== undefined && isHot(column.usage(row));
		const tone = hot ? undefined : column.tone?.(row, ctx);
		const coloured = hot || tone !== undefined;
		const last = segments[segments.length - 1];
		if (!coloured && plain(last)) last!.text += text;
		else if (coloured && i > 0) {
			// Keep the gap in the row colour so only the value itself is coloured.
			if (plain(last)) last!.text += ' '.repeat(GAP);
			else segments.push({text: ' '.repeat(GAP), hot: false});
			segments.push({text: text.slice(GAP), hot, ...(tone ? {tone} : {})});
		} else segments.push({text, hot, ...(tone ? {tone} : {})});
	});
	return segments;
}

/** Red by the same measure the cell prints with: a red cell reads ≥ 90%, and a cell reading 90% is red. */
export function isHot(fraction: number): boolean {
	return atOrAbove(fraction * 100, HOT_PERCENT);
}
