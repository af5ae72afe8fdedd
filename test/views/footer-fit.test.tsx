// The footer at the sizes people run: its hints are the keymap's short labels
// (the description is help's), chosen by rank so Tab and `:` are not crowded
// out by one long action hint, each shown whole or not at all, `? help` last.

import './force-color.js';
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import {keyLabel, loadKeymap} from '../../keymaps/index.js';
import {App} from '../../views/App.js';
import {startRig} from '../actions/helpers.js';
import {homelabStore} from '../deck/homelab-store.js';
import {KEYS, keyClock, plain, press, settle} from './harness.js';
import {renderApp} from './render.js';

afterEach(() => cleanup());

const footerOf = (app: {lastFrame(): string | undefined}) => plain(app.lastFrame() ?? '').split('\n').at(-1)!;

/** Every hint a footer may show, as it reads there: "d back up". */
function footerItems(): Set<string> {
	const keymap = loadKeymap();
	const items = new Set<string>();
	for (const b of keymap.bindings) if (b.footer) items.add(`${b.keys.map(keyLabel).join('/')} ${b.label}`);
	return items;
}

/** The footer's hints one by one: parts are two spaces apart, a disabled group says "[reason] a, b". */
function hintsIn(footer: string, prompt: RegExp | undefined): string[] {
	const parts = footer.replace(/ +\? help$/, '').trim().split(/ {2,}/);
	if (prompt) assert.match(parts.shift() ?? '', prompt);
	return parts.flatMap((p) => p.replace(/^\[[^\]]*\] /, '').split(', ')).filter((h) => h !== '');
}

test("at 160×50 the demo's fleet footer has d's short label, `: command` and Tab; help keeps d's description", async () => {
	const rig = await startRig();
	try {
		const app = render(<App store={rig.store} keymap={loadKeymap()} size={{columns: 160, rows: 50}} onQuit={() => {}} tickMs={0} commands={rig.services.commands} inputClock={keyClock} />);
		Object.defineProperty(app.stdout, 'columns', {value: 160, configurable: true});
		app.stdout.emit('resize');
		await settle();
		const footer = footerOf(app);
		assert.match(footer, /(^| {2})d back up( {2}|$)/, footer);
		assert.doesNotMatch(footer, /vzdump/);
		assert.match(footer, / {2}: command {2}/);
		assert.match(footer, / {2}tab next pane {2}/);
		assert.match(footer, / {2}enter details {2}/, 'nothing is cut');
		assert.match(footer, / {2}\? help$/);
		// The `?` help lists d with its whole description (somewhere in its pages).
		await press(app, '?');
		let seen = '';
		for (let page = 0; page < 10 && !/back up now/.test(seen); page++) {
			seen = plain(app.lastFrame() ?? '');
			await press(app, KEYS.pgDn);
		}
		assert.match(seen, / d +back up now \(vzdump: storage, mode, notes, protected\)/);
	} finally {
		cleanup();
		await rig.close();
	}
});

test('at 80×24 the connected fleet footer keeps the incident keys, `: command` and Tab', async () => {
	const rig = await startRig();
	try {
		const app = render(<App store={rig.store} keymap={loadKeymap()} size={{columns: 80, rows: 24}} onQuit={() => {}} tickMs={0} commands={rig.services.commands} inputClock={keyClock} />);
		await settle();
		const footer = footerOf(app);
		assert.match(footer, /^s snapshot {2}r reboot {2}b roll back {2}: command\b/, footer);
		assert.match(footer, / {2}tab next pane {2,}\? help$/, footer);
	} finally {
		cleanup();
		await rig.close();
	}
});

for (const columns of [200, 160, 120, 80, 60]) {
	test(`at ${columns} columns every footer hint is whole, on every pane, the detail and both prompts; \`? help\` is at the end`, async () => {
		const known = footerItems();
		const app = await renderApp(homelabStore(), {size: {columns, rows: 40}});
		// The `:` prompt's line is the whole width (no `? help` beside it).
		const check = (where: string, prompt?: RegExp, help = true) => {
			const footer = footerOf(app);
			assert.ok([...footer].length <= columns, `${where}: wider than ${columns}: ${footer}`);
			assert.doesNotMatch(footer, /…/, `${where}: ${footer}`);
			if (help) assert.match(footer, / {2}\? help$/, `${where}: ${footer}`);
			const hints = hintsIn(footer, prompt);
			assert.ok(hints.length > 0, `${where}: no hint at all: ${footer}`);
			for (const h of hints) assert.ok(known.has(h), `${where}: "${h}" is not a whole hint: ${footer}`);
		};
		check('fleet');
		assert.match(footerOf(app), /tab next pane/, 'Tab is kept at every width');
		for (let pane = 2; pane <= 6; pane++) {
			await press(app, '\t');
			check(`pane ${pane}`);
		}
		await press(app, '1', '1', KEYS.enter);
		check('detail');
		assert.match(footerOf(app), /^esc\/enter close details {2}/, 'the open panel\'s key first');
		await press(app, KEYS.esc, '/', 'x');
		check('filter prompt', /^\/x█$/);
		assert.match(footerOf(app), /enter apply filter/);
		await press(app, KEYS.esc, ':');
		check('command prompt', /^:█$/, false);
	});
}
