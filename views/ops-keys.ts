// Keys of the action side: an open dialog takes every key first (its own
// scope), then the action, mark and pane keys of the guest table. Everything
// that changes a guest goes to the Commands interface; marks and panes are
// plain store actions. App calls handleOpsKey before its own dispatcher.

import type {Key} from 'ink';
import type {StoreApi} from 'zustand/vanilla';
import {isDangerous, matchAction, type Keymap, type Scope} from '../keymaps/index.js';
import type {Commands} from '../source/services/actions/commands.js';
import {offlineNodeReason, selectVisibleRows} from '../source/store/selectors.js';
import {ACTIONS} from '../source/services/actions/catalog.js';
import {actionTargets} from '../source/services/actions/commands.js';
import type {UpgradeController} from '../source/services/upgrade/controller.js';
import {upgradeTargets} from './upgrade/upgrade-keys.js';
import type {ActionId} from '../source/store/ops-types.js';
import type {AppState} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import {sayOnFocus} from './deck/key-reasons.js';

/** Key action id → the action it requests (the keymap's `act.*` ids). */
export const ACTION_KEYS: Record<string, ActionId> = {
	'act.snapshot': 'snapshot',
	'act.reboot': 'reboot',
	'act.start': 'start',
	'act.shutdown': 'shutdown',
	'act.stop': 'stop',
	'act.rollback': 'rollback',
	'act.prune': 'prune',
	'act.backup': 'backup',
	'act.restore': 'restore',
};

/** The scope of an open dialog, undefined when none is open. */
export function dialogScope(state: AppState): Scope | undefined {
	if (!state.dialog) return undefined;
	return state.dialog.kind === 'picker' ? 'picker' : state.dialog.kind === 'backups' ? 'backuplist' : 'dialog';
}

function runDialogAction(action: string | undefined, input: string, key: Key, commands: Commands): void {
	const d = commands.dialog;
	switch (action) {
		case 'dialog.cancel':
			return d.cancel();
		case 'dialog.activate':
			return d.activate();
		case 'dialog.next':
			return d.focusNext();
		case 'dialog.prev':
			return d.focusPrev();
		case 'dialog.backspace':
			return d.backspace();
		case 'dialog.down':
			return d.move(1);
		case 'dialog.up':
			return d.move(-1);
		case 'dialog.toggle':
			return d.toggle();
		case 'dialog.delete':
			return d.deleteSnapshot();
		case undefined: {
			// Unbound printable text goes into the focused field (prompts and type-to-confirm).
			if (input !== '' && !key.ctrl && !key.meta) {
				const typed = sanitize(input);
				if (typed !== '') d.type(typed);
			}
			return;
		}
		default:
			// A global key (ctrl+c) is left to App.
			return;
	}
}

/**
 * Handles the key if it belongs to the action side; returns false to let App
 * handle it. `scope` is App's active scope (used when no dialog is open).
 */
export function handleOpsKey(input: string, key: Key, ctx: {store: StoreApi<AppState>; keymap: Keymap; commands?: Commands; scope: Scope}): boolean {
	const state = ctx.store.getState();
	const inDialog = dialogScope(state);
	if (inDialog && ctx.commands) {
		const action = matchAction(ctx.keymap, inDialog, input, key);
		if (action === 'app.forceQuit') return false;
		runDialogAction(action, input, key, ctx.commands);
		return true;
	}
	if (ctx.scope !== 'fleet' && ctx.scope !== 'detail') return false;
	const action = matchAction(ctx.keymap, ctx.scope, input, key);
	if (action === undefined) return false;
	const requested = ACTION_KEYS[action];
	if (requested) {
		if (ctx.commands) ctx.commands.request(requested);
		else state.actions.showNotice({text: `${requested} is disabled (no connection)`, tone: 'info', at: Date.now()});
		return true;
	}
	const a = state.actions;
	switch (action) {
		case 'mark.toggle':
			// Marks and moves down, so several rows are marked with repeated presses.
			if (state.ui.selectedVmid !== undefined) {
				a.toggleMark(state.ui.selectedVmid);
				a.moveSelection(1);
			}
			return true;
		case 'mark.all':
			a.markAll(selectVisibleRows(state).map((row) => row.vmid));
			return true;
		case 'mark.clear':
			a.clearMarks();
			return true;
		case 'pane.tasks':
			a.setPane(state.pane === 'tasks' ? 'none' : 'tasks');
			return true;
		case 'pane.audit':
			a.setPane(state.pane === 'audit' ? 'none' : 'audit');
			return true;
		case 'task.older':
			a.moveTaskCursor(1);
			return true;
		case 'task.newer':
			a.moveTaskCursor(-1);
			return true;
		default:
			return false;
	}
}

export interface DisabledContext {
	state: AppState;
	/** Its `dangerous: true` bindings are refused in read-only mode too (a user's own dangerous key). */
	keymap: Keymap;
	commands?: Commands;
	/** The upgrade controller, when the console has one. */
	upgrades?: UpgradeController;
}

interface GuardedKey {
	/** What the one refusal line calls it: "reboot is disabled (read-only)". */
	what: string;
	reason(c: DisabledContext): string | undefined;
}

/** The open snapshot picker's browse-only reason (read-only, a missing privilege), if it is open. */
function browseOnly(c: DisabledContext): string | undefined {
	const d = c.state.dialog;
	return d?.kind === 'picker' && d.browseOnly ? `browse only: ${d.browseOnly}` : undefined;
}

/**
 * Every key that changes something on a host, or opens the dialog that does:
 * the one table read-only, offline nodes and privileges are decided by. The
 * footer and `?` dim a key it disables and say why; the dispatcher (App)
 * refuses the key with one line, and nothing opens.
 */
const GUARDED_KEYS: Record<string, GuardedKey> = {
	...Object.fromEntries(
		Object.entries(ACTION_KEYS).map(([id, action]): [string, GuardedKey] => [
			id,
			{what: ACTIONS[action].verb, reason: (c) => (c.commands ? c.commands.disabledReason(action) : c.state.badges.readOnly ? 'read-only' : 'no connection')},
		]),
	),
	'upgrade.plan': {
		what: 'upgrade',
		reason: (c) => {
			const targets = upgradeTargets(c.state);
			if (c.upgrades) return c.upgrades.disabledReason(targets);
			return c.state.badges.readOnly ? 'read-only' : (offlineNodeReason(c.state, targets) ?? 'no connection');
		},
	},
	// The picker's keys: its footer offers them, so in browse-only mode they say why, like the table's keys.
	'dialog.activate': {what: 'rollback', reason: browseOnly},
	'dialog.toggle': {what: 'start after rollback', reason: browseOnly},
	'dialog.delete': {
		what: 'delete',
		reason: (c) => {
			const d = c.state.dialog;
			if (d?.kind !== 'picker') return undefined;
			return browseOnly(c) ?? c.commands?.disabledReason('delsnapshot');
		},
	},
};

/** Why a keymap action cannot run now (the footer and help dim it and say why), or undefined. */
export function keyDisabledReason(action: string, c: DisabledContext): string | undefined {
	const guarded = GUARDED_KEYS[action];
	if (!guarded) return c.state.badges.readOnly && isDangerous(c.keymap, action) ? 'read-only' : undefined;
	const reason = guarded.reason(c);
	if (!reason || action !== 'act.rollback') return reason;
	// b still opens the snapshot list to read when rolling back is off (not without a connection or on an offline node: nothing to read).
	if (!c.commands || offlineNodeReason(c.state, actionTargets(c.state).vmids)) return reason;
	return `browse only: ${reason}`;
}

/**
 * The dispatcher's check, before any handler: a disabled key shows one line
 * and does nothing. Returns true when it refused the key. b is let through
 * when it can still list snapshots (browse only).
 */
export function refuseDisabledKey(action: string | undefined, c: DisabledContext, now: number): boolean {
	if (action === undefined) return false;
	const reason = keyDisabledReason(action, c);
	if (!reason || (reason.startsWith('browse only: ') && action === 'act.rollback')) return false;
	const what = GUARDED_KEYS[action]?.what ?? c.keymap.bindings.find((b) => b.action === action)?.description ?? action;
	const text = `${what} is disabled (${reason.replace(/^browse only: /, '')})`;
	// In the fleet's footer, or on the title of the pane that has the keys.
	sayOnFocus(c.state, text, now);
	return true;
}

/** Every keymap action id handled here (the keymap test checks each binding has a handler). */
export const OPS_ACTIONS: readonly string[] = [
	...Object.keys(ACTION_KEYS),
	'mark.toggle',
	'mark.all',
	'mark.clear',
	'pane.tasks',
	'pane.audit',
	'task.older',
	'task.newer',
	'dialog.cancel',
	'dialog.activate',
	'dialog.next',
	'dialog.prev',
	'dialog.backspace',
	'dialog.down',
	'dialog.up',
	'dialog.toggle',
	'dialog.delete',
];
