import '../views/force-color.js';
// Issue 10, safety on screen: a confirmed reboot shows as it happens, not
// only when it ends. While the task runs the row's STATUS reads "rebooting…"
// and the footer "⟳ rebooting plex (100)…" (not the previous result); both
// clear when the task ends. The simulator's clock is held so the task stays
// running while the test looks.

import assert from 'node:assert/strict';
import {cleanup} from 'ink-testing-library';
import {describe, it} from 'node:test';
import {KEYS, plain, press, settle, tableRows} from '../views/harness.js';
import {renderConsole, selectByFilter} from './console.js';
import {startRig, waitFor} from './helpers.js';

for (const size of [
	{columns: 60, rows: 20},
	{columns: 160, rows: 50},
]) {
	describe(`a running reboot at ${size.columns}×${size.rows}`, () => {
		it('shows on the row and in the footer until the task ends', async () => {
			const rig = await startRig();
			try {
				const app = await renderConsole(rig, size);
				await selectByFilter(app, 'plex');
				// An earlier result in the footer, which must not read as the reboot's.
				await press(app, 's', KEYS.enter);
				await waitFor('the snapshot', () => /✓ snapshot plex/.test(plain(app.lastFrame() ?? '')));
				rig.hold();
				await press(app, 'r', '\t', KEYS.enter);
				await waitFor('the running reboot task', () => rig.store.getState().tasks.some((t) => t.ours && t.type === 'vzreboot' && t.state === 'running'));
				await settle();
				const during = plain(app.lastFrame() ?? '');
				assert.match(tableRows(during)[0] ?? '', /100 plex .*rebooting…/, during);
				assert.match(during.split('\n').at(-1)!, /^⟳ rebooting plex \(100\)…/);
				assert.doesNotMatch(during, /✓ snapshot plex/, 'the previous result is not shown as news');
				rig.release();
				await waitFor('the reboot to end', () => /✓ reboot plex \(100\) OK/.test(plain(app.lastFrame() ?? '')));
				const afterwards = plain(app.lastFrame() ?? '');
				assert.doesNotMatch(afterwards, /rebooting…|⟳/);
				assert.match(tableRows(afterwards)[0] ?? '', /100 plex .*running/);
			} finally {
				rig.release();
				cleanup();
				await rig.close();
			}
		});
	});
}
