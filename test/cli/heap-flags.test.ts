// The console's V8 heap settings (bin/heap-flags.js; issue 12's memory
// figures depend on them): both set by default, a user's own setting kept.

import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {test} from 'node:test';
import {applyHeapFlags, HEAP_FLAGS} from '../../bin/heap-flags.js';

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
