// Opening a host for the console and for `proxdeck upgrade`: the API client
// (the demo's in-process simulator, or a real host with the chosen
// credentials), one read that proves it answers, and the SSH side. Every
// failure is one line on stderr and an exit code; nothing half-open is left.

import {readFileSync} from 'node:fs';
import {createClient, type PveClient} from '../api/client.js';
import {errorLine, rememberSecret, scrubSecrets} from '../services/error-line.js';
import type {CommandRunner} from '../ssh/index.js';
import type {CliArgs} from './args.js';
import type {Demo} from './demo.js';
import {statePaths} from '../services/state-paths.js';
import {explainConnectError} from './explain.js';
import {promptHidden} from './prompt.js';
import {assertPrivateFile, checkSecret} from './secrets.js';
import {chooseSsh, createRunner, startDemoSsh} from './ssh-setup.js';
import {settleCredentials, TargetError, type Target} from './target.js';

export interface Io {
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
	env: NodeJS.ProcessEnv;
}



/**
 * Known, expected failures: shown as one line, exit code 1 (2 for usage).
 * Every secret this process read is masked, whatever path the message took.
 */
export function oneLine(io: Io, message: string): void {
	io.stderr.write(`proxdeck: ${scrubSecrets(message)}\n`);
}

export interface Connection {
	client: PveClient;
	label: string;
	demo?: Demo;
	/** From now on nothing is asked on the terminal (the screen is about to be taken over). */
	stopAsking?(): void;
}

export interface ConnectOptions {
	/**
	 * The terminal may still be asked (password, TOTP code): true before the
	 * screen is taken over, false for a switch at run time (:ctx), where a
	 * credential that must be typed is one clear line instead.
	 */
	interactive: boolean;
}

export async function connect(target: Target, io: Io, options: ConnectOptions = {interactive: true}): Promise<Connection> {
	if (target.kind === 'demo') {
		// Its state outlives the process (demo folder), so an interrupted demo upgrade can be resumed.
		// The simulator's code loads only for the demo (a real host's console never evaluates it).
		const {startDemo} = await import('./demo.js');
		const demo = await startDemo(target.fleet, {stateDir: statePaths(io.env, {demo: true}).dir});
		// Demo-only and public, but a secret all the same as far as output goes.
		rememberSecret(demo.token.secret);
		for (const note of demo.notes) oneLine(io, note);
		const client = createClient({
			host: demo.sim.host,
			port: demo.sim.port,
			auth: {kind: 'token', tokenId: demo.token.tokenId, secret: demo.token.secret},
			fingerprint: demo.sim.fingerprint,
			// The other nodes of a cluster demo, each pinned to its own certificate.
			moreEndpoints: demo.sim.endpoints.slice(1).map((e) => ({host: e.host, port: e.port, fingerprint: e.fingerprint})),
		});
		return {client, label: 'simulator', demo};
	}
	const where = target.context ? `context ${target.context}` : target.host;
	let asking = options.interactive;
	const credentials = await settleCredentials(target.credentials, io.env);
	let auth: Parameters<typeof createClient>[0]['auth'];
	if (credentials.kind === 'token') {
		auth = {kind: 'token', tokenId: credentials.tokenId, secret: credentials.secret};
	} else if (credentials.kind === 'password') {
		const ask = (question: string) => (asking ? promptHidden(question, io.stdin, io.stderr) : Promise.resolve(undefined));
		const typed = credentials.password ?? (await ask(`password for ${credentials.username}@${target.host}: `));
		if (typed === undefined) {
			throw new TargetError(
				options.interactive
					? `no password for ${credentials.username}: set PROXDECK_PASSWORD or run in a terminal`
					: `${where} logs in with a password, which cannot be asked for now: start proxdeck with --context ${target.context ?? target.host}, or give it secret: in the config`,
			);
		}
		auth = {
			kind: 'password',
			username: credentials.username,
			password: checkSecret(typed, 'password', 'the password prompt'),
			// Asked on the terminal at the first login, before the screen is taken over.
			secondFactor: async (challenge, username) => {
				const what = challenge.totp ? (challenge.recovery > 0 ? 'TOTP code (or a recovery key)' : 'TOTP code') : 'recovery key';
				const code = await ask(`${what} for ${username}: `);
				return code === undefined || code === '' ? undefined : checkSecret(code, 'password', 'the two-factor prompt');
			},
		};
	} else {
		throw new TargetError(`${where}: credentials not read`);
	}
	let ca: string | undefined;
	if (target.ca) {
		try {
			ca = readFileSync(target.ca, 'utf8');
		} catch (error) {
			throw new TargetError(`cannot read CA file ${target.ca} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
		}
	}
	const client = createClient({
		host: target.host,
		port: target.port,
		auth,
		fingerprint: target.fingerprint,
		insecure: target.insecure,
		ca,
		moreEndpoints: target.endpoints.slice(1),
	});
	return {
		client,
		label: client.target,
		stopAsking: () => {
			asking = false;
		},
	};
}

/** The --ssh flags over a context's `ssh:` settings (a flag given wins). */
function sshFlags(args: CliArgs, target: Target): CliArgs | undefined {
	if (target.kind !== 'host' || target.context === undefined) return args;
	const ctx = target.ssh;
	const flagged = args.ssh || args.sshUser !== undefined || args.sshKey !== undefined || args.sshPort !== undefined || args.local;
	// A context names another cluster: running on this machine's own PVE (/etc/pve) says nothing about it.
	if (!ctx && !flagged) return undefined;
	return {...args, ssh: !args.local, sshUser: args.sshUser ?? ctx?.user, sshPort: args.sshPort ?? ctx?.port, sshKey: args.sshKey ?? ctx?.key};
}

/**
 * The SSH side, opened before the screen is taken over so that a key's
 * passphrase can still be asked for on the terminal. Host keys are verified
 * when the first command runs; a refusal shows in the view that needed SSH.
 * `interactive` false (a :ctx switch): a key needing its passphrase is one clear line.
 */
export async function openSsh(args: CliArgs, target: Target, demo: Demo | undefined, io: Io, interactive = true): Promise<{runner: CommandRunner; close(): Promise<void>} | undefined> {
	if (demo) return startDemoSsh(demo.sim.state);
	if (target.kind !== 'host') return undefined;
	const flags = sshFlags(args, target);
	if (!flags) return undefined;
	const choice = chooseSsh(flags);
	let passphrase: string | undefined;
	if (choice.mode === 'ssh' && choice.keyPath) {
		const keyPath = choice.keyPath;
		// OpenSSH ignores a private key others can read ("UNPROTECTED PRIVATE KEY FILE"); so do we.
		assertPrivateFile(keyPath, `SSH key ${keyPath}`);
		const {loadCredentials} = await import('../ssh/auth-config.js');
		const credentials = await loadCredentials({
			privateKeyPath: keyPath,
			passphrase: async () => {
				if (!interactive) throw new TargetError(`SSH key ${keyPath} needs its passphrase, which cannot be asked for now: add it to ssh-agent, or start proxdeck with --context ${target.context ?? target.host}`);
				const typed = await promptHidden(`passphrase for ${keyPath}: `, io.stdin, io.stderr);
				return typed === undefined || typed === '' ? '' : checkSecret(typed, 'passphrase', 'the passphrase prompt');
			},
		});
		passphrase = credentials.passphrase;
	}
	const runner = await createRunner(choice, target.host, passphrase, target.ssh?.jump);
	return runner && {runner, close: () => runner.close()};
}

export interface OpenHost extends Connection {
	ssh?: {runner: CommandRunner; close(): Promise<void>};
	close(): Promise<void>;
}

/**
 * Connects, checks with GET /version, then (for the console) that stdout is a
 * terminal — after the connection, so a wrong token or host is reported even
 * when the output is piped — and opens SSH. Returns the exit code on failure.
 */
export interface OpenHostOptions {
	needsTty: boolean;
	/** False for a :ctx switch at run time: nothing is asked on the terminal (see ConnectOptions). */
	interactive?: boolean;
	/** Where the one-line failure goes (default: stderr); a switch at run time shows it on the console instead. */
	report?: (line: string) => void;
	/**
	 * Called with the client as GET /version goes out, before it answers: the
	 * console sends the fleet's first read alongside, so a host that takes its
	 * time over a large /cluster/resources starts on it one round trip earlier.
	 */
	alongsideCheck?: (client: PveClient) => void;
}

export async function openHost(args: CliArgs, target: Target, io: Io, options: OpenHostOptions): Promise<OpenHost | number> {
	const interactive = options.interactive ?? true;
	const report = options.report ?? ((line: string) => oneLine(io, line));
	let connection: Connection;
	try {
		connection = await connect(target, io, {interactive});
	} catch (error) {
		report(errorLine(error));
		return 1;
	}
	const {client, demo} = connection;
	let ssh: OpenHost['ssh'];
	const close = async () => {
		await ssh?.close().catch(() => {});
		await client.close().catch(() => {});
		const warning = await demo?.close().catch(() => undefined);
		if (warning) oneLine(io, warning);
	};
	try {
		const version = client.request('GET', '/version');
		options.alongsideCheck?.(client);
		await version;
		// Logged in (with the second factor if any): a later fresh login must not prompt over the console.
		connection.stopAsking?.();
	} catch (error) {
		await close();
		report(explainConnectError(error, client.target, client.identity));
		return 1;
	}
	if (options.needsTty && !io.stdout.isTTY) {
		await close();
		report('stdout is not a terminal: the console needs one (run `proxdeck sim` for the simulator alone)');
		return 1;
	}
	try {
		ssh = await openSsh(args, target, demo, io, interactive);
	} catch (error) {
		await close();
		report(`SSH: ${errorLine(error)}`);
		return 1;
	}
	return {...connection, ...(ssh ? {ssh} : {}), close};
}
