// `contexts:` in the config file — one entry per cluster (kubectl's word):
// the API endpoints (any nodes of that cluster, tried in order), who to act as
// and where the secret comes from, how to trust each node's certificate (its
// own fingerprint, or the cluster CA pve-root-ca.pem), the SSH side, and the
// console's read-only and refresh settings for that cluster. Every problem is
// one line naming the key.

import {parseFingerprint} from '../api/fingerprint.js';
import {parseSecretSource, type SecretSource} from './secret-source.js';

export interface ContextEndpoint {
	host: string;
	port: number;
	/** This node's own certificate, pinned ("AB:CD:…", normalised). */
	fingerprint?: string;
}

export interface ContextSsh {
	user?: string;
	key?: string;
	port?: number;
	/** `[user@]host[:port]`, as OpenSSH's ProxyJump. */
	jump?: string;
}

export interface ContextConfig {
	name: string;
	endpoints: ContextEndpoint[];
	tokenId?: string;
	/** Password login (a ticket); TOTP is asked for when the user has it. */
	user?: string;
	/** The token secret (with tokenId) or the password (with user). */
	secret?: SecretSource;
	/** The cluster CA (PEM file), e.g. a copy of /etc/pve/pve-root-ca.pem. */
	ca?: string;
	ssh?: ContextSsh;
	readOnly?: boolean;
	/** Seconds. */
	refresh?: number;
}

type Fail = (key: string, message: string) => never;

const CONTEXT_KEYS = ['endpoints', 'tokenId', 'user', 'secret', 'ca', 'ssh', 'readOnly', 'refresh'];
const SSH_KEYS = ['user', 'key', 'port', 'jump'];
const ENDPOINT_KEYS = ['host', 'port', 'fingerprint'];

function isMapping(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkPort(value: unknown, key: string, fail: Fail): number {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) fail(key, 'expected a whole number from 1 to 65535');
	return value as number;
}

function checkKeys(entry: Record<string, unknown>, known: string[], key: string, fail: Fail): void {
	for (const name of Object.keys(entry)) if (!known.includes(name)) fail(`${key}.${name}`, `unknown key (known: ${known.join(', ')})`);
}

function checkString(value: unknown, key: string, fail: Fail): string {
	if (typeof value !== 'string' || value.trim() === '') fail(key, 'expected a non-empty string');
	return value as string;
}

/** "pve1", "pve1:8006", "10.0.0.1:8006", "[fd00::1]:8006" or "fd00::1". */
function parseAddress(text: string, key: string, fail: Fail): {host: string; port: number} {
	const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
	if (bracketed) return {host: bracketed[1]!, port: bracketed[2] ? checkPort(Number(bracketed[2]), key, fail) : 8006};
	const colons = text.split(':').length - 1;
	if (colons === 1) {
		const [host, port] = text.split(':');
		if (!host || !/^\d+$/.test(port!)) fail(key, `expected host or host:port, got ${JSON.stringify(text)}`);
		return {host: host!, port: checkPort(Number(port), key, fail)};
	}
	if (/\s|\//.test(text)) fail(key, `expected host or host:port, got ${JSON.stringify(text)}`);
	return {host: text, port: 8006};
}

function parseEndpoint(value: unknown, key: string, fail: Fail): ContextEndpoint {
	if (typeof value === 'string') return parseAddress(checkString(value, key, fail), key, fail);
	if (!isMapping(value)) fail(key, 'expected host, host:port or {host, port, fingerprint}');
	checkKeys(value, ENDPOINT_KEYS, key, fail);
	const endpoint: ContextEndpoint = {host: checkString(value.host, `${key}.host`, fail), port: value.port === undefined ? 8006 : checkPort(value.port, `${key}.port`, fail)};
	if (value.fingerprint !== undefined) {
		const fingerprint = typeof value.fingerprint === 'string' ? parseFingerprint(value.fingerprint) : undefined;
		if (!fingerprint) fail(`${key}.fingerprint`, 'expected a SHA-256 fingerprint, 32 hex pairs like AB:CD:…');
		endpoint.fingerprint = fingerprint;
	}
	return endpoint;
}

function parseSsh(value: unknown, key: string, fail: Fail): ContextSsh {
	if (!isMapping(value)) fail(key, `expected a mapping (known: ${SSH_KEYS.join(', ')})`);
	checkKeys(value, SSH_KEYS, key, fail);
	const ssh: ContextSsh = {};
	if (value.user !== undefined) ssh.user = checkString(value.user, `${key}.user`, fail);
	if (value.key !== undefined) ssh.key = checkString(value.key, `${key}.key`, fail);
	if (value.port !== undefined) ssh.port = checkPort(value.port, `${key}.port`, fail);
	if (value.jump !== undefined) {
		const jump = checkString(value.jump, `${key}.jump`, fail);
		if (!/^(?:[^\s@:]+@)?(?:\[[^\]\s]+\]|[^\s@:[\]]+)(?::\d{1,5})?$/.test(jump)) fail(`${key}.jump`, `expected [user@]host[:port], got ${JSON.stringify(jump)}`);
		ssh.jump = jump;
	}
	return ssh;
}

function parseContext(name: string, value: unknown, fail: Fail): ContextConfig {
	const key = `contexts.${name}`;
	if (!isMapping(value)) fail(key, 'expected a mapping');
	checkKeys(value, CONTEXT_KEYS, key, fail);
	if (!Array.isArray(value.endpoints) || value.endpoints.length === 0) fail(`${key}.endpoints`, 'expected a list of one or more API endpoints (any nodes of the cluster)');
	const context: ContextConfig = {name, endpoints: value.endpoints.map((e, i) => parseEndpoint(e, `${key}.endpoints[${i}]`, fail))};
	if (value.tokenId !== undefined && value.user !== undefined) fail(`${key}.user`, 'give tokenId or user, not both');
	if (value.tokenId !== undefined) {
		const tokenId = checkString(value.tokenId, `${key}.tokenId`, fail);
		if (!/^[^\s@!]+@[^\s@!]+![A-Za-z][A-Za-z0-9._-]*$/.test(tokenId)) fail(`${key}.tokenId`, `must look like user@realm!tokenname, got ${JSON.stringify(tokenId)}`);
		context.tokenId = tokenId;
	}
	if (value.user !== undefined) {
		const user = checkString(value.user, `${key}.user`, fail);
		if (!/^[^\s@]+@[^\s@]+$/.test(user)) fail(`${key}.user`, `must look like user@realm (e.g. root@pam), got ${JSON.stringify(user)}`);
		context.user = user;
	}
	if (context.tokenId === undefined && context.user === undefined) fail(key, 'needs tokenId (an API token) or user (password login)');
	if (value.secret !== undefined) {
		const source = parseSecretSource(value.secret);
		if (typeof source === 'string') fail(`${key}.secret`, source);
		context.secret = source;
	} else if (context.tokenId !== undefined) {
		fail(`${key}.secret`, 'is required with tokenId: {env: NAME}, {file: PATH} or {command: "pass show pve/token"}');
	}
	if (value.ca !== undefined) context.ca = checkString(value.ca, `${key}.ca`, fail);
	if (value.ssh !== undefined) context.ssh = parseSsh(value.ssh, `${key}.ssh`, fail);
	if (value.readOnly !== undefined) {
		if (typeof value.readOnly !== 'boolean') fail(`${key}.readOnly`, 'expected true or false');
		context.readOnly = value.readOnly;
	}
	if (value.refresh !== undefined) {
		if (typeof value.refresh !== 'number' || !Number.isFinite(value.refresh) || value.refresh < 1 || value.refresh > 3600) fail(`${key}.refresh`, 'expected seconds from 1 to 3600');
		context.refresh = value.refresh;
	}
	return context;
}

export function parseContexts(value: unknown, fail: Fail): Record<string, ContextConfig> {
	if (!isMapping(value)) fail('contexts', 'expected a mapping of name: {endpoints, tokenId, secret, …}');
	// No prototype: a context named __proto__ is a context.
	const contexts = Object.create(null) as Record<string, ContextConfig>;
	for (const [name, entry] of Object.entries(value)) {
		if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) fail(`contexts.${name}`, 'a context name is letters, digits, . _ - (it is typed after :ctx)');
		contexts[name] = parseContext(name, entry, fail);
	}
	return contexts;
}
