// Pure, memoised reads of the store. A render at 5,000 guests must not re-sort
// or re-filter on every keypress, so each step caches its result on the
// identity of its inputs (the guest map and NIC map are replaced, never
// mutated, so identity means "unchanged").

import type {BackupEntry} from '../services/backups/model.js';
import type {AppState, GuestNic, GuestRow, SortKey} from './types.js';
import type {DeckPaneKind} from './deck-types.js';
import {fleetShape} from './guest-shape.js';

/** The filter the table shows: the live draft while the prompt is open. */
export function effectiveFilter(state: AppState): string {
	return state.ui.filterDraft ?? state.ui.filter;
}

function fraction(used: number, max: number): number {
	return max > 0 ? used / max : 0;
}

/** "vmbr1 10.10.10.5/24" for the first NIC, "" when unknown. */
export function firstNicLabel(nics: GuestNic[] | undefined): string {
	const nic = nics?.[0];
	if (!nic) return '';
	return [nic.bridge, nic.ip].filter(Boolean).join(' ');
}

// Zero-pads IPv4 octets so 10.0.0.9 sorts before 10.0.0.10.
function netSortKey(nics: GuestNic[] | undefined): string {
	return firstNicLabel(nics).replace(/\d+/g, (digits) => digits.padStart(5, '0'));
}

/** What a sort may look at besides the row: the NICs (bridge/IP) and the newest backups (LAST BACKUP). */
export interface SortInputs {
	nics: Map<number, GuestNic[]>;
	newest?: ReadonlyMap<number, BackupEntry>;
}

type Compare = ((a: GuestRow, b: GuestRow, inputs: SortInputs) => number) & {
	/** A string sort's key of one row: sortRows computes it once per row, not twice per comparison. */
	key?: (row: GuestRow, nics: Map<number, GuestNic[]>) => string;
	/** A numeric sort's key of one row, likewise. */
	num?: (row: GuestRow) => number;
	/** Reads only what a row's fleet shape holds (guest-shape.ts): while the shape holds, so does the order. */
	shape?: true;
};

const onShape = (compare: Compare): Compare => Object.assign(compare, {shape: true as const});

const byString = (pick: (row: GuestRow, nics: Map<number, GuestNic[]>) => string): Compare => {
	const compare: Compare = (a, b, inputs) => {
		const x = pick(a, inputs.nics);
		const y = pick(b, inputs.nics);
		return x < y ? -1 : x > y ? 1 : 0;
	};
	compare.key = pick;
	return compare;
};
const byNumber = (pick: (row: GuestRow) => number): Compare => {
	const compare: Compare = (a, b) => pick(a) - pick(b);
	compare.num = pick;
	return compare;
};

const COMPARE: Record<SortKey, Compare> = {
	vmid: onShape(byNumber((r) => r.vmid)),
	name: onShape(byString((r) => r.name.toLowerCase())),
	node: onShape(byString((r) => r.node)),
	// The first press puts problems first: stopped, then anything else not running, running last.
	status: onShape(byString((r) => `${r.status === 'stopped' ? 0 : r.status === 'running' ? 2 : 1}${r.status}`)),
	cpu: byNumber((r) => r.cpu),
	mem: byNumber((r) => fraction(r.mem, r.maxmem)),
	disk: byNumber((r) => fraction(r.disk, r.maxdisk)),
	uptime: byNumber((r) => r.uptime),
	net: byString((r, nics) => netSortKey(nics.get(r.vmid))),
	tags: byString((r) => r.tags.join(';').toLowerCase()),
	// Locked guests first; unlocked ones after every lock name.
	lock: byString((r) => (r.lock ? `0${r.lock}` : '1')),
	// The first press puts the worst first: never backed up, then the oldest backup.
	backup: (a, b, inputs) => (inputs.newest?.get(a.vmid)?.ctime ?? -1) - (inputs.newest?.get(b.vmid)?.ctime ?? -1),
	// HA trouble first (error, fence), then the other HA states, guests HA does not manage last.
	ha: byString((r) => (!r.hastate ? '2' : `${r.hastate === 'error' || r.hastate === 'fence' ? 0 : 1}${r.hastate}`)),
};

/** Sorted by one column; ties (and the reversed order's ties) fall back to ascending vmid. */
export function sortRows(rows: GuestRow[], key: SortKey, desc: boolean, nics: Map<number, GuestNic[]>, newest?: ReadonlyMap<number, BackupEntry>): GuestRow[] {
	const compare = COMPARE[key];
	const sign = desc ? -1 : 1;
	const inputs: SortInputs = {nics, ...(newest ? {newest} : {})};
	if (compare.key) {
		// Keys computed once per row (a name sort of 10,000 rows lower-cased each name ~28 times).
		const keyOf = compare.key;
		const keyed = rows.map((row) => ({row, key: keyOf(row, nics)}));
		keyed.sort((a, b) => sign * (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.row.vmid - b.row.vmid);
		return keyed.map((k) => k.row);
	}
	if (compare.num) {
		// The same for numbers: a CPU sort of 10,000 rows took 15 ms calling pick() twice per comparison.
		const numOf = compare.num;
		const keyed = rows.map((row) => ({row, key: numOf(row), vmid: row.vmid}));
		keyed.sort((a, b) => sign * (a.key - b.key) || a.vmid - b.vmid);
		return keyed.map((k) => k.row);
	}
	return rows.slice().sort((a, b) => sign * compare(a, b, inputs) || a.vmid - b.vmid);
}

// The text a filter is matched against, lower-cased once per row object and
// NIC list (both are replaced, not mutated, when they change).
const haystacks = new WeakMap<GuestRow, {nics: GuestNic[] | undefined; text: string}>();

function haystack(row: GuestRow, nics: GuestNic[] | undefined): string {
	const cached = haystacks.get(row);
	if (cached && cached.nics === nics) return cached.text;
	const nic = nics?.[0];
	const text = [row.vmid, row.name, row.node, row.status, row.tags.join(' '), row.lock ?? '', nic?.bridge ?? '', nic?.ip ?? '']
		.join('\u0000')
		.toLowerCase();
	haystacks.set(row, {nics, text});
	return text;
}

/** `type=vm` / `type=ct` (or Proxmox's own `qemu` / `lxc`) in a filter: the kind of guest. */
const TYPE_TERM = /(?:^|\s)type=(vm|ct|qemu|lxc)(?=\s|$)/i;

/**
 * Case-insensitive substring match over vmid, name, node, status, tags, lock
 * and the first NIC's bridge/ip; a `type=vm` / `type=ct` term keeps one kind
 * of guest (and the rest of the text still matches as a substring). A leading
 * `!` keeps the rows that do NOT match.
 */
export function filterRows(rows: GuestRow[], filter: string, nics: Map<number, GuestNic[]>): GuestRow[] {
	let needle = filter.trim();
	const invert = needle.startsWith('!');
	if (invert) needle = needle.slice(1).trim();
	const typeTerm = TYPE_TERM.exec(needle);
	const kind = typeTerm ? (/^(vm|qemu)$/i.test(typeTerm[1]!) ? 'qemu' : 'lxc') : undefined;
	if (typeTerm) needle = needle.replace(TYPE_TERM, ' ').trim();
	if (needle === '' && kind === undefined) return rows;
	needle = needle.toLowerCase();
	return rows.filter((row) => ((kind === undefined || row.kind === kind) && haystack(row, nics.get(row.vmid)).includes(needle)) !== invert);
}

// One-entry caches: the last inputs and result of each step.
let sortCache: {guests: Map<number, GuestRow>; nics: Map<number, GuestNic[]> | undefined; newest: ReadonlyMap<number, BackupEntry> | undefined; key: SortKey; desc: boolean; rows: GuestRow[]} | undefined;
let filterCache: {sorted: GuestRow[]; filter: string; nics: Map<number, GuestNic[]>; vmids: ReadonlySet<number> | undefined; rows: GuestRow[]} | undefined;

function selectSortedRows(state: AppState): GuestRow[] {
	const {sortKey, sortDesc} = state.ui;
	// NICs only affect the order when sorting by bridge/IP.
	const nics = sortKey === 'net' ? state.nics : undefined;
	// Backups only when sorting by LAST BACKUP.
	const newest = sortKey === 'backup' ? state.backups.newest : undefined;
	const c = sortCache;
	const sameSort = c !== undefined && c.nics === nics && c.newest === newest && c.key === sortKey && c.desc === sortDesc;
	if (sameSort && c.guests === state.guests) return c.rows;
	// A poll changed figures but no guest's name, node or state: a sort by those
	// keeps its order, so the new row objects take the old places (no sort, no
	// keys: at 10,000 guests the default VMID order was re-sorted every pvestatd cycle).
	const rows =
		sameSort && COMPARE[sortKey].shape && fleetShape(c.guests) === fleetShape(state.guests)
			? rowsInPlaces(c.rows, state.guests)
			: sortRows([...state.guests.values()], sortKey, sortDesc, state.nics, newest);
	sortCache = {guests: state.guests, nics, newest, key: sortKey, desc: sortDesc, rows};
	return rows;
}

/**
 * This poll's row of each guest, in `places`' order. A loop, not an arrow
 * passed to map (README Design notes, "Per-poll callbacks are made once").
 */
function rowsInPlaces(places: readonly GuestRow[], guests: ReadonlyMap<number, GuestRow>): GuestRow[] {
	const rows = new Array<GuestRow>(places.length);
	for (let i = 0; i < places.length; i++) rows[i] = guests.get(places[i]!.vmid)!;
	return rows;
}

/** The rows the table shows, filtered and sorted. Same array while its inputs are unchanged. */
export function selectVisibleRows(state: AppState): GuestRow[] {
	const sorted = selectSortedRows(state);
	const filter = effectiveFilter(state);
	const c = filterCache;
	const vmids = state.ui.vmidFilter?.vmids;
	if (c && c.sorted === sorted && c.filter === filter && c.nics === state.nics && c.vmids === vmids) return c.rows;
	// The vmid-set filter (a bridge or gateway picked in the topology) narrows first.
	const candidates = vmids ? sorted.filter((row) => vmids.has(row.vmid)) : sorted;
	const rows = filterRows(candidates, filter, state.nics);
	filterCache = {sorted, filter, nics: state.nics, vmids, rows};
	return rows;
}

/** Where indexOfVmid last found a guest: most asks are for that row, or one beside it (j/k). */
let lastIndex = 0;

/**
 * Position of `vmid` in `rows`, -1 if absent. Tries where it was last found and
 * the rows beside it, then scans: no index Map per rows array (a poll makes a
 * new sorted array, and at 10,000 guests a Map of it per poll was 1.4 MB of
 * garbage; a scan of 10,000 rows takes ~10 µs).
 */
export function indexOfVmid(rows: readonly GuestRow[], vmid: number | undefined): number {
	if (vmid === undefined) return -1;
	for (let at = lastIndex - 1; at <= lastIndex + 1; at++) if (rows[at]?.vmid === vmid) return (lastIndex = at);
	for (let i = 0; i < rows.length; i++) if (rows[i]!.vmid === vmid) return (lastIndex = i);
	return -1;
}

/** Index of the selected guest in the visible rows, -1 when nothing is selected. */
export function selectSelectedIndex(state: AppState): number {
	return indexOfVmid(selectVisibleRows(state), state.ui.selectedVmid);
}

/** "plex (100)": how dialogs, notices and the tasks pane name a guest; undefined when it is not in the fleet. */
export function guestLabel(guests: Map<number, GuestRow>, vmid: number): string | undefined {
	const row = guests.get(vmid);
	return row ? `${row.name} (${vmid})` : undefined;
}

export function selectSelectedRow(state: AppState): GuestRow | undefined {
	return state.ui.selectedVmid === undefined ? undefined : state.guests.get(state.ui.selectedVmid);
}

export interface HeaderStats {
	running: number;
	stopped: number;
	other: number;
	nodesOnline: number;
	nodesTotal: number;
	/** Cluster CPU use, 0..1, weighted by each online node's core count. */
	cpu: number;
	memUsed: number;
	memTotal: number;
}

let statsCache: {guests: Map<number, GuestRow>; nodes: AppState['nodes']; stats: HeaderStats} | undefined;

export function selectHeaderStats(state: AppState): HeaderStats {
	if (statsCache && statsCache.guests === state.guests && statsCache.nodes === state.nodes) return statsCache.stats;
	const stats: HeaderStats = {running: 0, stopped: 0, other: 0, nodesOnline: 0, nodesTotal: state.nodes.length, cpu: 0, memUsed: 0, memTotal: 0};
	for (const guest of state.guests.values()) {
		if (guest.status === 'running') stats.running++;
		else if (guest.status === 'stopped') stats.stopped++;
		else stats.other++;
	}
	let cores = 0;
	let busy = 0;
	for (const node of state.nodes) {
		if (node.status !== 'online') continue;
		stats.nodesOnline++;
		cores += node.maxcpu;
		busy += node.cpu * node.maxcpu;
		stats.memUsed += node.mem;
		stats.memTotal += node.maxmem;
	}
	stats.cpu = cores > 0 ? busy / cores : 0;
	statsCache = {guests: state.guests, nodes: state.nodes, stats};
	return stats;
}

/** How old the shown data is while the connection is stale; undefined when it is fresh. */
export function selectStaleAgeMs(state: AppState, now: number): number | undefined {
	const {status, lastOkAt} = state.connection;
	if (status !== 'stale' || lastOkAt === undefined) return undefined;
	return Math.max(0, now - lastOkAt);
}

/** Time since the last successful poll; undefined before the first. */
export function selectRefreshAgeMs(state: AppState, now: number): number | undefined {
	const {lastOkAt} = state.connection;
	return lastOkAt === undefined ? undefined : Math.max(0, now - lastOkAt);
}

/**
 * "node pve3 is offline" when any of these guests sits on a node the cluster
 * reports offline: every action on it would only fail with "No route to
 * host", so it is refused with this reason before anything is sent.
 */
export function offlineNodeReason(state: AppState, vmids: readonly number[]): string | undefined {
	const offline = new Set(state.nodes.filter((n) => n.status === 'offline').map((n) => n.name));
	if (offline.size === 0) return undefined;
	const node = vmids.map((vmid) => state.guests.get(vmid)?.node).find((name) => name !== undefined && offline.has(name));
	return node === undefined ? undefined : `node ${node} is offline`;
}

/** True while the deck draws a pane of this kind (the topology and ZFS services load only then). */
export function paneVisible(state: AppState, kind: DeckPaneKind): boolean {
	return state.deck.visible.includes(kind);
}
