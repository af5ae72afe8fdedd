// Decides what the console connects to — the built-in demo or a real host —
// from the flags, the config file and the environment, and gathers the
// credentials. Secrets come from the environment, a file or the config file,
// never from argv (which `ps` shows to every user of the machine).

import {readFileSync} from 'node:fs';
import type {CliArgs} from './args.js';
import {expandHome, type HostConfig, type UserConfig} from './config.js';

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

function readSecretFile(path: string, what: string): string {
	try {
		const secret = readFileSync(expandHome(path), 'utf8').trim();
		if (secret === '') throw new TargetError(`${what} ${path} is empty`);
		return secret;
	} catch (error) {
		if (error instanceof TargetError) throw error;
		throw new TargetError(`cannot read ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
	}
}

function credentialsFor(args: CliArgs, entry: HostConfig | undefined, env: NodeJS.ProcessEnv): Credentials {
	const tokenId = args.tokenId ?? (args.user ? undefined : entry?.tokenId);
	const user = args.user ?? (args.tokenId ? undefined : entry?.user);
	if (tokenId) {
		if (!/^[^\s@!]+@[^\s@!]+![A-Za-z][A-Za-z0-9._-]*$/.test(tokenId)) {
			throw new TargetError(`token id must look like user@realm!tokenname, got ${JSON.stringify(tokenId)}`);
		}
		const secret =
			env.PROXDECK_TOKEN_SECRET ||
			(args.tokenSecretFile && readSecretFile(args.tokenSecretFile, 'token secret file')) ||
			(entry?.tokenSecretFile && readSecretFile(entry.tokenSecretFile, 'token secret file')) ||
			entry?.tokenSecret;
		if (!secret) {
			throw new TargetError(`no secret for token ${tokenId}: set PROXDECK_TOKEN_SECRET, use --token-secret-file, or put tokenSecretFile in the config`);
		}
		return {kind: 'token', tokenId, secret};
	}
	if (user) {
		if (!/^[^\s@]+@[^\s@]+$/.test(user)) throw new TargetError(`user must look like user@realm (e.g. root@pam), got ${JSON.stringify(user)}`);
		return {kind: 'password', username: user, password: env.PROXDECK_PASSWORD || undefined};
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
		credentials: credentialsFor(args, entry, env),
		fingerprint: args.fingerprint ?? (args.insecure ? undefined : entry?.fingerprint),
		ca: args.ca ?? entry?.ca,
		insecure,
		readOnly: args.readOnly || entry?.readOnly === true || config.readOnly === true,
		refreshMs,
	};
}
