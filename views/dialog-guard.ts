// A dialog acts only on a deliberate keypress. A paste ("\t\n", a copied
// table row "403\tpaperless\trunning\n", a bracketed paste) or keys typed
// ahead before the dialog could be read must never press its buttons: Tab
// would move the focus to the action button and the line break press it.
//
// App's input path asks this guard about every key while a dialog is open
// (the store's confirm dialog, snapshot prompt and picker; the upgrade
// screen's confirm, quit and stop questions), so every dialog gets the same
// rule in one place:
// - keys that arrive in one chunk with others, or between the bracketed-paste
//   markers, are a paste: they never press, move the focus or type into
//   type-to-confirm (text into the snapshot prompt's fields is kept);
// - for QUIET_MS after a dialog opens, or after a paste, only cancelling,
//   Ctrl+C, moving in the picker and typing into a text field get through.
// The clock is injected, so tests step it instead of sleeping.

import type {Key} from 'ink';
import type {Scope} from '../keymaps/index.js';
import type {UpgradeView} from '../source/services/upgrade/controller.js';
import type {AppState} from '../source/store/types.js';

/** How long a dialog that just opened (or just saw a paste) ignores its buttons. */
export const DIALOG_QUIET_MS = 250;

/** The open dialog as the guard sees it, or undefined when none is open. */
export interface OpenDialog {
	/** Changes when another dialog opens (the picker's rollback question after the picker). */
	id: string;
	/** The key scope its keys are matched in. */
	scope: Scope;
	/** Typed text goes into a free text field (the snapshot prompt): a paste may fill it. */
	textField: boolean;
}

export function openDialogOf(state: AppState, upgrade: UpgradeView | undefined): OpenDialog | undefined {
	const d = state.dialog;
	if (d?.kind === 'confirm') return {id: `confirm:${d.request.action}:${d.title}`, scope: 'dialog', textField: false};
	if (d?.kind === 'snapshot') return {id: 'snapshot', scope: 'dialog', textField: true};
	if (d?.kind === 'picker') return {id: `picker:${d.vmid}`, scope: 'picker', textField: false};
	// The backup form's notes are free text (a paste may fill them, never press Enter); the restore form has none.
	if (d?.kind === 'backup') return {id: `backup:${d.targets.join(',')}`, scope: 'dialog', textField: true};
	if (d?.kind === 'backups') return {id: `backups:${d.vmid}`, scope: 'backuplist', textField: false};
	if (d?.kind === 'restore') return {id: `restore:${d.entry.volid}`, scope: 'dialog', textField: false};
	if (state.ui.screen !== 'upgrade' || !upgrade) return undefined;
	if (upgrade.stage === 'plan' && upgrade.confirm) return {id: 'upgrade:confirm', scope: 'upgrade', textField: false};
	if (upgrade.stage === 'run' && upgrade.askQuit) return {id: 'upgrade:quit', scope: 'upgrade', textField: false};
	if (upgrade.stage === 'run' && upgrade.askStop) return {id: 'upgrade:stop', scope: 'upgrade', textField: false};
	return undefined;
}

/** Keys that never press anything, so a paste or a hasty key may carry them. */
const ALWAYS_ALLOWED = new Set(['dialog.cancel', 'upgrade.back', 'app.forceQuit', 'dialog.down', 'dialog.up']);

/** Ink hands the bracketed-paste markers ESC[200~ / ESC[201~ over without the ESC. */
export function pasteMarker(input: string, key: Key): 'start' | 'end' | undefined {
	if (key.ctrl || key.return || key.tab) return undefined;
	if (input === '[200~' || input === '\u001B[200~') return 'start';
	if (input === '[201~' || input === '\u001B[201~') return 'end';
	return undefined;
}

/** A paste whose end marker never came (a terminal that dropped it) stops counting as one after this long without input. */
const PASTE_STALE_MS = 1000;

export type GuardVerdict = 'pass' | 'pasted' | 'hasty';

export interface DialogGuard {
	/** The open dialog now (call on every store or upgrade-screen change): a new one starts the quiet time. */
	observe(dialog: OpenDialog | undefined): void;
	/** A bracketed-paste marker arrived. */
	paste(marker: 'start' | 'end'): void;
	/** A chunk of `count` keys arrived (before its keys are judged): a paste restarts the quiet time. */
	chunk(count: number): void;
	/** May this key (its action in the dialog's scope, undefined for typed text) act on `dialog`? */
	judge(dialog: OpenDialog | undefined, action: string | undefined, typedText: boolean): GuardVerdict;
}

export function createDialogGuard(clock: () => number, quietMs = DIALOG_QUIET_MS): DialogGuard {
	let openId: string | undefined;
	let quietUntil = -Infinity;
	let inPaste = false;
	let pasteSeenAt = -Infinity;
	let chunkIsPaste = false;
	const quiet = () => {
		quietUntil = clock() + quietMs;
	};
	return {
		observe(dialog) {
			if (dialog?.id === openId) return;
			openId = dialog?.id;
			if (dialog) quiet();
		},
		paste(marker) {
			inPaste = marker === 'start';
			pasteSeenAt = clock();
			quiet();
		},
		chunk(count) {
			if (inPaste && clock() - pasteSeenAt > PASTE_STALE_MS) inPaste = false;
			if (inPaste) pasteSeenAt = clock();
			chunkIsPaste = count > 1 || inPaste;
			if (chunkIsPaste) quiet();
		},
		judge(dialog, action, typedText) {
			if (!dialog) return 'pass';
			this.observe(dialog);
			if (action !== undefined && ALWAYS_ALLOWED.has(action)) return 'pass';
			if (chunkIsPaste) return typedText && dialog.textField ? 'pass' : 'pasted';
			if (typedText) return 'pass';
			return clock() < quietUntil ? 'hasty' : 'pass';
		},
	};
}
