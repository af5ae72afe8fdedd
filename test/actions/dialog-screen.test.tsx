import '../views/force-color.js';
// Issue 10, safety on screen: what a dialog says about a consequence is read
// whole at the smallest terminal (60×20), never cut with "…"; the snapshot
// prompt's host equivalent carries the description it will send.

import assert from 'node:assert/strict';
import {cleanup} from 'ink-testing-library';
import {after, before, describe, it} from 'node:test';
import {KEYS, plain, press, type} from '../views/harness.js';
import {renderConsole, selectByFilter, type Console} from './console.js';
import {startRig, waitFor, type ActionRig} from './helpers.js';

const SIZES = [
	{columns: 60, rows: 20},
	{columns: 160, rows: 50},
];

/** The frame's lines joined into one text, so a wrapped sentence reads as it does on screen. */
const prose = (frame: string) =>
	plain(frame)
		.split('\n')
		.map((l) => l.trim())
		.join(' ');

for (const size of SIZES) {
	describe(`dialogs at ${size.columns}×${size.rows}`, () => {
		let rig: ActionRig;
		let app: Console;
		before(async () => {
			rig = await startRig();
			app = await renderConsole(rig, size);
			await selectByFilter(app, 'plex');
		});
		after(async () => {
			cleanup();
			await rig.close();
		});

		it('the rollback question states its consequences whole, with its buttons', async () => {
			await press(app, 'b');
			await waitFor('the snapshot list', () => {
				const d = rig.store.getState().dialog;
				return d?.kind === 'picker' && !d.loading;
			});
			await press(app, KEYS.enter);
			const frame = app.lastFrame() ?? '';
			assert.ok(plain(frame).split('\n').length <= size.rows - 1, 'the frame fits');
			const text = prose(frame);
			assert.match(text, /This rolls the container back: everything written since the snapshot is lost\./);
			assert.match(text, /plex \(100\) is running: the rollback stops it and it stays stopped \(space in the snapshot picker: start after\)\./);
			assert.match(text, /Cancel +Rollback/);
			assert.doesNotMatch(plain(frame), /since the…|stays…/);
			await press(app, KEYS.esc);
		});

		it("the snapshot prompt's host equivalent includes --description, quoted for the shell", async () => {
			await press(app, 's', '\t');
			await type(app, "before it's upgraded");
			const text = prose(app.lastFrame() ?? '');
			assert.match(text, /\$ pct snapshot 100 proxdeck-\d{8}-\d{6} --description 'before it'\\''s upgraded'/);
			await press(app, KEYS.esc);
		});
	});
}
