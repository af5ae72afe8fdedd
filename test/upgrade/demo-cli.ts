// `proxdeck upgrade --demo` spawned as cron/CI would run it, sped up with
// --sim-speed, in a state folder of its own; resolves with the exit code and output.

import {spawn} from 'node:child_process';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/proxdeck.js', import.meta.url));

export interface DemoResult {
	code: number | null;
	stdout: string;
	stderr: string;
	state: string;
}

export function demoUpgrade(args: string[]): Promise<DemoResult> {
	const state = mkdtempSync(join(tmpdir(), 'proxdeck-headless-'));
	const env = {...process.env, XDG_STATE_HOME: state, XDG_CONFIG_HOME: join(state, 'config')};
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [BIN, 'upgrade', '--demo', '--sim-speed', '60', ...args], {env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		// Only a safety net against a hung child: five CLIs share the machine, and on a loaded
		// 2-core runner they took ~46 s together (when each loaded the sources through tsx).
		const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({code, stdout, stderr, state});
		});
	});
}
