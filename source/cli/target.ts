// Decides what the console connects to — the built-in demo or a real host —
// from the flags, the config file and the environment, and gathers the
// credentials. Secrets come from the environment, a file or the config file,
// never from argv (which `ps` shows to every user of the machine).

import type {CliArgs} from './args.js';
import {expandHome, type HostConfig, type UserConfig} from './config.js';
import {checkSecret, readSecretFile, SecretError} from './secrets.js';

export class TargetError extends Error {}

export type DemoFleet = {kind: 'fixture'; name: string; scenario?: string} | {kind: 'generated'; guests: number; nodes: number};

export type Credentials =
	| {kind: 'token'; tokenId: string; secret: string}
	| {kind: 'password'; username: string; password?: string /* asked for when absent */};

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

export function resolveTarget(args: CliArgs, config: UserConfig, env: NodeJS.ProcessEnv = process.env): Target {
	const refreshMs = Math.round((args.refresh ?? config.refresh ?? 2) * 1000);
	const hostName = args.host ?? config.defaultHost;
	if (args.demo || hostName === undefined) {
		return {kind: 'demo', fleet: demoFleet(args), readOnly: args.readOnly || config.readOnly === true, refreshMs};
	}
	// --host names a config entry when one has that name, else it is an address.
	const entry = config.hosts[hostName];
	const host = entry?.host ?? hostName;
	const insecure = args.insecure || (!args.fingerprint && entry?.insecure === true);
	return {
		kind: 'host',
		host,
		port: args.port ?? entry?.port ?? 8006,
		credentials: secretsAsTargetErrors(() => credentialsFor(args, entry, env)),
		fingerprint: args.fingerprint ?? (args.insecure ? undefined : entry?.fingerprint),
		ca: args.ca ?? entry?.ca,
		insecure,
		readOnly: args.readOnly || entry?.readOnly === true || config.readOnly === true,
		refreshMs,
	};
}

/** A refused secret is a TargetError like any other problem of the target: one line, exit 1. */
function secretsAsTargetErrors<T>(read: () => T): T {
	try {
		return read();
	} catch (error) {
		if (error instanceof SecretError) throw new TargetError(error.message);
		throw error;
	}
}
