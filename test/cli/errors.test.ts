// The command line as a user meets it: the real `proxdeck` process, a real
// simulator on loopback, and what it prints. Every failure must be one line on
// stderr with a non-zero exit, never a stack trace, never the secret.

import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {createServer} from 'node:net';
import {fileURLToPath} from 'node:url';
import {after, before, test} from 'node:test';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {demoToken} from '../../source/cli/demo.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let sim: RunningSimulator;
let token: {tokenId: string; secret: string};

before(async () => {
	const fixture = loadFixture(BUILTIN_FIXTURES.homelab);
	token = demoToken(fixture);
	sim = await startSimulator({fixture, authFailureDelayMs: 0});
});
after(() => sim.close());

function proxdeck(args: string[], env: Record<string, string> = {}): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['bin/proxdeck.js', ...args], {
			cwd: root,
			env: {PATH: process.env.PATH ?? '', HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent', ...env},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('close', (code) => resolve({code, stdout, stderr}));
	});
}

function assertOneLine(stderr: string): void {
	const lines = stderr.trimEnd().split('\n');
	assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
	assert.match(lines[0]!, /^proxdeck: /);
	assert.doesNotMatch(stderr, /\bat .*\.(ts|js):\d+/, 'no stack trace');
}

const hostArgs = () => ['--host', '127.0.0.1', '--port', String(sim.port), '--token-id', token.tokenId];

test('--help documents every flag', async () => {
	const {code, stdout} = await proxdeck(['--help']);
	assert.equal(code, 0);
	for (const flag of ['--host', '--port', '--token-id', '--token-secret-file', '--user', '--fingerprint', '--ca', '--insecure', '--refresh', '--read-only', '--config', '--demo', '--fixture', '--guests', '--nodes', '--listen', '--ssh', '--ssh-user', '--ssh-key', '--accept-new-host-key', '--local', 'proxdeck sim']) {
		assert.ok(stdout.includes(flag), `help mentions ${flag}`);
	}
});

test('an unknown flag is a usage error in one line', async () => {
	const {code, stderr} = await proxdeck(['--frobnicate']);
	assert.equal(code, 2);
	assert.equal(stderr, 'proxdeck: unknown option --frobnicate (see proxdeck --help)\n');
});

test('--token-secret is refused with the reason and the alternatives, the secret never echoed', async () => {
	const {code, stderr} = await proxdeck(['--token-secret', 's3cr3t-value']);
	assert.equal(code, 2);
	assert.equal(stderr.split('\n').length, 2, stderr);
	assert.match(stderr, /--token-secret is not accepted: the command line is visible to every user \(ps\); use \$PROXDECK_TOKEN_SECRET, --token-secret-file/);
	assert.doesNotMatch(stderr, /s3cr3t-value/);
});

test('a wrong token secret: one line, exit 1, the secret never printed', async () => {
	const wrong = '00000000-1111-2222-3333-444444444444';
	const {code, stderr, stdout} = await proxdeck([...hostArgs(), '--fingerprint', sim.fingerprint], {PROXDECK_TOKEN_SECRET: wrong});
	assert.equal(code, 1);
	assertOneLine(stderr);
	assert.match(stderr, /refused the credentials of root@pam!proxdeck \(401/);
	assert.ok(!stderr.includes(wrong) && !stdout.includes(wrong));
});

test('a fingerprint mismatch names the server’s fingerprint and how to pin it', async () => {
	const pinned = Array(32).fill('AA').join(':');
	const {code, stderr} = await proxdeck([...hostArgs(), '--fingerprint', pinned], {PROXDECK_TOKEN_SECRET: token.secret});
	assert.equal(code, 1);
	assertOneLine(stderr);
	assert.ok(stderr.includes(sim.fingerprint), stderr);
	assert.match(stderr, /--fingerprint/);
	assert.ok(!stderr.includes(token.secret));
});

test('an untrusted certificate without a pin is refused, showing the fingerprint', async () => {
	const {code, stderr} = await proxdeck(hostArgs(), {PROXDECK_TOKEN_SECRET: token.secret});
	assert.equal(code, 1);
	assertOneLine(stderr);
	assert.ok(stderr.includes(sim.fingerprint), stderr);
});

test('an unreachable host is one line', async () => {
	const closedPort = await new Promise<number>((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
	const {code, stderr} = await proxdeck(['--host', '127.0.0.1', '--port', String(closedPort), '--token-id', token.tokenId, '--insecure'], {PROXDECK_TOKEN_SECRET: token.secret});
	assert.equal(code, 1);
	assertOneLine(stderr);
	assert.match(stderr, /refused|reach/i);
});

test('good credentials but stdout not a terminal: one line, exit 1', async () => {
	const {code, stderr} = await proxdeck([...hostArgs(), '--fingerprint', sim.fingerprint], {PROXDECK_TOKEN_SECRET: token.secret});
	assert.equal(code, 1);
	assertOneLine(stderr);
	assert.match(stderr, /stdout is not a terminal/);
});

test('a bad config file is one line naming the file and key', async () => {
	const {mkdtempSync, writeFileSync} = await import('node:fs');
	const {join} = await import('node:path');
	const {tmpdir} = await import('node:os');
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-cli-'));
	const path = join(dir, 'config.yaml');
	writeFileSync(path, 'hosts:\n  home:\n    hots: pve\n');
	const {code, stderr} = await proxdeck(['--config', path]);
	assert.equal(code, 1);
	assertOneLine(stderr);
	assert.ok(stderr.includes(`${path}: hosts.home.hots: unknown key`), stderr);
});

test('short options: -h is help; an unknown one is reported as typed', async () => {
	const help = await proxdeck(['-h']);
	assert.equal(help.code, 0);
	assert.match(help.stdout, /--token-id/);
	const unknown = await proxdeck(['-x']);
	assert.equal(unknown.code, 2);
	assert.equal(unknown.stderr, 'proxdeck: unknown option -x (see proxdeck --help)\n');
	const inherited = await proxdeck(['--to-string']);
	assert.equal(inherited.code, 2, 'a name on Object.prototype is not a flag');
});
