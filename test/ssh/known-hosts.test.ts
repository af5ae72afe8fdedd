import assert from 'node:assert/strict';
import {execFileSync, spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {fileURLToPath} from 'node:url';
import ssh2 from 'ssh2';
import {generateEd25519} from '../../source/ssh/keygen.js';
import {
	appendKnownHost, fingerprintOf, formatKnownHostLine, hostsFieldMatches, knownHostName, parseKnownHosts, verifyHostKey,
} from '../../source/ssh/known-hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'proxdeck-kh-'));
after(() => rmSync(dir, {recursive: true, force: true}));

function newKey(type: 'ed25519' | 'ecdsa' = 'ed25519'): {line: string; blob: Buffer} {
	const pair = type === 'ed25519' ? generateEd25519() : ssh2.utils.generateKeyPairSync('ecdsa', {bits: 256});
	const line = pair.public.split(' ').slice(0, 2).join(' ');
	return {line, blob: Buffer.from(line.split(' ')[1]!, 'base64')};
}

test('fingerprints match what ssh-keygen -l prints', () => {
	const key = newKey();
	const path = join(dir, 'k.pub');
	writeFileSync(path, `${key.line} test\n`);
	const printed = execFileSync('ssh-keygen', ['-l', '-f', path], {encoding: 'utf8'});
	assert.equal(printed.split(' ')[1], fingerprintOf(key.blob));
	assert.match(fingerprintOf(key.blob), /^SHA256:[A-Za-z0-9+/]{43}$/);
});

test('host names use [host]:port except on port 22', () => {
	assert.equal(knownHostName('pve', 22), 'pve');
	assert.equal(knownHostName('10.0.0.5', 2222), '[10.0.0.5]:2222');
});

test('plain, comma-list, wildcard and negated host patterns', () => {
	assert.equal(hostsFieldMatches('pve,192.168.0.10', '192.168.0.10'), true);
	assert.equal(hostsFieldMatches('pve,192.168.0.10', 'pve2'), false);
	assert.equal(hostsFieldMatches('[pve]:2222', '[pve]:2222'), true);
	assert.equal(hostsFieldMatches('[pve]:2222', 'pve'), false);
	assert.equal(hostsFieldMatches('*.lab', 'pve.lab'), true);
	assert.equal(hostsFieldMatches('pve?', 'pve1'), true);
	assert.equal(hostsFieldMatches('*.lab,!bad.lab', 'bad.lab'), false);
});

test('hashed entries written by ssh-keygen -H are matched', () => {
	const key = newKey();
	const path = join(dir, 'hashed_known_hosts');
	writeFileSync(path, `[pve.lab]:2222 ${key.line}\notherhost ${newKey().line}\n`);
	execFileSync('ssh-keygen', ['-H', '-f', path], {stdio: 'ignore'});
	const entries = parseKnownHosts(readFileSync(path, 'utf8'));
	assert.ok(entries.every((e) => e.hosts.startsWith('|1|')), 'ssh-keygen hashed every line');
	assert.equal(verifyHostKey(entries, '[pve.lab]:2222', key.blob).result, 'match');
	assert.equal(verifyHostKey(entries, 'pve.lab', key.blob).result, 'unknown');
});

test('a different key of the same type for a known host is "changed" and names the line', () => {
	const known = newKey();
	const offered = newKey();
	const entries = parseKnownHosts(`# comment\n\npve ${known.line}\n`);
	const verdict = verifyHostKey(entries, 'pve', offered.blob);
	assert.equal(verdict.result, 'changed');
	assert.equal(verdict.result === 'changed' && verdict.entry.line, 3);
});

test('a host known only by another key type counts as changed, not unknown', () => {
	const entries = parseKnownHosts(`pve ${newKey('ecdsa').line}\n`);
	assert.equal(verifyHostKey(entries, 'pve', newKey().blob).result, 'changed');
});

test('@revoked keys are refused; @cert-authority lines are skipped', () => {
	const key = newKey();
	const revoked = parseKnownHosts(`@revoked * ${key.line}\npve ${key.line}\n`);
	assert.equal(verifyHostKey(revoked, 'pve', key.blob).result, 'revoked');
	const ca = parseKnownHosts(`@cert-authority pve ${key.line}\n`);
	assert.equal(verifyHostKey(ca, 'pve', key.blob).result, 'unknown');
});

test('malformed and unknown-marker lines are ignored', () => {
	const key = newKey();
	const entries = parseKnownHosts(`garbage\n@weird pve ${key.line}\npve ${key.line}\n`);
	assert.deepEqual(entries.map((e) => e.line), [3]);
});

test('appended lines are in OpenSSH format and readable by ssh-keygen -F', () => {
	const key = newKey();
	const path = join(dir, 'sub', 'known_hosts');
	appendKnownHost(path, formatKnownHostLine('[127.0.0.1]:2022', key.blob));
	appendKnownHost(path, formatKnownHostLine('hashed.lab', key.blob, true));
	assert.equal(statSync(path).mode & 0o777, 0o600);
	const found = execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2022', '-f', path], {encoding: 'utf8'});
	assert.match(found, /\[127\.0\.0\.1\]:2022 ssh-ed25519 AAAA/);
	const hashed = execFileSync('ssh-keygen', ['-F', 'hashed.lab', '-f', path], {encoding: 'utf8'});
	assert.match(hashed, /\|1\|/);
	assert.equal(verifyHostKey(parseKnownHosts(readFileSync(path, 'utf8')), 'hashed.lab', key.blob).result, 'match');
});

test('host patterns match in bounded time: a known_hosts line of many * cannot hang the connection', async () => {
	assert.equal(hostsFieldMatches('*.example.org,pve?', 'PVE1'), true);
	assert.equal(hostsFieldMatches('*.example.org', 'a.b.example.org'), true);
	assert.equal(hostsFieldMatches('a*b*c', 'axxbyyc'), true);
	assert.equal(hostsFieldMatches('a*b*c', 'axxbyyd'), false);
	assert.equal(hostsFieldMatches('[pve]:2222', '[pve]:2222'), true);
	assert.equal(hostsFieldMatches('p.e', 'pve'), false, '. is literal');
	// A regex built from this pattern backtracks for hours on a 60-character name; run it apart so a hang fails the test.
	const script = `
		import {hostsFieldMatches} from './source/ssh/known-hosts.ts';
		process.stdout.write(String(hostsFieldMatches('${'*a'.repeat(12)}*b', '${'a'.repeat(60)}')));
	`;
	const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe']});
	let out = '';
	child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
	const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
	const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
	clearTimeout(killer);
	assert.equal(code, 0, 'matching did not finish (killed after 20 s)');
	assert.equal(out, 'false');
});
