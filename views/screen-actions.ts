// What the screen-switching, `:` prompt, topology and ZFS key actions do. The
// App dispatcher tries these before the fleet's (actions.ts); they read the
// store state they are given, so the topology's enter acts on the line the
// view draws under the cursor.

import type {Scope} from '../keymaps/index.js';
import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../source/store/types.js';
import {completeCommand, runCommand} from './commands.js';
import {selectTopologyView} from './topology-lines.js';
import {selectConsumers} from './zfs-lines.js';

export interface ScreenActionContext {
	state: AppState;
	/** The store itself, for `:` commands that reach a service kept beside it (upgrades). */
	store?: StoreApi<AppState>;
	/** The active key scope: the table keys (nav.*) move the topology or ZFS cursor there. */
	scope: Scope;
	quit(): void;
	/** Lines one page moves (the body height of the current layout). */
	pageRows: number;
}

type Handler = (c: ScreenActionContext) => void;

function topologyMove(delta: number): Handler {
	return (c) => c.state.actions.topologyMove(delta, selectTopologyView(c.state).lines.length);
}

function zfsMove(delta: number): Handler {
	return (c) => c.state.actions.zfsMove(delta, selectConsumers(c.state).length);
}

const BIG = 1_000_000_000;

const HANDLERS: Record<string, Handler> = {
	'screen.fleet': (c) => c.state.actions.setScreen('fleet'),
	'screen.topology': (c) => c.state.actions.setScreen('topology'),
	'screen.zfs': (c) => c.state.actions.setScreen('zfs'),
	'screen.upgrade': (c) => c.state.actions.setScreen('upgrade'),
	'command.open': (c) => c.state.actions.openCommand(),
	'command.cancel': (c) => c.state.actions.cancelCommand(),
	'command.backspace': (c) => {
		const draft = c.state.ui.commandDraft;
		if (draft) c.state.actions.editCommand([...draft].slice(0, -1).join(''));
		else c.state.actions.cancelCommand();
	},
	'command.complete': (c) => c.state.actions.editCommand(completeCommand(c.state.ui.commandDraft ?? '')),
	'command.run': (c) => {
		const text = c.state.actions.commitCommand();
		const notice = runCommand(text, {actions: c.state.actions, quit: c.quit, ...(c.store ? {store: c.store} : {})});
		if (notice) c.state.actions.setCommandNotice(notice);
	},
	'topo.open': (c) => {
		const line = selectTopologyView(c.state).lines[c.state.topology.cursor];
		if (line?.filter) c.state.actions.filterFleetTo(line.filter);
	},
	'zfs.sortUsed': (c) => c.state.actions.zfsSort('used'),
	'zfs.sortSnapshots': (c) => c.state.actions.zfsSort('snapshots'),
	'zfs.sortGrowth': (c) => c.state.actions.zfsSort('growth'),
};

// The table's movement keys (same action ids, so a user's remap applies on every screen).
function navigation(move: (delta: number) => Handler): Record<string, Handler> {
	return {
		'nav.down': move(1),
		'nav.up': move(-1),
		'nav.top': move(-BIG),
		'nav.bottom': move(BIG),
		'nav.pageDown': (c) => move(Math.max(1, c.pageRows))(c),
		'nav.pageUp': (c) => move(-Math.max(1, c.pageRows))(c),
	};
}

const SCOPE_HANDLERS: Partial<Record<Scope, Record<string, Handler>>> = {
	topology: navigation(topologyMove),
	zfs: navigation(zfsMove),
};

/** Runs a screen action id; false when it is not one of these (the fleet dispatcher handles it). */
export function runScreenAction(id: string, ctx: ScreenActionContext): boolean {
	const handler = SCOPE_HANDLERS[ctx.scope]?.[id] ?? HANDLERS[id];
	if (!handler) return false;
	handler(ctx);
	return true;
}

export const SCREEN_ACTIONS: readonly string[] = Object.keys(HANDLERS);
