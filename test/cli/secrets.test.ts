// Secrets where they come in (environment, files, config keys) and where
// errors go out: a line break in a secret is refused naming its source, a file
// others can read is refused with the chmod that fixes it, and no error line
// carries a secret, not even a fragment of one.

import assert from 'node:assert/strict';
import {chmodSync, mkdtempSync, symlinkSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {createClient} from '../../source/api/client.js';
import {PveApiError} from '../../source/api/errors.js';
import {parseArgs} from '../../source/cli/args.js';
import {ConfigError, parseConfig} from '../../source/cli/config.js';
import {oneLine, openSsh} from '../../source/cli/open-host.js';
import {checkSecret, readSecretFile, SecretError} from '../../source/cli/secrets.js';
import {resolveTarget, TargetError} from '../../source/cli/target.js';
import {errorLine, rememberSecret} from '../../source/services/error-line.js';

const dir = mkdtempSync(join(tmpdir(), 'proxdeck-secrets-'));
const SECRET = '5f0c7a1e-9b2d-4e3f-8a6b-1c2d3e4f5a6b';

function secretFile(name: string, text: string, mode = 0o600): string {
	const path = join(dir, name);
	writeFileSync(path, text);
	chmodSync(path, mode);
	return path;
}

const hostArgs = (...extra: string[]) => parseArgs(['-H', 'pve', '--token-id', 'root@pam!pd', ...extra]);
const noConfig = parseConfig('', 'c.yaml');
const refusal = (pattern: RegExp) => (e: Error) => e instanceof TargetError && pattern.test(e.message) && !e.message.includes(SECRET.slice(0, 8)) && !e.message.includes('\n');

test('one trailing newline is dropped; any other line break, control character or (in a token secret) whitespace is refused', () => {
	assert.equal(checkSecret(`${SECRET}\n`, 'token secret', '$X'), SECRET);
	assert.equal(checkSecret(`${SECRET}\r\n`, 'token secret', '$X'), SECRET);
	assert.equal(checkSecret('correct horse battery staple', 'passphrase', 'the passphrase prompt'), 'correct horse battery staple');
	const refused: Array<[string, 'token secret' | 'password' | 'passphrase', RegExp]> = [
		[`${SECRET}\n\n`, 'token secret', /^the token secret from \$X contains a line break \(only one at the end is allowed\): fix \$X$/],
		[`${SECRET}\n# from the vault`, 'token secret', /contains a line break/],
		[`# comment\n${SECRET}`, 'token secret', /contains a line break/],
		[`${SECRET}\r`, 'token secret', /contains a line break/],
		[`${SECRET}\u2028x`, 'token secret', /contains a line break/],
		[`${SECRET}\t`, 'token secret', /contains a control character/],
		[`${SECRET}\u0000`, 'token secret', /contains a control character/],
		[`${SECRET}\u001B[2J`, 'token secret', /contains a control character/],
		[`${SECRET}\u200B`, 'token secret', /contains a control character/],
		[`${SECRET} `, 'token secret', /contains whitespace/],
		[`a b${SECRET}`, 'token secret', /contains whitespace/],
		[' pass word', 'password', /^the password from \$X contains leading or trailing whitespace: fix \$X$/],
		['pass\u007Fword', 'password', /contains a control character/],
		['\n', 'password', /^the password from \$X is empty$/],
	];
	for (const [value, kind, pattern] of refused) {
		assert.throws(() => checkSecret(value, kind, '$X'), (e: Error) => e instanceof SecretError && pattern.test(e.message) && !e.message.includes(SECRET.slice(0, 8)), JSON.stringify(value));
	}
});

test('every source of a secret is checked and named: env, --token-secret-file, config tokenSecretFile, config tokenSecret, $PROXDECK_PASSWORD', () => {
	assert.throws(() => resolveTarget(hostArgs(), noConfig, {PROXDECK_TOKEN_SECRET: `${SECRET}\n#comment`}), refusal(/^the token secret from \$PROXDECK_TOKEN_SECRET contains a line break/));
	const commented = secretFile('commented', `# proxdeck token\n${SECRET}\n`);
	assert.throws(() => resolveTarget(hostArgs('--token-secret-file', commented), noConfig, {}), refusal(new RegExp(`^the token secret from token secret file ${commented} contains a line break`)));
	const fromConfig = parseConfig(`hosts: {pve: {host: pve.lan, tokenId: "root@pam!pd", tokenSecretFile: ${commented}}}`, 'c.yaml');
	assert.throws(() => resolveTarget(parseArgs(['-H', 'pve']), fromConfig, {}), refusal(/token secret file .*commented contains a line break/));
	assert.throws(
		() => parseConfig(`hosts: {pve: {host: pve.lan, tokenId: "root@pam!pd", tokenSecret: "${SECRET}\\t"}}`, 'c.yaml'),
		(e: Error) => e instanceof ConfigError && e.message === 'the token secret from c.yaml: hosts.pve.tokenSecret contains a control character: fix c.yaml: hosts.pve.tokenSecret',
	);
	// A YAML block scalar ends with one newline: that one is fine.
	assert.equal(parseConfig(`hosts:\n  pve:\n    host: pve.lan\n    tokenSecret: |\n      ${SECRET}\n`, 'c.yaml').hosts.pve?.tokenSecret, SECRET);
	assert.throws(() => resolveTarget(parseArgs(['-H', 'pve', '--user', 'root@pam']), noConfig, {PROXDECK_PASSWORD: `${SECRET}\n\n`}), refusal(/^the password from \$PROXDECK_PASSWORD contains a line break/));
	const good = secretFile('good', `${SECRET}\n`);
	const target = resolveTarget(hostArgs('--token-secret-file', good), noConfig, {});
	assert.equal(target.kind === 'host' && target.credentials.kind === 'token' && target.credentials.secret, SECRET);
});

test('a secret file group or others can read is refused with the chmod that fixes it; through a symlink too', () => {
	for (const mode of [0o644, 0o640, 0o604, 0o660, 0o700 | 0o004]) {
		const path = secretFile(`loose-${mode.toString(8)}`, `${SECRET}\n`, mode);
		assert.throws(
			() => resolveTarget(hostArgs('--token-secret-file', path), noConfig, {}),
			refusal(new RegExp(`^token secret file ${path} is accessible by group or others \\(mode 0${mode.toString(8)}\\): chmod 600 ${path}$`)),
		);
	}
	const loose = secretFile('loose-target', `${SECRET}\n`, 0o644);
	const link = join(dir, 'link');
	symlinkSync(loose, link);
	assert.throws(() => readSecretFile(link, 'token secret', 'token secret file'), /accessible by group or others \(mode 0644\): chmod 600/);
	chmodSync(loose, 0o400);
	assert.equal(readSecretFile(link, 'token secret', 'token secret file'), SECRET);
});

test('errorLine masks every secret the process read, and the fragments of one cut at a line break', () => {
	const secret = 'vault-9f8e7d6c5b4a\n#rotated-2026';
	rememberSecret(secret);
	assert.equal(errorLine(new Error('Headers.append: "PVEAPIToken=a@pam!t=vault-9f8e7d6c5b4a')), 'Headers.append: "PVEAPIToken=a@pam!t=<redacted>');
	assert.equal(errorLine(new Error(`got ${encodeURIComponent(secret)}`)), 'got <redacted>');
	assert.equal(errorLine(new Error('#rotated-2026 is wrong')), '<redacted> is wrong');
	assert.equal(errorLine(new Error('nothing secret here')), 'nothing secret here');
});

test('the API client never quotes a credential that fetch refused as a header value', async () => {
	// The CLI now refuses such a secret before it reaches the client; this is the client's own guard.
	const closedPort = await new Promise<number>((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
	const secret = `${SECRET}\n# rotated`;
	const client = createClient({host: '127.0.0.1', port: closedPort, insecure: true, retries: 0, auth: {kind: 'token', tokenId: 'root@pam!pd', secret}});
	const error = await client.request('GET', '/version').then(
		() => assert.fail('resolved'),
		(e: unknown) => e,
	);
	await client.close();
	assert.ok(error instanceof PveApiError);
	const everything = `${error.message} ${JSON.stringify(error)} ${String(error)}`;
	assert.ok(!everything.includes(SECRET.slice(0, 8)), everything);
	assert.match(error.message, /^cannot send GET \/version to 127\.0\.0\.1:\d+: a request header is not valid/);
});

test('an SSH key file group or others can read is refused before it is read, as OpenSSH does', async () => {
	const key = secretFile('id_ed25519', '-----BEGIN OPENSSH PRIVATE KEY-----\nnot really\n-----END OPENSSH PRIVATE KEY-----\n', 0o644);
	const args = parseArgs(['-H', '127.0.0.1', '--token-id', 'root@pam!pd', '--ssh-key', key]);
	const target = resolveTarget(args, noConfig, {PROXDECK_TOKEN_SECRET: SECRET});
	const io = {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: {}};
	await assert.rejects(openSsh(args, target, undefined, io), (e: Error) => e.message === `SSH key ${key} is accessible by group or others (mode 0644): chmod 600 ${key}`);
});

test('the CLI’s one-line errors mask every secret this process read', () => {
	const secret = 'oneline-2d1c0b9a8f7e';
	rememberSecret(secret);
	let written = '';
	const io = {stderr: {write: (text: string) => (written += text)}} as unknown as Parameters<typeof oneLine>[0];
	oneLine(io, `cannot reach pve: header PVEAPIToken=a@pam!t=${secret}`);
	assert.equal(written, 'proxdeck: cannot reach pve: header PVEAPIToken=a@pam!t=<redacted>\n');
});
