// No key silently does nothing (issue 11): a key the keymap binds in another
// pane says whose it is and how to get there, and a key that would change
// nothing now (esc without a filter, ^X without marks) says why — one line,
// on the pane that has the keys.

import type {Key} from 'ink';
import {keyLabel, keyName, type Keymap, type Scope} from '../../keymaps/index.js';
import type {AppState} from '../../source/store/types.js';
import type {PaneKind} from './layout-engine.js';

/** The pane whose keys each pane scope holds, for "a key of the log panes (4 focuses them)". */
const SCOPE_PANES: Partial<Record<Scope, {kind: PaneKind; label: string}>> = {
	fleet: {kind: 'fleet', label: 'the fleet'},
	topology: {kind: 'topology', label: 'the topology pane'},
	zfs: {kind: 'zfs', label: 'the ZFS pane'},
	logs: {kind: 'logs', label: 'the log panes'},
	upgrade: {kind: 'upgrade', label: 'the upgrade pane'},
	tasks: {kind: 'tasks', label: 'the tasks pane'},
	problems: {kind: 'problems', label: 'the problems pane'},
};

/** Scopes where a pane has the keys (no prompt, dialog or overlay open). */
export const PANE_KEY_SCOPES: ReadonlySet<Scope> = new Set(['fleet', 'detail', 'topology', 'zfs', 'logs', 'upgrade', 'tasks', 'problems']);

/** One line on the pane that has the keys: the fleet's footer, else the focused pane's title. */
export function sayOnFocus(state: AppState, text: string, now: number): void {
	if (state.ui.screen === 'fleet') state.actions.showNotice({text, tone: 'info', at: now});
	else state.actions.deckNotice({pane: state.deck.focus, text, tone: 'info', at: now});
}

/** The digit that focuses a pane kind (the keymap's screen.* binding in the deck scope). */
function digitOf(keymap: Keymap, kind: PaneKind): string | undefined {
	return keymap.bindings.find((b) => b.scope === 'deck' && b.action === `screen.${kind}`)?.keys[0];
}

/**
 * Why a key unbound in `scope` does nothing here: it belongs to another pane
 * ("u upgrade (plan first): a key of the fleet — 1 focuses it"). Undefined
 * for a key no pane binds (typing noise stays quiet).
 */
export function elsewhereReason(keymap: Keymap, scope: Scope, input: string, key: Key): string | undefined {
	const name = keyName(input, key);
	if (name === undefined) return undefined;
	const own = scope === 'detail' ? 'fleet' : scope;
	const binding = keymap.bindings.find((b) => b.keys.includes(name) && b.scope !== own && SCOPE_PANES[b.scope] !== undefined);
	if (!binding) return undefined;
	const pane = SCOPE_PANES[binding.scope]!;
	const digit = digitOf(keymap, pane.kind);
	return `${keyLabel(name)} ${binding.description}: a key of ${pane.label}${digit ? ` — ${digit} focuses it` : ''}`;
}

/** Why an action bound here would change nothing now, or undefined when it acts. */
export function noEffectReason(action: string, state: AppState): string | undefined {
	switch (action) {
		case 'filter.clear':
			return state.ui.filter === '' && state.ui.vmidFilter === undefined ? 'no filter to clear (/ filters)' : undefined;
		case 'mark.clear':
			return state.marks.size === 0 ? 'no marks to clear (space marks a row)' : undefined;
		case 'view.detail':
			return state.ui.selectedVmid === undefined ? 'no guest selected' : undefined;
		case 'task.older':
		case 'task.newer':
			if (state.tasks.length === 0) return 'no tasks yet';
			// In the fleet these page the tasks pane below the table (t); the deck's tasks strip has its own j/k.
			return state.ui.screen === 'fleet' && state.pane !== 'tasks' ? 'the tasks pane is closed: t opens it' : undefined;
		case 'logs.bottom': {
			const pane = state.logs.panes[state.logs.focus];
			return pane?.follow ? 'already at the newest line, following' : undefined;
		}
		default:
			return undefined;
	}
}
