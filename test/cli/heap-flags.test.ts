// The console's V8 heap settings (bin/heap-flags.js; issue 12's memory
// figures depend on them): both set by default, a user's own setting kept.

import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {test} from 'node:test';
import {readFileSync} from 'node:fs';
import {applyHeapFlags, HEAP_FLAGS, NODE_FLAGS, nodeFlagsNote} from '../../bin/heap-flags.js';

function applied(given: string[]): string[] {
	const set: string[] = [];
	applyHeapFlags({setFlagsFromString: (flag) => set.push(flag)}, given);
	return set;
}

test('both heap flags are set unless the user set that flag himself', () => {
	assert.deepEqual(applied([]), ['--max-semi-space-size=2', '--heap-growing-percent=25']);
	assert.deepEqual(applied(['--max-semi-space-size=16']), ['--heap-growing-percent=25']);
	assert.deepEqual(applied(['--inspect --heap-growing-percent=100']), ['--max-semi-space-size=2']);
	assert.deepEqual(HEAP_FLAGS, ['--max-semi-space-size=2', '--heap-growing-percent=25']);
});

test('V8 takes both flags at run time (a name it does not know would throw nothing and do nothing: check it is listed)', () => {
	const options = execFileSync(process.execPath, ['--v8-options'], {encoding: 'utf8'});
	for (const flag of HEAP_FLAGS) assert.ok(options.includes(flag.slice(0, flag.indexOf('='))), `${flag} is not a V8 option of ${process.version}`);
});

test('the console starts with NODE_FLAGS: the #! line of bin/proxdeck.js and npm start pass them', () => {
	const root = new URL('../../', import.meta.url);
	const shebang = readFileSync(new URL('bin/proxdeck.js', root), 'utf8').split('\n')[0];
	assert.equal(shebang, `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
	const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {scripts: Record<string, string>}).scripts;
	assert.equal(scripts.start, `node ${NODE_FLAGS.join(' ')} bin/proxdeck.js`);
	// Node takes them (an unknown option would stop it).
	assert.equal(execFileSync(process.execPath, [...NODE_FLAGS, '-e', 'process.stdout.write("ok")'], {encoding: 'utf8'}), 'ok');
});

test('the installed console runs through its #! line (env -S) with the flags', () => {
	const out = execFileSync(new URL('../../bin/proxdeck.js', import.meta.url).pathname, ['--version'], {encoding: 'utf8', env: {...process.env, PROXDECK_NO_BUNDLE: '1'}});
	assert.match(out.trim(), /^\d+\.\d+\.\d+/);
});

test('an in-process bench run without NODE_FLAGS says how to run it with them, and says nothing with them', () => {
	assert.equal(nodeFlagsNote([...NODE_FLAGS, '--import', 'tsx'], 'bench/logs.ts'), undefined);
	assert.equal(nodeFlagsNote(['--import', 'tsx'], 'bench/logs.ts'), `note: the console runs with ${NODE_FLAGS.join(' ')}; run this bench as node ${NODE_FLAGS.join(' ')} --import tsx bench/logs.ts … for its figures`);
});
