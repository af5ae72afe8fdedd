import '../views/force-color.js';
// A user-typed log filter is run against every line a host sends. It must
// never freeze the console: the pattern runs on a linear-time engine, syntax
// that engine lacks is matched as text with one line saying so, and Ctrl+C
// quits with the filter in place.

import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {rmSync} from 'node:fs';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {compileFilter} from '../../source/services/logs/filter.js';
import {createLogsService} from '../../source/services/logs/panes.js';
import {KEYS, plain, press, type, waitForFrame} from '../views/harness.js';
import {renderApp} from '../views/render.js';
import {fleetStore, manualSources, tempDir} from './helpers.js';

const line = (text: string) => ({seq: 0, text, level: 'info' as const, ts: ''});
const EVIL_LINE = `${'a'.repeat(34)}!`;
const root = fileURLToPath(new URL('../..', import.meta.url));

// In a child process: a backtracking engine spins for minutes on this, and a
// spinning match cannot be interrupted from inside the same thread.
test('(a+)+$ against 34 a and ! is answered at once (a backtracking engine takes minutes)', async () => {
	const script = `
		import {compileFilter} from './source/services/logs/filter.ts';
		const line = {seq: 0, text: ${JSON.stringify(EVIL_LINE)}, level: 'info', ts: ''};
		const shown = [compileFilter('(a+)+$'), compileFilter('^(a|aa)+$'), compileFilter('^(.*a){20}$')].map((f) => f.test(line));
		process.stdout.write(JSON.stringify(shown));
	`;
	const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {cwd: root, stdio: ['ignore', 'pipe', 'pipe']});
	let out = '';
	let err = '';
	child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
	child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
	const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
	const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
	clearTimeout(killer);
	assert.equal(code, 0, `the filter did not finish (killed after 20 s): ${err}`);
	assert.deepEqual(JSON.parse(out), [false, false, false]);
});

test('backreferences and lookaround: one line says why, the text is matched as typed, nothing is lost', () => {
	const back = compileFilter('(a)\\1');
	assert.equal(back.literal, true);
	assert.match(back.note ?? '', /^\/\(a\)\\1\/ uses syntax the linear-time matcher does not run \(backreferences, lookaround, repeats over 1000\) — matching it as plain text$/);
	assert.equal(back.test(line('x (A)\\1 y')), true);
	assert.equal(back.test(line('aa')), false);
	const look = compileFilter('foo(?!bar)');
	assert.equal(look.literal, true);
	assert.match(look.note ?? '', /uses syntax the linear-time matcher does not run/);
	const broken = compileFilter('[oops');
	assert.equal(broken.note, 'not a valid regex: /[oops/ — matching it as plain text');
	// Ordinary regexes keep working, case-insensitively; ! inverts.
	assert.equal(compileFilter('err(or)?|fail').test(line('ERROR: disk')), true);
	assert.equal(compileFilter('\\d+ms', true).test(line('took 35ms')), false);
});

test('on the logs screen: (a+)+$ filters at once, a lookaround says why, Ctrl+C still quits', async () => {
	const store = fleetStore();
	const manual = manualSources();
	const dir = tempDir();
	const service = createLogsService({store, renderIntervalMs: 5, saveDir: dir, sourceFor: manual.sourceFor, clock: () => Date.UTC(2026, 10, 23, 16, 40, 1)});
	let quits = 0;
	const app = await renderApp(store, {size: {columns: 120, rows: 30}, onQuit: () => quits++});
	try {
		service.open({kind: 'host', node: 'pve'});
		await press(app, '4');
		manual.sources[0]!.push('Started plex', EVIL_LINE, 'aaaa');
		await waitForFrame(app, (f) => plain(f).includes('Started plex'));
		await press(app, '/');
		await type(app, '(a+)+$');
		await press(app, KEYS.enter);
		const frame = await waitForFrame(app, (f) => plain(f).includes('/(a+)+$/'));
		assert.ok(plain(frame).includes('aaaa') && !plain(frame).includes('Started plex') && !plain(frame).includes(EVIL_LINE));
		await press(app, '/');
		for (let i = 0; i < 6; i++) await press(app, KEYS.backspace);
		await type(app, 'plex(?=x)');
		await press(app, KEYS.enter);
		await waitForFrame(app, (f) => plain(f).includes("does not run (backreferences, lookaround"));
		await press(app, KEYS.ctrlC);
		assert.equal(quits, 1);
	} finally {
		app.unmount();
		service.stop();
		rmSync(dir, {recursive: true, force: true});
	}
});
