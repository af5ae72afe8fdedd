import '../views/force-color.js';
// Zero-width and bidi characters in a guest's log line: they reach neither
// the terminal nor the width calculation, so the end of the line is drawn.

import assert from 'node:assert/strict';
import {rmSync} from 'node:fs';
import {test} from 'node:test';
import {createLogsService} from '../../source/services/logs/panes.js';
import {commandSource} from '../../source/services/logs/sources.js';
import type {CommandRunner, LineSource} from '../../source/ssh/types.js';
import {plain, press, waitForFrame} from '../views/harness.js';
import {renderApp} from '../views/render.js';
import {fleetStore, tempDir} from './helpers.js';

/** A runner whose one stream the test feeds line by line, as a host would. */
function feedingRunner() {
	let emit: ((line: string, from: LineSource) => void) | undefined;
	const runner: CommandRunner = {
		label: 'test',
		run: async () => ({code: 0, stdout: '', stderr: ''}),
		stream(_argv, onLine) {
			emit = onLine;
			return {stop() {}, done: new Promise(() => {})};
		},
		onStatus: () => () => {},
		close: async () => {},
	};
	return {runner, push: (...lines: string[]) => lines.forEach((line) => emit!(line, 'stdout'))};
}

test('a log line full of zero-width characters keeps its tail; U+202E never reaches the frame', async () => {
	const store = fleetStore();
	const host = feedingRunner();
	const dir = tempDir();
	const service = createLogsService({store, renderIntervalMs: 5, saveDir: dir, sourceFor: () => commandSource(host.runner, ['journalctl', '-f']), clock: () => Date.UTC(2026, 10, 23, 16, 40, 1)});
	const app = await renderApp(store, {size: {columns: 80, rows: 20}});
	try {
		service.open({kind: 'host', node: 'pve'});
		await press(app, '4');
		// 70 visible columns: fits the 80-column pane, so nothing may be cut.
		const visible = `${'word '.repeat(13)}THE-END`;
		const spiked = [...visible].join('\u200B').replace('THE-END', 'THE\u200D-\uFEFFEND');
		host.push(spiked, '\u202Egnp.exe');
		const frame = await waitForFrame(app, (f) => plain(f).includes('gnp.exe'));
		assert.ok(plain(frame).includes(visible), `the line was cut:\n${plain(frame)}`);
		assert.doesNotMatch(frame, /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u);
	} finally {
		app.unmount();
		service.stop();
		rmSync(dir, {recursive: true, force: true});
	}
});
