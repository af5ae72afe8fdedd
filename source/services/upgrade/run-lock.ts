// One process per upgrade run. A run still going looks exactly like an
// interrupted one in its journal, so a second proxdeck (a `--resume`, a console
// started meanwhile) would "recover" it: roll back a container under the first
// one's apt-get. The run holds <journal>.lock, created with O_EXCL and holding
// the pid, hostname, boot and start time of its process. The lock is stale
// only when it can be proven dead: same hostname, and that pid is gone (or the
// machine rebooted since). A lock from another machine is never broken here.

import {closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';

export interface LockHolder {
	pid: number;
	hostname: string;
	/** Epoch ms the process took the lock. */
	startedAt: number;
	/** /proc/sys/kernel/random/boot_id: a pid from an earlier boot is not this machine's process. */
	bootId?: string;
}

export interface RunLock {
	readonly path: string;
	/** Removes the lock if it is still ours. */
	release(): void;
}

/** Thrown when another live proxdeck holds the run. */
export class RunBusy extends Error {
	constructor(
		readonly runId: string,
		readonly holder: LockHolder,
		readonly lockPath: string,
	) {
		super(describeHolder(runId, holder, lockPath));
	}
}

/** A lock file written but not yet filled is this young at most (a crash between create and write leaves an empty one). */
const UNWRITTEN_GRACE_MS = 5000;

export function lockPathOf(dir: string, id: string): string {
	return join(dir, `${id}.lock`);
}

function bootId(): string | undefined {
	try {
		return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
	} catch {
		return undefined;
	}
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists, it is just someone else's.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function parseHolder(text: string): LockHolder | undefined {
	try {
		const value = JSON.parse(text) as Partial<LockHolder>;
		if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0 || typeof value.hostname !== 'string' || typeof value.startedAt !== 'number') return undefined;
		return {pid: value.pid, hostname: value.hostname, startedAt: value.startedAt, ...(typeof value.bootId === 'string' ? {bootId: value.bootId} : {})};
	} catch {
		return undefined;
	}
}

/** Stale: provably not a live process (only ever decided for this machine's own locks). */
function isStale(holder: LockHolder): boolean {
	if (holder.hostname !== hostname()) return false;
	const boot = bootId();
	if (holder.bootId && boot && holder.bootId !== boot) return true;
	return !alive(holder.pid);
}

type LockState = {kind: 'free'} | {kind: 'stale'; text: string} | {kind: 'held'; holder: LockHolder};

function inspect(path: string): LockState {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch {
		return {kind: 'free'};
	}
	const holder = parseHolder(text);
	if (holder) return isStale(holder) ? {kind: 'stale', text} : {kind: 'held', holder};
	// Empty or torn: a process between create and write, or one that crashed there.
	let mtime = Date.now();
	try {
		mtime = statSync(path).mtimeMs;
	} catch {
		return {kind: 'free'};
	}
	if (Date.now() - mtime > UNWRITTEN_GRACE_MS) return {kind: 'stale', text};
	return {kind: 'held', holder: {pid: 0, hostname: hostname(), startedAt: mtime}};
}

/** Who runs this run now, if anyone alive does. */
export function runHolder(dir: string, id: string): LockHolder | undefined {
	const state = inspect(lockPathOf(dir, id));
	return state.kind === 'held' ? state.holder : undefined;
}

/**
 * Removes a stale lock without removing a fresh one another process put in
 * its place meanwhile: moved aside first (atomic), then checked, and put
 * back when it is not the one judged stale.
 */
function breakStale(path: string, staleText: string): void {
	const aside = `${path}.stale-${process.pid}-${Date.now()}`;
	try {
		renameSync(path, aside);
	} catch {
		return; // someone else broke it
	}
	let text = '';
	try {
		text = readFileSync(aside, 'utf8');
	} catch {
		// gone: nothing to put back
	}
	if (text !== staleText) {
		try {
			linkSync(aside, path);
		} catch {
			// a third one holds it now; ours to lose
		}
	}
	try {
		unlinkSync(aside);
	} catch {
		// already gone
	}
}

function sameDay(a: Date, b: Date): boolean {
	return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** `10:42` today, `2026-12-02 10:42` another day (this machine's local time). */
export function clockTime(at: number): string {
	const d = new Date(at);
	const pad = (n: number) => String(n).padStart(2, '0');
	const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
	return sameDay(d, new Date()) ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** `upgrade run up-… is running in another proxdeck (pid 4242 since 10:42)`; another machine's says where and how to break it. */
export function describeHolder(id: string, holder: LockHolder, lockPath: string): string {
	const pid = holder.pid > 0 ? `pid ${holder.pid}` : 'starting';
	if (holder.hostname === hostname()) return `upgrade run ${id} is running in another proxdeck (${pid} since ${clockTime(holder.startedAt)})`;
	return `upgrade run ${id} is running in another proxdeck (${pid} on ${holder.hostname} since ${clockTime(holder.startedAt)}); if that one is gone, remove ${lockPath}`;
}

/** Takes the run's lock or throws RunBusy naming the live holder. */
export function acquireRunLock(dir: string, id: string, clock: () => number = Date.now): RunLock {
	mkdirSync(dir, {recursive: true, mode: 0o700});
	const path = lockPathOf(dir, id);
	const boot = bootId();
	const mine = JSON.stringify({pid: process.pid, hostname: hostname(), startedAt: clock(), ...(boot ? {bootId: boot} : {})} satisfies LockHolder);
	for (let attempt = 0; attempt < 3; attempt++) {
		let fd: number;
		try {
			fd = openSync(path, 'wx', 0o600);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const state = inspect(path);
			if (state.kind === 'held') throw new RunBusy(id, state.holder, path);
			if (state.kind === 'stale') breakStale(path, state.text);
			continue;
		}
		try {
			writeSync(fd, mine);
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		let released = false;
		return {
			path,
			release() {
				if (released) return;
				released = true;
				try {
					if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
				} catch {
					// already gone
				}
			},
		};
	}
	const state = inspect(path);
	throw state.kind === 'held' ? new RunBusy(id, state.holder, path) : new Error(`cannot take the lock ${path}: it keeps changing`);
}
