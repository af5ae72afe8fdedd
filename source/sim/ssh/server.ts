// The simulator's SSH side: an ssh2 server on loopback that answers commands
// from the same SimState as the HTTPS API (commands.ts). The host key is
// generated at every start; clients log in with public keys given in options.

import {createHash, timingSafeEqual} from 'node:crypto';
import type {AddressInfo} from 'node:net';
import ssh2, {type Connection, type ParsedKey, type ServerChannel} from 'ssh2';

// ssh2 is CommonJS: its classes are reached through the default export.
const {Server, utils} = ssh2;
import type {SimState} from '../state.js';
import {spawnSimLine, type SimProcess, type Ticker} from './commands.js';
import {ChannelDropped} from './package-script.js';
import {generateEd25519} from '../../ssh/keygen.js';

export interface SimSshOptions {
	state: SimState;
	/** The node this server is (default: the fixture's first node). */
	node?: string;
	host?: string;
	/** 0 (default) picks a free port. */
	port?: number;
	/** Public keys allowed to log in, in authorized_keys / .pub format. */
	authorizedKeys: string[];
	/** User names accepted (default: root). */
	users?: string[];
	/** Journal follow rate, lines per second (default 2). */
	journalRate?: number;
	/** Test option: some journal lines carry terminal escape sequences. */
	hostileLines?: boolean;
	/** Real-time source for follow rates. */
	ticker?: Ticker;
	/** Open sessions allowed per connection, like sshd's MaxSessions (default 10). */
	maxSessions?: number;
	/** Called with every command a client executes (tests count what was run, like sim.requests for the API). */
	onExec?: (command: string) => void;
}

export interface RunningSimSsh {
	host: string;
	port: number;
	/** `SHA256:…` as ssh-keygen -l prints it. */
	hostKeyFingerprint: string;
	/** `ssh-ed25519 AAAA…` (the .pub line, no comment). */
	hostPublicKey: string;
	/** A ready known_hosts line for this server. */
	knownHostsLine: string;
	authorizedUsers: string[];
	/** Currently open client connections. */
	connectionCount(): number;
	/** Drops every client connection (the server keeps listening), to test reconnects. */
	dropConnections(): void;
	close(): Promise<void>;
}

function publicBlob(line: string): Buffer {
	const parsed = utils.parseKey(line);
	if (parsed instanceof Error) throw new Error(`simulator SSH: not a public key: ${parsed.message}`);
	return (Array.isArray(parsed) ? parsed[0] as ParsedKey : parsed).getPublicSSH();
}

export async function startSimSsh(options: SimSshOptions): Promise<RunningSimSsh> {
	const hostKey = generateEd25519();
	const hostPublicKey = hostKey.public.split(' ').slice(0, 2).join(' ');
	const hostBlob = publicBlob(hostPublicKey);
	const allowed = options.authorizedKeys.map((line) => ({blob: publicBlob(line), key: utils.parseKey(line) as ParsedKey}));
	const users = options.users ?? ['root'];
	const connections = new Set<Connection>();
	const shellOptions = {
		state: options.state,
		...(options.node !== undefined ? {node: options.node} : {}),
		...(options.journalRate !== undefined ? {journalRate: options.journalRate} : {}),
		...(options.hostileLines !== undefined ? {hostileLines: options.hostileLines} : {}),
		...(options.ticker !== undefined ? {ticker: options.ticker} : {}),
	};

	const server = new Server({hostKeys: [hostKey.private]}, (client) => {
		connections.add(client);
		// ssh2's Connection has setNoDelay (server.js) but @types/ssh2 omits it.
		(client as Connection & {setNoDelay?(on: boolean): void}).setNoDelay?.(true);
		client.on('close', () => connections.delete(client));
		client.on('error', () => {}); // a dropped client is not the simulator's problem
		client.on('authentication', (ctx) => {
			if (ctx.method !== 'publickey' || !users.includes(ctx.username)) return ctx.reject(['publickey']);
			const match = allowed.find((a) => a.blob.length === ctx.key.data.length && timingSafeEqual(a.blob, ctx.key.data));
			if (!match) return ctx.reject(['publickey']);
			if (!ctx.signature || !ctx.blob) return ctx.accept(); // the client only asks whether this key would do
			if (match.key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
			return ctx.reject(['publickey']);
		});
		client.on('ready', () => {
			let sessions = 0;
			client.on('session', (acceptSession, rejectSession) => {
				if (sessions >= (options.maxSessions ?? 10)) return rejectSession();
				sessions++;
				const session = acceptSession();
				session.once('close', () => sessions--);
				let running: SimProcess | undefined;
				session.on('env', (accept) => accept?.());
				session.on('pty', (accept) => accept?.());
				session.on('signal', (accept) => {
					accept?.();
					running?.kill();
				});
				session.on('exec', (accept, _reject, info) => {
					const channel: ServerChannel = accept();
					options.onExec?.(info.command);
					running = execute(channel, info.command);
				});
				// The client closing the channel surfaces here first (the channel's own
				// 'close' waits for its stdin side to be drained).
				session.on('close', () => running?.kill());
			});
		});
	});

	function execute(channel: ServerChannel, command: string): SimProcess {
		let open = true;
		const process = spawnSimLine(shellOptions, command, {
			stdout: (text) => open && channel.write(text),
			stderr: (text) => open && channel.stderr.write(text),
		});
		channel.on('close', () => {
			open = false;
			process.kill();
		});
		channel.on('error', () => {});
		channel.resume(); // stdin is not read by any simulated command; drain it so the channel can end
		process.exit.then((code) => {
			if (!open) return;
			channel.exit(code);
			channel.end();
		}, (error: unknown) => {
			if (!open) return;
			if (error instanceof ChannelDropped) {
				// An injected `drop-channel`: the channel closes with no exit status.
				open = false;
				channel.close();
				return;
			}
			channel.stderr.write(`simulator: ${String(error)}\n`);
			channel.exit(255);
			channel.end();
		});
		return process;
	}

	const host = options.host ?? '127.0.0.1';
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => resolve());
	});
	const port = (server.address() as AddressInfo).port;
	const name = port === 22 ? host : `[${host}]:${port}`;
	return {
		host,
		port,
		hostKeyFingerprint: `SHA256:${createHash('sha256').update(hostBlob).digest('base64').replace(/=+$/, '')}`,
		hostPublicKey,
		knownHostsLine: `${name} ${hostPublicKey}`,
		authorizedUsers: users,
		connectionCount: () => connections.size,
		dropConnections() {
			for (const client of connections) client.end();
		},
		close() {
			for (const client of connections) client.end();
			return new Promise((resolve) => server.close(() => resolve()));
		},
	};
}
