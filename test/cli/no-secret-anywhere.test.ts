// The whole flow with known secrets, and every byte it writes searched for
// them: the console (on a real host's code path against the simulator, and
// the demo) on a pseudo-terminal, headless `proxdeck upgrade` (a real run on
// the demo: audit log, journal, summaries), and every error path a user can
// trigger — unreachable host, wrong fingerprint, wrong token, 401 on a
// password, a secret with a line break or control character, a secret file
// others can read, a bad config. stdout, stderr, the terminal and every file
// under the HOME / XDG_STATE_HOME / XDG_CONFIG_HOME the process used must hold
// none of the secrets, not even a fragment of one.

import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, test} from 'node:test';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'proxdeck-leak-'));
/** Where proxdeck may write: searched byte by byte at the end. */
const home = join(work, 'home');
const stateHome = join(work, 'state');
const configHome = join(work, 'config');
/** Inputs we hand it (config files, secret files, the fixture): hold the secrets on purpose, not searched. */
const given = join(work, 'given');
for (const dir of [home, stateHome, configHome, given]) mkdirSync(dir, {recursive: true});

const TOKEN_ID = 'root@pam!proxdeck';
const TOKEN = randomUUID();
const WRONG_TOKEN = randomUUID();
const PASSWORD = `pw-${randomUUID()}`;
const WRONG_PASSWORD = `wrong-${randomUUID()}`;
const SECRETS = [TOKEN, WRONG_TOKEN, PASSWORD, WRONG_PASSWORD];

/**
 * The bundle users run (bin/build.js), built from this checkout for this test:
 * some 60 processes start, and each would spend ~2 s loading the sources through tsx.
 */
const entry = `dist/.no-secret-test-${process.pid}.mjs`;

let sim: RunningSimulator;
let fixturePath: string;
let closedPort: number;
/** Everything proxdeck wrote to a stream or a terminal, by run. */
const outputs: Array<{label: string; text: string}> = [];

before(async () => {
	spawnSync(process.execPath, ['bin/build.js', entry], {cwd: root, stdio: 'ignore'});
	assert.ok(existsSync(join(root, entry)), 'the bundle was built');
	// The homelab with our own secrets: the token the console logs in with and root's password.
	const fixture = loadFixture(BUILTIN_FIXTURES.homelab);
	const rootUser = fixture.users.find((u) => u.userid === 'root@pam')!;
	rootUser.password = PASSWORD;
	rootUser.tokens!.find((t) => t.tokenid === 'proxdeck')!.secret = TOKEN;
	fixturePath = join(given, 'fixture.json');
	writeFileSync(fixturePath, JSON.stringify(fixture));
	sim = await startSimulator({fixture, authFailureDelayMs: 0});
	closedPort = await new Promise<number>((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
});
after(async () => {
	await sim.close();
	rmSync(join(root, entry), {force: true});
	// Its chunks (bin/build.js splits the bundle): OUTFILE's name + `-chunks/`.
	rmSync(join(root, entry.replace(/\.mjs$/, '-chunks')), {recursive: true, force: true});
});

const env = (extra: Record<string, string> = {}) => ({
	PATH: process.env.PATH ?? '',
	HOME: home,
	XDG_STATE_HOME: stateHome,
	XDG_CONFIG_HOME: configHome,
	TERM: 'xterm-256color',
	...extra,
});

interface Result {
	code: number | null;
	out: string;
}

/** A headless run: stdout and stderr captured apart (both searched). */
function run(label: string, args: string[], extra: Record<string, string> = {}): Promise<Result & {stdout: string; stderr: string}> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [entry, ...args], {cwd: root, env: env(extra), stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('close', (code) => {
			outputs.push({label, text: stdout + stderr});
			resolve({code, out: stderr, stdout, stderr});
		});
	});
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * The console on a pseudo-terminal (util-linux `script`): waits until `ready`
 * matches what was drawn, then presses q. Returns everything the terminal got.
 */
function consoleRun(label: string, args: string[], extra: Record<string, string>, ready: RegExp): Promise<Result> {
	return new Promise((resolve, reject) => {
		const command = `stty cols 120 rows 40; exec ${quote(process.execPath)} ${entry} ${args.map(quote).join(' ')}`;
		const child = spawn('script', ['-qfec', command, '/dev/null'], {cwd: root, env: env(extra), stdio: ['pipe', 'pipe', 'pipe']});
		let out = '';
		let quitting = false;
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`${label}: no ${ready} within 60 s; output: ${JSON.stringify(out.slice(-600))}`));
		}, 60_000);
		const onData = (d: Buffer) => {
			out += d.toString('utf8');
			if (!quitting && ready.test(out.replace(/\u001B\[[\d;?]*[A-Za-z]/g, ''))) {
				quitting = true;
				child.stdin.write('q');
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('close', (code) => {
			clearTimeout(timer);
			outputs.push({label, text: out});
			resolve({code, out});
		});
	});
}

function given_(name: string, text: string, mode = 0o600): string {
	const path = join(given, name);
	writeFileSync(path, text);
	chmodSync(path, mode);
	return path;
}

const host = (port = sim.port) => ['--host', '127.0.0.1', '--port', String(port)];
const pinned = () => [...host(), '--fingerprint', sim.fingerprint];

test('the console on a host (token from the environment, from a file, or a password) and on the demo', async () => {
	const viaEnv = await consoleRun('console, token in env', [...pinned(), '--token-id', TOKEN_ID], {PROXDECK_TOKEN_SECRET: TOKEN}, /plex/);
	assert.equal(viaEnv.code, 0, viaEnv.out.slice(-400));
	// One trailing newline in a secret file (echo secret > file) is fine.
	const file = given_('token', `${TOKEN}\n`);
	const viaFile = await consoleRun('console, token file, --insecure', [...host(), '--insecure', '--token-id', TOKEN_ID, '--token-secret-file', file], {}, /plex/);
	assert.equal(viaFile.code, 0, viaFile.out.slice(-400));
	assert.match(viaFile.out, /INSECURE/, 'the header says the certificate is not checked');
	const viaPassword = await consoleRun('console, password', [...pinned(), '--user', 'root@pam'], {PROXDECK_PASSWORD: PASSWORD}, /plex/);
	assert.equal(viaPassword.code, 0, viaPassword.out.slice(-400));
	const demo = await consoleRun('console, demo', ['--demo', '--fixture', fixturePath], {}, /plex/);
	assert.equal(demo.code, 0, demo.out.slice(-400));
});

test('headless upgrade: a real run on the demo (audit log, journal, summaries) and a plan on a host', async () => {
	const real = await run('upgrade --demo', ['upgrade', '--demo', '--fixture', fixturePath, '--tag', 'media', '--yes', '--json', '--sim-speed', '1000']);
	assert.equal(real.code, 0, real.stderr);
	assert.match(real.stderr, /upgraded \d+/);
	const onHost = await run('upgrade on a host, --insecure', ['upgrade', ...host(), '--insecure', '--token-id', TOKEN_ID, '--all', '--dry-run'], {PROXDECK_TOKEN_SECRET: TOKEN});
	assert.match(onHost.stderr, /^proxdeck: warning: INSECURE: the TLS certificate of 127\.0\.0\.1:\d+ is not checked \(--insecure\); pin it with --fingerprint$/m);
});

test('every error path: one line naming the problem, never the secret', async () => {
	const loose = given_('loose', `${TOKEN}\n`, 0o644);
	const commented = given_('commented', `# proxdeck on pve1, rotated 2026-11\n${TOKEN}\n`);
	const config = (name: string, text: string, mode = 0o600) => given_(name, text, mode);
	const looseConfig = config('loose.yaml', `hosts:\n  pve:\n    host: 127.0.0.1\n    port: ${sim.port}\n    fingerprint: "${sim.fingerprint}"\n    tokenId: "${TOKEN_ID}"\n    tokenSecret: ${TOKEN}\n`, 0o644);
	const tabConfig = config('tab.yaml', `hosts:\n  pve:\n    host: 127.0.0.1\n    tokenId: "${TOKEN_ID}"\n    tokenSecret: "${TOKEN}\\t"\n`);
	const hugeRefresh = config('refresh.yaml', `refresh: 1e308\nhosts:\n  pve:\n    host: 127.0.0.1\n    tokenId: "${TOKEN_ID}"\n    tokenSecret: ${TOKEN}\n`);
	const brokenYaml = config('broken.yaml', `hosts: {pve: {host: 127.0.0.1, tokenId: "${TOKEN_ID}", tokenSecret: ${TOKEN}\n`);
	const withToken = {PROXDECK_TOKEN_SECRET: TOKEN};
	const cases: Array<[string, string[], Record<string, string>, RegExp]> = [
		['unreachable host', [...host(closedPort), '--insecure', '--token-id', TOKEN_ID], withToken, /cannot reach 127\.0\.0\.1:\d+: connection refused/],
		['wrong fingerprint', [...host(), '--fingerprint', Array(32).fill('AB').join(':'), '--token-id', TOKEN_ID], withToken, /fingerprint/],
		['unknown token id', [...pinned(), '--token-id', 'root@pam!nosuch'], withToken, /refused the credentials of root@pam!nosuch \(401/],
		['wrong token secret', [...pinned(), '--token-id', TOKEN_ID], {PROXDECK_TOKEN_SECRET: WRONG_TOKEN}, /refused the credentials of root@pam!proxdeck \(401/],
		['wrong password', [...pinned(), '--user', 'root@pam'], {PROXDECK_PASSWORD: WRONG_PASSWORD}, /401/],
		['token secret with a comment line in the environment', [...pinned(), '--token-id', TOKEN_ID], {PROXDECK_TOKEN_SECRET: `${TOKEN}\n# rotated`}, /the token secret from \$PROXDECK_TOKEN_SECRET contains a line break/],
		['token secret with a control character', [...pinned(), '--token-id', TOKEN_ID], {PROXDECK_TOKEN_SECRET: `${TOKEN}\u001B[2J`}, /contains a control character: fix \$PROXDECK_TOKEN_SECRET/],
		['password with a line break', [...pinned(), '--user', 'root@pam'], {PROXDECK_PASSWORD: `${PASSWORD}\n\n`}, /the password from \$PROXDECK_PASSWORD contains a line break/],
		['secret file with a comment line', [...pinned(), '--token-id', TOKEN_ID, '--token-secret-file', commented], {}, /token secret file .*commented contains a line break/],
		['secret file others can read', [...pinned(), '--token-id', TOKEN_ID, '--token-secret-file', loose], {}, /token secret file .*loose is accessible by group or others \(mode 0644\): chmod 600 /],
		['config holding tokenSecret others can read', ['--config', looseConfig, '--host', 'pve'], {}, /loose\.yaml holds a token secret \(hosts\.pve\.tokenSecret\) and is accessible by group or others \(mode 0644\): chmod 600 /],
		['config tokenSecret with a tab', ['--config', tabConfig, '--host', 'pve'], {}, /hosts\.pve\.tokenSecret contains a control character/],
		['config refresh out of range', ['--config', hugeRefresh, '--host', 'pve'], {}, /refresh\.yaml: refresh: expected seconds from 1 to 3600/],
		['config that is not YAML', ['--config', brokenYaml, '--host', 'pve'], {}, /broken\.yaml: not valid YAML/],
		['a secret on the command line', [...pinned(), '--token-id', TOKEN_ID, '--token-secret', TOKEN], {}, /--token-secret is not accepted/],
	];
	// Each path in the console and in headless upgrade; two at a time (the machine is shared).
	const jobs = cases.flatMap(([label, args, extra, expected]) => [
		{label: `console: ${label}`, args, extra, expected},
		{label: `upgrade: ${label}`, args: ['upgrade', '--all', ...args], extra, expected},
	]);
	// Every path runs (and is searched below) even when an earlier one fails here.
	const problems: string[] = [];
	for (let i = 0; i < jobs.length; i += 2) {
		await Promise.all(
			jobs.slice(i, i + 2).map(async ({label, args, extra, expected}) => {
				const result = await run(label, args, extra);
				if (result.code === 0) problems.push(`${label}: exit code 0`);
				if (!expected.test(result.stderr)) problems.push(`${label}: expected ${expected}, got ${JSON.stringify(result.stderr.slice(-300))}`);
				if (/\bat .*\.(ts|js|mjs):\d+/.test(result.stderr)) problems.push(`${label}: a stack trace`);
			}),
		);
	}
	assert.deepEqual(problems, []);
});

function filesUnder(dir: string): string[] {
	return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
		const path = join(dir, entry.name);
		return entry.isDirectory() ? filesUnder(path) : statSync(path).isFile() ? [path] : [];
	});
}

test('no secret, nor a fragment of one, in any byte written', () => {
	const files = [home, stateHome, configHome].flatMap(filesUnder);
	// The search is not vacuous: the runs above wrote the audit log, a journal and its summaries.
	for (const written of [/demo\/demo-[^/]+\.audit\.log$/, /runs\/up-[^/]+\.jsonl$/, /\.summary\.json$/, /\.summary\.md$/]) {
		assert.ok(files.some((f) => written.test(f)), `expected a file matching ${written} among ${files.join(', ')}`);
	}
	assert.ok(outputs.length >= 36, `${outputs.length} runs recorded`);
	const places = [...outputs.map(({label, text}) => ({where: label, text})), ...files.map((f) => ({where: f, text: readFileSync(f, 'latin1')}))];
	for (const secret of SECRETS) {
		// Whole, URI-encoded, and the first 13 characters (a secret cut at a line break shows only in part).
		for (const form of new Set([secret, encodeURIComponent(secret), secret.slice(0, 13)])) {
			for (const {where, text} of places) assert.ok(!text.includes(form), `${where} holds ${form === secret ? 'a secret' : 'part of a secret'}`);
		}
	}
});
