// The app store: one zustand vanilla store that services write (poll results)
// and views read (via selectors) and drive (key actions). Every action is one
// set(), so a poll or a key is one React commit.

import {createStore, type StoreApi} from 'zustand/vanilla';
import {createAfterActionReads} from './after-action.js';
import {takeAllFigures} from './guest-figures.js';
import {sameRow} from './guest-shape.js';
import {indexOfVmid, selectVisibleRows} from './selectors.js';
import {createOpsActions, initialOpsState} from './ops-slice.js';
import {createScreenActions, initialScreenState, initialScreenUi} from './screens-slice.js';
import {createLogsActions, initialLogsState} from './logs-slice.js';
import {createProblemsActions, initialProblemsState} from './problems-slice.js';
import {createDeckActions, initialDeckState} from './deck-slice.js';
import {createBackupsActions, initialBackupsState} from './backups-slice.js';
import {createNodesActions, initialNodesState} from './nodes-slice.js';
import type {AppState, FleetSnapshot, GuestDetail, GuestNic, GuestRow, NodeSummary, SortKey, UiState} from './types.js';

export interface StoreInit {
	target: string;
	demo: boolean;
	readOnly: boolean;
	/** The client accepts any TLS certificate (--insecure). */
	insecure?: boolean;
	/** The deck layout to open with (default triage). */
	layout?: string;
}

// Resource columns open on the biggest consumer; text columns open A→Z.
const DESC_FIRST: ReadonlySet<SortKey> = new Set(['cpu', 'mem', 'disk', 'uptime']);

/** Default table rows before the view reports its real size. */
const INITIAL_VIEWPORT_ROWS = 20;

/**
 * Keeps the selection on the same guest (by vmid) after anything that changes
 * the visible rows. If that guest is gone, the row now at its old index is
 * selected; scrollTop is clamped so the selection stays on screen.
 */
function reconcileSelection(before: AppState, after: AppState): UiState {
	// The old index first: the selectors cache one result, and the "before"
	// rows are the ones the last render already computed.
	const oldIndex = indexOfVmid(selectVisibleRows(before), before.ui.selectedVmid);
	const rows = selectVisibleRows(after);
	const ui = after.ui;
	let index = indexOfVmid(rows, ui.selectedVmid);
	if (index === -1 && rows.length > 0) index = Math.min(Math.max(oldIndex, 0), rows.length - 1);
	const selectedVmid = index === -1 ? undefined : rows[index]!.vmid;
	const scrollTop = clampScroll(ui.scrollTop, index, rows.length, ui.viewportRows);
	if (selectedVmid === ui.selectedVmid && scrollTop === ui.scrollTop) return ui;
	return {...ui, selectedVmid, scrollTop};
}

/** The smallest scroll change that shows row `index`, never past the last page. */
export function clampScroll(scrollTop: number, index: number, total: number, viewport: number): number {
	const height = Math.max(1, viewport);
	let top = scrollTop;
	if (index >= 0) {
		if (index < top) top = index;
		else if (index >= top + height) top = index - height + 1;
	}
	return Math.max(0, Math.min(top, total - height));
}

/**
 * A guest whose node went offline comes back as `unknown` without usage: it
 * keeps what it last showed (cpu, memory, disk, uptime, traffic) and says
 * when that was, so the table can draw those values dimmed instead of zeros.
 */
export function withLastKnown(row: GuestRow, old: GuestRow | undefined, seenAt: number | undefined): GuestRow {
	if (row.status !== 'unknown' || !old) return row;
	const lastKnown = old.status === 'unknown' ? old.lastKnown : seenAt === undefined ? undefined : {status: old.status, at: seenAt};
	if (!lastKnown) return row;
	const {cpu, mem, disk, uptime, netin, netout} = old;
	return {...row, cpu, mem, disk, uptime, netin, netout, lastKnown};
}

/**
 * The fleet after a poll. Rows that did not change keep their object, and a
 * poll that changed nothing keeps the whole map: everything keyed on
 * `guests` (sorting, the panes' deps) then has nothing to redo.
 *
 * `live`: the rows are a fleet reader's own (the snapshot carried figures),
 * which it keeps from poll to poll and whose figures the store writes in
 * place; such a row is held as it comes, never an equal older object in its
 * stead, or the figures written into it would not be the ones shown.
 * `moved`: figures were written in place, so the map must be new even if no
 * row object is.
 */
function mergeGuests(previous: Map<number, GuestRow>, incoming: GuestRow[], seenAt: number | undefined, asShown: (row: GuestRow) => GuestRow, live: boolean, moved: boolean): Map<number, GuestRow> {
	const next = new Map<number, GuestRow>();
	let changed = moved || incoming.length !== previous.size;
	for (const fresh of incoming) {
		const old = previous.get(fresh.vmid);
		const row = asShown(withLastKnown(fresh, old, seenAt));
		const kept = old && !(live && row === fresh) && sameRow(old, row) ? old : row;
		if (kept !== old) changed = true;
		next.set(row.vmid, kept);
	}
	return changed ? next : previous;
}

/** Node summaries compared by value: a poll that changed none keeps the list. */
function sameNodes(a: readonly NodeSummary[], b: readonly NodeSummary[]): boolean {
	return a.length === b.length && a.every((node, i) => sameRecord(node, b[i]!));
}

function sameRecord(a: object, b: object): boolean {
	const ka = Object.keys(a);
	if (ka.length !== Object.keys(b).length) return false;
	return ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}

function sameNics(a: readonly GuestNic[] | undefined, b: readonly GuestNic[]): boolean {
	if (!a || a.length !== b.length) return false;
	return a.every((nic, i) => sameRecord(nic, b[i]!));
}

/**
 * A new map of the same rows. `new Map(guests)` reads the old map through its
 * entries iterator, an [vmid, row] pair per guest: at 10,000 guests ~1 MB of
 * garbage per poll (a sampling heap profile of the idle console, issue 12).
 */
function copyGuests(guests: ReadonlyMap<number, GuestRow>): Map<number, GuestRow> {
	const copy = new Map<number, GuestRow>();
	for (const row of guests.values()) copy.set(row.vmid, row);
	return copy;
}

function pruneNics(nics: Map<number, GuestNic[]>, guests: Map<number, GuestRow>): Map<number, GuestNic[]> {
	let gone = false;
	for (const vmid of nics.keys()) if (!guests.has(vmid)) gone = true;
	if (!gone) return nics;
	return new Map([...nics].filter(([vmid]) => guests.has(vmid)));
}

export function createAppStore(init: StoreInit): StoreApi<AppState> {
	return createStore<AppState>()((set, get) => {
		/** The last poll's rows as received and the map they were merged into. */
		let lastIncoming: GuestRow[] | undefined;
		let lastMerged: Map<number, GuestRow> | undefined;
		/** Guests' status/current read after this console's own actions, shown until the poll catches up. */
		const afterAction = createAfterActionReads();
		/** Applies a partial state change, then re-anchors the selection. */
		function update(change: (state: AppState) => Partial<AppState>): void {
			const before = get();
			const draft = {...before, ...change(before)};
			set({...draft, ui: reconcileSelection(before, draft)});
		}

		function uiChange(patch: Partial<UiState>): void {
			update((state) => ({ui: {...state.ui, ...patch}}));
		}

		function moveTo(index: number): void {
			const state = get();
			const rows = selectVisibleRows(state);
			if (rows.length === 0) return;
			const target = Math.max(0, Math.min(index, rows.length - 1));
			const vmid = rows[target]!.vmid;
			const scrollTop = clampScroll(state.ui.scrollTop, target, rows.length, state.ui.viewportRows);
			if (vmid === state.ui.selectedVmid && scrollTop === state.ui.scrollTop) return;
			set({ui: {...state.ui, selectedVmid: vmid, scrollTop}});
		}

		function currentIndex(): number {
			const state = get();
			return Math.max(0, indexOfVmid(selectVisibleRows(state), state.ui.selectedVmid));
		}

		function setDetail(vmid: number, patch: Omit<GuestDetail, 'vmid'>): void {
			const previous = get().detail;
			const keep = previous?.vmid === vmid ? previous : undefined;
			set({detail: {config: keep?.config, snapshots: keep?.snapshots, fetchedAt: keep?.fetchedAt, ...patch, vmid}});
		}

		return {
			connection: {status: 'connecting', target: init.target, consecutiveFailures: 0},
			badges: {demo: init.demo, readOnly: init.readOnly, insecure: init.insecure === true},
			guests: new Map(),
			figuresSeq: 0,
			nodes: [],
			nics: new Map(),
			...initialOpsState(),
			...initialScreenState(),
			...initialLogsState(),
			...initialProblemsState(),
			...initialDeckState(init.layout),
			...initialBackupsState(),
			...initialNodesState(),
			ui: {
				sortKey: 'vmid',
				sortDesc: false,
				filter: '',
				filterDraft: null,
				scrollTop: 0,
				viewportRows: INITIAL_VIEWPORT_ROWS,
				overlay: 'none',
				...initialScreenUi(),
			},
			actions: {
				...createOpsActions(set, get),
				...createScreenActions(set, get, update),
				...createLogsActions(set, get),
				...createProblemsActions(set, get),
				...createDeckActions(set, get),
				...createBackupsActions(set, get),
				...createNodesActions(set, get),
				fleetReceived(snapshot: FleetSnapshot) {
					update((state) => {
						// This poll's figures into the rows the reader kept (GuestRow, types.ts), before any
						// row is compared or copied below.
						const live = snapshot.figures !== undefined;
						const moved = live && takeAllFigures(snapshot.guests, snapshot.figures!);
						// The same rows as last poll (an unchanged answer, fleet-source.ts): nothing to merge,
						// unless a read after an action is held (it may have run out). Moved figures still
						// make a new map: what is keyed on it (sorting by CPU, the problem rules) reads them.
						const same = snapshot.guests === lastIncoming && state.guests === lastMerged && !afterAction.holding();
						// The previous poll's time is when a guest that is unknown now was last seen.
						const asShown = afterAction.holding() ? (row: GuestRow) => afterAction.apply(row, snapshot.receivedAt) : (row: GuestRow) => row;
						const guests = same ? (moved ? copyGuests(state.guests) : state.guests) : mergeGuests(state.guests, snapshot.guests, state.connection.lastOkAt, asShown, live, moved);
						afterAction.keepOnly(guests, snapshot.receivedAt);
						lastIncoming = snapshot.guests;
						lastMerged = guests;
						return {
							guests,
							figuresSeq: moved ? state.figuresSeq + 1 : state.figuresSeq,
							nics: pruneNics(state.nics, guests),
							nodes: sameNodes(state.nodes, snapshot.nodes) ? state.nodes : snapshot.nodes,
							clusterName: snapshot.clusterName,
							quorate: snapshot.quorate,
							pveVersion: snapshot.pveVersion ?? state.pveVersion,
							connection: {...state.connection, status: 'ok', lastOkAt: snapshot.receivedAt, lastError: undefined, consecutiveFailures: 0, readEveryMs: snapshot.readEveryMs},
						};
					});
				},
				guestReadAfterAction(vmid, read, at) {
					const row = afterAction.record(vmid, read, get().guests.get(vmid), at);
					if (!row) return;
					update((state) => ({guests: new Map(state.guests).set(vmid, row)}));
				},
				pollFailed(message: string, _at: number) {
					const {connection, guests} = get();
					set({
						connection: {
							...connection,
							status: guests.size > 0 || connection.lastOkAt !== undefined ? 'stale' : 'failed',
							lastError: message,
							consecutiveFailures: connection.consecutiveFailures + 1,
						},
					});
				},
				endpointChanged(target: string, notice: string) {
					const {connection, ui} = get();
					set({connection: {...connection, target}, ui: {...ui, commandNotice: notice}});
				},
				nicsReceived(vmid: number, nics: GuestNic[]) {
					get().actions.nicsReceivedMany([[vmid, nics]]);
				},
				nicsReceivedMany(entries: ReadonlyArray<readonly [number, GuestNic[]]>) {
					// A re-read config whose NICs did not change changes nothing (no copy, no re-render).
					const changed = entries.filter(([vmid, nics]) => !sameNics(get().nics.get(vmid), nics));
					if (changed.length === 0) return;
					update((state) => {
						const next = new Map(state.nics);
						for (const [vmid, nics] of changed) next.set(vmid, nics);
						return {nics: next};
					});
				},
				detailLoading(vmid: number) {
					setDetail(vmid, {loading: true, error: undefined});
				},
				detailReceived(vmid, config, snapshots, at, agent) {
					set({detail: {vmid, config, snapshots, loading: false, fetchedAt: at, ...(agent ? {agent} : {})}});
				},
				detailFailed(vmid: number, message: string) {
					setDetail(vmid, {loading: false, error: message});
				},
				moveSelection(delta: number) {
					moveTo(currentIndex() + delta);
				},
				selectFirst() {
					moveTo(0);
				},
				selectLast() {
					moveTo(Number.MAX_SAFE_INTEGER);
				},
				pageDown() {
					moveTo(currentIndex() + Math.max(1, get().ui.viewportRows));
				},
				pageUp() {
					moveTo(currentIndex() - Math.max(1, get().ui.viewportRows));
				},
				setViewportRows(rows: number) {
					const viewportRows = Math.max(1, Math.floor(rows));
					if (viewportRows !== get().ui.viewportRows) uiChange({viewportRows});
				},
				setSort(key: SortKey) {
					const {sortKey, sortDesc} = get().ui;
					uiChange(key === sortKey ? {sortDesc: !sortDesc} : {sortKey: key, sortDesc: DESC_FIRST.has(key)});
				},
				openFilter() {
					const {filter, filterDraft} = get().ui;
					if (filterDraft === null) uiChange({filterDraft: filter});
				},
				editFilter(draft: string) {
					uiChange({filterDraft: draft});
				},
				commitFilter() {
					const {filterDraft} = get().ui;
					if (filterDraft !== null) uiChange({filter: filterDraft.trim(), filterDraft: null});
				},
				cancelFilter() {
					const {filterDraft} = get().ui;
					uiChange(filterDraft !== null ? {filterDraft: null} : {filter: '', vmidFilter: undefined});
				},
				clearFilter() {
					uiChange({filter: '', filterDraft: null, vmidFilter: undefined});
				},
				setOverlay(overlay) {
					if (overlay !== get().ui.overlay) uiChange({overlay});
				},
			},
		};
	});
}
