import '../views/force-color.js';
// Issue 10, defect 1: a paste never confirms a dangerous dialog. The real App
// with the real command interface over the simulator: a paste written as ONE
// stdin chunk ("\t\n", a copied table row, a bracketed paste) must leave the
// dialog open with nothing sent and nothing audited; keys typed before the
// dialog could be read are ignored too; a lone Tab and a lone Enter after the
// quiet time still act. The guard's clock is stepped (keyClock), never slept.

import assert from 'node:assert/strict';
import {cleanup} from 'ink-testing-library';
import {after, before, describe, it} from 'node:test';
import {DIALOG_QUIET_MS} from '../../views/dialog-guard.js';
import {KEYS, keyClock, plain, press, settle} from '../views/harness.js';
import {renderConsole, selectByFilter, type Console as Instance} from './console.js';
import {guestByName, startRig, waitFor, type ActionRig} from './helpers.js';

const frame = (app: Instance) => plain(app.lastFrame() ?? '');

/** Writes `chunk` as one read (a paste), `afterMs` after the previous key by the guard's clock. */
async function paste(app: Instance, chunk: string, afterMs = 1000): Promise<void> {
	keyClock.advance(afterMs);
	app.stdin.write(chunk);
	await settle();
}

describe('a paste or a hasty key never presses a dialog button', () => {
	let rig: ActionRig;
	let app: Instance;
	let plex: number;
	before(async () => {
		rig = await startRig();
		app = await renderConsole(rig);
		plex = guestByName(rig.store, 'plex');
		await selectByFilter(app, 'plex');
	});
	after(async () => {
		cleanup();
		await rig.close();
	});

	const nothingHappened = (what: string) => {
		assert.deepEqual(rig.writes(), [], `${what}: the simulator received no write`);
		assert.deepEqual(rig.auditLines(), [], `${what}: nothing in the audit log`);
	};

	it('r then a pasted "\\t\\n" (one chunk): the dialog stays open on Cancel, nothing is sent', async () => {
		await press(app, 'r');
		assert.match(frame(app), /reboot plex \(\d+\)\?/);
		await paste(app, '\t\n');
		const dialog = rig.store.getState().dialog;
		assert.equal(dialog?.kind, 'confirm');
		assert.equal(dialog.kind === 'confirm' && dialog.focus, 'cancel', 'the pasted Tab did not move the focus');
		assert.match(frame(app), /paste ignored: a dialog takes its keys one at a time/);
		nothingHappened('pasted tab+enter');
		await press(app, KEYS.esc);
	});

	it('x then a copied table row "403\\tpaperless\\trunning\\n": nothing is stopped', async () => {
		await press(app, 'x');
		assert.match(frame(app), /stop plex \(\d+\)\?/);
		await paste(app, '403\tpaperless\trunning\n');
		assert.equal(rig.store.getState().dialog?.kind, 'confirm');
		assert.match(frame(app), /stop plex \(\d+\)\?/);
		nothingHappened('pasted table row');
		await press(app, KEYS.esc);
	});

	it('a bracketed paste, even of one line break alone after a lone Tab, presses nothing', async () => {
		await press(app, 'r');
		await paste(app, '\u001B[200~\t\n\u001B[201~');
		let dialog = rig.store.getState().dialog;
		assert.equal(dialog?.kind === 'confirm' && dialog.focus, 'cancel');
		// The focus is on the action button by a deliberate Tab; a pasted "\n" alone still does not press it.
		await press(app, '\t');
		dialog = rig.store.getState().dialog;
		assert.equal(dialog?.kind === 'confirm' && dialog.focus, 'ok');
		await paste(app, '\u001B[200~\n\u001B[201~');
		assert.equal(rig.store.getState().dialog?.kind, 'confirm');
		nothingHappened('bracketed paste');
		// A paste split over two reads: the line break right after it is still part of it.
		await paste(app, 'paperless\t');
		await paste(app, '\r', 5);
		assert.equal(rig.store.getState().dialog?.kind, 'confirm');
		nothingHappened('a paste split over two reads');
		await press(app, KEYS.esc);
	});

	it(`keys typed within ${DIALOG_QUIET_MS} ms of the dialog opening are ignored; a lone Tab and Enter after it reboot`, async () => {
		await press(app, 'r');
		await paste(app, '\t', 60);
		await paste(app, '\r', 60);
		let dialog = rig.store.getState().dialog;
		assert.equal(dialog?.kind === 'confirm' && dialog.focus, 'cancel', 'a Tab typed ahead does not move the focus');
		assert.match(frame(app), /key ignored: the dialog had just opened/);
		nothingHappened('typed ahead');
		// Now deliberately: a lone Tab, a lone Enter, each after the quiet time.
		await paste(app, '\t', DIALOG_QUIET_MS + 50);
		dialog = rig.store.getState().dialog;
		assert.equal(dialog?.kind === 'confirm' && dialog.focus, 'ok');
		await paste(app, '\r', DIALOG_QUIET_MS + 50);
		assert.equal(rig.store.getState().dialog, undefined);
		await waitFor('the reboot', () => rig.writes().some((r) => r.path === `/nodes/pve/lxc/${plex}/status/reboot`));
		await waitFor('the audit entry', () => rig.auditLines().some((l) => l.action === 'reboot' && l.phase === 'begin'));
	});
});

describe('type-to-confirm ignores pasted text', () => {
	it('a pasted "2" (bracketed) or "2\\r" does not confirm rolling back 2 containers; typed, it does', async () => {
		const rig = await startRig();
		try {
			const app = await renderConsole(rig);
			const a = guestByName(rig.store, 'vaultwarden');
			const b = guestByName(rig.store, 'postgresql');
			rig.store.getState().actions.markAll([a, b]);
			await press(app, 'b');
			await waitFor('the bulk rollback question', () => /Type 2 to confirm/.test(frame(app)));
			await press(app, '\t');
			await paste(app, '\u001B[200~2\u001B[201~');
			await paste(app, '2\r');
			const dialog = rig.store.getState().dialog;
			assert.equal(dialog?.kind === 'confirm' && dialog.typed, '', 'pasted digits are not typed');
			assert.deepEqual(rig.writes(), []);
			await press(app, '2', KEYS.enter);
			await waitFor('both rollbacks', () => rig.writes().filter((r) => r.path.endsWith('/rollback')).length === 2);
		} finally {
			cleanup();
			await rig.close();
		}
	});
});
