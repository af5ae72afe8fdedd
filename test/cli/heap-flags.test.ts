// The console's V8 heap settings (bin/heap-flags.js; issue 12's memory
// figures depend on them): set by default, a user's own setting kept, and
// only flags V8 reads after it started.

import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {test} from 'node:test';
import {readFileSync} from 'node:fs';
import {ALLOCATOR_ENV, applyHeapFlags, HEAP_FLAGS, NODE_FLAGS, nodeFlagsNote} from '../../bin/heap-flags.js';

function applied(given: string[]): string[] {
	const set: string[] = [];
	applyHeapFlags({setFlagsFromString: (flag) => set.push(flag)}, given);
	return set;
}

test('the heap flag is set unless the user set it himself', () => {
	assert.deepEqual(applied([]), ['--heap-growing-percent=50']);
	assert.deepEqual(applied(['--max-semi-space-size=16']), ['--heap-growing-percent=50']);
	assert.deepEqual(applied(['--inspect --heap-growing-percent=100']), []);
	assert.deepEqual(HEAP_FLAGS, ['--heap-growing-percent=50']);
});

/** The new space's size (MB) after a child node allocated 2 million short-lived objects, with `flags` on its command line and `runtime` set through v8.setFlagsFromString first. */
function newSpaceAfterLoad(flags: string[], runtime: string | undefined): number {
	const script = `
		const v8 = require('node:v8');
		${runtime ? `v8.setFlagsFromString(${JSON.stringify(runtime)});` : ''}
		const keep = [];
		for (let i = 0; i < 2e6; i++) { keep.push({a: i, b: 'x' + i}); if (keep.length > 100000) keep.splice(0, 50000); }
		process.stdout.write(String(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576));`;
	return Number(execFileSync(process.execPath, [...flags, '-e', script], {encoding: 'utf8'}));
}

test('a young-generation size is no heap flag: node takes it on its command line only, not set at run time as heap flags are', () => {
	assert.ok(newSpaceAfterLoad(['--max-semi-space-size=2'], undefined) <= 4, 'given on the command line, 2 MB semi-spaces hold');
	const atRunTime = newSpaceAfterLoad([], '--max-semi-space-size=2');
	// If this fails, node now takes the flag at run time, and a smaller young generation may be worth measuring again (bin/heap-flags.js).
	assert.ok(atRunTime > 4, `set at run time, the new space grew to ${atRunTime} MB`);
	assert.ok(!HEAP_FLAGS.some((flag) => /semi-space|old-space|young-generation/.test(flag)));
});

test('V8 takes the heap flags at run time (a name it does not know would throw nothing and do nothing: check it is listed)', () => {
	const options = execFileSync(process.execPath, ['--v8-options'], {encoding: 'utf8'});
	for (const flag of HEAP_FLAGS) assert.ok(options.includes(flag.slice(0, flag.indexOf('='))), `${flag} is not a V8 option of ${process.version}`);
});

test('the console starts with ALLOCATOR_ENV and NODE_FLAGS: the #! line of bin/proxdeck.js and npm start pass them', () => {
	const root = new URL('../../', import.meta.url);
	const shebang = readFileSync(new URL('bin/proxdeck.js', root), 'utf8').split('\n')[0];
	assert.equal(shebang, `#!/usr/bin/env -S ${ALLOCATOR_ENV.join(' ')} node ${NODE_FLAGS.join(' ')}`);
	const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {scripts: Record<string, string>}).scripts;
	assert.equal(scripts.start, `${ALLOCATOR_ENV.join(' ')} node ${NODE_FLAGS.join(' ')} bin/proxdeck.js`);
	// Node takes them (an unknown option would stop it).
	assert.equal(execFileSync(process.execPath, [...NODE_FLAGS, '-e', 'process.stdout.write("ok")'], {encoding: 'utf8'}), 'ok');
});

test('the installed console runs through its #! line (env -S) with the setting and the flags', () => {
	// A module imported first prints what the console's process was given.
	const peek = '--import=data:text/javascript,console.log(JSON.stringify([process.env.MALLOC_MMAP_THRESHOLD_,process.execArgv]))';
	const {MALLOC_MMAP_THRESHOLD_: _, ...without} = process.env;
	const out = execFileSync(new URL('../../bin/proxdeck.js', import.meta.url).pathname, ['--version'], {encoding: 'utf8', env: {...without, PROXDECK_NO_BUNDLE: '1', NODE_OPTIONS: peek}});
	const [given, version] = out.trim().split('\n');
	assert.deepEqual(JSON.parse(given!), [ALLOCATOR_ENV[0]!.split('=')[1], NODE_FLAGS]);
	assert.match(version!, /^\d+\.\d+\.\d+/);
});

test('an in-process bench run without NODE_FLAGS or ALLOCATOR_ENV says how to run it with them, and says nothing with them', () => {
	const env = Object.fromEntries(ALLOCATOR_ENV.map((setting: string) => setting.split('=')));
	const command = `${ALLOCATOR_ENV.join(' ')} node ${NODE_FLAGS.join(' ')} --import tsx bench/logs.ts`;
	assert.equal(nodeFlagsNote([...NODE_FLAGS, '--import', 'tsx'], 'bench/logs.ts', env), undefined);
	assert.equal(nodeFlagsNote(['--import', 'tsx'], 'bench/logs.ts', env), `note: the console runs with ${NODE_FLAGS.join(' ')}; run this bench as ${command} … for its figures`);
	assert.equal(nodeFlagsNote([...NODE_FLAGS], 'bench/logs.ts', {}), `note: the console runs with ${ALLOCATOR_ENV.join(' ')}; run this bench as ${command} … for its figures`);
});
