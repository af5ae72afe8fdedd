// What each keymap action id does. The dispatcher in App looks a key up in
// the keymap and runs the matching entry here; nothing else reads raw keys.

import type {AppActions, SortKey} from '../source/store/types.js';
import {SCREEN_ACTIONS} from './screen-actions.js';
import {OPS_ACTIONS} from './ops-keys.js';
import {LOGS_ACTIONS} from './logs/log-keys.js';
import {UPGRADE_ACTIONS} from './upgrade/upgrade-keys.js';

export interface ActionContext {
	actions: AppActions;
	hasSelection: boolean;
	filterDraft: string | null;
	quit(): void;
	scrollHelp(delta: number | 'reset'): void;
}

const SORT_KEYS: SortKey[] = ['vmid', 'name', 'node', 'status', 'cpu', 'mem', 'disk', 'uptime', 'net', 'tags', 'lock', 'backup', 'ha'];

const HANDLERS: Record<string, (ctx: ActionContext) => void> = {
	'nav.down': (c) => c.actions.moveSelection(1),
	'nav.up': (c) => c.actions.moveSelection(-1),
	'nav.pageDown': (c) => c.actions.pageDown(),
	'nav.pageUp': (c) => c.actions.pageUp(),
	'nav.top': (c) => c.actions.selectFirst(),
	'nav.bottom': (c) => c.actions.selectLast(),
	'view.detail': (c) => {
		if (c.hasSelection) c.actions.setOverlay('detail');
	},
	'detail.close': (c) => c.actions.setOverlay('none'),
	'view.help': (c) => {
		c.scrollHelp('reset');
		c.actions.setOverlay('help');
	},
	'help.close': (c) => c.actions.setOverlay('none'),
	'help.down': (c) => c.scrollHelp(1),
	'help.up': (c) => c.scrollHelp(-1),
	'filter.open': (c) => c.actions.openFilter(),
	'filter.clear': (c) => c.actions.cancelFilter(),
	'filter.commit': (c) => c.actions.commitFilter(),
	'filter.cancel': (c) => c.actions.cancelFilter(),
	'filter.backspace': (c) => {
		// Drop the last code point, not the last UTF-16 unit.
		if (c.filterDraft) c.actions.editFilter([...c.filterDraft].slice(0, -1).join(''));
	},
	'app.quit': (c) => c.quit(),
	'app.forceQuit': (c) => c.quit(),
	...Object.fromEntries(SORT_KEYS.map((key) => [`sort.${key}`, (c: ActionContext) => c.actions.setSort(key)])),
};

/** Runs an action id; false when the id has no handler (a keymap/code mismatch). */
export function runAction(id: string, ctx: ActionContext): boolean {
	const handler = HANDLERS[id];
	if (!handler) return false;
	handler(ctx);
	return true;
}

// Screen, prompt, topology and ZFS actions run in screen-actions.ts (App tries them first).
// Actions, marks, panes and dialogs (issue 4) run in ops-keys.ts (App tries them first).
// Log panes and the fleet keys that open them (issue 5) run in logs/log-keys.ts (App tries them first).
export const HANDLED_ACTIONS: readonly string[] = [...Object.keys(HANDLERS), ...SCREEN_ACTIONS, ...OPS_ACTIONS, ...LOGS_ACTIONS, ...UPGRADE_ACTIONS];
