// proxdeck's SSH runner against a real OpenSSH server (issue 5 part 3).
//
// sshd runs on a random loopback port with a throwaway host key and
// authorized key (see /work/shared/research/real-sshd.md). `pct`,
// `journalctl`, `zfs` and `zpool` on its PATH are two-line sh scripts that
// exec source/sim/ssh/relay-client.mjs, which forwards argv over a Unix socket
// to the simulator's command interpreter running in this test process — the
// same interpreter and live state the simulator's SSH side uses. (Plain JS
// client: starting node+tsx per command would cost ~1 s each.)
// Skipped with a visible reason where /usr/sbin/sshd is missing (CI installs
// openssh-server, so there it always runs).

import assert from 'node:assert/strict';
import {spawn, execFileSync, type ChildProcess} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {connect, createServer} from 'node:net';
import {tmpdir, userInfo} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, test} from 'node:test';
import {RELAY_CLIENT, startCommandRelay, type CommandRelay} from '../../source/sim/ssh/relay.js';
import {SshError} from '../../source/ssh/errors.js';
import {createSshRunner, type SshRunnerOptions} from '../../source/ssh/ssh-runner.js';
import type {CommandRunner} from '../../source/ssh/types.js';
import {homelabState} from '../sim-ssh/harness.js';

const SSHD = '/usr/sbin/sshd';
/** sshd refuses to start without its privilege separation directory; only root can create it. */
function privsepDirReady(): boolean {
	try {
		mkdirSync('/run/sshd', {recursive: true});
		return true;
	} catch {
		return existsSync('/run/sshd');
	}
}
const skip = !existsSync(SSHD)
	? `${SSHD} not found (install openssh-server to run the real sshd integration test)`
	: !privsepDirReady()
		? '/run/sshd is missing and cannot be created (not root): create it to run the real sshd integration test'
		: false;
if (skip) console.log(`# real-sshd: SKIPPED — ${skip}`);


function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
}

async function waitForPort(port: number, deadline = Date.now() + 20_000): Promise<void> {
	while (Date.now() < deadline) {
		const open = await new Promise<boolean>((resolve) => {
			const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
			socket.on('error', () => resolve(false));
		});
		if (open) return;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	throw new Error(`sshd did not listen on ${port}`);
}

function keygen(path: string): void {
	rmSync(path, {force: true});
	rmSync(`${path}.pub`, {force: true});
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path]);
}

describe('real OpenSSH server', {skip}, () => {
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-sshd-'));
	const user = userInfo().username;
	let port = 0;
	let sshd: ChildProcess | undefined;
	let relay: CommandRelay | undefined;
	const sim = homelabState();
	const runners: CommandRunner[] = [];

	const startSshd = async () => {
		sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {stdio: ['ignore', 'ignore', 'pipe']});
		let log = '';
		sshd.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
		await waitForPort(port).catch((error: Error) => {
			throw new Error(`${error.message}: ${log}`);
		});
	};
	const stopSshd = async () => {
		if (!sshd || sshd.exitCode !== null) return;
		const exited = new Promise((resolve) => sshd!.once('exit', resolve));
		sshd.kill('SIGTERM');
		await exited;
	};
	const runner = (overrides: Partial<SshRunnerOptions> = {}) => {
		const r = createSshRunner({
			host: '127.0.0.1', port, username: user, privateKeyPath: join(dir, 'client'), knownHostsPath: join(dir, 'known_hosts'),
			acceptNewHostKey: false, keepaliveMs: 5000, backoff: {initialMs: 20, maxMs: 100, maxAttempts: 2}, ...overrides,
		});
		runners.push(r);
		return r;
	};

	before(async () => {
		port = await freePort();
		keygen(join(dir, 'hostkey'));
		keygen(join(dir, 'client'));
		writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client.pub')));
		relay = await startCommandRelay(join(dir, 'relay.sock'), {state: sim.state, journalRate: 50});
		const bin = join(dir, 'bin');
		mkdirSync(bin);
		for (const name of ['pct', 'journalctl', 'zfs', 'zpool']) {
			const script = join(bin, name);
			writeFileSync(script, `#!/bin/sh\nexec '${process.execPath}' '${RELAY_CLIENT}' '${relay.socketPath}' ${name} "$@"\n`);
			chmodSync(script, 0o755);
		}
		writeFileSync(join(dir, 'sshd_config'), [
			`Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'hostkey')}`, `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
			'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PermitRootLogin prohibit-password', 'StrictModes no', 'UsePAM no',
			`PidFile ${join(dir, 'sshd.pid')}`, `SetEnv PATH=${bin}:/usr/local/bin:/usr/bin:/bin`, '',
		].join('\n'));
		execFileSync(SSHD, ['-t', '-f', join(dir, 'sshd_config')]);
		await startSshd();
		const hostPub = readFileSync(join(dir, 'hostkey.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
		writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
	});

	after(async () => {
		await Promise.all(runners.map((r) => r.close()));
		await stopSshd();
		await relay?.close();
		rmSync(dir, {recursive: true, force: true});
	});

	// The commands run concurrently on one connection (one channel each): each
	// wrapper script starts node, which is what makes this file slow otherwise.
	test('connects (host key verified), runs commands, and gets exit codes and stderr back', async () => {
		const r = runner();
		const words = [`it's`, '$(id)', 'a b', '`x`', '"q"', ';', '&&'];
		// The wrappers answer from the live simulator state: a container stopped here is stopped there.
		sim.state.guests.get(302)!.status = 'stopped';
		const [list, missing, exit3, printf, zpool, stopped] = await Promise.all([
			r.run(['pct', 'list']),
			r.run(['pct', 'exec', '999', '--', 'true']),
			r.run(['sh', '-c', 'exit 3']),
			r.run(['printf', '%s|', ...words]),
			r.run(['zpool', 'list', '-H', '-p', '-o', 'name,health']),
			r.run(['pct', 'exec', '302', '--', 'true']),
		]).finally(() => (sim.state.guests.get(302)!.status = 'running'));
		assert.equal(list.code, 0, list.stderr);
		const lines = list.stdout.split('\n');
		assert.equal(lines[0], 'VMID       Status     Lock         Name                ');
		assert.ok(lines.includes('100        running                 plex                '));
		assert.ok(lines.includes('302        stopped                 vaultwarden         '));
		assert.equal(lines.length - 2, 28);
		assert.notEqual(missing.code, 0);
		assert.match(missing.stderr, /nodes\/pve\/lxc\/999\.conf' does not exist/);
		assert.equal(exit3.code, 3);
		// Hostile argv reaches the program as the same words through real bash.
		assert.equal(printf.stdout, `${words.join('|')}|`);
		assert.equal(zpool.stdout, 'rpool\tONLINE\ntank\tONLINE\n');
		assert.deepEqual(stopped, {code: 255, stdout: '', stderr: "container '302' not running!\n"});
	});

	test('streams journalctl -f lines, then stops', async () => {
		const lines: string[] = [];
		let resolveEnough!: () => void;
		const enough = new Promise<void>((resolve) => (resolveEnough = resolve));
		const handle = runner().stream(['journalctl', '-f', '-n', '2'], (line, from) => {
			if (from === 'stdout') lines.push(line);
			if (lines.length >= 8) resolveEnough();
		});
		await enough;
		handle.stop();
		await handle.done;
		for (const line of lines) assert.match(line, /^\w{3} \d\d \d\d:\d\d:\d\d pve \S+: /);
	});

	test('an unknown host is refused, then accepted with acceptNewHostKey and recorded', async () => {
		const path = join(dir, 'fresh_known_hosts');
		await assert.rejects(runner({knownHostsPath: path}).run(['true']), (error: unknown) => error instanceof SshError && error.kind === 'unknown-host-key');
		assert.equal(existsSync(path), false);
		assert.equal((await runner({knownHostsPath: path, acceptNewHostKey: true}).run(['true'])).code, 0);
		const hostPub = readFileSync(join(dir, 'hostkey.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
		assert.equal(readFileSync(path, 'utf8'), `[127.0.0.1]:${port} ${hostPub}\n`);
		// OpenSSH itself finds the recorded line.
		assert.match(execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${port}`, '-f', path], {encoding: 'utf8'}), /ssh-ed25519/);
	});

	test('after sshd restarts with a new host key, the same known_hosts refuses it (changed-host-key)', async () => {
		await stopSshd();
		keygen(join(dir, 'hostkey'));
		await startSshd();
		const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'hostkey.pub')], {encoding: 'utf8'}).split(' ')[1]!;
		await assert.rejects(runner({acceptNewHostKey: true}).run(['true']), (error: unknown) => {
			assert.ok(error instanceof SshError);
			assert.equal(error.kind, 'changed-host-key');
			assert.equal(error.fingerprint, fingerprint);
			assert.ok(error.message.includes(`${join(dir, 'known_hosts')}:1`), error.message);
			return true;
		});
	});
});
