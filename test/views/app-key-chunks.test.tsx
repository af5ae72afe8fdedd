import './force-color.js';
// Keys that arrive in one read (fast repeats, a paste, a laggy SSH link) are
// handled one by one, exactly as if each had arrived alone.
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {NO_KEY, splitKeys} from '../../views/key-chunks.js';
import {filledStore, homelabGuests} from './data.js';
import {KEYS, plain, press, selectedLine, tableRows} from './harness.js';
import {renderApp as renderWithLayout} from './render.js';

// These tests guard the guest table's own behaviour (rows, pages, sorting,
// filtering) at exact sizes: they draw it in the `fleet` layout, where it has
// the whole body as it had before the deck. The deck's frames are in
// test/deck/deck-app.test.tsx.
const renderApp: typeof renderWithLayout = (store, options = {}) => renderWithLayout(store, {layout: 'fleet', ...options});

afterEach(() => cleanup());

const frameOf = (app: {lastFrame(): string | undefined}) => app.lastFrame() ?? '';
const selectedName = (frame: string) => selectedLine(frame)?.trim().split(/\s+/)[1];

test('"jjj" in one read moves three rows; "kk" two back', async () => {
	const app = await renderApp(filledStore(homelabGuests()));
	assert.equal(selectedName(frameOf(app)), 'pihole');
	await press(app, 'jjj');
	assert.equal(selectedName(frameOf(app)), 'vaultwarden');
	await press(app, 'kk');
	assert.equal(selectedName(frameOf(app)), 'unbound');
});

test('a pasted "/med" then "ia\\r" opens the filter, types it and commits it with enter', async () => {
	const app = await renderApp(filledStore(homelabGuests()));
	await press(app, '/med');
	assert.match(plain(frameOf(app)).split('\n').at(-1)!, /^\/med█/);
	await press(app, 'ia\r');
	const frame = plain(frameOf(app));
	assert.doesNotMatch(frame.split('\n').at(-1)!, /█/, 'enter closed the prompt');
	assert.match(frame, /filter \/media/);
	assert.ok(tableRows(frame).length > 0);
});

test('a pasted "web\\rq" into the filter commits "web" and does not quit', async () => {
	let quits = 0;
	const app = await renderApp(filledStore(homelabGuests()), {onQuit: () => quits++});
	await press(app, '/');
	await press(app, 'plex\rq');
	assert.equal(quits, 0);
	assert.match(plain(frameOf(app)), /filter \/plex/);
});

test('a paste carrying a colour code (ESC [31m) neither ends the console nor types the code', async () => {
	// Ink's key parser reads ESC [31m as "ctrl" with no key name; its useInput then threw on it
	// and proxdeck exited with an internal error (found pasting into tmux at 120x40).
	const app = await renderApp(filledStore(homelabGuests()));
	await press(app, '/');
	await press(app, 'plex\u001B[31mX');
	const frame = plain(frameOf(app));
	assert.doesNotMatch(frame, /\[31m/, 'no escape code shows');
	await press(app, 'j');
	assert.ok(plain(frameOf(app)).length > 0, 'still drawing');
});

test('several backspaces in one read delete several characters', async () => {
	const app = await renderApp(filledStore(homelabGuests()));
	await press(app, '/', 'plex');
	await press(app, '\u007F\u007F\u007F');
	assert.match(plain(frameOf(app)).split('\n').at(-1)!, /^\/p█/);
	await press(app, KEYS.esc);
});

test('splitKeys: named keys and single characters pass through; runs become their keys', () => {
	const none = NO_KEY;
	assert.deepEqual(splitKeys('j', none), [['j', none]]);
	const up = {...none, upArrow: true};
	assert.deepEqual(splitKeys('', up), [['', up]]);
	const alt = {...none, meta: true};
	assert.deepEqual(splitKeys('ab', alt), [['ab', alt]], 'a modified key stays whole');
	const keys = splitKeys('aN\t\u007F\u0003é\r', none);
	assert.deepEqual(keys.map(([input]) => input), ['a', 'N', '', '', 'c', 'é', '']);
	assert.equal(keys[1]![1].shift, true);
	assert.equal(keys[2]![1].tab, true);
	assert.equal(keys[3]![1].delete, true);
	assert.equal(keys[4]![1].ctrl, true);
	assert.equal(keys[6]![1].return, true);
	// Nothing after the first line break runs: a paste must not turn into hotkeys.
	assert.deepEqual(splitKeys('web\r\nq', none).map(([input, k]) => input || (k.return ? 'ENTER' : '?')), ['w', 'e', 'b', 'ENTER']);
});
