// Where log lines come from. A LogSource pushes lines and status changes into
// a sink; every line passes through sanitize() here, before anything stores
// or draws it, so a host or guest cannot send the admin's terminal escape
// sequences. Sources:
// - a command over the CommandRunner (host journal, container journal via
//   `pct exec`, Alpine's syslog via `tail -F`), which survives SSH drops;
// - the API's host journal, polled with the cursor it returns;
// - a task log by UPID, polled until the task stops;
// - the audit log file, tailed by polling its size.

import {closeSync, openSync, readSync, statSync} from 'node:fs';
import type {TaskLogLine, TaskStatus} from '../../api/types.js';
import type {LogSourceStatus} from '../../store/logs-types.js';
import type {CommandRunner} from '../../ssh/types.js';
import {sanitize} from '../../util/sanitize.js';
import {errorLine} from '../error-line.js';
import type {ApiRequester} from '../fleet-source.js';
import {isTaskSuccess} from '../tasks/exit-status.js';

export interface LogSink {
	line(text: string): void;
	status(status: LogSourceStatus): void;
}

export interface LogSource {
	start(sink: LogSink): void;
	/** Ends the source for good; no sink call follows. Idempotent. */
	stop(): void;
}

/** Waits between polls; tests inject fast ones. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
	new Promise((resolve) => {
		if (signal.aborted) return resolve();
		const timer = setTimeout(done, ms);
		timer.unref?.();
		function done() {
			signal.removeEventListener('abort', done);
			clearTimeout(timer);
			resolve();
		}
		signal.addEventListener('abort', done, {once: true});
	});

/** The one place raw text becomes drawable: control sequences stripped, one line. */
function sanitizing(sink: LogSink): LogSink {
	return {line: (text) => sink.line(sanitize(text)), status: (s) => sink.status(sanitizeStatus(s))};
}

// Every text a status carries is host output: the failed reason, and also an
// ended source's detail (a container's last stderr line, a task's exitstatus)
// and a reconnect reason — the detail reached the pane's title raw
// (test/property/journal.property.test.ts).
function sanitizeStatus(s: LogSourceStatus): LogSourceStatus {
	if (s.state === 'failed') return {...s, reason: sanitize(s.reason)};
	if (s.state === 'ended' && s.detail !== undefined) return {...s, detail: sanitize(s.detail)};
	if (s.state === 'reconnecting' && s.reason !== undefined) return {...s, reason: sanitize(s.reason)};
	return s;
}

// ------------------------------------------------------------------ commands

export const JOURNAL_LINES = 200;

export function hostJournalArgv(): string[] {
	return ['journalctl', '-f', '-n', String(JOURNAL_LINES), '-o', 'short-iso'];
}

/** A container's journal; Alpine (no journald) logs to /var/log/messages through busybox syslogd. */
export function guestJournalArgv(vmid: number, ostype: string | undefined): string[] {
	const inner = ostype === 'alpine' ? ['tail', '-F', '-n', String(JOURNAL_LINES), '/var/log/messages'] : hostJournalArgv();
	return ['pct', 'exec', String(vmid), '--', ...inner];
}

/** Lines remembered to drop what a re-issued `-n 200` repeats after a reconnect. */
const REPLAY_MEMORY = 512;

/**
 * Follows a long-running command. The runner re-issues the command after a
 * dropped connection; the history it prints again is skipped (lines already
 * seen, until the first new one).
 */
export function commandSource(runner: CommandRunner, argv: string[]): LogSource {
	let stopped = false;
	let stopStream: (() => void) | undefined;
	let unsubscribe: (() => void) | undefined;
	return {
		start(rawSink) {
			const sink = sanitizing(rawSink);
			let ended = false;
			let stdoutLines = 0;
			let lastStderr = '';
			let replaying = false;
			const recent: string[] = [];
			const seen = new Set<string>();
			const remember = (line: string) => {
				recent.push(line);
				seen.add(line);
				if (recent.length > REPLAY_MEMORY) seen.delete(recent.shift()!);
			};
			let following = false;
			const follow = () => {
				if (!following && !ended && !stopped) {
					following = true;
					sink.status({state: 'following'});
				}
			};
			sink.status({state: 'connecting'});
			unsubscribe = runner.onStatus((s) => {
				if (ended || stopped) return;
				if (s.state === 'reconnecting') {
					following = false;
					replaying = recent.length > 0;
					sink.status({state: 'reconnecting', ...(s.attempt !== undefined ? {attempt: s.attempt} : {}), ...(s.error ? {reason: s.error} : {})});
				} else if (s.state === 'connected') follow();
			});
			const handle = runner.stream(argv, (line, from) => {
				if (ended || stopped) return;
				if (from === 'stderr') {
					lastStderr = line;
					sink.line(line);
					return;
				}
				if (replaying) {
					if (seen.has(line)) return;
					replaying = false;
				}
				remember(line);
				stdoutLines++;
				follow();
				sink.line(line);
			});
			stopStream = () => handle.stop();
			void handle.done.then((end) => {
				ended = true;
				unsubscribe?.();
				if (stopped) return;
				if (end.error) sink.status({state: 'failed', reason: end.error.message});
				else if (end.code !== 0 && stdoutLines === 0) sink.status({state: 'failed', reason: lastStderr || `exit ${end.code ?? end.signal ?? '?'}`});
				else sink.status({state: 'ended', code: end.code, ...(lastStderr ? {detail: lastStderr} : {})});
			});
		},
		stop() {
			if (stopped) return;
			stopped = true;
			unsubscribe?.();
			stopStream?.();
		},
	};
}

/** A source that cannot start, with the one-line reason shown in its pane. */
export function failedSource(reason: string): LogSource {
	return {
		start: (sink) => sanitizing(sink).status({state: 'failed', reason}),
		stop: () => {},
	};
}

/**
 * Runs `resolve` (e.g. a config read) before the real source starts; while it
 * runs the pane says connecting. A failure becomes the pane's failed reason.
 */
export function deferredSource(resolve: (signal: AbortSignal) => Promise<LogSource>): LogSource {
	const controller = new AbortController();
	let inner: LogSource | undefined;
	return {
		start(sink) {
			sink.status({state: 'connecting'});
			resolve(controller.signal).then(
				(source) => {
					if (controller.signal.aborted) return;
					inner = source;
					source.start(sink);
				},
				(error: unknown) => {
					if (!controller.signal.aborted) sanitizing(sink).status({state: 'failed', reason: errorLine(error)});
				},
			);
		},
		stop() {
			controller.abort();
			inner?.stop();
		},
	};
}

// ----------------------------------------------------------------- API polls

/** A loop of polls until stop(); `poll` returns false when the source has ended. */
function pollingSource(run: (sink: LogSink, signal: AbortSignal) => Promise<void>): LogSource {
	const controller = new AbortController();
	return {
		start(sink) {
			void run(sanitizing(sink), controller.signal).catch((error: unknown) => {
				if (!controller.signal.aborted) sanitizing(sink).status({state: 'failed', reason: errorLine(error)});
			});
		},
		stop: () => controller.abort(),
	};
}

export interface PollOptions {
	pollMs?: number;
	sleep?: Sleep;
}

/**
 * The host journal through GET /nodes/{node}/journal (no SSH needed): the
 * last 200 lines, then every pollMs the lines after the cursor the previous
 * answer ended with (pve-api.md §3: first and last elements are cursors).
 */
export function apiJournalSource(api: ApiRequester, node: string, options: PollOptions = {}): LogSource {
	const pollMs = options.pollMs ?? 2000;
	const sleep = options.sleep ?? realSleep;
	const path = `/nodes/${encodeURIComponent(node)}/journal`;
	return pollingSource(async (sink, signal) => {
		sink.status({state: 'connecting'});
		let cursor: string | undefined;
		let failures = 0;
		let following = false;
		while (!signal.aborted) {
			try {
				const params = cursor === undefined ? {lastentries: JOURNAL_LINES} : {startcursor: cursor};
				const data = await api.request<string[]>('GET', path, params, signal);
				if (signal.aborted) return;
				if (Array.isArray(data) && data.length >= 2) {
					for (const line of data.slice(1, -1)) sink.line(String(line));
					cursor = String(data[data.length - 1]);
				}
				if (!following) sink.status({state: 'following'});
				following = true;
				failures = 0;
			} catch (error) {
				if (signal.aborted) return;
				// Before the first answer a refusal is final (no Sys.Syslog, node unknown); later ones are outages.
				if (cursor === undefined && failures === 0 && isRefusal(error)) throw error;
				failures++;
				following = false;
				sink.status({state: 'reconnecting', attempt: failures, reason: errorLine(error)});
			}
			await sleep(pollMs, signal);
		}
	});
}

function isRefusal(error: unknown): boolean {
	const status = (error as {status?: unknown}).status;
	return typeof status === 'number' && status >= 400 && status < 500;
}

/** A task's log, from the last line read, until its status says stopped. */
export function taskLogSource(api: ApiRequester, node: string, upid: string, options: PollOptions = {}): LogSource {
	const pollMs = options.pollMs ?? 1000;
	const sleep = options.sleep ?? realSleep;
	const path = `/nodes/${encodeURIComponent(node)}/tasks/${encodeURIComponent(upid)}`;
	return pollingSource(async (sink, signal) => {
		sink.status({state: 'connecting'});
		let next = 0;
		let announced = false;
		while (!signal.aborted) {
			// Status first: once "stopped" is seen, the log read after it is complete.
			const status = await api.request<TaskStatus>('GET', `${path}/status`, undefined, signal);
			for (;;) {
				const lines = await api.request<TaskLogLine[]>('GET', `${path}/log`, {start: next, limit: 500}, signal);
				if (signal.aborted) return;
				// An empty log is answered with one placeholder line.
				const placeholder = next === 0 && lines.length === 1 && lines[0]?.n === 1 && lines[0].t === 'no content';
				if (placeholder || lines.length === 0) break;
				for (const entry of lines) sink.line(entry.t);
				next += lines.length;
				if (lines.length < 500) break;
			}
			if (status.status === 'stopped') {
				const exit = status.exitstatus ?? 'unknown';
				sink.status({state: 'ended', code: isTaskSuccess(exit) ? 0 : 1, detail: exit});
				return;
			}
			if (!announced) {
				announced = true;
				sink.status({state: 'following'});
			}
			await sleep(pollMs, signal);
		}
	});
}

// ----------------------------------------------------------------- audit log

/** One audit JSON line as a readable log line ("<time> begin snapshot 101 by root@pam!x"). */
export function formatAuditLine(raw: string): string {
	let entry: Record<string, unknown>;
	try {
		entry = JSON.parse(raw) as Record<string, unknown>;
	} catch {
		return raw;
	}
	const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
	const time = text(entry.time);
	if (entry.phase === 'begin') {
		const targets = Array.isArray(entry.targets) ? entry.targets.join(',') : '';
		return `${time} begin ${text(entry.action)} ${targets} by ${text(entry.identity)} on ${text(entry.host)}`.replace(/\s+/g, ' ').trim();
	}
	if (entry.phase === 'end') {
		const upid = entry.upid ? ` ${text(entry.upid)}` : '';
		return `${time} end ${text(entry.result)}${upid} (${text(entry.durationMs)} ms)`;
	}
	return raw;
}

/**
 * The audit log file, tail -F style: the last 200 lines, then whatever is
 * appended (polling its size: fs.watch misses appends on some filesystems).
 * A shrunk file (rotated) is read again from its start.
 */
export function auditLogSource(path: string, options: PollOptions = {}): LogSource {
	const pollMs = options.pollMs ?? 500;
	const sleep = options.sleep ?? realSleep;
	return pollingSource(async (sink, signal) => {
		let offset = 0;
		let partial = '';
		let first = true;
		sink.status({state: 'following'});
		// A long history is not read whole: its last 256 KiB hold far more than 200 lines.
		const initial = fileSize(path);
		if (initial > AUDIT_HISTORY_BYTES) {
			offset = initial - AUDIT_HISTORY_BYTES;
			partial = '\0'; // the cut line's tail is dropped below
		}
		while (!signal.aborted) {
			const size = fileSize(path);
			if (size < offset) {
				offset = 0;
				partial = '';
			}
			if (size > offset) {
				const chunk = readRange(path, offset, size);
				offset = size;
				const lines = (partial + chunk).split('\n');
				if (partial.startsWith('\0')) lines.shift();
				partial = lines.pop() ?? '';
				const shown = first ? lines.slice(-JOURNAL_LINES) : lines;
				for (const line of shown) if (line.trim() !== '') sink.line(formatAuditLine(line));
			}
			first = false;
			await sleep(pollMs, signal);
		}
	});
}

const AUDIT_HISTORY_BYTES = 256 * 1024;

function fileSize(path: string): number {
	try {
		return statSync(path).size;
	} catch {
		return 0; // not written yet: no actions taken
	}
}

function readRange(path: string, from: number, to: number): string {
	const fd = openSync(path, 'r');
	try {
		const buffer = Buffer.alloc(to - from);
		const read = readSync(fd, buffer, 0, buffer.length, from);
		return buffer.subarray(0, read).toString('utf8');
	} finally {
		closeSync(fd);
	}
}
