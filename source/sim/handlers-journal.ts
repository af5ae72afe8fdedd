// GET /nodes/{node}/journal: the host journal as pveproxy serves it
// (pve-api.md §3 "Journal"). PVE runs mini-journalreader and streams its JSON
// with Content-Type application/json and Content-Encoding gzip (not the
// `;charset=UTF-8` JSON of other calls). The array's first and last elements
// are journald cursors, not lines; a client follows by sending the last one
// back as `startcursor` ("start after"). Lines are in journalctl's `short`
// format. Without a range or `lastentries`, the last 50 entries are returned
// (the simulator caps any answer at 10,000 entries).

import {createHash} from 'node:crypto';
import {ApiError, paramError} from './errors.js';
import type {Handler} from './handler-types.js';
import {nodeOf} from './handlers-node.js';
import {formatJournalLine, hostJournal, latestIndex, type Journal} from './ssh/journal.js';
import type {SimNode, SimState} from './state.js';

const DEFAULT_ENTRIES = 50;
const MAX_ENTRIES = 10_000;

function hex(n: number): string {
	return Math.max(0, Math.floor(n)).toString(16);
}

/** A 32-hex id that stays the same for a node across requests (journald's boot/seqnum ids). */
function nodeId(state: SimState, node: SimNode, salt: string): string {
	return createHash('sha256').update(`${state.seed}:${node.name}:${salt}`).digest('hex').slice(0, 32);
}

/** journald's cursor text: `s=<seqnum id>;i=<seqnum>;b=<boot id>;m=<monotonic µs>;t=<realtime µs>;x=<xor>`. */
export function journalCursor(state: SimState, node: SimNode, journal: Journal, k: number): string {
	const time = journal.originMs + k * journal.periodMs;
	const x = createHash('sha256').update(`${node.name}:${k}`).digest('hex').slice(0, 16);
	return `s=${nodeId(state, node, 's')};i=${hex(k + 1)};b=${nodeId(state, node, 'b')};m=${hex((time - node.bootedAt) * 1000)};t=${hex(time * 1000)};x=${x}`;
}

/** The entry index a cursor names, or undefined when it is not one of this node's. */
function cursorIndex(state: SimState, node: SimNode, cursor: string): number | undefined {
	const fields = new Map(cursor.split(';').map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)] as const));
	const seq = fields.get('i');
	if (fields.get('s') !== nodeId(state, node, 's') || seq === undefined || !/^[0-9a-f]+$/.test(seq)) return undefined;
	return Number.parseInt(seq, 16) - 1;
}

function epoch(value: string | undefined): number | undefined {
	return value === undefined ? undefined : Number(value) * 1000;
}

export const getJournal: Handler = (ctx) => {
	const node = nodeOf(ctx);
	const {state, params} = ctx;
	const conflicts: Record<string, string> = {};
	if (params.lastentries !== undefined && (params.since !== undefined || params.startcursor !== undefined)) conflicts.lastentries = "conflicts with 'since' and 'startcursor'";
	if (params.since !== undefined && params.startcursor !== undefined) conflicts.since = "conflicts with parameter 'startcursor'";
	if (params.until !== undefined && params.endcursor !== undefined) conflicts.until = "conflicts with parameter 'endcursor'";
	if (Object.keys(conflicts).length > 0) throw paramError(conflicts);
	// Entry k is stamped boot + k·period here, so a cursor names the same entry on every request
	// (the SSH side's journal window slides with the clock; a cursor must not).
	const journal: Journal = {...hostJournal(state, node)!, originMs: node.bootedAt};
	const now = state.clock();
	const newest = latestIndex(journal, now);
	const timeOf = (k: number) => journal.originMs + k * journal.periodMs;
	const indexAt = (ms: number) => Math.ceil((ms - journal.originMs) / journal.periodMs);

	let first = 0;
	let last = newest;
	if (params.startcursor !== undefined) {
		const k = cursorIndex(state, node, params.startcursor);
		if (k === undefined) throw new ApiError(500, 'Failed to seek to cursor: Invalid argument');
		first = k + 1;
	}
	if (params.endcursor !== undefined) {
		const k = cursorIndex(state, node, params.endcursor);
		if (k === undefined) throw new ApiError(500, 'Failed to seek to cursor: Invalid argument');
		last = Math.min(last, k - 1);
	}
	const since = epoch(params.since);
	const until = epoch(params.until);
	if (since !== undefined) first = Math.max(first, indexAt(since));
	if (until !== undefined) last = Math.min(last, indexAt(until + 1) - 1);
	const ranged = params.startcursor !== undefined || since !== undefined || until !== undefined || params.endcursor !== undefined;
	const count = params.lastentries !== undefined ? Number(params.lastentries) : ranged ? undefined : DEFAULT_ENTRIES;
	first = Math.max(0, first);
	if (count !== undefined) first = Math.max(first, last - count + 1);
	// A real journal returns a whole range; the simulator keeps one answer bounded.
	first = Math.max(first, last - MAX_ENTRIES + 1);

	const lines: string[] = [];
	for (let k = first; k <= last; k++) {
		const entry = journal.entry(k, timeOf(k));
		// The whole host journal has a line at every k; only a task-only unit has gaps.
		if (entry) lines.push(formatJournalLine('short', timeOf(k), journal.host, entry));
	}
	// Nothing new after a cursor: both cursor slots name the position asked from, so the client keeps its place.
	const startK = lines.length > 0 ? first : Math.max(0, first - 1);
	const endK = lines.length > 0 ? last : Math.max(0, first - 1);
	return {
		data: [journalCursor(state, node, journal, startK), ...lines, journalCursor(state, node, journal, endK)],
		download: {contentType: 'application/json', gzip: true},
	};
};
