import './force-color.js';
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import stringWidth from 'string-width';
import {loadKeymap} from '../../keymaps/index.js';
import {computeLayout} from '../../views/layout.js';
import {placeLayout} from '../../views/deck/layout-engine.js';
import {builtInLayouts, findLayout} from '../../views/deck/layouts.js';
import {PANE_MIN_SIZE} from '../../views/deck/pane-sizes.js';
import {filledStore, homelabGuests, homelabNics, syntheticGuests} from './data.js';
import {KEYS, plain, press, tableRows} from './harness.js';
import {renderApp} from './render.js';

afterEach(() => cleanup());

const SIZES = [
	{columns: 80, rows: 24},
	{columns: 120, rows: 40},
	{columns: 160, rows: 50},
	{columns: 200, rows: 60},
	{columns: 60, rows: 20},
	{columns: 60, rows: 12},
];

/** Data rows of the fleet pane in the default deck at this terminal size (the layout engine's rectangle less title and column titles). */
function fleetViewport(size: {columns: number; rows: number}): number {
	const body = computeLayout(size, false);
	const triage = findLayout(builtInLayouts(), 'triage')!;
	const placed = placeLayout(triage, {width: body.width, height: body.bodyHeight}, {minSize: (pane) => PANE_MIN_SIZE[pane], focus: 'fleet'});
	return placed.rects.find((r) => r.pane === 'fleet')!.height - 2;
}

function assertFits(frame: string, size: {columns: number; rows: number}, what: string) {
	const lines = plain(frame).split('\n');
	assert.ok(lines.length <= size.rows - 1, `${what}: ${lines.length} lines at ${size.columns}×${size.rows}`);
	for (const line of lines) assert.ok(stringWidth(line) <= size.columns, `${what}: line wider than ${size.columns}: ${line}`);
}

for (const size of SIZES) {
	test(`every frame fits ${size.columns}×${size.rows} (rows − 1 lines, no line wider than the terminal)`, async () => {
		const store = filledStore(syntheticGuests(300), {demo: true, readOnly: true, nics: homelabNics()});
		store.getState().actions.detailReceived(100, {ostype: 'debian', net0: 'name=eth0,bridge=vmbr0,ip=dhcp', net1: 'name=eth1,bridge=vmbr1,ip=10.1.1.1/24', mp0: 'a:b,mp=/x', mp1: 'a:c,mp=/y', rootfs: 'a:d,size=8G', lxc: [['lxc.mount.entry', '/dev/dri dev/dri none bind']]}, [], 1);
		store.getState().actions.pollFailed('a very long error line '.repeat(20), 2);
		const app = await renderApp(store, {size});
		assertFits(app.lastFrame()!, size, 'table');
		// The fleet pane's table fills the space the deck gives it: no blank gap, no overflow.
		assert.equal(tableRows(app.lastFrame()!).length, fleetViewport(size));
		await press(app, KEYS.enter);
		assertFits(app.lastFrame()!, size, 'detail');
		await press(app, KEYS.esc, '?');
		assertFits(app.lastFrame()!, size, 'help');
		await press(app, KEYS.esc, '/', 'x', 'y');
		assertFits(app.lastFrame()!, size, 'filter');
		await press(app, KEYS.esc, KEYS.esc, 'G');
		assertFits(app.lastFrame()!, size, 'bottom');
	});
}

test('the store learns how many rows the view shows', async () => {
	const store = filledStore(syntheticGuests(300));
	await renderApp(store, {size: {columns: 120, rows: 40}});
	assert.equal(store.getState().ui.viewportRows, fleetViewport({columns: 120, rows: 40}));
	assert.ok(store.getState().ui.viewportRows >= 15, 'the fleet is the largest pane');
});

test('below 60×12 the frame is exactly one line saying so', async () => {
	let quits = 0;
	const app = await renderApp(filledStore(homelabGuests()), {size: {columns: 50, rows: 10}, onQuit: () => quits++});
	assert.equal(plain(app.lastFrame()!), 'too small: 50×10, need 60×12');
	// Keys still work, so the user can quit.
	await press(app, 'q');
	assert.equal(quits, 1);
});

test('narrow terminals drop low-priority columns instead of wrapping', async () => {
	const wide = await renderApp(filledStore(homelabGuests(), {nics: homelabNics()}), {size: {columns: 200, rows: 30}});
	assert.match(plain(wide.lastFrame()!), /LOCK/);
	cleanup();
	const narrow = await renderApp(filledStore(homelabGuests(), {nics: homelabNics()}), {size: {columns: 80, rows: 30}});
	const titles = plain(narrow.lastFrame()!).split('\n')[3]!;
	// A cluster with locked guests: which node and which lock outrank the tags; BRIDGE/IP and UPTIME go first.
	for (const kept of ['VMID', 'NAME', 'NODE', 'STATUS', 'CPU%', 'MEM', 'DISK', 'LOCK']) assert.match(titles, new RegExp(kept));
	for (const dropped of ['TAGS', 'UPTIME', 'BRIDGE/IP']) assert.doesNotMatch(titles, new RegExp(dropped));
});

test('the footer hints come from the keymap', async () => {
	const app = await renderApp(filledStore(homelabGuests()), {keymap: loadKeymap({'filter.open': 'f'}), size: {columns: 200, rows: 30}});
	const footer = plain(app.lastFrame()!).split('\n').at(-1)!;
	assert.match(footer, /f filter/);
	assert.doesNotMatch(footer, /\/ filter/);
	await press(app, 'f');
	assert.match(plain(app.lastFrame()!).split('\n').at(-1)!, /^\/█/);
});

test('the footer puts the incident keys first, so 80 columns still show the actions', async () => {
	const app = await renderApp(filledStore(homelabGuests()), {size: {columns: 80, rows: 24}});
	const footer = plain(app.lastFrame()!).split('\n').at(-1)!;
	// `? help` keeps the footer's last 8 columns; the incident keys come first, disabled ones grouped under their reason.
	assert.match(footer, /^\[no connection\] s snapshot\b.*r reboot\b.*b roll back\b/);
	assert.match(footer, / \? help$/, 'help is always reachable');
	assert.doesNotMatch(footer, /j\/↓ down/, 'the navigation keys everyone knows come last');
});
