// The deck's part of the one dispatcher: key → action id → command. The deck
// scope (focus, zoom, resize, follow, digits, `:`, `?`) is tried before the
// focused pane's scope — except in a zoomed pane, whose own keys come first so
// it behaves as the screen it used to be. Then the pane actions that differ in
// a compact pane (topology, ZFS, tasks) and help paging. Everything else falls
// through to the existing handlers (ops, logs, upgrade, fleet). A key that
// cannot apply says why on the focused pane's title.

import type {Key} from 'ink';
import type {StoreApi} from 'zustand/vanilla';
import {keyName, matchAction, type Keymap, type Scope} from '../../keymaps/index.js';
import type {VmidFilter} from '../../source/store/screen-types.js';
import {selectVisibleRows} from '../../source/store/selectors.js';
import type {AppState} from '../../source/store/types.js';
import {selectConsumers} from '../zfs-lines.js';
import type {Commands} from '../../source/services/actions/commands.js';
import {upgradesOf} from '../../source/services/upgrade/registry.js';
import {selectCompactTopology, selectCompactZfs} from './compact-lines.js';
import {currentLayout, layoutsOf} from './layout-registry.js';
import {leavesOf, type PaneKind} from './layout-engine.js';
import {findLayout} from './layouts.js';
import {logPaneOf} from './panes.js';
import {MIN_SIDE_BY_SIDE} from '../logs/pane-layout.js';
import {EXTRA_PANE_ACTIONS, extraLeaf} from './leaf-keys.js';
import {BACKUPS_HANDLERS} from '../backups/backups-keys.js';
import {NODE_HANDLERS, toggleTimeframe} from './nodes-keys.js';

/** Scopes in which the deck's keys apply: a pane has the keys, no prompt or dialog is open. */
const PANE_SCOPES: ReadonlySet<Scope> = new Set(['fleet', 'detail', 'topology', 'zfs', 'logs', 'upgrade', 'tasks', 'problems', 'backups', 'nodes']);

export interface DeckKeyContext {
	store: StoreApi<AppState>;
	keymap: Keymap;
	scope: Scope;
	/** The focused pane's body size (page keys move by it). */
	pageRows: number;
	/** The focused pane's width (the log split keys check it). */
	paneWidth: number;
	/** The action dispatcher's commands (absent: no connection). */
	commands?: Commands;
	/** The help overlay's scroll (help paging). */
	scrollHelp(to: 'page' | 'pageUp' | 'top' | 'bottom'): void;
}

/** Cells one press of the grow/shrink keys moves a split by. */
export const GROW_STEP = 4;

function say(state: AppState, text: string, tone: 'info' | 'error' | 'ok' = 'info'): void {
	state.actions.deckNotice({pane: state.deck.focus, text, tone, at: Date.now()});
}

function kindOf(store: StoreApi<AppState>, id: string): PaneKind | undefined {
	return leavesOf(currentLayout(store).root).find((l) => l.id === id)?.pane;
}

/** Focus a leaf; a logs leaf also makes its log pane the one the log keys act on. */
export function focusLeaf(store: StoreApi<AppState>, id: string, kind: PaneKind, zoom: boolean): void {
	const state = store.getState();
	state.actions.deckFocus(id, kind, zoom);
	if (kind !== 'logs') return;
	const leaf = leavesOf(currentLayout(store).root).find((l) => l.id === id);
	const pane = logPaneOf(store.getState(), leaf?.source);
	const index = pane ? state.logs.panes.findIndex((p) => p.id === pane.id) : -1;
	if (index !== -1 && index !== state.logs.focus) state.actions.logsFocus(index - state.logs.focus);
}

function cycle(store: StoreApi<AppState>, delta: number): void {
	const state = store.getState();
	const ids = state.deck.shown;
	if (ids.length <= 1) return say(state, 'one pane in this layout: :layout triage shows several');
	const at = Math.max(0, ids.indexOf(state.deck.focus));
	const next = ids[(at + delta + ids.length) % ids.length]!;
	// Moving the focus unzooms, as in tmux.
	focusLeaf(store, next, kindOf(store, next) ?? 'fleet', false);
}

function digit(store: StoreApi<AppState>, kind: PaneKind): void {
	const state = store.getState();
	if (state.ui.screen === kind && state.deck.zoomed) {
		state.actions.deckZoom(false);
		return;
	}
	const leaf = leavesOf(currentLayout(store).root).find((l) => l.pane === kind);
	focusLeaf(store, leaf?.id ?? kind, kind, true);
}

/** `:layout NAME` (also used by the command table). Returns the notice to show. */
export function switchLayout(store: StoreApi<AppState>, name: string | undefined): string | undefined {
	const layouts = layoutsOf(store);
	const names = layouts.map((l) => l.name).join(', ');
	if (!name) return `layout ${store.getState().deck.layout} — :layout NAME switches (${names})`;
	const layout = findLayout(layouts, name);
	if (!layout) return `unknown layout "${name}" — known: ${names}`;
	const state = store.getState();
	const leaves = leavesOf(layout.root);
	const keep = leaves.find((l) => l.pane === state.ui.screen) ?? leaves[0]!;
	state.actions.deckLayout(layout.name, {id: keep.id, kind: keep.pane});
	return undefined;
}

type DeckHandler = (store: StoreApi<AppState>, ctx: DeckKeyContext) => void;

const DECK_HANDLERS: Record<string, DeckHandler> = {
	'deck.focusNext': (store) => cycle(store, 1),
	'deck.focusPrev': (store) => cycle(store, -1),
	'deck.zoom': (store) => {
		const state = store.getState();
		if (state.deck.shown.length <= 1 && !state.deck.zoomed) return say(state, 'this pane already has the whole body');
		state.actions.deckZoom(!state.deck.zoomed);
	},
	'deck.grow': (store) => grow(store, GROW_STEP),
	'deck.shrink': (store) => grow(store, -GROW_STEP),
	'deck.follow': (store) => {
		const state = store.getState();
		state.actions.deckFollow(!state.deck.follow);
		say(state, state.deck.follow ? 'logs stay on this journal (F follows again)' : 'logs follow the selected guest', 'ok');
	},
	'deck.back': (store) => store.getState().actions.deckBack(),
	'act.rollbackUpgrade': (store, ctx) => rollbackLastUpgrade(store, ctx.commands),
	'screen.fleet': (store) => digit(store, 'fleet'),
	'screen.topology': (store) => digit(store, 'topology'),
	'screen.zfs': (store) => digit(store, 'zfs'),
	'screen.logs': (store) => digit(store, 'logs'),
	'screen.upgrade': (store) => digit(store, 'upgrade'),
	'screen.tasks': (store) => digit(store, 'tasks'),
	'screen.problems': (store) => digit(store, 'problems'),
	...Object.fromEntries(EXTRA_PANE_ACTIONS.map((action) => [action, (store: StoreApi<AppState>) => extraPane(store, action)])),
	'screen.backups': (store) => digit(store, 'backups'),
	'screen.nodes': (store) => digit(store, 'nodes'),
	'pulses.timeframe': (store) => toggleTimeframe(store.getState(), (text) => say(store.getState(), text)),
};

/** 0, ), (: the layout's repeated panes (the 2nd–4th log pane of `:layout logs`), focused and zoomed like a digit. */
function extraPane(store: StoreApi<AppState>, action: string): void {
	const state = store.getState();
	const leaf = extraLeaf(currentLayout(store), action);
	if (!leaf) return say(state, `no such pane in layout ${state.deck.layout}: its panes' keys are in their titles`);
	if (state.deck.focus === leaf.id && state.deck.zoomed) return state.actions.deckZoom(false);
	focusLeaf(store, leaf.id, leaf.pane, true);
}

/** R: the selected guest back to the snapshot its last proxdeck upgrade took first — via the confirm dialog. */
function rollbackLastUpgrade(store: StoreApi<AppState>, commands: Commands | undefined): void {
	const state = store.getState();
	const vmid = state.ui.selectedVmid;
	if (vmid === undefined) return say(state, 'no guest selected');
	const last = upgradesOf(store)?.lastUpgrade(vmid);
	if (!last) return say(state, `${vmid}: no proxdeck upgrade in the run journals`);
	if (!last.snapname) return say(state, `${vmid}: its last upgrade (${last.runId}) took no snapshot`);
	if (!commands) return say(state, 'rollback needs a connection');
	commands.rollbackTo(vmid, last.snapname, `before upgrade ${last.runId}`);
}

function grow(store: StoreApi<AppState>, delta: number): void {
	const state = store.getState();
	if (state.deck.zoomed || state.deck.shown.length <= 1) return say(state, 'nothing to resize: this pane has the whole body');
	state.actions.deckGrow(state.deck.focus, delta);
}

const BIG = 1_000_000_000;

type PaneHandler = (state: AppState, ctx: DeckKeyContext) => void;

function moves(move: (state: AppState, delta: number) => void): Record<string, PaneHandler> {
	return {
		'nav.down': (s) => move(s, 1),
		'nav.up': (s) => move(s, -1),
		'nav.top': (s) => move(s, -BIG),
		'nav.bottom': (s) => move(s, BIG),
		'nav.pageDown': (s, c) => move(s, Math.max(1, c.pageRows)),
		'nav.pageUp': (s, c) => move(s, -Math.max(1, c.pageRows)),
	};
}

/** Enter on a compact line: filter the fleet (bridge, gateway, problem) or select the guest (a dataset, the path). */
function openLine(line: {filter?: VmidFilter; vmid?: number} | undefined, store: StoreApi<AppState>): void {
	const state = store.getState();
	if (line?.filter) return state.actions.filterFleetTo(line.filter);
	if (line?.vmid === undefined) return say(state, 'nothing to open on this line');
	if (!state.guests.has(line.vmid)) return say(state, `${line.vmid} is not in the fleet`);
	state.actions.deckFocus('fleet', 'fleet', false);
	// A filter that hides the guest goes first; then the cursor moves onto it.
	if (!selectVisibleRows(store.getState()).some((r) => r.vmid === line.vmid)) state.actions.clearFilter();
	selectInFleet(store, line.vmid);
}

/** Moves the fleet's cursor onto `vmid` if it is among the visible rows. */
function selectInFleet(store: StoreApi<AppState>, vmid: number): void {
	const state = store.getState();
	const rows = selectVisibleRows(state);
	const index = rows.findIndex((r) => r.vmid === vmid);
	const current = Math.max(0, rows.findIndex((r) => r.vmid === state.ui.selectedVmid));
	if (index !== -1) state.actions.moveSelection(index - current);
}

// The compact topology/ZFS panes keep their own line lists; zoomed, the full screens' handlers apply (screen-actions.ts).
const COMPACT_HANDLERS: Partial<Record<Scope, Record<string, PaneHandler>>> = {
	topology: {
		...moves((s, d) => s.actions.topologyMove(d, selectCompactTopology(s).length)),
		'topo.open': (s, c) => openLine(selectCompactTopology(s)[s.topology.cursor], c.store),
	},
	zfs: {
		...moves((s, d) => s.actions.zfsMove(d, selectCompactZfs(s, 80).length)),
		'zfs.open': (s, c) => openLine(selectCompactZfs(s, 80)[s.zfs.cursor], c.store),
	},
};

const TASK_HANDLERS: Record<string, PaneHandler> = {
	'task.older': (s) => s.actions.moveTaskCursor(1),
	'task.newer': (s) => s.actions.moveTaskCursor(-1),
	'tasks.pageDown': (s, c) => s.actions.moveTaskCursor(Math.max(1, c.pageRows)),
	'tasks.pageUp': (s, c) => s.actions.moveTaskCursor(-Math.max(1, c.pageRows)),
	'tasks.top': (s) => s.actions.moveTaskCursor(-BIG),
	'tasks.bottom': (s) => s.actions.moveTaskCursor(BIG),
	// The strip's title says which (failed only / the count).
	'tasks.failedOnly': (s) => s.actions.deckTasksFailedOnly(!s.deck.tasksFailedOnly),
	'deck.back': (s) => s.actions.deckBack(),
};

/** Enter on a problem: its place — the guest in the fleet, the guests it concerns, the pool, the task, the run. */
function openProblem(state: AppState, ctx: DeckKeyContext): void {
	const problem = state.problems.list[state.problems.cursor];
	if (!problem) return say(state, 'no problem here');
	const t = problem.target;
	const {store} = ctx;
	switch (t.kind) {
		case 'guest':
			return openLine({vmid: t.vmid}, store);
		case 'guests': {
			state.actions.filterFleetTo({label: t.label, vmids: new Set(t.vmids)});
			// The first guest named is the one the problem is about (a down gateway): the cursor goes there.
			return selectInFleet(store, t.vmids[0]!);
		}
		case 'node': {
			const vmids = [...state.guests.values()].filter((g) => g.node === t.node).map((g) => g.vmid);
			return state.actions.filterFleetTo({label: `node ${t.node}`, vmids: new Set(vmids)});
		}
		case 'pool':
		case 'storage':
			return digit(store, 'zfs');
		case 'task': {
			const index = state.tasks.findIndex((task) => task.upid === t.upid);
			if (state.deck.tasksFailedOnly) state.actions.deckTasksFailedOnly(false);
			digit(store, 'tasks');
			if (index !== -1) store.getState().actions.moveTaskCursor(index - store.getState().taskCursor);
			return;
		}
		case 'run':
			return digit(store, 'upgrade');
	}
}

/** S on the problems pane: start every down guest a rule says should run (onboot, gateways) — behind the usual confirm. */
function fixProblems(state: AppState, ctx: DeckKeyContext): void {
	const vmids = [...new Set(state.problems.list.flatMap((p) => (p.fix?.kind === 'start' ? p.fix.vmids : [])))];
	if (vmids.length === 0) return say(state, 'no problem here has a safe fix (only down guests that should run can be started from here)');
	if (!ctx.commands) return say(state, 'starting guests needs a connection');
	ctx.commands.startGuests(vmids, 'they should be running (problems)');
}

const PROBLEM_HANDLERS: Record<string, PaneHandler> = {
	'problems.down': (s) => s.actions.moveProblemCursor(1),
	'problems.up': (s) => s.actions.moveProblemCursor(-1),
	'problems.top': (s) => s.actions.moveProblemCursor(-BIG),
	'problems.bottom': (s) => s.actions.moveProblemCursor(BIG),
	'problems.pageDown': (s, c) => s.actions.moveProblemCursor(Math.max(1, c.pageRows)),
	'problems.pageUp': (s, c) => s.actions.moveProblemCursor(-Math.max(1, c.pageRows)),
	'problems.open': openProblem,
	'problems.fix': fixProblems,
	'deck.back': (s) => s.actions.deckBack(),
};

const HELP_HANDLERS: Record<string, PaneHandler> = {
	'help.pageDown': (_s, c) => c.scrollHelp('page'),
	'help.pageUp': (_s, c) => c.scrollHelp('pageUp'),
	'help.top': (_s, c) => c.scrollHelp('top'),
	'help.bottom': (_s, c) => c.scrollHelp('bottom'),
};

const LOG_SPLITS: Record<string, number> = {'logs.columns': 4, 'logs.grid': 2, 'logs.rows': 1};

/** Why a log split key cannot apply here (one line), or undefined when it can. */
export function logSplitRefusal(state: AppState, action: string, width: number): string | undefined {
	const count = state.logs.panes.length;
	if (!state.deck.zoomed) return 'this pane shows one journal: z zooms to arrange every log pane';
	if (count <= 1) return 'one log pane: nothing to arrange (o opens another)';
	const perRow = Math.min(count, LOG_SPLITS[action]!);
	if (perRow <= 1) return undefined;
	// The same rule paneGrid applies (pane-layout.ts): each pane keeps MIN_SIDE_BY_SIDE columns.
	const needed = perRow * MIN_SIDE_BY_SIDE;
	if (width / perRow < MIN_SIDE_BY_SIDE) return `side by side needs ${needed} columns (${MIN_SIDE_BY_SIDE} a pane); ${width} here, so they stay stacked`;
	return undefined;
}

/** Handles the key if it is the deck's (or a compact pane's); false leaves it to the screen handlers. */
export function handleDeckKey(input: string, key: Key, ctx: DeckKeyContext): boolean {
	const {store, keymap, scope} = ctx;
	const state = store.getState();
	if (scope === 'help') {
		const action = matchAction(keymap, 'help', input, key);
		const handler = action === undefined ? undefined : HELP_HANDLERS[action];
		if (!handler) return false;
		handler(state, ctx);
		return true;
	}
	if (!PANE_SCOPES.has(scope)) return false;
	const name = keyName(input, key);
	const deckAction = name === undefined ? undefined : keymap.lookup.get('deck')?.get(name);
	const own = matchAction(keymap, scope, input, key);
	// Zoomed, a pane is the screen it was: its own keys first.
	const action = state.deck.zoomed && own !== undefined && own !== 'app.forceQuit' ? own : (deckAction ?? own);
	if (action === undefined) return false;
	const deckHandler = DECK_HANDLERS[action];
	if (deckHandler) {
		deckHandler(store, ctx);
		return true;
	}
	if (scope === 'problems') {
		const handler = PROBLEM_HANDLERS[action];
		if (!handler) return false;
		handler(state, ctx);
		return true;
	}
	if (scope === 'backups') {
		const handler = BACKUPS_HANDLERS[action];
		if (!handler) return false;
		handler(state, {commands: ctx.commands, now: Date.now(), openGuest: (vmid) => openLine({vmid}, store), say: (text) => say(store.getState(), text)});
		return true;
	}
	if (scope === 'nodes') {
		const handler = NODE_HANDLERS[action];
		if (!handler) return false;
		handler(state);
		return true;
	}
	if (scope === 'tasks') {
		const handler = TASK_HANDLERS[action];
		if (!handler) return false;
		handler(state, ctx);
		return true;
	}
	if (scope === 'logs' && LOG_SPLITS[action]) {
		const why = logSplitRefusal(state, action, ctx.paneWidth);
		if (why) {
			say(state, why);
			return true;
		}
		return false;
	}
	if (!state.deck.zoomed) {
		const handler = COMPACT_HANDLERS[scope]?.[action];
		if (handler) {
			handler(state, ctx);
			return true;
		}
	}
	if (scope === 'zfs' && action === 'zfs.open') {
		// Zoomed: the row under the cursor is a consumer of the full table.
		const consumer = selectConsumers(state)[state.zfs.cursor];
		openLine(consumer?.vmid !== undefined ? {vmid: consumer.vmid} : undefined, store);
		return true;
	}
	return false;
}

export const DECK_ACTIONS: readonly string[] = [...Object.keys(DECK_HANDLERS), ...Object.keys(TASK_HANDLERS), ...Object.keys(PROBLEM_HANDLERS), ...Object.keys(HELP_HANDLERS), ...Object.keys(BACKUPS_HANDLERS), ...Object.keys(NODE_HANDLERS), 'zfs.open', 'topo.open'];

