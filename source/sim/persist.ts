// The simulator's state in a file, so the demo can be left and come back to:
// guests (status, config, locks), their snapshots, the packages inside each
// container, the archives on backup storages, the task list and the
// injected failures still to fire. Written
// (atomically, debounced) after anything that may have changed them, and on
// close. A file that cannot be used — unreadable, another format, another
// fleet, an older fixture — is ignored with one line saying so, and the
// simulator starts from the fixture.
//
// A demo killed outright takes its simulated host down with it: tasks that
// were running come back ended with `unexpected status` and keep their
// locks, as on a Proxmox node that lost power. A demo that closes normally
// lets its running tasks finish first (completeRunningTasks).

import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';
import type {SimGuest, SimState} from './state.js';
import {completeRunningTasks, type SimTask} from './tasks.js';

const FORMAT = 'proxdeck-sim-state';
const VERSION = 1;

type SavedTask = Omit<SimTask, 'onEnd'>;

interface SavedState {
	format: typeof FORMAT;
	version: number;
	/** Which fleet (demo-homelab, demo-generated-200x3…) and which build of its fixture. */
	identity: string;
	fixtureHash: string;
	savedAt: number;
	configVersion: number;
	nextPid: number;
	guests: SimGuest[];
	tasks: SavedTask[];
	failures: SimState['failures'];
	/** Archives on backup storages (absent in files from before backups were simulated). */
	backups?: SimState['backups'];
}

export function serializeState(state: SimState, identity: string, fixtureHash: string): string {
	const saved: SavedState = {
		format: FORMAT,
		version: VERSION,
		identity,
		fixtureHash,
		savedAt: state.clock(),
		configVersion: state.configVersion,
		nextPid: state.nextPid,
		guests: [...state.guests.values()],
		tasks: state.tasks.map(({onEnd: _onEnd, ...task}) => task),
		failures: state.failures,
		backups: state.backups,
	};
	return JSON.stringify(saved);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validGuest(state: SimState, g: unknown): g is SimGuest {
	return (
		isObject(g) &&
		Number.isInteger(g.vmid) &&
		(g.type === 'lxc' || g.type === 'qemu') &&
		typeof g.node === 'string' &&
		state.nodes.has(g.node) &&
		(g.status === 'running' || g.status === 'stopped') &&
		isObject(g.config) &&
		isObject(g.usage) &&
		Array.isArray(g.snapshots) &&
		g.snapshots.every((s) => isObject(s) && typeof s.name === 'string' && isObject(s.config)) &&
		(g.packages === undefined || (isObject(g.packages) && isObject(g.packages.installed) && isObject(g.packages.repo)))
	);
}

function validBackup(state: SimState, b: unknown): b is SimState['backups'][number] {
	return isObject(b) && typeof b.volid === 'string' && typeof b.storage === 'string' && typeof b.node === 'string' && state.nodes.has(b.node) && Number.isInteger(b.vmid) && Number.isFinite(b.ctime) && isObject(b.config);
}

function validTask(t: unknown): t is SavedTask {
	return (
		isObject(t) &&
		typeof t.upid === 'string' &&
		typeof t.node === 'string' &&
		typeof t.type === 'string' &&
		typeof t.id === 'string' &&
		typeof t.user === 'string' &&
		Number.isFinite(t.startedAtMs) &&
		Number.isFinite(t.durationSec) &&
		Number.isFinite(t.starttime) &&
		Array.isArray(t.steps) &&
		typeof t.outcome === 'string'
	);
}

/** Replaces the state's guests, tasks and failures with the saved ones; says why not when it cannot. */
export function restoreState(state: SimState, text: string, identity: string, fixtureHash: string): {ok: true} | {ok: false; why: string} {
	let saved: unknown;
	try {
		saved = JSON.parse(text);
	} catch {
		return {ok: false, why: 'not valid JSON'};
	}
	if (!isObject(saved) || saved.format !== FORMAT) return {ok: false, why: 'not a simulator state file'};
	if (saved.version !== VERSION) return {ok: false, why: `from another version of proxdeck (format ${String(saved.version)})`};
	if (saved.identity !== identity) return {ok: false, why: `for another fleet (${String(saved.identity)})`};
	if (saved.fixtureHash !== fixtureHash) return {ok: false, why: 'saved for an older version of the fixture'};
	const {guests, tasks, failures} = saved;
	if (!Array.isArray(guests) || !guests.every((g) => validGuest(state, g))) return {ok: false, why: 'damaged (guests)'};
	if (!Array.isArray(tasks) || !tasks.every(validTask)) return {ok: false, why: 'damaged (tasks)'};
	if (!Number.isInteger(saved.nextPid) || !Number.isInteger(saved.configVersion)) return {ok: false, why: 'damaged (counters)'};
	const {backups} = saved;
	if (backups !== undefined && (!Array.isArray(backups) || !backups.every((b) => validBackup(state, b)))) return {ok: false, why: 'damaged (backups)'};
	const now = state.clock();
	state.guests = new Map(
		guests.map((g) => {
			// A package manager's lock dies with its process: nothing inside a guest still runs.
			if (g.packages) g.packages.busy = false;
			return [g.vmid, g];
		}),
	);
	state.tasks = tasks.map((t) => (t.exitstatus === undefined ? {...t, exitstatus: 'unexpected status', endtime: Math.floor(now / 1000)} : t));
	state.failures = Array.isArray(failures) ? failures.filter((f): f is SimState['failures'][number] => isObject(f) && Number.isInteger(f.vmid) && typeof f.action === 'string' && typeof f.error === 'string') : [];
	// An archive whose vzdump was cut short never appeared (it is added when the task ends).
	if (backups !== undefined) state.backups = backups;
	state.nextPid = saved.nextPid as number;
	state.configVersion = saved.configVersion as number;
	return {ok: true};
}

export interface StateFile {
	readonly path: string;
	/** What a user should read once at start: restored, or ignored and why. */
	readonly notes: string[];
	/** Whether a saved state was continued (false: this run started from the fixture). */
	readonly restored: boolean;
	/** Writes now if anything changed since the last write. */
	flush(): void;
	/** Running tasks finish, the last state is written, nothing more is kept. Returns a line to show if a write failed. */
	close(): string | undefined;
}

/**
 * Restores `state` from `path` when it holds a usable saved state, then keeps
 * the file up to date: debounced after each change, at close, and on process
 * exit (a crash handler's process.exit included).
 */
export function keepStateIn(state: SimState, path: string, identity: string, fixtureHash: string, options: {debounceMs?: number} = {}): StateFile {
	const notes: string[] = [];
	let continued = false;
	if (existsSync(path)) {
		let restored: ReturnType<typeof restoreState>;
		try {
			restored = restoreState(state, readFileSync(path, 'utf8'), identity, fixtureHash);
		} catch (error) {
			restored = {ok: false, why: `unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})`};
		}
		continued = restored.ok;
		notes.push(restored.ok ? `demo: continuing the simulator state saved in ${path} (delete it to start from the fixture)` : `demo: the saved simulator state ${path} is ${restored.why}: starting fresh from the fixture`);
	}
	let dirty = false;
	let timer: NodeJS.Timeout | undefined;
	let failed: string | undefined;
	let closed = false;
	const write = () => {
		if (timer) clearTimeout(timer);
		timer = undefined;
		if (!dirty || failed) return;
		dirty = false;
		try {
			mkdirSync(dirname(path), {recursive: true, mode: 0o700});
			const tmp = `${path}.${process.pid}.tmp`;
			writeFileSync(tmp, serializeState(state, identity, fixtureHash), {mode: 0o600});
			renameSync(tmp, path);
		} catch (error) {
			failed = `demo: cannot keep the simulator state in ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
		}
	};
	state.onChange = () => {
		dirty = true;
		if (!timer && !closed) {
			timer = setTimeout(write, options.debounceMs ?? 250);
			timer.unref();
		}
	};
	process.on('exit', write);
	return {
		path,
		notes,
		restored: continued,
		flush: write,
		close() {
			if (closed) return failed;
			completeRunningTasks(state);
			write();
			closed = true;
			state.onChange = undefined;
			process.off('exit', write);
			return failed;
		},
	};
}
