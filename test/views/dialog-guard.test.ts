// The dialog guard's rule on its own (views/dialog-guard.ts): which open
// dialogs it knows (the upgrade screen's questions too) and what it lets
// through from a paste, a hasty key and a deliberate one.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {createDialogGuard, DIALOG_QUIET_MS, openDialogOf, pasteMarker} from '../../views/dialog-guard.js';
import {NO_KEY} from '../../views/key-chunks.js';
import type {UpgradeView} from '../../source/services/upgrade/controller.js';
import type {AppState} from '../../source/store/types.js';

const onUpgradeScreen = {ui: {screen: 'upgrade'}} as unknown as AppState;

describe('dialog guard', () => {
	it('knows the upgrade confirm, quit and stop questions as dialogs', () => {
		const plan = {stage: 'plan', plan: {}, cursor: 0} as unknown as UpgradeView;
		assert.equal(openDialogOf(onUpgradeScreen, plan), undefined, 'the plan table itself is no dialog');
		assert.equal(openDialogOf(onUpgradeScreen, {...plan, confirm: 'cancel'} as UpgradeView)?.id, 'upgrade:confirm');
		const run = {stage: 'run', run: {}, cursor: 0} as unknown as UpgradeView;
		assert.equal(openDialogOf(onUpgradeScreen, {...run, askQuit: 'cancel'} as UpgradeView)?.id, 'upgrade:quit');
		assert.equal(openDialogOf(onUpgradeScreen, {...run, askStop: 'ok'} as UpgradeView)?.id, 'upgrade:stop');
	});

	it('a paste never presses; a hasty key waits out the quiet time; cancel always works', () => {
		let now = 0;
		const guard = createDialogGuard(() => now);
		const dialog = {id: 'upgrade:confirm', scope: 'upgrade' as const, textField: false};
		guard.observe(dialog);
		guard.chunk(1);
		assert.equal(guard.judge(dialog, 'upgrade.activate', false), 'hasty');
		assert.equal(guard.judge(dialog, 'upgrade.back', false), 'pass');
		now += DIALOG_QUIET_MS;
		assert.equal(guard.judge(dialog, 'upgrade.activate', false), 'pass');
		guard.chunk(2);
		assert.equal(guard.judge(dialog, 'upgrade.focus', false), 'pasted');
		guard.chunk(1);
		assert.equal(guard.judge(dialog, 'upgrade.activate', false), 'hasty', 'the key right after a paste is part of it');
		now += DIALOG_QUIET_MS;
		guard.paste('start');
		guard.chunk(1);
		assert.equal(guard.judge(dialog, 'upgrade.activate', false), 'pasted', 'inside a bracketed paste');
		guard.paste('end');
		now += DIALOG_QUIET_MS;
		guard.chunk(1);
		assert.equal(guard.judge(dialog, 'upgrade.activate', false), 'pass');
	});

	it('a paste whose end marker never came stops counting as one after a second without input', () => {
		let now = 0;
		const guard = createDialogGuard(() => now);
		const dialog = {id: 'confirm:reboot:x', scope: 'dialog' as const, textField: false};
		guard.observe(dialog);
		guard.paste('start');
		now += 500;
		guard.chunk(1);
		assert.equal(guard.judge(dialog, 'dialog.activate', false), 'pasted');
		now += 1500;
		guard.chunk(1);
		assert.equal(guard.judge(dialog, 'dialog.activate', false), 'pass');
	});

	it('pasted text fills the snapshot prompt but not type-to-confirm', () => {
		const guard = createDialogGuard(() => 0);
		guard.chunk(5);
		assert.equal(guard.judge({id: 'snapshot', scope: 'dialog', textField: true}, undefined, true), 'pass');
		assert.equal(guard.judge({id: 'confirm:rollback:x', scope: 'dialog', textField: false}, undefined, true), 'pasted');
		assert.equal(guard.judge(undefined, 'act.reboot', false), 'pass', 'no dialog: the guard stays out of the way');
	});

	it('recognises the bracketed-paste markers as Ink hands them over', () => {
		assert.equal(pasteMarker('[200~', NO_KEY), 'start');
		assert.equal(pasteMarker('[201~', NO_KEY), 'end');
		assert.equal(pasteMarker('[', NO_KEY), undefined);
	});
});
