// Keys of the upgrade screen, and `u` in the fleet (plan the marked
// containers, else the selected one). App calls handleUpgradeKey before its
// own dispatch; it returns false for keys it leaves to App (`:`, `?`, `1`).

import {offlineNodeReason} from '../../source/store/selectors.js';
import type {Key} from 'ink';
import type {StoreApi} from 'zustand/vanilla';
import {matchAction, type Keymap, type Scope} from '../../keymaps/index.js';
import type {UpgradeController} from '../../source/services/upgrade/controller.js';
import {upgradesOf} from '../../source/services/upgrade/registry.js';
import type {AppState} from '../../source/store/types.js';
import {sayOnFocus} from '../deck/key-reasons.js';

export interface UpgradeKeyContext {
	store: StoreApi<AppState>;
	keymap: Keymap;
	scope: Scope;
}

const SCREEN_KEYS: Record<string, (c: UpgradeController) => void> = {
	'upgrade.down': (c) => c.move(1),
	'upgrade.up': (c) => c.move(-1),
	'upgrade.activate': (c) => c.activate(),
	'upgrade.focus': (c) => c.switchFocus(),
	'upgrade.back': (c) => c.back(),
	'upgrade.more': (c) => c.concurrency(1),
	'upgrade.less': (c) => c.concurrency(-1),
	'upgrade.startStopped': (c) => c.toggle('startStopped'),
	'upgrade.withoutSnapshot': (c) => c.toggle('allowNoSnapshot'),
	'upgrade.rollback': (c) => c.toggle('rollback'),
	'upgrade.backupFirst': (c) => c.toggleBackupFirst(),
};

/** The containers `u` acts on: the marked ones in the fleet, else the selected one. */
export function upgradeTargets(state: AppState): number[] {
	const marked = [...state.marks].filter((vmid) => state.guests.get(vmid)?.kind === 'lxc').sort((a, b) => a - b);
	if (marked.length > 0) return marked;
	const selected = state.ui.selectedVmid;
	return selected !== undefined && state.guests.get(selected)?.kind === 'lxc' ? [selected] : [];
}

export function handleUpgradeKey(input: string, key: Key, ctx: UpgradeKeyContext): boolean {
	if (ctx.scope !== 'upgrade' && ctx.scope !== 'fleet' && ctx.scope !== 'detail') return false;
	const action = matchAction(ctx.keymap, ctx.scope, input, key);
	if (action === undefined) return false;
	const controller = upgradesOf(ctx.store);
	const state = ctx.store.getState();
	if (action === 'upgrade.plan') {
		if (!controller) {
			sayOnFocus(state, 'upgrade is disabled (no connection)', Date.now());
			return true;
		}
		const targets = upgradeTargets(state);
		// A container on an offline node cannot be planned: say so, as every other action key does.
		const selected = state.ui.selectedVmid;
		const offline = offlineNodeReason(state, targets.length > 0 ? targets : selected !== undefined ? [selected] : []);
		if (offline) {
			sayOnFocus(state, `upgrade is disabled (${offline})`, Date.now());
			return true;
		}
		if (targets.length === 0) {
			sayOnFocus(state, 'upgrade: no container marked or selected in the fleet', Date.now());
			return true;
		}
		controller.plan(targets);
		return true;
	}
	const handler = ctx.scope === 'upgrade' ? SCREEN_KEYS[action] : undefined;
	if (!handler) return false;
	if (controller) handler(controller);
	else sayOnFocus(state, 'the upgrade pane needs a connection (no upgrade service in this session)', Date.now());
	return true;
}

/** Every keymap action id handled here (the keymap test checks each binding has a handler). */
export const UPGRADE_ACTIONS: readonly string[] = ['upgrade.plan', ...Object.keys(SCREEN_KEYS)];
