// The SSH runner against the simulator's SSH server (a real ssh2 server on
// loopback): host-key policy, authentication, errors, timeouts, channels.

import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {generateEd25519} from '../../source/ssh/keygen.js';
import {SshError} from '../../source/ssh/errors.js';
import {createSshRunner} from '../../source/ssh/ssh-runner.js';
import type {RunnerStatus} from '../../source/ssh/types.js';
import {startHarness, type Harness} from '../sim-ssh/harness.js';

let h: Harness;
before(async () => {
	h = await startHarness();
});
after(() => h.close());

function isSshError(kind: SshError['kind'], check?: (e: SshError) => void) {
	return (error: unknown) => {
		assert.ok(error instanceof SshError, `expected SshError, got ${String(error)}`);
		assert.equal(error.kind, kind, error.message);
		check?.(error);
		return true;
	};
}

test('label names user, host and port', () => {
	assert.equal(h.runner.label, `ssh root@127.0.0.1:${h.sim.port}`);
});

test('runs a command with the host key verified from known_hosts', async () => {
	const statuses: RunnerStatus[] = [];
	const runner = h.runnerWith({});
	runner.onStatus((s) => statuses.push(s));
	const result = await runner.run(['pct', 'status', '100']);
	assert.deepEqual(result, {code: 0, stdout: 'status: running\n', stderr: ''});
	assert.deepEqual(statuses.map((s) => s.state), ['connecting', 'connected']);
});

test('exit codes and stderr come back', async () => {
	const result = await h.runner.run(['pct', 'exec', '999', '--', 'true']);
	assert.equal(result.code, 255);
	assert.equal(result.stderr, "Configuration file 'nodes/pve/lxc/999.conf' does not exist\n");
	assert.equal((await h.runner.run(['sh', '-c', 'exit 3'])).code, 3);
});

test('an unknown host is refused with its fingerprint and the --accept-new-host-key hint', async () => {
	const empty = join(h.dir, 'empty_known_hosts');
	writeFileSync(empty, '');
	const runner = h.runnerWith({knownHostsPath: empty});
	const statuses: string[] = [];
	runner.onStatus((s) => statuses.push(s.state));
	await assert.rejects(runner.run(['true']), isSshError('unknown-host-key', (e) => {
		assert.equal(e.fingerprint, h.sim.hostKeyFingerprint);
		assert.ok(e.message.includes(h.sim.hostKeyFingerprint));
		assert.match(e.message, /--accept-new-host-key/);
		assert.doesNotMatch(e.message, /\n/);
	}));
	assert.deepEqual(statuses, ['connecting', 'failed']);
	assert.equal(readFileSync(empty, 'utf8'), '', 'nothing was recorded');
});

test('acceptNewHostKey records an unknown key in OpenSSH format, then connects', async () => {
	const path = join(h.dir, 'accept_known_hosts');
	writeFileSync(path, '# existing comment\n');
	const runner = h.runnerWith({knownHostsPath: path, acceptNewHostKey: true});
	assert.equal((await runner.run(['true'])).code, 0);
	assert.equal(readFileSync(path, 'utf8'), `# existing comment\n${h.sim.knownHostsLine}\n`);
	const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${h.sim.port}`, '-f', path], {encoding: 'utf8'});
	assert.match(found, /ssh-ed25519/);
});

test('a changed key is refused even with acceptNewHostKey, naming both fingerprints and the line', async () => {
	const path = join(h.dir, 'changed_known_hosts');
	const other = generateEd25519().public.split(' ').slice(0, 2).join(' ');
	writeFileSync(path, `# one\n[127.0.0.1]:${h.sim.port} ${other}\n`);
	writeFileSync(join(h.dir, 'other.pub'), `${other}\n`);
	const oldFingerprint = execFileSync('ssh-keygen', ['-l', '-f', join(h.dir, 'other.pub')], {encoding: 'utf8'}).split(' ')[1]!;
	const runner = h.runnerWith({knownHostsPath: path, acceptNewHostKey: true});
	await assert.rejects(runner.run(['true']), isSshError('changed-host-key', (e) => {
		assert.ok(e.message.includes(oldFingerprint), e.message);
		assert.ok(e.message.includes(h.sim.hostKeyFingerprint), e.message);
		assert.ok(e.message.includes(`${path}:2`), e.message);
	}));
	assert.equal(readFileSync(path, 'utf8').split('\n').length, 3, 'known_hosts untouched');
});

test('authenticates through an ssh-agent socket (no key file)', {skip: existsSync('/usr/bin/ssh-agent') ? false : 'ssh-agent not installed'}, async () => {
	const socket = join(h.dir, 'agent.sock');
	const agent = spawn('ssh-agent', ['-D', '-a', socket], {stdio: 'ignore'});
	try {
		for (const deadline = Date.now() + 15_000; !existsSync(socket) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
		execFileSync('ssh-add', ['-q', h.keyPath], {env: {...process.env, SSH_AUTH_SOCK: socket}, stdio: 'ignore'});
		const runner = h.runnerWith({privateKeyPath: undefined, agent: socket});
		assert.equal((await runner.run(['pct', 'status', '100'])).stdout, 'status: running\n');
		await runner.close();
	} finally {
		agent.kill();
	}
});

test('a key the server does not accept is an auth error', async () => {
	const stranger = join(h.dir, 'stranger');
	writeFileSync(stranger, generateEd25519().private, {mode: 0o600});
	await assert.rejects(h.runnerWith({privateKeyPath: stranger}).run(['true']), isSshError('auth'));
});

test('an encrypted key without passphrase is an auth error that never echoes secrets; a prompt unlocks it', async () => {
	const path = join(h.dir, 'encrypted');
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '1', '-N', 'hunter2-secret', '-f', path]);
	await assert.rejects(h.runnerWith({privateKeyPath: path}).run(['true']), isSshError('auth', (e) => assert.match(e.message, /encrypted/)));
	await assert.rejects(h.runnerWith({privateKeyPath: path, passphrase: 'wrong-one'}).run(['true']), isSshError('auth', (e) => {
		assert.match(e.message, /wrong passphrase/);
		assert.doesNotMatch(e.message, /wrong-one|hunter2/);
	}));
	// Unlocked, the key is still not authorized on the server: the failure moves from the key file to the server.
	let asked = 0;
	const prompted = h.runnerWith({privateKeyPath: path, passphrase: async () => (asked++, 'hunter2-secret')});
	await assert.rejects(prompted.run(['true']), isSshError('auth', (e) => assert.match(e.message, /authentication failed/)));
	assert.equal(asked, 1);
});

test('a closed port is a network error', async () => {
	const port = await new Promise<number>((resolve) => {
		const s = createServer().listen(0, '127.0.0.1', () => {
			const p = (s.address() as {port: number}).port;
			s.close(() => resolve(p));
		});
	});
	const runner = createSshRunner({host: '127.0.0.1', port, username: 'root', privateKeyPath: h.keyPath, knownHostsPath: h.knownHosts, acceptNewHostKey: false});
	await assert.rejects(runner.run(['true']), isSshError('network', (e) => assert.match(e.message, /ECONNREFUSED/)));
	await runner.close();
});

test('timeoutMs ends a command with kind timeout; the connection stays usable', async () => {
	await assert.rejects(h.runner.run(['journalctl', '-f'], {timeoutMs: 100}), isSshError('timeout'));
	assert.equal((await h.runner.run(['true'])).code, 0);
});

test('a command printing past the output limit is stopped with kind too-large; the connection stays usable', async () => {
	const small = h.runnerWith({runOutputLimit: 1024});
	await assert.rejects(small.run(['journalctl', '-f']), isSshError('too-large', (e) => assert.equal(e.message, `${small.label}: journalctl printed more than 1 KiB; stopped it`)));
	assert.equal((await small.run(['true'])).code, 0);
});

test('an AbortSignal cancels a command', async () => {
	const controller = new AbortController();
	const pending = h.runner.run(['journalctl', '-f'], {signal: controller.signal});
	setTimeout(() => controller.abort(new Error('cancelled by user')), 50);
	await assert.rejects(pending, /cancelled by user/);
});

test('more commands than the server allows sessions queue on one connection instead of failing', async () => {
	const strict = await startHarness({maxSessions: 3});
	try {
		const runner = strict.runnerWith({maxChannels: 3});
		const results = await Promise.all(Array.from({length: 12}, (_, i) => runner.run(['echo', String(i)])));
		assert.deepEqual(results.map((r) => r.stdout), Array.from({length: 12}, (_, i) => `${i}\n`));
		assert.equal(strict.sim.connectionCount(), 1);
		// Without the limit the server refuses the 4th channel, as sshd does past MaxSessions.
		const greedy = strict.runnerWith({maxChannels: 10});
		// The limit must outlast the server's refusals even on a loaded machine, or a
		// refused channel would be reported as a timeout instead.
		const outcomes = await Promise.allSettled(Array.from({length: 6}, () => greedy.run(['journalctl', '-f'], {timeoutMs: 2000})));
		const refused = outcomes.filter((o) => o.status === 'rejected' && /cannot open a channel/.test(String(o.reason)));
		assert.equal(refused.length, 3);
	} finally {
		await strict.close();
	}
});

test('close() ends the runner: later calls reject with kind closed', async () => {
	const runner = h.runnerWith({});
	await runner.run(['true']);
	await runner.close();
	await assert.rejects(runner.run(['true']), isSshError('closed'));
});
