// CommandRunner over SSH: one ssh2 connection per host, one channel per
// command. Host keys are checked against known_hosts (known-hosts.ts).
//
// Connection life cycle:
// - The connection opens lazily on the first run()/stream(). If that first
//   connect fails, the waiting calls reject with the SshError and the status
//   goes 'failed'; the next call tries again.
// - When an established connection drops, run() calls in flight reject with
//   kind 'closed' (a command is never silently re-run: it may not be
//   idempotent), the status goes 'reconnecting' (attempt 1, 2, …) and the
//   runner reconnects with exponential backoff.
// - Streams survive a drop: each stream is re-issued (the same argv, from
//   scratch) on the new connection, so its consumer sees 'reconnecting' on
//   onStatus and then lines again. A `journalctl -f -n 50` therefore repeats
//   up to 50 lines of history after a reconnect — consumers that care can
//   dedupe by timestamp. A host-key or auth failure while reconnecting is
//   permanent: status 'failed', streams end with that error.
// - Channels are limited to `maxChannels` at a time (sshd's MaxSessions
//   defaults to 10); further commands queue until a channel frees up.

import ssh2, {type Client, type ClientChannel, type ConnectConfig} from 'ssh2';
import {loadCredentials, type SshCredentialOptions} from './auth-config.js';
import {isPermanent, outputTooLarge, RUN_OUTPUT_LIMIT, SshError} from './errors.js';
import {
	appendKnownHost, fingerprintOf, formatKnownHostLine, knownHostName, knownKeyTypes, readKnownHosts, verifyHostKey,
} from './known-hosts.js';
import {LineSplitter} from './line-splitter.js';
import {quoteArgv} from './quote.js';
import type {CommandRunner, LineSource, RunOptions, RunResult, RunnerStatus, StreamEnd, StreamHandle, StreamOptions} from './types.js';

export interface Timers {
	setTimeout(fn: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
}

export interface SshRunnerOptions extends SshCredentialOptions {
	host: string;
	port?: number;
	username: string;
	knownHostsPath: string;
	/** Like OpenSSH's StrictHostKeyChecking=accept-new: record unknown keys, never changed ones. */
	acceptNewHostKey: boolean;
	/**
	 * Reach the host through this one (OpenSSH's ProxyJump): an SSH connection
	 * to the jump host (same credentials, its host key checked against the same
	 * known_hosts) and a direct-tcpip channel from there to host:port.
	 */
	jump?: {host: string; port: number; username: string};
	/** Write accepted keys hashed (HashKnownHosts yes). */
	hashKnownHosts?: boolean;
	/** Keepalive interval; 0 disables. Three unanswered keepalives drop the connection. */
	keepaliveMs?: number;
	connectTimeoutMs?: number;
	backoff?: {initialMs?: number; maxMs?: number; maxAttempts?: number};
	maxChannels?: number;
	/** Timers for backoff delays (tests inject fast or fake ones). */
	clock?: Timers;
	/** Most run() keeps of one command's output; default RUN_OUTPUT_LIMIT. */
	runOutputLimit?: number;
}

const DEFAULT_TIMERS: Timers = {
	setTimeout: (fn, ms) => setTimeout(fn, ms),
	clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** The ssh2 algorithm names that can carry a key of a known_hosts key type. */
function algorithmsFor(keyType: string): string[] {
	return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}
const DEFAULT_HOST_KEY_ALGORITHMS = [
	'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
];

interface ManagedStream {
	argv: string[];
	command: string;
	onLine: (line: string, from: LineSource) => void;
	channel?: ClientChannel;
	/** Between asking for a connection and owning a channel. */
	starting: boolean;
	stopped: boolean;
	/** Never re-issued after a drop (StreamOptions.once). */
	once: boolean;
	finish: (end: StreamEnd) => void;
}

interface Connection {
	client: Client;
	alive: boolean;
}

export function createSshRunner(options: SshRunnerOptions): CommandRunner {
	return new SshRunner(options);
}

class SshRunner implements CommandRunner {
	readonly label: string;
	private readonly port: number;
	private readonly timers: Timers;
	private readonly listeners = new Set<(s: RunnerStatus) => void>();
	private readonly streams = new Set<ManagedStream>();
	private readonly runsInFlight = new Set<(error: SshError) => void>();
	private current: Connection | undefined;
	private connecting: Promise<Connection> | undefined;
	private reconnectTimer: unknown;
	private reconnectAttempt = 0;
	private closed = false;
	private channelsInUse = 0;
	private readonly channelQueue: Array<() => void> = [];
	private readonly runOutputLimit: number;

	constructor(private readonly options: SshRunnerOptions) {
		this.port = options.port ?? 22;
		this.runOutputLimit = options.runOutputLimit ?? RUN_OUTPUT_LIMIT;
		this.timers = options.clock ?? DEFAULT_TIMERS;
		this.label = `ssh ${options.username}@${options.host}:${this.port}`;
	}

	onStatus(listener: (s: RunnerStatus) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private emit(status: RunnerStatus): void {
		for (const listener of this.listeners) listener(status);
	}

	// ---------------------------------------------------------------- connection

	private connection(): Promise<Connection> {
		if (this.closed) return Promise.reject(new SshError('closed', `${this.label}: runner is closed`));
		if (this.current?.alive) return Promise.resolve(this.current);
		if (this.connecting) return this.connecting;
		if (this.reconnectTimer !== undefined) {
			// Someone needs the host now: skip the rest of the backoff wait.
			this.timers.clearTimeout(this.reconnectTimer);
			this.reconnectTimer = undefined;
		}
		return this.attempt();
	}

	/** Runs one connection attempt and decides what its outcome means. */
	private attempt(): Promise<Connection> {
		const reconnecting = this.reconnectAttempt > 0;
		if (!reconnecting) this.emit({state: 'connecting'});
		this.connecting = this.open().then(
			(conn) => {
				this.connecting = undefined;
				this.reconnectAttempt = 0;
				this.emit({state: 'connected'});
				for (const stream of this.streams) if (!stream.channel && !stream.starting && !stream.stopped) void this.startStream(stream);
				return conn;
			},
			(error: SshError) => {
				this.connecting = undefined;
				if (reconnecting && !isPermanent(error) && !this.closed) this.scheduleReconnect(error.message);
				else this.failStreams(error);
				throw error;
			},
		);
		return this.connecting;
	}

	/** One connection attempt: handshake, host-key check, authentication. */
	private async open(): Promise<Connection> {
		const credentials = await loadCredentials(this.options);
		const name = knownHostName(this.options.host, this.port);
		const entries = readKnownHosts(this.options.knownHostsPath);
		const preferred = knownKeyTypes(entries, name).flatMap(algorithmsFor);
		let hostKeyError: SshError | undefined;
		const client = new ssh2.Client();
		const config: ConnectConfig = {
			host: this.options.host,
			port: this.port,
			username: this.options.username,
			readyTimeout: this.options.connectTimeoutMs ?? 10_000,
			keepaliveInterval: this.options.keepaliveMs ?? 15_000,
			keepaliveCountMax: 3,
			...credentials,
			hostVerifier: (key: Buffer) => {
				try {
					hostKeyError = this.checkHostKey(name, key);
				} catch (error) {
					// e.g. known_hosts not writable while accepting a new key: refuse rather than trust unrecorded.
					const code = (error as NodeJS.ErrnoException).code ?? 'error';
					hostKeyError = new SshError('unknown-host-key', `cannot record the host key for ${name} in ${this.options.knownHostsPath} (${code}): ${fingerprintOf(key)}`, {fingerprint: fingerprintOf(key)});
				}
				return hostKeyError === undefined;
			},
			algorithms: {
				serverHostKey: [...new Set([...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS])] as NonNullable<ConnectConfig['algorithms']>['serverHostKey'],
			},
		};
		const hop = this.options.jump ? await this.openJump(credentials) : undefined;
		if (hop) {
			config.sock = hop.stream;
			client.on('close', () => hop.client.end());
		}
		return new Promise<Connection>((resolve, reject) => {
			const conn: Connection = {client, alive: false};
			let settled = false;
			client.on('ready', () => {
				// Commands are small request/response exchanges: without this, Nagle's
				// algorithm plus delayed ACKs add ~40 ms to every command.
				client.setNoDelay(true);
				settled = true;
				if (this.closed) {
					// close() was called while this handshake was in flight.
					client.end();
					reject(new SshError('closed', `${this.label}: runner closed`));
					return;
				}
				conn.alive = true;
				this.current = conn;
				resolve(conn);
			});
			client.on('error', (error: Error & {level?: string}) => {
				if (settled) return; // a post-ready error is followed by 'close', handled there
				settled = true;
				client.end();
				reject(hostKeyError ?? this.classify(error));
			});
			client.on('close', () => {
				const wasAlive = conn.alive;
				conn.alive = false;
				if (!settled) {
					settled = true;
					reject(hostKeyError ?? new SshError('network', `${this.label}: connection closed during handshake`));
				}
				if (wasAlive && this.current === conn) this.onDrop();
			});
			client.connect(config);
		});
	}

	/** The jump host's connection and a channel through it to the target's SSH port. */
	private async openJump(credentials: Awaited<ReturnType<typeof loadCredentials>>): Promise<{client: Client; stream: ClientChannel}> {
		const jump = this.options.jump!;
		const name = knownHostName(jump.host, jump.port);
		const label = `ssh jump ${jump.username}@${jump.host}:${jump.port}`;
		let hostKeyError: SshError | undefined;
		const client = new ssh2.Client();
		await new Promise<void>((resolve, reject) => {
			client.once('ready', () => resolve());
			client.once('error', (error: Error & {level?: string}) => {
				client.end();
				const classified = this.classify(error);
				reject(hostKeyError ?? new SshError(classified.kind, classified.message.replace(this.label, label)));
			});
			client.connect({
				host: jump.host,
				port: jump.port,
				username: jump.username,
				readyTimeout: this.options.connectTimeoutMs ?? 10_000,
				...credentials,
				hostVerifier: (key: Buffer) => {
					try {
						hostKeyError = this.checkHostKey(name, key);
					} catch {
						hostKeyError = new SshError('unknown-host-key', `cannot record the host key for ${name} in ${this.options.knownHostsPath}: ${fingerprintOf(key)}`, {fingerprint: fingerprintOf(key)});
					}
					return hostKeyError === undefined;
				},
			});
		});
		const stream = await new Promise<ClientChannel>((resolve, reject) => {
			client.forwardOut('127.0.0.1', 0, this.options.host, this.port, (error, channel) => {
				if (error) {
					client.end();
					reject(new SshError('network', `${label}: cannot reach ${this.options.host}:${this.port} from there (${error.message.split('\n')[0]})`));
				} else resolve(channel);
			});
		});
		return {client, stream};
	}

	/** undefined when the key is acceptable (possibly after recording it). */
	private checkHostKey(name: string, key: Buffer): SshError | undefined {
		const path = this.options.knownHostsPath;
		const verdict = verifyHostKey(readKnownHosts(path), name, key);
		const fingerprint = fingerprintOf(key);
		switch (verdict.result) {
			case 'match':
				return undefined;
			case 'unknown':
				if (this.options.acceptNewHostKey) {
					appendKnownHost(path, formatKnownHostLine(name, key, this.options.hashKnownHosts ?? false));
					return undefined;
				}
				return new SshError('unknown-host-key',
					`host key for ${name} is not in ${path}: ${fingerprint}; check it and run again with --accept-new-host-key to trust it`,
					{fingerprint});
			case 'changed': {
				const known = fingerprintOf(Buffer.from(verdict.entry.key, 'base64'));
				return new SshError('changed-host-key',
					`host key for ${name} has CHANGED: ${path}:${verdict.entry.line} has ${known}, the server offered ${fingerprint}; refusing to connect (if the host was reinstalled, remove that line: ssh-keygen -R '${name}' -f ${path})`,
					{fingerprint});
			}
			case 'revoked':
				return new SshError('changed-host-key',
					`host key ${fingerprint} for ${name} is marked @revoked in ${path}:${verdict.entry.line}; refusing to connect`,
					{fingerprint});
		}
	}

	private classify(error: Error & {level?: string}): SshError {
		const first = error.message.split('\n')[0] ?? '';
		if (error.level === 'client-authentication') {
			return new SshError('auth', `${this.label}: authentication failed (server refused the key/agent identities)`);
		}
		if (error.level === 'agent') return new SshError('auth', `${this.label}: ssh-agent error: ${first}`);
		if (error.level === 'client-timeout') return new SshError('timeout', `${this.label}: timed out during connect/handshake`);
		return new SshError('network', `${this.label}: ${first}`, {cause: error});
	}

	private onDrop(): void {
		this.current = undefined;
		const error = new SshError('closed', `${this.label}: connection lost`);
		for (const rejectRun of [...this.runsInFlight]) rejectRun(error);
		if (this.closed) return;
		this.reconnectAttempt = 0;
		this.scheduleReconnect('connection lost');
	}

	private scheduleReconnect(reason: string): void {
		const {initialMs = 500, maxMs = 30_000, maxAttempts = Infinity} = this.options.backoff ?? {};
		this.reconnectAttempt++;
		if (this.reconnectAttempt > maxAttempts) {
			this.failStreams(new SshError('network', `${this.label}: gave up reconnecting after ${maxAttempts} attempts: ${reason}`));
			return;
		}
		const attempt = this.reconnectAttempt;
		this.emit({state: 'reconnecting', attempt, error: reason});
		const delay = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
		this.reconnectTimer = this.timers.setTimeout(() => {
			this.reconnectTimer = undefined;
			if (!this.closed && !this.connecting) this.attempt().catch(() => {}); // outcome handled in attempt()
		}, delay);
	}

	private failStreams(error: SshError): void {
		this.emit({state: 'failed', error: error.message});
		for (const stream of [...this.streams]) stream.finish({code: null, error});
	}

	// ---------------------------------------------------------------- channels

	private async acquireChannel(): Promise<void> {
		const max = this.options.maxChannels ?? 10;
		if (this.channelsInUse < max) {
			this.channelsInUse++;
			return;
		}
		await new Promise<void>((resolve) => this.channelQueue.push(resolve));
	}

	private releaseChannel(): void {
		const next = this.channelQueue.shift();
		if (next) next(); // hand the slot over directly
		else this.channelsInUse--;
	}

	/**
	 * Opens a channel and runs `command`. `wire` attaches the listeners
	 * synchronously inside ssh2's callback: the exit status, EOF and close can
	 * arrive in the same TCP read as the exec confirmation, and would be lost
	 * if listeners were attached one microtask later.
	 */
	private exec(conn: Connection, command: string, wire: (channel: ClientChannel) => void): Promise<void> {
		return new Promise((resolve, reject) => {
			conn.client.exec(command, (error, channel) => {
				if (error) return reject(new SshError(conn.alive ? 'network' : 'closed', `${this.label}: cannot open a channel: ${error.message}`));
				wire(channel);
				resolve();
			});
		});
	}

	// ---------------------------------------------------------------- run

	async run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
		const command = quoteArgv(argv);
		opts.signal?.throwIfAborted();
		const conn = await this.connection();
		await this.acquireChannel();
		return new Promise<RunResult>((resolve, reject) => {
			const stdout: Buffer[] = [];
			const stderr: Buffer[] = [];
			let exit: {code: number | null; signal?: string} | undefined;
			let channel: ClientChannel | undefined;
			let done = false;
			let timer: NodeJS.Timeout | undefined;
			const finish = (error?: unknown) => {
				if (done) return;
				done = true;
				this.releaseChannel();
				this.runsInFlight.delete(onDrop);
				if (timer) clearTimeout(timer);
				opts.signal?.removeEventListener('abort', onAbort);
				if (error !== undefined) {
					channel?.close();
					reject(error);
					return;
				}
				resolve({
					code: exit?.code ?? null,
					...(exit?.signal ? {signal: exit.signal} : {}),
					stdout: Buffer.concat(stdout).toString('utf8'),
					stderr: Buffer.concat(stderr).toString('utf8'),
				});
			};
			const onDrop = (error: SshError) => finish(error);
			const onAbort = () => finish(opts.signal?.reason);
			this.runsInFlight.add(onDrop);
			opts.signal?.addEventListener('abort', onAbort, {once: true});
			if (opts.timeoutMs !== undefined) {
				timer = setTimeout(() => finish(new SshError('timeout', `${this.label}: ${argv[0]} timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
			}
			this.exec(conn, command, (ch) => {
				channel = ch;
				if (done) return void ch.close(); // timed out or aborted while the channel opened
				let size = 0;
				const keep = (into: Buffer[]) => (chunk: Buffer) => {
					size += chunk.length;
					if (size > this.runOutputLimit) return finish(outputTooLarge(this.label, argv[0] ?? '', this.runOutputLimit));
					into.push(chunk);
				};
				ch.on('data', keep(stdout));
				ch.stderr.on('data', keep(stderr));
				ch.on('exit', (code: number | null, signal?: string) => {
					exit = {code, ...(signal ? {signal} : {})};
				});
				ch.on('close', () => {
					// Without an exit status the channel died with the connection; onDrop rejects.
					if (exit) finish();
					else setImmediate(() => finish(conn.alive ? undefined : new SshError('closed', `${this.label}: connection lost`)));
				});
				ch.end(opts.stdin ?? ''); // EOF on stdin, like `ssh host cmd </dev/null`
			}).catch(finish);
		});
	}

	// ---------------------------------------------------------------- stream

	stream(argv: string[], onLine: (line: string, from: LineSource) => void, opts: StreamOptions = {}): StreamHandle {
		let resolveDone!: (end: StreamEnd) => void;
		const done = new Promise<StreamEnd>((resolve) => (resolveDone = resolve));
		const stream: ManagedStream = {
			argv,
			command: '',
			onLine,
			starting: false,
			stopped: false,
			once: opts.once === true,
			finish: (end) => {
				if (!this.streams.delete(stream)) return;
				stream.stopped = true;
				opts.signal?.removeEventListener('abort', stop);
				stream.channel?.close();
				resolveDone(end);
			},
		};
		const stop = () => {
			if (stream.stopped) return;
			stream.stopped = true;
			if (stream.channel) {
				// Ask the remote process to end (OpenSSH ≥ 7.9 honours signal requests), then close.
				try {
					stream.channel.signal('TERM');
				} catch {
					// the channel may already be closing
				}
			}
			stream.finish({code: null, signal: 'TERM'});
		};
		try {
			stream.command = quoteArgv(argv);
		} catch (error) {
			resolveDone({code: null, error: error as Error});
			return {stop: () => {}, done};
		}
		this.streams.add(stream);
		if (opts.signal?.aborted) stop();
		else {
			opts.signal?.addEventListener('abort', stop, {once: true});
			void this.startStream(stream);
		}
		return {stop, done};
	}

	private async startStream(stream: ManagedStream): Promise<void> {
		stream.starting = true;
		try {
			const conn = await this.connection();
			if (stream.stopped) return;
			await this.acquireChannel();
			try {
				await this.exec(conn, stream.command, (channel) => this.wireStream(stream, conn, channel));
			} catch (error) {
				this.releaseChannel();
				if (conn.alive) stream.finish({code: null, error: error as Error});
				// otherwise the connection died before the channel opened: nothing ran, the reconnect re-issues the stream
			}
		} catch {
			// connection failed: attempt() either ended the stream or will re-issue it
		} finally {
			stream.starting = false;
		}
	}

	private wireStream(stream: ManagedStream, conn: Connection, channel: ClientChannel): void {
		channel.on('close', () => this.releaseChannel());
		if (stream.stopped) return void channel.close(); // stopped while the channel opened
		stream.channel = channel;
		const out = new LineSplitter((line) => stream.onLine(line, 'stdout'));
		const err = new LineSplitter((line) => stream.onLine(line, 'stderr'));
		let exit: StreamEnd | undefined;
		channel.on('data', (chunk: Buffer) => {
			if (!stream.stopped) out.push(chunk);
		});
		channel.stderr.on('data', (chunk: Buffer) => {
			if (!stream.stopped) err.push(chunk);
		});
		channel.on('exit', (code: number | null, signal?: string) => {
			exit = {code, ...(signal ? {signal} : {})};
		});
		channel.on('close', () => {
			if (stream.channel === channel) stream.channel = undefined;
			if (stream.stopped) return;
			out.end();
			err.end();
			if (exit) stream.finish(exit);
			// No exit status: if the connection died the reconnect re-issues the stream — unless it must run once.
			else setImmediate(() => {
				if (conn.alive) stream.finish({code: null});
				else if (stream.once) stream.finish({code: null, error: new SshError('closed', `${this.label}: connection lost`)});
			});
		});
		channel.end();
	}

	async close(): Promise<void> {
		this.closed = true;
		if (this.reconnectTimer !== undefined) this.timers.clearTimeout(this.reconnectTimer);
		for (const stream of [...this.streams]) stream.finish({code: null, error: new SshError('closed', `${this.label}: runner closed`)});
		const conn = this.current;
		this.current = undefined;
		if (!conn?.alive) return;
		await new Promise<void>((resolve) => {
			conn.client.once('close', () => resolve());
			conn.client.end();
		});
	}
}
