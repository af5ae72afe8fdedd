// `proxdeck upgrade` spawned as a real process against a "real host" this test
// process owns: the simulator's HTTPS API and its SSH side on loopback, with a
// client key, a known_hosts in the child's HOME and the token secret in the
// environment. Several processes can share one host and one state folder (two
// proxdecks on the same run), and the test sees every API request and every
// SSH command the host received.

import {spawn, type ChildProcess} from 'node:child_process';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {startSimSsh, type RunningSimSsh} from '../../source/sim/ssh/index.js';
import {generateEd25519} from '../../source/ssh/keygen.js';

export const BIN = fileURLToPath(new URL('../../bin/proxdeck.js', import.meta.url));

export interface Finished {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

export interface Spawned {
	child: ChildProcess;
	/** Output so far (for polling while it runs). */
	stdout(): string;
	stderr(): string;
	done: Promise<Finished>;
}

export interface HostUnderTest {
	sim: RunningSimulator;
	ssh: RunningSimSsh;
	/** Every command executed over SSH, in order. */
	execs: string[];
	/** HOME and XDG_STATE_HOME of the spawned processes (shared: same journals, same known_hosts). */
	home: string;
	runsDir: string;
	/** `proxdeck upgrade <args>` against this host. */
	upgrade(args: string[]): Spawned;
	/** Requests that change something (POST/PUT/DELETE). */
	writes(): RunningSimulator['requests'];
	close(): Promise<void>;
}

export function spawnProxdeck(argv: string[], env: NodeJS.ProcessEnv): Spawned {
	const child = spawn(process.execPath, [BIN, ...argv], {env, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (d) => (stdout += d));
	child.stderr!.on('data', (d) => (stderr += d));
	// Only a safety net against a hung child on a loaded machine.
	const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
	const done = new Promise<Finished>((resolve, reject) => {
		child.on('error', reject);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			resolve({code, signal, stdout, stderr});
		});
	});
	return {child, stdout: () => stdout, stderr: () => stderr, done};
}

export async function startHostUnderTest(options: {fixture?: Fixture; packageSpeed?: number} = {}): Promise<HostUnderTest> {
	const fixture = options.fixture ?? loadFixture(BUILTIN_FIXTURES.homelab);
	const token = fixture.users.find((u) => u.userid === 'root@pam')!.tokens!.find((t) => t.tokenid === 'proxdeck')!;
	const sim = await startSimulator({fixture, taskSpeed: 40});
	sim.state.packageSpeed = options.packageSpeed ?? 60;
	const key = generateEd25519();
	const execs: string[] = [];
	const ssh = await startSimSsh({state: sim.state, authorizedKeys: [key.public], onExec: (command) => execs.push(command)});
	const home = mkdtempSync(join(tmpdir(), 'proxdeck-host-'));
	mkdirSync(join(home, '.ssh'), {mode: 0o700});
	writeFileSync(join(home, '.ssh', 'known_hosts'), `${ssh.knownHostsLine}\n`, {mode: 0o600});
	const keyPath = join(home, '.ssh', 'id_ed25519');
	writeFileSync(keyPath, key.private, {mode: 0o600});
	const env = {
		...process.env,
		HOME: home,
		XDG_STATE_HOME: join(home, 'state'),
		XDG_CONFIG_HOME: join(home, 'config'),
		PROXDECK_TOKEN_SECRET: token.secret,
	};
	const target = ['--host', sim.host, '--port', String(sim.port), '--fingerprint', sim.fingerprint, '--token-id', 'root@pam!proxdeck', '--ssh', '--ssh-port', String(ssh.port), '--ssh-key', keyPath];
	return {
		sim,
		ssh,
		execs,
		home,
		runsDir: join(home, 'state', 'proxdeck', 'runs'),
		upgrade: (args) => spawnProxdeck(['upgrade', ...target, ...args], env),
		writes: () => sim.requests.filter((r) => r.method !== 'GET'),
		async close() {
			await ssh.close();
			await sim.close();
		},
	};
}
