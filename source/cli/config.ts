// The user's config file: ~/.config/proxdeck/config.yaml (XDG_CONFIG_HOME is
// respected). It names hosts so `proxdeck --host home` is enough, holds key
// overrides and defaults. Every problem is reported as one line naming the file
// and the key, never a stack trace.

import {closeSync, fstatSync, openSync, readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join, resolve} from 'node:path';
import {parse as parseYaml} from 'yaml';
import {checkSecret, looseModeProblem, SecretError} from './secrets.js';
import {parseContexts, type ContextConfig} from './contexts.js';
import {parseThresholds, type Thresholds} from '../services/problems/thresholds.js';
import type {DeckLayout} from '../../views/deck/layout-engine.js';
import {allLayouts, parseUserLayouts} from '../../views/deck/layouts.js';

export class ConfigError extends Error {
	// Messages quote the file's own text (key names, the YAML parser's excerpt):
	// a key holding a line break or an escape made the "one line" several, or
	// reached the terminal. Control characters are shown escaped (\n, \u001b).
	constructor(message: string) {
		super(message.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => ({'\n': '\\n', '\r': '\\r', '\t': '\\t'})[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
	}
}

export interface HostConfig {
	host: string;
	port?: number;
	tokenId?: string;
	tokenSecret?: string;
	tokenSecretFile?: string;
	user?: string;
	fingerprint?: string;
	ca?: string;
	insecure?: boolean;
	readOnly?: boolean;
}

export interface UserConfig {
	/** Where it was read from, or undefined when there is no file. */
	path?: string;
	defaultHost?: string;
	/** `default:` names a context (contexts:) rather than a host. */
	defaultContext?: string;
	refresh?: number;
	readOnly?: boolean;
	keys?: Record<string, string | string[]>;
	hosts: Record<string, HostConfig>;
	/** `contexts:` — clusters by name (contexts.ts); `--context NAME` and `:ctx NAME` pick one. */
	contexts: Record<string, ContextConfig>;
	/** upgrade.health: tag → commands run inside containers with that tag after an upgrade (exit 0 = healthy). */
	upgradeHealth?: Record<string, string[]>;
	/** thresholds: the problem rules' levels over the defaults (services/problems/thresholds.ts). */
	thresholds?: Thresholds;
	/** `layouts:` — the user's deck layouts (views/deck/layouts.ts), validated. */
	layouts?: DeckLayout[];
	/** `layout:` — the deck layout to open with (default triage). */
	layout?: string;
}

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
	const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
	return join(base, 'proxdeck', 'config.yaml');
}

export function expandHome(path: string): string {
	return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

const HOST_KEYS: Record<keyof HostConfig, 'string' | 'number' | 'boolean'> = {
	host: 'string',
	port: 'number',
	tokenId: 'string',
	tokenSecret: 'string',
	tokenSecretFile: 'string',
	user: 'string',
	fingerprint: 'string',
	ca: 'string',
	insecure: 'boolean',
	readOnly: 'boolean',
};

const TOP_KEYS = new Set(['default', 'refresh', 'readOnly', 'keys', 'hosts', 'contexts', 'upgrade', 'thresholds', 'layouts', 'layout']);

/**
 * Every number the file may hold, bounded as its flag is: an unbounded value
 * (1e308, .inf) would overflow a timer and turn a poll interval into a busy loop.
 */
const NUMBER_RANGES = {
	refresh: {min: 1, max: 3600, integer: false, what: 'seconds'},
	port: {min: 1, max: 65535, integer: true, what: 'a whole number'},
} as const;

function checkNumber(path: string, key: string, range: keyof typeof NUMBER_RANGES, value: unknown): number {
	const {min, max, integer, what} = NUMBER_RANGES[range];
	const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
	if (!ok) fail(path, key, `expected ${what} from ${min} to ${max}`);
	return value as number;
}

function fail(path: string, key: string, message: string): never {
	throw new ConfigError(`${path}: ${key}: ${message}`);
}

function checkHost(path: string, name: string, value: unknown): HostConfig {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, `hosts.${name}`, 'expected a mapping');
	const entry = value as Record<string, unknown>;
	for (const [key, val] of Object.entries(entry)) {
		const type = HOST_KEYS[key as keyof HostConfig];
		if (!type) fail(path, `hosts.${name}.${key}`, `unknown key (known: ${Object.keys(HOST_KEYS).join(', ')})`);
		if (typeof val !== type) fail(path, `hosts.${name}.${key}`, `expected a ${type}`);
	}
	if (entry.port !== undefined) checkNumber(path, `hosts.${name}.port`, 'port', entry.port);
	if (typeof entry.tokenSecret === 'string') {
		try {
			entry.tokenSecret = checkSecret(entry.tokenSecret, 'token secret', `${path}: hosts.${name}.tokenSecret`);
		} catch (error) {
			if (error instanceof SecretError) throw new ConfigError(error.message);
			throw error;
		}
	}
	if (typeof entry.host !== 'string' || entry.host === '') fail(path, `hosts.${name}.host`, 'is required');
	return entry as unknown as HostConfig;
}

/** upgrade: {health: {media: "curl -fsS localhost:32400/identity", db: [cmd, cmd]}} */
function checkUpgrade(path: string, value: unknown): Record<string, string[]> {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, 'upgrade', 'expected a mapping (known: health)');
	const health: Record<string, string[]> = {};
	for (const [key, val] of Object.entries(value as Record<string, unknown>)) {
		if (key !== 'health') fail(path, `upgrade.${key}`, 'unknown key (known: health)');
		if (val === null || typeof val !== 'object' || Array.isArray(val)) fail(path, 'upgrade.health', 'expected a mapping of tag: command');
		for (const [tag, commands] of Object.entries(val as Record<string, unknown>)) {
			const list = typeof commands === 'string' ? [commands] : commands;
			if (!Array.isArray(list) || list.length === 0 || !list.every((c) => typeof c === 'string' && c.trim() !== '')) {
				fail(path, `upgrade.health.${tag}`, 'expected a command or a list of commands');
			}
			health[tag] = list as string[];
		}
	}
	return health;
}

export function parseConfig(text: string, path: string): UserConfig {
	let doc: unknown;
	try {
		doc = parseYaml(text);
	} catch (error) {
		const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
		throw new ConfigError(`${path}: not valid YAML: ${message}`);
	}
	if (doc === null || doc === undefined) return {path, hosts: {}, contexts: {}};
	if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`${path}: expected a mapping at the top level`);
	const raw = doc as Record<string, unknown>;
	for (const key of Object.keys(raw)) {
		if (!TOP_KEYS.has(key)) fail(path, key, `unknown key (known: ${[...TOP_KEYS].join(', ')})`);
	}
	// No prototype: a host named __proto__ (or constructor) is a host, and `default:` cannot name an inherited property.
	const config: UserConfig = {path, hosts: Object.create(null) as Record<string, HostConfig>, contexts: Object.create(null) as Record<string, ContextConfig>};
	if (raw.default !== undefined && typeof raw.default !== 'string') fail(path, 'default', 'expected a host or context name');
	if (raw.refresh !== undefined) {
		config.refresh = checkNumber(path, 'refresh', 'refresh', raw.refresh);
	}
	if (raw.readOnly !== undefined) {
		if (typeof raw.readOnly !== 'boolean') fail(path, 'readOnly', 'expected true or false');
		config.readOnly = raw.readOnly;
	}
	if (raw.keys !== undefined) {
		if (raw.keys === null || typeof raw.keys !== 'object' || Array.isArray(raw.keys)) fail(path, 'keys', 'expected a mapping of action: key');
		for (const [action, keys] of Object.entries(raw.keys as Record<string, unknown>)) {
			const ok = typeof keys === 'string' || (Array.isArray(keys) && keys.every((k) => typeof k === 'string'));
			if (!ok) fail(path, `keys.${action}`, 'expected a key or a list of keys');
		}
		config.keys = raw.keys as Record<string, string | string[]>;
	}
	if (raw.hosts !== undefined) {
		if (raw.hosts === null || typeof raw.hosts !== 'object' || Array.isArray(raw.hosts)) fail(path, 'hosts', 'expected a mapping of name: {host, …}');
		for (const [name, value] of Object.entries(raw.hosts as Record<string, unknown>)) {
			config.hosts[name] = checkHost(path, name, value);
		}
	}
	if (raw.contexts !== undefined) config.contexts = parseContexts(raw.contexts, (key, message) => fail(path, key, message));
	for (const name of Object.keys(config.contexts)) {
		if (config.hosts[name]) fail(path, `contexts.${name}`, `is also a host under hosts: (--host and --context would mean different things)`);
	}
	if (raw.upgrade !== undefined) config.upgradeHealth = checkUpgrade(path, raw.upgrade);
	if (raw.thresholds !== undefined) config.thresholds = parseThresholds(raw.thresholds, (key, message) => fail(path, key, message));
	if (raw.layouts !== undefined) {
		try {
			config.layouts = parseUserLayouts(raw.layouts);
		} catch (error) {
			// LayoutError already names the key ("layouts.mine.root.children[1].size: …").
			throw new ConfigError(`${path}: ${(error as Error).message}`);
		}
	}
	if (raw.layout !== undefined) {
		const known = allLayouts(config.layouts ?? []).map((l) => l.name);
		if (typeof raw.layout !== 'string' || !known.includes(raw.layout)) fail(path, 'layout', `unknown layout ${JSON.stringify(raw.layout)} (known: ${known.join(', ')})`);
		config.layout = raw.layout;
	}
	if (typeof raw.default === 'string') {
		if (config.contexts[raw.default]) config.defaultContext = raw.default;
		else if (config.hosts[raw.default]) config.defaultHost = raw.default;
		else fail(path, 'default', `names no host under hosts: or context under contexts: (have: ${[...Object.keys(config.hosts), ...Object.keys(config.contexts)].join(', ') || 'none'})`);
	}
	return config;
}

/**
 * Reads the config file. A missing default file is not an error (first run);
 * a missing file named with --config is. A file holding a token secret must be
 * private to its owner, as OpenSSH demands of a private key (checked on the
 * open descriptor, so the file checked is the file read).
 */
export function loadConfig(explicitPath: string | undefined, env: NodeJS.ProcessEnv = process.env): UserConfig {
	const path = explicitPath ? resolve(expandHome(explicitPath)) : defaultConfigPath(env);
	let text: string;
	let mode: number;
	let fd: number | undefined;
	try {
		fd = openSync(path, 'r');
		mode = fstatSync(fd).mode;
		text = readFileSync(fd, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' && !explicitPath) return {hosts: {}, contexts: {}};
		throw new ConfigError(`${path}: cannot read config file (${code ?? 'error'})`);
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
	const config = parseConfig(text, path);
	const holder = Object.entries(config.hosts).find(([, host]) => host.tokenSecret !== undefined);
	const problem = holder && looseModeProblem(path, mode, `${path} holds a token secret (hosts.${holder[0]}.tokenSecret) and`);
	if (problem) throw new ConfigError(problem);
	return config;
}
