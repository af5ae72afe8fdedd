// Keys of the logs screen and the two fleet keys that open a journal. App
// calls handleLogsKey first; it returns false for keys it leaves to App
// (screen switches, `:`, `?`, quit), so those work the same on every screen.

import type {Key} from 'ink';
import type {StoreApi} from 'zustand/vanilla';
import {matchAction, type Keymap, type Scope} from '../../keymaps/index.js';
import type {LogsService} from '../../source/services/logs/panes.js';
import {logsOf} from '../../source/services/logs/registry.js';
import {guestSpec, hostSpec} from '../../source/services/logs/specs.js';
import type {LogSourceSpec} from '../../source/store/logs-types.js';
import type {AppState} from '../../source/store/types.js';
import {errorLine} from '../../source/services/error-line.js';
import {sanitize} from '../../source/util/sanitize.js';
import {paneGrid} from './pane-layout.js';
import {pickerOptions} from './picker.js';
import {promptHeight} from './LogsScreen.js';

export interface LogsKeyContext {
	store: StoreApi<AppState>;
	keymap: Keymap;
	scope: Scope;
	/** The screen body the panes share (App's layout). */
	body: {width: number; height: number};
}

/** The scope of the logs screen, by what is open on it. */
export function logsScope(state: AppState): Scope {
	const prompt = state.logs.prompt;
	if (prompt?.kind === 'filter') return 'logfilter';
	if (prompt?.kind === 'open') return 'logopen';
	return 'logs';
}

/** Content lines of the focused pane (its height less the title line). */
function focusedPageRows(state: AppState, body: {width: number; height: number}): number {
	const {panes, layout, focus} = state.logs;
	const rects = paneGrid(layout, panes.length, body.width, body.height - promptHeight(state)).flat();
	return Math.max(1, (rects[focus]?.height ?? body.height) - 1);
}

type Handler = (c: {state: AppState; service: LogsService; paneId: number | undefined; page: number}) => void;

function onPane(fn: (service: LogsService, id: number, state: AppState, page: number) => void): Handler {
	return ({service, paneId, state, page}) => {
		if (paneId !== undefined) fn(service, paneId, state, page);
	};
}

function toggle(field: 'showTimestamps' | 'wrap'): Handler {
	return onPane((_s, id, state) => {
		const pane = state.logs.panes.find((p) => p.id === id)!;
		state.actions.logsPaneChanged(id, {[field]: !pane[field]});
	});
}

function pick(delta: number): Handler {
	return ({state, service}) => {
		const prompt = state.logs.prompt;
		if (prompt?.kind !== 'open') return;
		const count = pickerOptions(state, service).length;
		state.actions.logsPrompt({kind: 'open', cursor: (prompt.cursor + delta + count) % count});
	};
}

const HANDLERS: Record<string, Handler> = {
	'logs.focusNext': ({state}) => state.actions.logsFocus(1),
	'logs.focusPrev': ({state}) => state.actions.logsFocus(-1),
	'logs.follow': onPane((s, id) => s.toggleFollow(id)),
	'logs.down': onPane((s, id, _st, page) => s.scroll(id, 1, page)),
	'logs.up': onPane((s, id, _st, page) => s.scroll(id, -1, page)),
	'logs.pageDown': onPane((s, id, _st, page) => s.scroll(id, page, page)),
	'logs.pageUp': onPane((s, id, _st, page) => s.scroll(id, -page, page)),
	'logs.top': onPane((s, id, _st, page) => s.scrollToTop(id, page)),
	'logs.bottom': onPane((s, id) => s.resume(id)),
	'logs.timestamps': toggle('showTimestamps'),
	'logs.wrap': toggle('wrap'),
	'logs.clear': onPane((s, id) => s.clear(id)),
	'logs.save': onPane((s, id, state) => {
		try {
			const lines = s.buffer(id)?.length ?? 0;
			const path = s.save(id);
			state.actions.logsNotice(`saved ${lines.toLocaleString('en-US')} lines to ${path}`);
		} catch (error) {
			state.actions.logsNotice(`could not save: ${errorLine(error)}`);
		}
	}),
	'logs.close': onPane((s, id) => s.close(id)),
	'logs.rows': ({state}) => state.actions.logsLayout('rows'),
	'logs.columns': ({state}) => state.actions.logsLayout('columns'),
	'logs.grid': ({state}) => state.actions.logsLayout('grid'),
	'logs.filter': onPane((_s, id, state) => {
		const pane = state.logs.panes.find((p) => p.id === id)!;
		state.actions.logsPrompt({kind: 'filter', draft: `${pane.invert ? '!' : ''}${pane.filter}`});
	}),
	'logs.filterCommit': onPane((s, id, state) => {
		const prompt = state.logs.prompt;
		state.actions.logsPrompt(null);
		if (prompt?.kind === 'filter') s.setFilter(id, prompt.draft.trim());
	}),
	'logs.filterCancel': ({state}) => state.actions.logsPrompt(null),
	'logs.filterBackspace': ({state}) => {
		const prompt = state.logs.prompt;
		if (prompt?.kind === 'filter') state.actions.logsPrompt({kind: 'filter', draft: [...prompt.draft].slice(0, -1).join('')});
	},
	'logs.open': ({state}) => state.actions.logsPrompt({kind: 'open', cursor: 0}),
	'logs.pickDown': pick(1),
	'logs.pickUp': pick(-1),
	'logs.pickCancel': ({state}) => state.actions.logsPrompt(null),
	'logs.pickOpen': ({state, service}) => {
		const prompt = state.logs.prompt;
		if (prompt?.kind !== 'open') return;
		const option = pickerOptions(state, service)[prompt.cursor];
		if (!option?.spec) {
			state.actions.logsNotice(`${option?.label ?? 'that'}: ${option?.why ?? 'not available'}`);
			return;
		}
		state.actions.logsPrompt(null);
		service.open(option.spec);
	},
};

/** Opens a pane from the fleet and shows the logs screen. */
function openFromFleet(store: StoreApi<AppState>, spec: LogSourceSpec | undefined, missing: string): void {
	const state = store.getState();
	const service = logsOf(store);
	state.actions.setScreen('logs');
	if (!service) return;
	if (!spec) state.actions.logsNotice(missing);
	else service.open(spec);
}

const FLEET_HANDLERS: Record<string, (store: StoreApi<AppState>) => void> = {
	'logs.openGuest': (store) => openFromFleet(store, guestSpec(store.getState()), 'no guest selected'),
	'logs.openHost': (store) => openFromFleet(store, hostSpec(store.getState()), 'no node known yet'),
	'screen.logs': (store) => store.getState().actions.setScreen('logs'),
};

/** Every action id handled here (the keymap test checks each binding has a handler). */
export const LOGS_ACTIONS: readonly string[] = [...Object.keys(HANDLERS), ...Object.keys(FLEET_HANDLERS)];

/** Handles a key of the logs screen, or a fleet key that opens logs; false leaves it to App. */
export function handleLogsKey(input: string, key: Key, ctx: LogsKeyContext): boolean {
	const {store, scope} = ctx;
	const action = matchAction(ctx.keymap, scope, input, key);
	const fleetHandler = action === undefined ? undefined : FLEET_HANDLERS[action];
	if (fleetHandler) {
		fleetHandler(store);
		return true;
	}
	if (scope !== 'logs' && scope !== 'logfilter' && scope !== 'logopen') return false;
	let state = store.getState();
	// A notice (saved to …, invalid regex) lasts until the next key.
	if (state.logs.notice !== undefined) {
		state.actions.logsNotice(undefined);
		state = store.getState();
	}
	const service = logsOf(store);
	const handler = action === undefined ? undefined : HANDLERS[action];
	if (!handler) {
		if (scope === 'logfilter' && action === undefined && input !== '' && !key.ctrl && !key.meta) {
			const prompt = state.logs.prompt;
			const typed = sanitize(input);
			if (prompt?.kind === 'filter' && typed !== '') state.actions.logsPrompt({kind: 'filter', draft: prompt.draft + typed});
			return true;
		}
		// Prompts take every key but the global ones (ctrl+c).
		return scope !== 'logs' && action !== 'app.forceQuit';
	}
	if (!service) return true;
	const pane = state.logs.panes[state.logs.focus];
	handler({state, service, paneId: pane?.id, page: focusedPageRows(state, ctx.body)});
	return true;
}
