// Contexts in the config file: several clusters by name, each with its
// endpoints, credentials and where the secret comes from (env var, 0600 file,
// a command run without a shell), TLS per node or the cluster CA, SSH,
// read-only and refresh. Every problem is one line naming the key.

import assert from 'node:assert/strict';
import {chmodSync, existsSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {parseArgs, UsageError} from '../../source/cli/args.js';
import {ConfigError, parseConfig} from '../../source/cli/config.js';
import {resolveTarget, settleCredentials, TargetError} from '../../source/cli/target.js';
import {connect, openSsh, type Io} from '../../source/cli/open-host.js';
import {generateEd25519} from '../../source/ssh/keygen.js';
import {execFileSync} from 'node:child_process';

const dir = mkdtempSync(join(tmpdir(), 'proxdeck-contexts-'));
const SECRET = '5f0c7a1e-9b2d-4e3f-8a6b-1c2d3e4f5a6b';
const FP1 = 'AB:'.repeat(31) + 'AB';
const FP2 = 'cd'.repeat(32);

function file(name: string, text: string, mode = 0o600): string {
	const path = join(dir, name);
	writeFileSync(path, text);
	chmodSync(path, mode);
	return path;
}

const TWO = `
default: home
contexts:
  home:
    endpoints:
      - {host: 10.0.0.1, fingerprint: "${FP1}"}
      - {host: 10.0.0.2, port: 8007, fingerprint: "${FP2}"}
    tokenId: "root@pam!proxdeck"
    secret: {env: HOME_PVE_SECRET}
    ssh: {user: admin, key: ~/.ssh/id_pve, port: 2222, jump: "ops@bastion:22"}
    refresh: 5
  lab:
    endpoints: ["lab1.lan", "lab2.lan:8006", "[fd00::3]:8006"]
    user: ops@pve
    secret: {command: "pass show pve/lab"}
    ca: /etc/proxdeck/lab-root-ca.pem
    readOnly: true
`;

test('a config with two contexts: each with its endpoints, credentials, TLS per node or CA, SSH, read-only and refresh', () => {
	const config = parseConfig(TWO, 'c.yaml');
	assert.equal(config.defaultContext, 'home');
	assert.deepEqual(Object.keys(config.contexts), ['home', 'lab']);
	const home = config.contexts.home!;
	assert.deepEqual(home.endpoints, [
		{host: '10.0.0.1', port: 8006, fingerprint: FP1},
		{host: '10.0.0.2', port: 8007, fingerprint: FP2.toUpperCase().match(/../g)!.join(':')},
	]);
	assert.deepEqual(home.secret, {env: 'HOME_PVE_SECRET'});
	assert.deepEqual(home.ssh, {user: 'admin', key: '~/.ssh/id_pve', port: 2222, jump: 'ops@bastion:22'});
	const lab = config.contexts.lab!;
	assert.deepEqual(lab.endpoints, [{host: 'lab1.lan', port: 8006}, {host: 'lab2.lan', port: 8006}, {host: 'fd00::3', port: 8006}]);
	assert.deepEqual(lab.secret, {command: ['pass', 'show', 'pve/lab']});

	// No --context: the default one. Its endpoints, pin of the first node, refresh.
	const target = resolveTarget(parseArgs([]), config, {});
	assert.ok(target.kind === 'host');
	assert.equal(target.context, 'home');
	assert.equal(`${target.host}:${target.port}`, '10.0.0.1:8006');
	assert.equal(target.fingerprint, FP1);
	assert.equal(target.endpoints.length, 2);
	assert.equal(target.refreshMs, 5000);
	assert.equal(target.readOnly, false);
	// --context picks the other; it is read-only and trusts the cluster CA.
	const other = resolveTarget(parseArgs(['--context', 'lab']), config, {});
	assert.ok(other.kind === 'host');
	assert.equal(other.context, 'lab');
	assert.equal(other.readOnly, true);
	assert.equal(other.ca, '/etc/proxdeck/lab-root-ca.pem');
	assert.equal(other.fingerprint, undefined);
});

test('context problems are one line naming the key', () => {
	const base = 'contexts:\n  home:\n    endpoints: [pve1]\n    tokenId: "root@pam!pd"\n    secret: {env: X}\n';
	const cases: Array<[string, RegExp]> = [
		['contexts: {home: {tokenId: "root@pam!pd", secret: {env: X}}}', /^c\.yaml: contexts\.home\.endpoints: expected a list of one or more API endpoints/],
		['contexts: {home: {endpoints: [], tokenId: "root@pam!pd", secret: {env: X}}}', /^c\.yaml: contexts\.home\.endpoints: expected a list/],
		['contexts: {home: {endpoints: [pve1], tokenId: "root@pam!pd"}}', /^c\.yaml: contexts\.home\.secret: is required with tokenId/],
		['contexts: {home: {endpoints: [pve1], tokenId: "root@pam!pd", secret: {vault: x}}}', /^c\.yaml: contexts\.home\.secret: unknown source "vault"/],
		['contexts: {home: {endpoints: [pve1], tokenId: "root@pam!pd", secret: {env: X, file: y}}}', /^c\.yaml: contexts\.home\.secret: expected one of/],
		['contexts: {home: {endpoints: [pve1], tokenId: "root@pam!pd", secret: {env: "A B"}}}', /^c\.yaml: contexts\.home\.secret: env: expected an environment variable name$/],
		['contexts: {home: {endpoints: [pve1], tokenId: "root@pam!pd", secret: {command: ""}}}', /^c\.yaml: contexts\.home\.secret: command: expected a command line/],
		['contexts: {home: {endpoints: [pve1]}}', /^c\.yaml: contexts\.home: needs tokenId \(an API token\) or user/],
		['contexts: {home: {endpoints: [pve1], tokenId: root, secret: {env: X}}}', /^c\.yaml: contexts\.home\.tokenId: must look like user@realm!tokenname/],
		['contexts: {home: {endpoints: ["pve1:0"], user: root@pam}}', /^c\.yaml: contexts\.home\.endpoints\[0\]: expected a whole number from 1 to 65535$/],
		['contexts: {home: {endpoints: [{host: pve1, fingerprint: "AB:CD"}], user: root@pam}}', /^c\.yaml: contexts\.home\.endpoints\[0\]\.fingerprint: expected a SHA-256 fingerprint/],
		['contexts: {home: {endpoints: [{host: pve1, fingreprint: x}], user: root@pam}}', /^c\.yaml: contexts\.home\.endpoints\[0\]\.fingreprint: unknown key \(known: host, port, fingerprint\)$/],
		['contexts: {home: {endpoints: [pve1], user: root@pam, ssh: {jump: "a b"}}}', /^c\.yaml: contexts\.home\.ssh\.jump: expected \[user@\]host\[:port\]/],
		['contexts: {home: {endpoints: [pve1], user: root@pam, ssh: {prot: 22}}}', /^c\.yaml: contexts\.home\.ssh\.prot: unknown key/],
		['contexts: {home: {endpoints: [pve1], user: root@pam, refresh: 0}}', /^c\.yaml: contexts\.home\.refresh: expected seconds from 1 to 3600$/],
		['contexts: {home: {endpoints: [pve1], user: root@pam, readOnly: yes please}}', /^c\.yaml: contexts\.home\.readOnly: expected true or false$/],
		['contexts: {home: {endpoints: [pve1], user: root@pam, tokenId: "root@pam!x", secret: {env: X}}}', /^c\.yaml: contexts\.home\.user: give tokenId or user, not both$/],
		['contexts: {home: {endpoints: [pve1], user: root@pam, colour: red}}', /^c\.yaml: contexts\.home\.colour: unknown key/],
		['contexts: {"my lab": {endpoints: [pve1], user: root@pam}}', /^c\.yaml: contexts\.my lab: a context name is letters/],
		[`${base}hosts: {home: {host: pve}}`, /^c\.yaml: contexts\.home: is also a host under hosts:/],
		[`${base}default: lab`, /^c\.yaml: default: names no host under hosts: or context under contexts: \(have: home\)$/],
	];
	for (const [text, pattern] of cases) {
		assert.throws(() => parseConfig(text, 'c.yaml'), (error: Error) => error instanceof ConfigError && pattern.test(error.message) && !error.message.includes('\n'), text);
	}
});

test('--context names an existing context and does not mix with flags the context already sets', () => {
	const config = parseConfig(TWO, 'c.yaml');
	assert.throws(() => resolveTarget(parseArgs(['--context', 'prod']), config, {}), (e: Error) => e instanceof TargetError && e.message === 'no context "prod" in c.yaml (have: home, lab)');
	assert.throws(() => resolveTarget(parseArgs(['--context', 'lab', '--token-id', 'root@pam!x']), config, {}), (e: Error) => e instanceof TargetError && /^--token-id and --context lab: the context already says this/.test(e.message));
	assert.throws(() => parseArgs(['--context', 'lab', '--host', 'pve']), (e: Error) => e instanceof UsageError && /either --context or --host/.test(e.message));
	// --demo still wins over a default context.
	assert.equal(resolveTarget(parseArgs(['--demo']), config, {}).kind, 'demo');
});

function contextWith(secret: string, extra = ''): ReturnType<typeof parseConfig> {
	return parseConfig(`contexts:\n  c:\n    endpoints: [pve1]\n    tokenId: "root@pam!pd"\n    secret: ${secret}\n${extra}`, 'c.yaml');
}

async function secretOf(config: ReturnType<typeof parseConfig>, env: NodeJS.ProcessEnv = {}): Promise<string> {
	const target = resolveTarget(parseArgs(['--context', 'c']), config, env);
	assert.ok(target.kind === 'host');
	const settled = await settleCredentials(target.credentials, env);
	assert.ok(settled.kind === 'token');
	return settled.secret;
}

async function refusedWith(config: ReturnType<typeof parseConfig>, pattern: RegExp, env: NodeJS.ProcessEnv = {}): Promise<void> {
	await assert.rejects(secretOf(config, env), (e: Error) => e instanceof TargetError && pattern.test(e.message) && !e.message.includes(SECRET.slice(0, 8)) && !e.message.includes('\n'));
}

test('secret from an environment variable: read when connecting, checked, and missing is one line', async () => {
	const config = contextWith('{env: LAB_SECRET}');
	// Nothing is read when the target is chosen: only when connecting.
	assert.doesNotThrow(() => resolveTarget(parseArgs(['--context', 'c']), config, {}));
	assert.equal(await secretOf(config, {LAB_SECRET: `${SECRET}\n`}), SECRET);
	await refusedWith(config, /^contexts\.c\.secret: \$LAB_SECRET is not set$/);
	await refusedWith(config, /^the token secret from \$LAB_SECRET \(contexts\.c\.secret\) contains whitespace/, {LAB_SECRET: `${SECRET} x`});
	// The global PROXDECK_TOKEN_SECRET does not stand in for a context's own source.
	await refusedWith(config, /\$LAB_SECRET is not set/, {PROXDECK_TOKEN_SECRET: SECRET});
});

test('secret from a file: 0600 read, a group-readable file refused with the chmod', async () => {
	const good = file('good', `${SECRET}\n`);
	assert.equal(await secretOf(contextWith(`{file: ${good}}`)), SECRET);
	const loose = file('loose', `${SECRET}\n`, 0o640);
	await refusedWith(contextWith(`{file: ${loose}}`), new RegExp(`^contexts\\.c\\.secret file ${loose} is accessible by group or others \\(mode 0640\\): chmod 600 ${loose}$`));
	await refusedWith(contextWith(`{file: ${join(dir, 'missing')}}`), /cannot read contexts\.c\.secret file .*missing \(ENOENT\)/);
});

test('secret from a command: run without a shell, first line trimmed, failures one line that never prints the output', async () => {
	const script = file('pass', `#!/bin/sh\nif [ "$1" = fail ]; then echo "gpg: decryption failed: No secret key" >&2; exit 2; fi\nif [ "$1" = empty ]; then exit 0; fi\nif [ "$1" = bad ]; then printf '${SECRET} tail\\n'; exit 0; fi\nif [ "$1" = stdin ]; then read line; echo "$line"; exit 0; fi\nprintf '  ${SECRET}  \\nlogin: root\\n'\n`, 0o700);
	assert.equal(await secretOf(contextWith(`{command: "${script} show pve/token"}`)), SECRET);
	// As a list of words, and with shell syntax that must stay literal (no shell expands it).
	assert.equal(await secretOf(contextWith(`{command: ["${script}", "show", "$(touch ${join(dir, 'pwned')})"]}`)), SECRET);
	assert.equal(existsSync(join(dir, 'pwned')), false);
	await refusedWith(contextWith(`{command: "${script} fail"}`), new RegExp(`^contexts\\.c\\.secret: the command \`${script} fail\` failed \\(exit 2\\): gpg: decryption failed: No secret key$`));
	await refusedWith(contextWith(`{command: "${script} empty"}`), /^contexts\.c\.secret: the command .* printed nothing$/);
	await refusedWith(contextWith(`{command: "${join(dir, 'no-such-tool')} x"}`), /^contexts\.c\.secret: the command `.*no-such-tool x` not found$/);
	// Whitespace inside a token secret: refused, naming the command, not quoting the output.
	await refusedWith(contextWith(`{command: "${script} bad"}`), /^the token secret from the output of `.* bad` \(contexts\.c\.secret\) contains whitespace/);
	// A command that reads its input gets end-of-file at once instead of hanging.
	await refusedWith(contextWith(`{command: "${script} stdin"}`), /printed nothing/);
});

test('a context’s SSH settings open the SSH side (flags win); a context without them opens none', async () => {
	const config = parseConfig(TWO, 'c.yaml');
	const io = {stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: {}} as Io;
	const keyPath = file('id_pve', generateEd25519().private);
	const withSsh = {...config, contexts: {...config.contexts, home: {...config.contexts.home!, ssh: {...config.contexts.home!.ssh!, key: keyPath}}}};
	const home = resolveTarget(parseArgs([]), withSsh, {});
	const ssh = await openSsh(parseArgs([]), home, undefined, io, false);
	assert.equal(ssh?.runner.label, 'ssh admin@10.0.0.1:2222');
	await ssh?.close();
	const flagged = await openSsh(parseArgs(['--ssh-user', 'root']), home, undefined, io, false);
	assert.equal(flagged?.runner.label, 'ssh root@10.0.0.1:2222');
	await flagged?.close();
	// lab has no ssh: settings, and running on some PVE host says nothing about lab.
	const lab = resolveTarget(parseArgs(['--context', 'lab']), config, {});
	assert.equal(await openSsh(parseArgs(['--context', 'lab']), lab, undefined, io, false), undefined);
});

test('at run time nothing is asked: a password context without a secret source, or a key needing its passphrase, is one line', async () => {
	const config = parseConfig('contexts:\n  ops:\n    endpoints: [127.0.0.1]\n    user: ops@pve\n', 'c.yaml');
	const io = {stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: {}} as Io;
	const target = resolveTarget(parseArgs(['--context', 'ops']), config, {});
	await assert.rejects(connect(target, io, {interactive: false}), (e: Error) => e instanceof TargetError && e.message === 'context ops logs in with a password, which cannot be asked for now: start proxdeck with --context ops, or give it secret: in the config');
	const locked = join(dir, 'locked');
	execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '1', '-N', 'not-asked', '-f', locked]);
	const withKey = parseConfig(`contexts:\n  ops:\n    endpoints: [127.0.0.1]\n    user: ops@pve\n    ssh: {key: ${locked}}\n`, 'c.yaml');
	await assert.rejects(openSsh(parseArgs([]), resolveTarget(parseArgs(['--context', 'ops']), withKey, {}), undefined, io, false), (e: Error) => /^SSH key .*locked needs its passphrase, which cannot be asked for now: add it to ssh-agent, or start proxdeck with --context ops$/.test(e.message));
});
