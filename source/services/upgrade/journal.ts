// The run journal: $XDG_STATE_HOME/proxdeck/runs/<id>.jsonl, one JSON line
// per event, appended and fsync'd BEFORE the step it announces. After a crash,
// a dropped connection or a closed terminal the file says exactly which
// containers finished and which one was mid-step, so the next start can
// resume without upgrading anything twice. Summaries are written beside it.

import {closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, writeSync} from 'node:fs';
import {join} from 'node:path';
import {statePaths} from '../state-paths.js';
import {runHolder, type LockHolder} from './run-lock.js';
import type {Outcome, Phase, UpgradePlan} from './types.js';

export type JournalEvent =
	| {t: 'run'; id: string; host: string; cluster?: string; at: number; plan: UpgradePlan}
	| {t: 'resume'; at: number}
	| {t: 'step'; vmid: number; step: Phase; at: number; snapname?: string; interrupted?: boolean; backup?: string}
	| {t: 'done'; vmid: number; outcome: Outcome; at: number; reason?: string; packages: number; durationMs?: number; reboot?: boolean; snapname?: string; backup?: string}
	| {t: 'halt'; at: number; reason: string}
	| {t: 'end'; at: number};

/** $XDG_STATE_HOME/proxdeck/runs, else ~/.local/state/proxdeck/runs (real hosts; see state-paths.ts). */
export function defaultRunsDir(env: NodeJS.ProcessEnv = process.env): string {
	return statePaths(env, {demo: false}).runsDir;
}

/** Run ids sort by time: up-20261123-184502-1a2b. */
export function newRunId(at: Date): string {
	const iso = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
	return `up-${iso}-${Math.random().toString(16).slice(2, 6)}`;
}

export interface Journal {
	readonly path: string;
	append(event: JournalEvent): void;
}

export function openJournal(dir: string, id: string): Journal {
	mkdirSync(dir, {recursive: true, mode: 0o700});
	const path = join(dir, `${id}.jsonl`);
	// A crash can leave the last line cut short; the first event appended after it
	// starts on a line of its own, or it would be glued to the fragment and lost.
	let checkedTail = false;
	return {
		path,
		append(event) {
			// Open, write, fsync, close per event: the line is on disk before the step starts.
			const fd = openSync(path, 'a+', 0o600);
			try {
				let prefix = '';
				if (!checkedTail) {
					checkedTail = true;
					const size = fstatSync(fd).size;
					const last = Buffer.alloc(1);
					if (size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a) prefix = '\n';
				}
				writeSync(fd, `${prefix}${JSON.stringify(event)}\n`);
				fsyncSync(fd);
			} finally {
				closeSync(fd);
			}
		},
	};
}

/** What a journal says: the plan, the last step begun per container, the finished ones. */
export interface JournalReplay {
	id: string;
	host: string;
	/** The Proxmox cluster's name when the run started (absent on a standalone host). */
	cluster?: string;
	path: string;
	startedAt: number;
	plan: UpgradePlan;
	/** `interrupted`: a rollback that recovers a container caught by an interruption (not a failure). */
	steps: Map<number, {step: Phase; snapname?: string; interrupted?: boolean}>;
	/** Snapshot names whose step was followed by a later one (so the snapshot exists). */
	snapshotTaken: Map<number, string>;
	/** Backup-first archives (volids), journaled once the backup task ended OK. */
	backupTaken: Map<number, string>;
	done: Map<number, Extract<JournalEvent, {t: 'done'}>>;
	halted?: string;
	ended: boolean;
	/** Set by unfinishedRuns when a live proxdeck holds the run's lock: running, not interrupted. */
	heldBy?: LockHolder;
}

export function readJournal(path: string): JournalReplay {
	const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
	let header: Extract<JournalEvent, {t: 'run'}> | undefined;
	const steps: JournalReplay['steps'] = new Map();
	const snapshotTaken = new Map<number, string>();
	const backupTaken = new Map<number, string>();
	const done = new Map<number, Extract<JournalEvent, {t: 'done'}>>();
	let halted: string | undefined;
	let ended = false;
	for (const line of lines) {
		let event: JournalEvent;
		try {
			event = JSON.parse(line) as JournalEvent;
		} catch {
			continue; // a torn last line after a crash
		}
		if (event.t === 'run') header = event;
		else if (event.t === 'step') {
			const previous = steps.get(event.vmid);
			// A step after the snapshot step means the snapshot task finished OK.
			if (previous?.step === 'snapshot' && previous.snapname) snapshotTaken.set(event.vmid, previous.snapname);
			if (event.backup) backupTaken.set(event.vmid, event.backup);
			steps.set(event.vmid, {step: event.step, ...(event.snapname ? {snapname: event.snapname} : {}), ...(event.interrupted ? {interrupted: true} : {})});
		} else if (event.t === 'done') done.set(event.vmid, event);
		else if (event.t === 'halt') halted = event.reason;
		else if (event.t === 'end') ended = true;
	}
	if (!header) throw new Error(`${path}: not an upgrade journal (no run line)`);
	return {id: header.id, host: header.host, ...(header.cluster ? {cluster: header.cluster} : {}), path, startedAt: header.at, plan: header.plan, steps, snapshotTaken, backupTaken, done, halted, ended};
}

/**
 * Journals of runs that never ended (newest first) on `host`, or on the same
 * Proxmox cluster reached through another node or address. A run is only
 * ever resumed there: its VMIDs and snapshot names mean nothing anywhere else.
 * One still held by a live proxdeck (run-lock.ts) carries `heldBy`: it is
 * running, not interrupted, and must not be offered for resuming.
 */
export function unfinishedRuns(dir: string, host: string, cluster?: string): JournalReplay[] {
	return runsOf(dir, host, cluster).filter((r) => !r.ended);
}

/**
 * Every readable journal of runs on `host` or its cluster, newest first; an
 * unended one carries the live process holding it, if any (run-lock.ts).
 */
export function runsOf(dir: string, host: string, cluster?: string): JournalReplay[] {
	let names: string[];
	try {
		names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
	} catch {
		return [];
	}
	const out: JournalReplay[] = [];
	for (const name of names.sort().reverse()) {
		try {
			const replay = readJournal(join(dir, name));
			const here = replay.host === host || (cluster !== undefined && replay.cluster === cluster);
			if (!here) continue;
			const holder = replay.ended ? undefined : runHolder(dir, replay.id);
			out.push(holder ? {...replay, heldBy: holder} : replay);
		} catch {
			// unreadable: nothing to say about it, nothing to resume
		}
	}
	return out;
}
