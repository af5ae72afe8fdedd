import '../views/force-color.js';
// The logs screen as a user drives it: keys in, frames out. Sources are
// synthetic here (the SSH and API tests cover real ones), so each test
// controls exactly which lines arrive.

import assert from 'node:assert/strict';
import {readFileSync, rmSync} from 'node:fs';
import {test} from 'node:test';
import {stripVTControlCharacters} from 'node:util';
import {createLogsService} from '../../source/services/logs/panes.js';
import {KEYS, plain, press, type, waitForFrame} from '../views/harness.js';
import {renderApp} from '../views/render.js';
import {fleetStore, manualSources, tempDir} from './helpers.js';
import {paneGrid} from '../../views/logs/pane-layout.js';
import {stamp as paneStamp} from '../../views/logs/pane-rows.js';

const SIZE = {columns: 120, rows: 30};

async function setup() {
	const store = fleetStore();
	const manual = manualSources();
	const dir = tempDir();
	const service = createLogsService({store, renderIntervalMs: 5, saveDir: dir, sourceFor: manual.sourceFor, clock: () => Date.UTC(2026, 10, 23, 16, 40, 1)});
	const app = await renderApp(store, {size: SIZE});
	const lines = (frame: string) => plain(frame).split('\n');
	return {
		store, manual, service, app, dir, lines,
		async done() {
			app.unmount();
			service.stop();
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

const stamp = (s: number) => `2026-11-23T16:40:${String(s).padStart(2, '0')}+00:00`;

test("from the fleet, l opens the selected guest's journal and H the host journal, side by side", async () => {
	const t = await setup();
	await press(t.app, 'l');
	let frame = await waitForFrame(t.app, (f) => plain(f).includes('journal 100 plex'));
	assert.equal(t.store.getState().ui.screen, 'logs');
	t.manual.sources[0]!.push(`${stamp(1)} plex Plex Media Server[311]: Starting Plex Media Server`);
	frame = await waitForFrame(t.app, (f) => plain(f).includes('Starting Plex Media Server'));
	assert.match(plain(frame), /▶ journal 100 plex\s+following\s+1 lines/);
	await press(t.app, KEYS.esc, 'H');
	frame = await waitForFrame(t.app, (f) => plain(f).includes('host journal pve'));
	const titleLine = t.lines(frame).find((l) => l.includes('host journal pve'))!;
	assert.ok(titleLine.includes('journal 100 plex'), 'columns: both titles on one line');
	assert.ok(t.lines(frame).length <= SIZE.rows - 1, 'the frame stays below the terminal height');
	await t.done();
});

test('split orientation: - stacks the panes, | puts them side by side, # makes a 2×2 grid', async () => {
	const t = await setup();
	t.service.open({kind: 'guest', vmid: 100, node: 'pve', name: 'plex'});
	t.service.open({kind: 'guest', vmid: 300, node: 'pve', name: 'wireguard'});
	t.service.open({kind: 'host', node: 'pve'});
	await press(t.app, '4');
	await waitForFrame(t.app, (f) => plain(f).includes('host journal pve'));
	const titleRows = (frame: string) => ['journal 100 plex', 'journal 300 wireguard', 'host journal pve'].map((title) => t.lines(frame).findIndex((l) => l.includes(title)));
	await press(t.app, '-');
	let rows = titleRows(t.app.lastFrame()!);
	assert.ok(rows[0]! < rows[1]! && rows[1]! < rows[2]!, `stacked: ${rows}`);
	await press(t.app, '|');
	rows = titleRows(t.app.lastFrame()!);
	// Three panes side by side would be 40 columns each at 120: too narrow for a journal line, so they stay stacked.
	assert.ok(rows[0]! < rows[1]! && rows[1]! < rows[2]!, `side by side falls back to stacked below 60 columns a pane: ${rows}`);
	// …and the key says so rather than doing nothing.
	assert.match(plain(t.app.lastFrame()!), /side by side needs 180 columns \(60 a pane\); 120 here, so they stay stacked/);
	await press(t.app, '#');
	rows = titleRows(t.app.lastFrame()!);
	assert.ok(rows[0] === rows[1] && rows[2]! > rows[0]!, `grid: ${rows}`);
	for (const frame of [t.app.lastFrame()!]) assert.ok(t.lines(frame).length <= SIZE.rows - 1);
	await t.done();
});

test('paneGrid: side by side while panes keep 60 columns, stacked below; the grid likewise', () => {
	const widths = (grid: ReturnType<typeof paneGrid>) => grid.map((row) => row.map((r) => r.width));
	assert.deepEqual(widths(paneGrid('columns', 3, 200, 30)), [[66, 66, 66]]);
	assert.deepEqual(widths(paneGrid('columns', 3, 120, 30)), [[120], [120], [120]]);
	assert.deepEqual(widths(paneGrid('columns', 2, 120, 30)), [[60, 59]]);
	assert.deepEqual(widths(paneGrid('grid', 4, 100, 30)), [[100], [100], [100], [100]]);
	assert.equal(paneStamp('2026-11-23T16:40:05+00:00', 59), '16:40:05');
	assert.equal(paneStamp('2026-11-23T16:40:05+00:00', 120), '2026-11-23T16:40:05+00:00');
});

test('tab moves focus; f pauses the focused pane (new lines wait), G follows again', async () => {
	const t = await setup();
	t.service.open({kind: 'guest', vmid: 100, node: 'pve', name: 'plex'});
	t.service.open({kind: 'guest', vmid: 300, node: 'pve', name: 'wireguard'});
	await press(t.app, '4');
	let frame = await waitForFrame(t.app, (f) => plain(f).includes('▶ journal 300 wireguard'));
	await press(t.app, '\t');
	frame = await waitForFrame(t.app, (f) => plain(f).includes('▶ journal 100 plex'));
	t.manual.sources[0]!.push('first line');
	await waitForFrame(t.app, (f) => plain(f).includes('first line'));
	await press(t.app, 'f');
	frame = await waitForFrame(t.app, (f) => /journal 100 plex\s+paused/.test(plain(f)));
	t.manual.sources[0]!.push('arrived while paused');
	await new Promise((resolve) => setTimeout(resolve, 30));
	await press(t.app, 'w'); // any redraw
	assert.ok(!plain(t.app.lastFrame()!).includes('arrived while paused'));
	assert.match(plain(t.app.lastFrame()!), /2 lines/, 'the count still says the line arrived');
	await press(t.app, 'G');
	frame = await waitForFrame(t.app, (f) => plain(f).includes('arrived while paused'));
	assert.match(plain(frame), /journal 100 plex\s+following/);
	await t.done();
});

test('PgUp scrolls up and pauses; g shows the oldest lines', async () => {
	const t = await setup();
	t.service.open({kind: 'host', node: 'pve'});
	await press(t.app, '4');
	t.manual.sources[0]!.push(...Array.from({length: 100}, (_, i) => `entry number ${i + 1}`));
	await waitForFrame(t.app, (f) => plain(f).includes('entry number 100'));
	await press(t.app, KEYS.pgUp);
	const frame = await waitForFrame(t.app, (f) => !plain(f).includes('entry number 100'));
	assert.match(plain(frame), /paused/);
	await press(t.app, 'g');
	const top = await waitForFrame(t.app, (f) => t.lines(f).some((l) => /entry number 1\s*$/.test(l)));
	assert.ok(!plain(top).includes('entry number 100'));
	await t.done();
});

test('/ filters by regex, ! inverts, an invalid regex says so and matches the text', async () => {
	const t = await setup();
	t.service.open({kind: 'host', node: 'pve'});
	await press(t.app, '4');
	t.manual.sources[0]!.push('Started plex', 'ERROR: disk full', 'worker failed', 'all good (really');
	await waitForFrame(t.app, (f) => plain(f).includes('all good'));
	await press(t.app, '/');
	await type(t.app, 'error|fail');
	await waitForFrame(t.app, (f) => plain(f).includes('filter /error|fail█'));
	await press(t.app, KEYS.enter);
	let frame = await waitForFrame(t.app, (f) => plain(f).includes('/error|fail/'));
	assert.ok(plain(frame).includes('ERROR: disk full') && plain(frame).includes('worker failed'));
	assert.ok(!plain(frame).includes('Started plex') && !plain(frame).includes('all good'));
	await press(t.app, '/', KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace, KEYS.backspace);
	await type(t.app, '!error');
	await press(t.app, KEYS.enter);
	frame = await waitForFrame(t.app, (f) => plain(f).includes('!/error/'));
	assert.ok(plain(frame).includes('Started plex') && !plain(frame).includes('disk full'));
	await press(t.app, '/');
	for (let i = 0; i < 6; i++) await press(t.app, KEYS.backspace);
	await type(t.app, '(really');
	await press(t.app, KEYS.enter);
	frame = await waitForFrame(t.app, (f) => plain(f).includes('not a valid regex'));
	assert.ok(plain(frame).includes('all good (really'));
	assert.ok(!plain(frame).includes('Started plex'));
	await press(t.app, '/');
	for (let i = 0; i < 7; i++) await press(t.app, KEYS.backspace);
	await type(t.app, 'nomatch');
	await press(t.app, KEYS.enter);
	await waitForFrame(t.app, (f) => plain(f).includes('no line matches /nomatch/'));
	await t.done();
});

test('T hides timestamps, w wraps long lines', async () => {
	const t = await setup();
	t.service.open({kind: 'host', node: 'pve'});
	await press(t.app, '4');
	const long = `pve kernel: ${'x'.repeat(150)}END`;
	t.manual.sources[0]!.push(`${stamp(5)} pve systemd[1]: Started thing`, `${stamp(6)} ${long}`);
	let frame = await waitForFrame(t.app, (f) => plain(f).includes('Started thing'));
	assert.ok(plain(frame).includes(`${stamp(5)} pve systemd[1]: Started thing`));
	assert.ok(!plain(frame).includes('END'), 'long lines are cut at the pane width');
	await press(t.app, 'T');
	frame = await waitForFrame(t.app, (f) => !plain(f).includes(stamp(5)));
	assert.ok(plain(frame).includes('pve systemd[1]: Started thing'));
	await press(t.app, 'w');
	frame = await waitForFrame(t.app, (f) => plain(f).includes('END'));
	assert.ok(t.lines(frame).every((l) => l.length <= SIZE.columns));
	await t.done();
});

test('S saves the buffer and says where; c clears the pane; x closes it', async () => {
	const t = await setup();
	t.service.open({kind: 'guest', vmid: 300, node: 'pve', name: 'wireguard'});
	await press(t.app, '4');
	t.manual.sources[0]!.push(`${stamp(7)} wireguard wg-quick[212]: [#] ip link add wg0 type wireguard`);
	await waitForFrame(t.app, (f) => plain(f).includes('ip link add'));
	await press(t.app, 'S');
	const path = `${t.dir}/proxdeck-ct-300-20261123-164001.log`;
	await waitForFrame(t.app, (f) => plain(f).includes(`saved 1 lines to ${path}`));
	assert.equal(readFileSync(path, 'utf8'), `${stamp(7)} wireguard wg-quick[212]: [#] ip link add wg0 type wireguard\n`);
	await press(t.app, 'c');
	let frame = await waitForFrame(t.app, (f) => plain(f).includes('0 lines'));
	assert.ok(!plain(frame).includes('ip link add'));
	await press(t.app, 'x');
	frame = await waitForFrame(t.app, (f) => plain(f).includes('No log panes open.'));
	assert.equal(t.manual.sources[0]!.stopped, true);
	await t.done();
});

test('error lines are red and warnings yellow', async () => {
	const t = await setup();
	t.service.open({kind: 'host', node: 'pve'});
	await press(t.app, '4');
	t.manual.sources[0]!.push('pvedaemon[1]: ERROR: backup failed', 'pveproxy[2]: WARNING: slow', 'cron[3]: ok');
	const frame = await waitForFrame(t.app, (f) => plain(f).includes('cron[3]: ok'));
	const raw = (text: string) => frame.split('\n').find((l) => stripVTControlCharacters(l).includes(text))!;
	assert.ok(raw('backup failed').includes('\u001B[31m'), 'red');
	assert.ok(raw('WARNING: slow').includes('\u001B[33m'), 'yellow');
	assert.ok(!raw('cron[3]: ok').includes('\u001B[31m') && !raw('cron[3]: ok').includes('\u001B[33m'));
	await t.done();
});

test('o opens the picker: the host journal, the selected guest, the audit log', async () => {
	const t = await setup();
	await press(t.app, '4');
	await waitForFrame(t.app, (f) => plain(f).includes('No log panes open.'));
	await press(t.app, 'o');
	let frame = await waitForFrame(t.app, (f) => plain(f).includes('open a log pane:'));
	assert.ok(plain(frame).includes('host journal (pve)'));
	assert.ok(plain(frame).includes('journal of 100 plex'));
	assert.ok(plain(frame).includes('task log (no task seen yet'));
	await press(t.app, 'j', KEYS.enter);
	frame = await waitForFrame(t.app, (f) => plain(f).includes('▶ journal 100 plex'));
	await press(t.app, 'o', 'k', KEYS.enter);
	frame = await waitForFrame(t.app, (f) => plain(f).includes('▶ audit log'));
	assert.equal(t.store.getState().logs.panes.length, 2);
	await t.done();
});

test(':logs shows the screen; esc goes back to the fleet', async () => {
	const t = await setup();
	await press(t.app, ':');
	await type(t.app, 'logs');
	await press(t.app, KEYS.enter);
	await waitForFrame(t.app, (f) => plain(f).includes('No log panes open.'));
	await press(t.app, KEYS.esc);
	await waitForFrame(t.app, () => t.store.getState().ui.screen === 'fleet');
	await t.done();
});
