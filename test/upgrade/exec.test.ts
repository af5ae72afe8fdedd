// A failing command inside a container says why: its last stderr line goes
// into the reason (pct's own error instead of a bare "exited 255").

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {describeEnd, execIn} from '../../source/services/upgrade/exec.js';
import type {CommandRunner, LineSource} from '../../source/ssh/types.js';

function scriptedRunner(lines: Array<[string, LineSource]>, code: number): CommandRunner {
	return {
		label: 'test',
		run: async () => ({code: 1, stdout: '', stderr: ''}), // `hostname` unknown: no hop
		stream(_argv, onLine) {
			for (const [text, from] of lines) onLine(text, from);
			return {stop: () => {}, done: Promise.resolve({code})};
		},
		onStatus: () => () => {},
		close: async () => {},
	};
}

test('the last stderr line of a failed command is in the reason; a success carries none', async () => {
	const failed = await execIn(
		scriptedRunner([['Reading package lists...', 'stdout'], ["Configuration file 'nodes/pve1/lxc/111.conf' does not exist", 'stderr'], ['', 'stderr']], 255),
		{vmid: 111},
		'apt-get update',
		5000,
	);
	assert.deepEqual(failed.end, {kind: 'exit', code: 255, lastError: "Configuration file 'nodes/pve1/lxc/111.conf' does not exist"});
	assert.equal(describeEnd('apt-get', failed.end, 5000), "apt-get exited 255 (Configuration file 'nodes/pve1/lxc/111.conf' does not exist)");
	const ok = await execIn(scriptedRunner([['W: some warning', 'stderr']], 0), {vmid: 100}, 'true', 5000);
	assert.deepEqual(ok.end, {kind: 'exit', code: 0});
	const hostile = await execIn(scriptedRunner([['E: \u001B]0;pwned\u0007dpkg was interrupted', 'stderr']], 100), {vmid: 100}, 'apt-get upgrade', 5000);
	assert.equal(describeEnd('apt', hostile.end, 5000), 'apt exited 100 (E: dpkg was interrupted)', 'control sequences are stripped');
});
