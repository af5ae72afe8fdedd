// CommandRunner for proxdeck running on the Proxmox host itself: the same argv
// runs as a local process (no shell, so no quoting is involved at all).

import {spawn, type ChildProcess} from 'node:child_process';
import {existsSync} from 'node:fs';
import {LineSplitter} from './line-splitter.js';
import {outputTooLarge, RUN_OUTPUT_LIMIT, SshError} from './errors.js';
import type {CommandRunner, LineSource, RunOptions, RunResult, RunnerStatus, StreamEnd, StreamHandle, StreamOptions} from './types.js';

/** A Proxmox VE host has the cluster filesystem mounted at /etc/pve. */
export function detectLocalHost(pveDir = '/etc/pve'): boolean {
	return existsSync(pveDir);
}

function exitOf(code: number | null, signal: NodeJS.Signals | null): StreamEnd {
	return {code, ...(signal ? {signal: signal.replace(/^SIG/, '')} : {})};
}

/** A missing program answers like a shell would (exit 127), not with an exception. */
function spawnFailure(argv: string[], error: NodeJS.ErrnoException): {code: number; stderr: string} {
	const reason = error.code === 'ENOENT' ? 'command not found' : error.code === 'EACCES' ? 'Permission denied' : error.message;
	return {code: error.code === 'ENOENT' ? 127 : 126, stderr: `${argv[0]}: ${reason}\n`};
}

export function createLocalRunner(options: {env?: NodeJS.ProcessEnv; runOutputLimit?: number} = {}): CommandRunner {
	const outputLimit = options.runOutputLimit ?? RUN_OUTPUT_LIMIT;
	const children = new Set<ChildProcess>();

	const start = (argv: string[], stdin: string | undefined): ChildProcess => {
		if (argv.length === 0) throw new Error('empty argv');
		const [file, ...args] = argv as [string, ...string[]];
		const child = spawn(file, args, {stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env});
		children.add(child);
		child.on('close', () => children.delete(child));
		child.stdin?.on('error', () => {}); // the process may exit without reading stdin
		child.stdin?.end(stdin ?? '');
		return child;
	};

	return {
		label: 'local',

		run(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
			opts.signal?.throwIfAborted();
			return new Promise((resolve, reject) => {
				const child = start(argv, opts.stdin);
				const stdout: Buffer[] = [];
				const stderr: Buffer[] = [];
				let failure: unknown;
				const kill = (reason: unknown) => {
					failure ??= reason;
					child.kill('SIGKILL');
				};
				const onAbort = () => kill(opts.signal?.reason);
				opts.signal?.addEventListener('abort', onAbort, {once: true});
				const timer = opts.timeoutMs === undefined ? undefined
					: setTimeout(() => kill(new SshError('timeout', `local: ${argv[0]} timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
				let size = 0;
				const keep = (into: Buffer[]) => (chunk: Buffer) => {
					size += chunk.length;
					if (size > outputLimit) return kill(outputTooLarge('local', argv[0] ?? '', outputLimit));
					into.push(chunk);
				};
				child.stdout?.on('data', keep(stdout));
				child.stderr?.on('data', keep(stderr));
				let spawnError: NodeJS.ErrnoException | undefined;
				child.on('error', (error) => (spawnError = error));
				child.on('close', (code, signal) => {
					if (timer) clearTimeout(timer);
					opts.signal?.removeEventListener('abort', onAbort);
					if (failure !== undefined) return reject(failure);
					if (spawnError) return resolve({...spawnFailure(argv, spawnError), stdout: ''});
					resolve({...exitOf(code, signal), stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8')});
				});
			});
		},

		stream(argv: string[], onLine: (line: string, from: LineSource) => void, opts: StreamOptions = {}): StreamHandle {
			const child = start(argv, undefined);
			const out = new LineSplitter((line) => onLine(line, 'stdout'));
			const err = new LineSplitter((line) => onLine(line, 'stderr'));
			child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
			child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
			let spawnError: NodeJS.ErrnoException | undefined;
			child.on('error', (error) => (spawnError = error));
			const stop = () => {
				if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			};
			opts.signal?.addEventListener('abort', stop, {once: true});
			const done = new Promise<StreamEnd>((resolve) => {
				child.on('close', (code, signal) => {
					opts.signal?.removeEventListener('abort', stop);
					out.end();
					err.end();
					if (spawnError) {
						const failure = spawnFailure(argv, spawnError);
						onLine(failure.stderr.trimEnd(), 'stderr');
						return resolve({code: failure.code});
					}
					resolve(exitOf(code, signal));
				});
			});
			if (opts.signal?.aborted) stop();
			return {stop, done};
		},

		// A local runner is always "connected"; there is nothing to report.
		onStatus(_listener: (s: RunnerStatus) => void): () => void {
			return () => {};
		},

		async close(): Promise<void> {
			const waiting = [...children].map((child) => new Promise((resolve) => child.once('close', resolve)));
			for (const child of children) child.kill('SIGTERM');
			await Promise.all(waiting);
		},
	};
}
