// Host-key checking against an OpenSSH known_hosts file, with OpenSSH's rules:
// - a line is `[marker] hostpatterns keytype base64key [comment]`;
// - host patterns are comma lists with `*`/`?` wildcards and `!` negation, or a
//   hashed `|1|base64(salt)|base64(HMAC-SHA1(salt, host))` entry;
// - a non-default port is written `[host]:port`;
// - `@revoked` keys are refused, `@cert-authority` lines (host certificates)
//   are not something proxdeck verifies, so they are skipped.
// Fingerprints are shown as OpenSSH shows them: `SHA256:` + unpadded base64.

import {createHash, createHmac, randomBytes} from 'node:crypto';
import {appendFileSync, existsSync, mkdirSync, readFileSync} from 'node:fs';
import {dirname} from 'node:path';

export interface KnownHostEntry {
	/** 1-based line number in the file. */
	line: number;
	marker?: 'revoked' | 'cert-authority';
	hosts: string;
	keyType: string;
	/** Base64 of the public key blob. */
	key: string;
}

export type HostKeyVerdict =
	| {result: 'match'; entry: KnownHostEntry}
	| {result: 'unknown'}
	| {result: 'changed'; entry: KnownHostEntry}
	| {result: 'revoked'; entry: KnownHostEntry};

export function fingerprintOf(keyBlob: Buffer): string {
	return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside an SSH public key blob (`ssh-ed25519`, `ssh-rsa`, …). */
export function keyTypeOf(keyBlob: Buffer): string {
	if (keyBlob.length < 4) return 'unknown';
	const len = keyBlob.readUInt32BE(0);
	return keyBlob.subarray(4, 4 + len).toString('latin1');
}

/**
 * How OpenSSH names a host in known_hosts: `host` on port 22, else
 * `[host]:port` — lower-cased, as ssh lowercases the host name before it
 * looks it up or hashes it (`ssh -G PVE.lan` says `hostname pve.lan`); a
 * hashed line OpenSSH wrote for PVE.lan was not found otherwise.
 */
export function knownHostName(host: string, port: number): string {
	const name = host.toLowerCase();
	return port === 22 ? name : `[${name}]:${port}`;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
	const entries: KnownHostEntry[] = [];
	const lines = text.split('\n');
	for (let i = 0; i < lines.length; i++) {
		const trimmed = (lines[i] ?? '').trim();
		if (trimmed === '' || trimmed.startsWith('#')) continue;
		const fields = trimmed.split(/\s+/);
		let marker: KnownHostEntry['marker'];
		if (fields[0]?.startsWith('@')) {
			const name = fields.shift();
			if (name === '@revoked') marker = 'revoked';
			else if (name === '@cert-authority') marker = 'cert-authority';
			else continue; // unknown marker: OpenSSH ignores the line
		}
		const [hosts, keyType, key] = fields;
		if (hosts === undefined || keyType === undefined || key === undefined) continue;
		entries.push({line: i + 1, ...(marker ? {marker} : {}), hosts, keyType, key});
	}
	return entries;
}

/**
 * OpenSSH's `*` / `?` host patterns, case-insensitively. A greedy scan that
 * backs up only to the last `*`: time is bounded by pattern × name length,
 * where a regex built from a pattern like `*.*.*.*.*.*x` backtracks
 * exponentially and would hang the connection on one known_hosts line.
 */
function wildcardMatch(pattern: string, name: string): boolean {
	const p = pattern.toLowerCase();
	const s = name.toLowerCase();
	let i = 0;
	let j = 0;
	let star = -1;
	let resume = 0;
	while (j < s.length) {
		if (i < p.length && (p[i] === '?' || p[i] === s[j])) {
			i++;
			j++;
		} else if (i < p.length && p[i] === '*') {
			star = i++;
			resume = j;
		} else if (star !== -1) {
			i = star + 1;
			j = ++resume;
		} else {
			return false;
		}
	}
	while (p[i] === '*') i++;
	return i === p.length;
}

function hashedMatch(entry: string, name: string): boolean {
	const [, magic, salt, hash] = entry.split('|');
	if (magic !== '1' || salt === undefined || hash === undefined) return false;
	const computed = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
	return computed === hash;
}

/** Whether a host-pattern field names this host (`[host]:port` form for non-22 ports). */
export function hostsFieldMatches(hosts: string, name: string): boolean {
	if (hosts.startsWith('|')) return hashedMatch(hosts, name);
	let matched = false;
	for (const raw of hosts.split(',')) {
		const negated = raw.startsWith('!');
		const pattern = negated ? raw.slice(1) : raw;
		if (!wildcardMatch(pattern, name)) continue;
		if (negated) return false; // a negated match overrides any positive one
		matched = true;
	}
	return matched;
}

/**
 * Judges the key a server offered. Like OpenSSH: a revoked key is refused
 * outright; a listed key of the same type that differs is a changed key; a
 * host listed only under other key types also counts as changed (the runner
 * asks for the known types first, so a server not offering them is suspect).
 */
export function verifyHostKey(entries: KnownHostEntry[], name: string, keyBlob: Buffer): HostKeyVerdict {
	const offered = keyBlob.toString('base64');
	const revoked = entries.find((e) => e.marker === 'revoked' && e.key === offered);
	if (revoked) return {result: 'revoked', entry: revoked};
	const forHost = entries.filter((e) => e.marker === undefined && hostsFieldMatches(e.hosts, name));
	const exact = forHost.find((e) => e.key === offered);
	if (exact) return {result: 'match', entry: exact};
	const type = keyTypeOf(keyBlob);
	const sameType = forHost.find((e) => e.keyType === type);
	const other = sameType ?? forHost[0];
	return other ? {result: 'changed', entry: other} : {result: 'unknown'};
}

/** Key types already recorded for a host, so the handshake can prefer them. */
export function knownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
	const types = entries.filter((e) => e.marker === undefined && hostsFieldMatches(e.hosts, name)).map((e) => e.keyType);
	return [...new Set(types)];
}

export function readKnownHosts(path: string): KnownHostEntry[] {
	if (!existsSync(path)) return [];
	return parseKnownHosts(readFileSync(path, 'utf8'));
}

/** An OpenSSH-format line; hashed like `HashKnownHosts yes` when asked. */
export function formatKnownHostLine(name: string, keyBlob: Buffer, hashed = false): string {
	let hosts = name;
	if (hashed) {
		const salt = randomBytes(20);
		hosts = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
	}
	return `${hosts} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}`;
}

/** Appends a line, creating ~/.ssh (0700) and the file (0600) as ssh does. */
export function appendKnownHost(path: string, line: string): void {
	mkdirSync(dirname(path), {recursive: true, mode: 0o700});
	let prefix = '';
	if (existsSync(path)) {
		const current = readFileSync(path, 'utf8');
		if (current.length > 0 && !current.endsWith('\n')) prefix = '\n';
	}
	appendFileSync(path, `${prefix}${line}\n`, {mode: 0o600});
}
