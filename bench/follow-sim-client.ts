// Starts bench/follow-sim.ts (the simulator's SSH side streaming a journal) in
// a child process, so its CPU is not counted as the console's, and gives a
// runner that trusts its host key.

import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';
import {createSshRunner} from '../source/ssh/ssh-runner.js';
import type {CommandRunner} from '../source/ssh/types.js';

export interface FollowSim {
	/** The node guest 100 (plex) is on: its journal is the one that streams. */
	node: string;
	runner: CommandRunner;
	close(): Promise<void>;
}

export async function startFollowSim(rate: number): Promise<FollowSim> {
	const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('follow-sim.ts', import.meta.url)), String(rate)], {stdio: ['pipe', 'pipe', 'inherit']});
	const [line] = (await once(createInterface({input: child.stdout!}), 'line')) as [string];
	const sim = JSON.parse(line) as {host: string; port: number; keyPath: string; knownHosts: string; node: string};
	const runner = createSshRunner({host: sim.host, port: sim.port, username: 'root', privateKeyPath: sim.keyPath, knownHostsPath: sim.knownHosts, acceptNewHostKey: false, keepaliveMs: 0});
	return {
		node: sim.node,
		runner,
		async close() {
			await runner.close();
			child.stdin!.end();
			await once(child, 'exit');
		},
	};
}
