import '../views/force-color.js';
// A container must not be able to retitle, clear or reprogram the admin's
// terminal: journal lines carrying OSC/CSI/DCS sequences (the simulator's
// hostileLines) and a container whose name carries them are followed over
// SSH and drawn; every frame Ink wrote holds only Ink's own colour codes.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createLogsService} from '../../source/services/logs/panes.js';
import {plain, press, waitForFrame} from '../views/harness.js';
import {renderApp} from '../views/render.js';
import {startHarness} from '../sim-ssh/harness.js';
import {fleetStore, guest} from './helpers.js';

const EVIL = '\u001B]0;pwned\u0007\u001B[2J\u001BPqevil\u001B\\';

test('hostile journal lines and a hostile container name render inert', async () => {
	const h = await startHarness({hostileLines: true, journalRate: 50});
	// The container's hostname (shown in every journal line) carries escapes too.
	h.state.guests.get(100)!.config.hostname = `plex${EVIL}`;
	const store = fleetStore([guest(100, `plex${EVIL}`)]);
	const service = createLogsService({store, runner: h.runner, renderIntervalMs: 10});
	const app = await renderApp(store, {size: {columns: 160, rows: 30}});
	try {
		await press(app, 'l');
		const frame = await waitForFrame(app, (f) => plain(f).includes('login failed for'), 20_000);
		// The whole sequences go, payload and all: no "pwned" title text, no DCS body.
		assert.match(plain(frame), /▶ journal 100 plex\s+following/);
		assert.ok(plain(frame).includes('login failed for root  from 203.0.113.66'), plain(frame));
		assert.ok(!plain(frame).includes('pwned') && !plain(frame).includes('qevil'));
		const buffer = service.buffer(store.getState().logs.panes[0]!.id)!;
		assert.ok(buffer.toArray().some((l) => l.text.includes('login failed for')));
		for (const line of buffer.toArray()) assert.doesNotMatch(`${line.ts}${line.text}`, /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/, 'no control characters are stored');
		for (const written of app.frames) {
			for (const bad of ['\u001B]', '\u001BP', '\u001B[2J', '\u0007', '\u009B', '\u001B[6n', '\u001Bc']) {
				assert.ok(!written.includes(bad), `a frame carries ${JSON.stringify(bad)}`);
			}
			// Whatever ESC remains starts an SGR colour code (Ink's own), nothing else.
			assert.doesNotMatch(written.replace(/\u001B\[[0-9;]*m/g, ''), /\u001B/);
		}
	} finally {
		app.unmount();
		service.stop();
		await h.close();
	}
});
