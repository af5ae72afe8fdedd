// A journal is an endless deterministic sequence of lines: line k of a
// container's journal is always the same text (fixed by the state's seed, the
// vmid and k), and history line k is stamped originMs + k·periodMs. So
// `journalctl -n 20` gives the same answer for the same clock, and a follow
// continues the sequence with lines stamped "now".

import {noise} from '../drift.js';
import type {SimGuest, SimNode, SimState} from '../state.js';
import {guestName} from '../state.js';
import {advanceTasks} from '../tasks.js';
import {eventIn, HOST_UNITS, taskEvents, type TaskEvent} from './journal-host.js';
import {serviceFor, systemFor, type JournalEntry, type Rand, type ServiceGenerator} from './journal-services.js';

export type {JournalEntry} from './journal-services.js';

export interface Journal {
	/** Hostname shown in every line. */
	host: string;
	/** Epoch ms of line 0 (boot of the guest/node, at most a day back). */
	originMs: number;
	/** Simulated spacing of history lines. */
	periodMs: number;
	/** Line k, or undefined where this journal has no line (a unit that only logs its tasks). */
	entry(k: number, time: number): JournalEntry | undefined;
}

export interface JournalOptions {
	/** Add lines carrying terminal escape sequences (for the UI's injection test). */
	hostileLines?: boolean;
}

const DAY_MS = 86_400_000;
/** Escape sequences a hostile process could write: title change, clear screen, colour, a C1 CSI, a cursor query. */
export const HOSTILE_MESSAGE = 'login failed for \x1b]0;pwned\x07\x1b[2J\x1b[1;31mroot\x1b[0m \u009b6n\x1b[6n from 203.0.113.66';

function stablePid(seed: number, key: number, salt: number): number {
	return 100 + Math.floor(noise(seed, key, 0, salt) * 900);
}

function nameKey(name: string): number {
	let h = 0;
	for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
	return h;
}

function origin(state: SimState, bootedAt: number): number {
	return Math.max(bootedAt, state.clock() - DAY_MS);
}

export function guestJournal(state: SimState, guest: SimGuest, options: JournalOptions = {}): Journal {
	const host = guestName(guest);
	const tags = typeof guest.config.tags === 'string' ? guest.config.tags : '';
	const ostype = typeof guest.config.ostype === 'string' ? guest.config.ostype : undefined;
	const generator = serviceFor(host, tags, ostype);
	const system = systemFor(ostype);
	const key = guest.vmid;
	const pid = stablePid(state.seed, key, 1);
	return {
		host,
		originMs: origin(state, guest.runningSince ?? state.startedAt),
		periodMs: 3000 + Math.floor(noise(state.seed, key, 0, 2) * 12_000),
		entry(k, time) {
			const rand: Rand = (salt) => noise(state.seed, key, k, salt);
			if (options.hostileLines && k % 25 === 13) return {ident: 'sshd', pid: pid + 7, message: HOSTILE_MESSAGE};
			// Mostly the service itself; every ~8th line is the system around it.
			const source: ServiceGenerator = rand(97) < 0.12 ? system : generator;
			return source(rand, {host, pid, time});
		},
	};
}

/** Units whose lines are only the tasks they ran (no chatter of their own). */
const TASK_UNITS = new Set(['pvedaemon', 'pvescheduler']);

/** The node's journal, or undefined when `-u` names a unit this host does not run. */
export function hostJournal(state: SimState, node: SimNode, unit?: string): Journal | undefined {
	const wanted = unit?.replace(/\.service$/, '');
	const units = HOST_UNITS.filter((u) => (!u.clusterOnly || state.clusterName !== undefined) && (wanted === undefined || u.unit === wanted));
	const taskUnits = new Set([...TASK_UNITS].filter((u) => wanted === undefined || u === wanted));
	if (units.length === 0 && taskUnits.size === 0) return undefined;
	const key = nameKey(node.name);
	const totalWeight = units.reduce((sum, u) => sum + u.weight, 0);
	const periodMs = (wanted ? 20_000 : 4000) + Math.floor(noise(state.seed, key, 0, 2) * 4000);
	const pidOf = (name: string) => 1000 + stablePid(state.seed, key, nameKey(name)) * 3;
	// Rebuilt when a task starts or the clock moves on (a task may have ended); one build serves a whole page of lines.
	let cached: {length: number; now: number; events: TaskEvent[]} | undefined;
	const events = (): TaskEvent[] => {
		const now = state.clock();
		if (cached?.length !== state.tasks.length || cached.now !== now) {
			// Tasks end with the clock, as before an API request is served.
			advanceTasks(state);
			cached = {length: state.tasks.length, now, events: taskEvents(state.tasks, node.name)};
		}
		return cached.events;
	};
	// Lines are asked for in order; an event is written once even when several lines share a time (a follow stamps "now").
	let shownUpTo = Number.NEGATIVE_INFINITY;
	return {
		host: node.name,
		originMs: origin(state, node.bootedAt),
		periodMs,
		entry(k, time) {
			// A task that started or ended since the previous line is this line.
			const event = eventIn(events(), Math.max(time - periodMs, shownUpTo), time, taskUnits);
			if (event) {
				shownUpTo = event.time;
				return {ident: event.unit, pid: pidOf(event.unit), message: event.message};
			}
			const rand: Rand = (salt) => noise(state.seed, key, k, salt);
			// `-u pvedaemon|pvescheduler` alone: only the tasks, no line where none started or ended.
			if (units.length === 0) return undefined;
			let roll = rand(99) * totalWeight;
			const chosen = units.find((u) => (roll -= u.weight) < 0) ?? units[0]!;
			return chosen.generator(rand, {host: node.name, pid: pidOf(chosen.unit), time});
		},
	};
}

/** Index of the newest history line at time `now`. */
export function latestIndex(journal: Journal, now: number): number {
	return Math.floor((now - journal.originMs) / journal.periodMs);
}

/** The last `count` history lines (all since origin when count is undefined). */
export function history(journal: Journal, now: number, count?: number): Array<{k: number; time: number}> {
	const last = latestIndex(journal, now);
	const first = count === undefined ? 0 : Math.max(0, last - count + 1);
	const out: Array<{k: number; time: number}> = [];
	for (let k = first; k <= last; k++) out.push({k, time: journal.originMs + k * journal.periodMs});
	return out;
}

export type JournalFormat = 'short' | 'short-iso' | 'short-precise' | 'cat' | 'syslog';
export const JOURNAL_FORMATS: readonly JournalFormat[] = ['short', 'short-iso', 'short-precise', 'cat'];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
	return String(n).padStart(2, '0');
}

/**
 * journalctl's formats (the simulator's host runs in UTC): `short` is
 * `Nov 23 16:40:01`, `short-iso` `2026-11-23T16:40:01+00:00`, `short-precise`
 * adds microseconds; `syslog` is busybox syslogd's /var/log/messages line
 * (space-padded day, facility.priority before the tag).
 */
export function formatJournalLine(format: JournalFormat, time: number, host: string, entry: JournalEntry): string {
	if (format === 'cat') return entry.message;
	const d = new Date(time);
	const hms = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
	const tag = entry.ident === 'kernel' ? 'kernel' : `${entry.ident}[${entry.pid}]`;
	const month = MONTHS[d.getUTCMonth()]!;
	switch (format) {
		case 'short-iso':
			return `${d.toISOString().slice(0, 19)}+00:00 ${host} ${tag}: ${entry.message}`;
		case 'short-precise':
			return `${month} ${two(d.getUTCDate())} ${hms}.${String(d.getUTCMilliseconds() * 1000).padStart(6, '0')} ${host} ${tag}: ${entry.message}`;
		case 'syslog':
			return `${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${hms} ${host} daemon.info ${tag}: ${entry.message}`;
		default:
			return `${month} ${two(d.getUTCDate())} ${hms} ${host} ${tag}: ${entry.message}`;
	}
}
