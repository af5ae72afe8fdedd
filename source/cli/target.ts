// Decides what the console connects to — the built-in demo or a real host —
// from the flags, the config file and the environment, and gathers the
// credentials. Secrets come from the environment, a file or the config file,
// never from argv (which `ps` shows to every user of the machine).

import type {CliArgs} from './args.js';
import {expandHome, type HostConfig, type UserConfig} from './config.js';
import {checkSecret, readSecretFile, SecretError} from './secrets.js';
import type {ContextConfig, ContextEndpoint, ContextSsh} from './contexts.js';
import {readSecretSource, type SecretSource} from './secret-source.js';

export class TargetError extends Error {}

export type DemoFleet = {kind: 'fixture'; name: string; scenario?: string} | {kind: 'generated'; guests: number; nodes: number};

export type Credentials =
	| {kind: 'token'; tokenId: string; secret: string}
	| {kind: 'password'; username: string; password?: string /* asked for when absent */}
	/** A context's secret, read when connecting (a command such as `pass` runs then, not at parse time). */
	| {kind: 'deferred'; tokenId?: string; username?: string; source: SecretSource; label: string};

export type Target =
	| {kind: 'demo'; fleet: DemoFleet; readOnly: boolean; refreshMs: number}
	| {
			kind: 'host';
			host: string;
			port: number;
			credentials: Credentials;
			fingerprint?: string;
			ca?: string;
			insecure: boolean;
			readOnly: boolean;
			refreshMs: number;
			/** Every API endpoint of the cluster, the first one first (host/port/fingerprint above are endpoints[0]). */
			endpoints: ContextEndpoint[];
			/** The context this target came from (config `contexts:`). */
			context?: string;
			/** The context's SSH settings; the --ssh flags win over them. */
			ssh?: ContextSsh;
	  };

function demoFleet(args: CliArgs): DemoFleet {
	if (args.guests !== undefined) return {kind: 'generated', guests: args.guests, nodes: args.nodes ?? 1};
	return {kind: 'fixture', name: args.fixture ?? 'homelab', ...(args.scenario ? {scenario: args.scenario} : {})};
}

/**
 * The first secret given, in order of precedence: environment, --token-secret-file,
 * the config's tokenSecretFile, the config's tokenSecret (checked when the config was read).
 * Only the one used is read: a stale file lower down does not stand in the way.
 */
function tokenSecretFor(args: CliArgs, entry: HostConfig | undefined, env: NodeJS.ProcessEnv): string | undefined {
	if (env.PROXDECK_TOKEN_SECRET) return checkSecret(env.PROXDECK_TOKEN_SECRET, 'token secret', '$PROXDECK_TOKEN_SECRET');
	const file = args.tokenSecretFile ?? entry?.tokenSecretFile;
	if (file) return readSecretFile(expandHome(file), 'token secret', 'token secret file');
	return entry?.tokenSecret;
}

function credentialsFor(args: CliArgs, entry: HostConfig | undefined, env: NodeJS.ProcessEnv): Credentials {
	const tokenId = args.tokenId ?? (args.user ? undefined : entry?.tokenId);
	const user = args.user ?? (args.tokenId ? undefined : entry?.user);
	if (tokenId) {
		if (!/^[^\s@!]+@[^\s@!]+![A-Za-z][A-Za-z0-9._-]*$/.test(tokenId)) {
			throw new TargetError(`token id must look like user@realm!tokenname, got ${JSON.stringify(tokenId)}`);
		}
		const secret = tokenSecretFor(args, entry, env);
		if (!secret) {
			throw new TargetError(`no secret for token ${tokenId}: set PROXDECK_TOKEN_SECRET, use --token-secret-file, or put tokenSecretFile in the config`);
		}
		return {kind: 'token', tokenId, secret};
	}
	if (user) {
		if (!/^[^\s@]+@[^\s@]+$/.test(user)) throw new TargetError(`user must look like user@realm (e.g. root@pam), got ${JSON.stringify(user)}`);
		const password = env.PROXDECK_PASSWORD ? checkSecret(env.PROXDECK_PASSWORD, 'password', '$PROXDECK_PASSWORD') : undefined;
		return {kind: 'password', username: user, password};
	}
	throw new TargetError('no credentials: give --token-id (secret in PROXDECK_TOKEN_SECRET) or --user (password in PROXDECK_PASSWORD or asked for)');
}

/** Flags that say what a context already says: given together, which one was meant is a guess. */
const CONTEXT_CONFLICTS = ['port', 'tokenId', 'tokenSecretFile', 'user', 'fingerprint', 'ca', 'insecure'] as const;

/** The target of a context (config `contexts:`): its endpoints, credentials (read when connecting), TLS, SSH. */
export function contextTarget(context: ContextConfig, config: UserConfig, args: Partial<CliArgs> = {}): Target & {kind: 'host'} {
	const first = context.endpoints[0]!;
	const label = `contexts.${context.name}.secret`;
	let credentials: Credentials;
	if (context.secret) credentials = {kind: 'deferred', ...(context.tokenId ? {tokenId: context.tokenId} : {username: context.user!}), source: context.secret, label};
	else credentials = {kind: 'password', username: context.user!};
	return {
		kind: 'host',
		host: first.host,
		port: first.port,
		credentials,
		...(first.fingerprint ? {fingerprint: first.fingerprint} : {}),
		...(context.ca ? {ca: expandHome(context.ca)} : {}),
		insecure: false,
		readOnly: args.readOnly === true || context.readOnly === true || config.readOnly === true,
		refreshMs: Math.round((args.refresh ?? context.refresh ?? config.refresh ?? 2) * 1000),
		endpoints: context.endpoints,
		context: context.name,
		...(context.ssh ? {ssh: context.ssh} : {}),
	};
}

/** Reads a deferred secret (a context's env var, file or command); other credentials pass through. */
export async function settleCredentials(credentials: Credentials, env: NodeJS.ProcessEnv): Promise<Credentials> {
	if (credentials.kind !== 'deferred') return credentials;
	const {source, label} = credentials;
	if (credentials.tokenId) return {kind: 'token', tokenId: credentials.tokenId, secret: await secretsAsTargetErrors(() => readSecretSource(source, 'token secret', label, env))};
	return {kind: 'password', username: credentials.username!, password: await secretsAsTargetErrors(() => readSecretSource(source, 'password', label, env))};
}

export function resolveTarget(args: CliArgs, config: UserConfig, env: NodeJS.ProcessEnv = process.env): Target {
	const refreshMs = Math.round((args.refresh ?? config.refresh ?? 2) * 1000);
	const contextName = args.context ?? (args.host === undefined ? config.defaultContext : undefined);
	if (!args.demo && contextName !== undefined) {
		const context = config.contexts[contextName];
		if (!context) {
			const known = Object.keys(config.contexts);
			throw new TargetError(`no context ${JSON.stringify(contextName)} in ${config.path ?? 'the config file'} (${known.length > 0 ? `have: ${known.join(', ')}` : 'it has no contexts:'})`);
		}
		const conflict = CONTEXT_CONFLICTS.find((flag) => args[flag] !== undefined && args[flag] !== false);
		if (conflict) throw new TargetError(`--${conflict.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} and --context ${contextName}: the context already says this (edit contexts.${contextName} in the config)`);
		return contextTarget(context, config, args);
	}
	const hostName = args.host ?? config.defaultHost;
	if (args.demo || hostName === undefined) {
		return {kind: 'demo', fleet: demoFleet(args), readOnly: args.readOnly || config.readOnly === true, refreshMs};
	}
	// --host names a config entry when one has that name, else it is an address.
	const entry = config.hosts[hostName];
	const host = entry?.host ?? hostName;
	const insecure = args.insecure || (!args.fingerprint && entry?.insecure === true);
	const port = args.port ?? entry?.port ?? 8006;
	const fingerprint = args.fingerprint ?? (args.insecure ? undefined : entry?.fingerprint);
	return {
		kind: 'host',
		host,
		port,
		endpoints: [{host, port, ...(fingerprint ? {fingerprint} : {})}],
		credentials: secretsAsTargetErrors(() => credentialsFor(args, entry, env)),
		fingerprint,
		ca: args.ca ?? entry?.ca,
		insecure,
		readOnly: args.readOnly || entry?.readOnly === true || config.readOnly === true,
		refreshMs,
	};
}

/** A refused secret is a TargetError like any other problem of the target: one line, exit 1. */
function secretsAsTargetErrors<T>(read: () => T): T {
	const asTargetError = (error: unknown): never => {
		if (error instanceof SecretError) throw new TargetError(error.message);
		throw error;
	};
	try {
		const result = read();
		return (result instanceof Promise ? result.catch(asTargetError) : result) as T;
	} catch (error) {
		return asTargetError(error);
	}
}
