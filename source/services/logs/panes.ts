// The logs service: owns each pane's ring buffer and source, writes pane
// metadata into the store's logs slice, and bumps `logs.version` at most once
// per renderIntervalMs when a buffer changed — so the view re-renders at most
// ~20 times a second however fast lines arrive. Scrolling, filtering and
// saving act on the buffers here; the view only reads.

import {sinceInput} from '../../util/input-activity.js';
import {mkdirSync, writeFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import type {StoreApi} from 'zustand/vanilla';
import type {LogPaneState, LogSourceSpec, LogSourceStatus} from '../../store/logs-types.js';
import {MAX_LOG_PANES} from '../../store/logs-types.js';
import type {AppState} from '../../store/types.js';
import type {CommandRunner} from '../../ssh/types.js';
import {defaultAuditPath} from '../audit.js';
import type {ApiRequester} from '../fleet-source.js';
import {compileFilter, nthShownFromOldest, stepMatching, type LineFilter} from './filter.js';
import {attachLogs} from './registry.js';
import {DEFAULT_CAPACITY, RingBuffer} from './ring-buffer.js';
import {createSource, sameSpec, specSlug, specTitle, type SourceDeps} from './specs.js';
import type {LogSource} from './sources.js';

export interface LogsServiceOptions {
	store: StoreApi<AppState>;
	api?: ApiRequester;
	runner?: CommandRunner;
	/** Lines kept per pane (default 10,000). */
	capacity?: number;
	/** Minimum time between two view refreshes (default 50 ms: ~20 frames/s). */
	renderIntervalMs?: number;
	/** Where `S` writes (default: the home directory). */
	saveDir?: string;
	auditPath?: string;
	clock?: () => number;
	poll?: SourceDeps['poll'];
	/** Replaces createSource (tests feed panes from synthetic sources). */
	sourceFor?: (spec: LogSourceSpec) => LogSource;
}

export interface LogsService {
	readonly auditPath: string;
	/** Opens a pane (or focuses the one already showing this source); undefined when 4 are open. */
	open(spec: LogSourceSpec): number | undefined;
	close(id: number): void;
	clear(id: number): void;
	/** Writes the pane's buffer to ~/proxdeck-<source>-<time>.log; returns the path. */
	save(id: number): string;
	buffer(id: number): RingBuffer | undefined;
	/** The compiled filter of a pane (cached per filter text). */
	filterOf(pane: LogPaneState): LineFilter;
	/** Moves a pane's view by `lines` matching lines (negative = older); leaving the bottom pauses. */
	scroll(id: number, lines: number, pageRows: number): void;
	scrollToTop(id: number, pageRows: number): void;
	/** Back to the newest line, following. */
	resume(id: number): void;
	toggleFollow(id: number): void;
	setFilter(id: number, text: string): void;
	stop(): void;
}

function stamp(ms: number): string {
	const iso = new Date(ms).toISOString();
	return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

/** After a key, a stream's redraw waits this long… */
const KEY_YIELD_MS = 100;
/** …but a following pane still redraws at least every this often while keys keep coming. */
const KEY_YIELD_MAX_MS = 250;

export function createLogsService(options: LogsServiceOptions): LogsService {
	const {store} = options;
	const capacity = options.capacity ?? DEFAULT_CAPACITY;
	const interval = options.renderIntervalMs ?? 50;
	const clock = options.clock ?? Date.now;
	const auditPath = options.auditPath ?? defaultAuditPath();
	const deps: SourceDeps = {api: options.api, runner: options.runner, state: () => store.getState(), poll: options.poll};
	const panes = new Map<number, {buffer: RingBuffer; source: LogSource}>();
	const filters = new Map<number, {text: string; invert: boolean; filter: LineFilter}>();
	let nextId = 1;
	let dirty = false;
	let timer: NodeJS.Timeout | undefined;
	let lastBump = -Infinity;

	function bump(): void {
		timer = undefined;
		if (!dirty) return;
		// A key was just pressed: its frame goes first; the lines wait (never longer than KEY_YIELD_MAX_MS).
		const now = performance.now();
		const quiet = KEY_YIELD_MS - sinceInput(now);
		if (quiet > 0 && now - lastBump < KEY_YIELD_MAX_MS) {
			timer = setTimeout(bump, Math.min(quiet, KEY_YIELD_MAX_MS - (now - lastBump)));
			timer.unref?.();
			return;
		}
		dirty = false;
		lastBump = performance.now();
		store.getState().actions.logsBump();
	}

	/** Marks the view stale; the refresh happens at most once per interval. */
	function changed(): void {
		dirty = true;
		if (timer !== undefined) return;
		const wait = Math.max(0, lastBump + interval - performance.now());
		timer = setTimeout(bump, wait);
		timer.unref?.();
	}

	function pane(id: number): LogPaneState | undefined {
		return store.getState().logs.panes.find((p) => p.id === id);
	}

	function patch(id: number, change: Partial<Omit<LogPaneState, 'id'>>): void {
		store.getState().actions.logsPaneChanged(id, change);
	}

	function filterOf(p: LogPaneState): LineFilter {
		const cached = filters.get(p.id);
		if (cached && cached.text === p.filter && cached.invert === p.invert) return cached.filter;
		const filter = compileFilter(p.filter, p.invert);
		filters.set(p.id, {text: p.filter, invert: p.invert, filter});
		return filter;
	}

	const service: LogsService = {
		auditPath,
		open(spec) {
			const state = store.getState();
			const existing = state.logs.panes.findIndex((p) => sameSpec(p.source, spec));
			if (existing !== -1) {
				state.actions.logsFocus(existing - state.logs.focus);
				return state.logs.panes[existing]!.id;
			}
			if (state.logs.panes.length >= MAX_LOG_PANES) {
				state.actions.logsNotice(`${MAX_LOG_PANES} panes are open: close one with x first`);
				return undefined;
			}
			const id = nextId++;
			const buffer = new RingBuffer(capacity);
			const source = (options.sourceFor ?? ((s: LogSourceSpec) => createSource(s, deps)))(spec);
			panes.set(id, {buffer, source});
			state.actions.logsPaneAdded({
				id,
				source: spec,
				title: specTitle(spec),
				status: {state: 'connecting'},
				follow: true,
				filter: '',
				invert: false,
				filterLiteral: false,
				showTimestamps: true,
				wrap: false,
			});
			source.start({
				line(text) {
					if (!panes.has(id)) return;
					buffer.append(text);
					changed();
				},
				status(status: LogSourceStatus) {
					if (panes.has(id)) patch(id, {status});
				},
			});
			return id;
		},
		close(id) {
			const entry = panes.get(id);
			if (!entry) return;
			panes.delete(id);
			filters.delete(id);
			entry.source.stop();
			store.getState().actions.logsPaneRemoved(id);
		},
		clear(id) {
			const entry = panes.get(id);
			if (!entry) return;
			entry.buffer.clear();
			patch(id, {anchorSeq: undefined});
			store.getState().actions.logsBump();
		},
		save(id) {
			const entry = panes.get(id);
			const p = pane(id);
			if (!entry || !p) throw new Error('no such pane');
			const dir = options.saveDir ?? homedir();
			mkdirSync(dir, {recursive: true});
			const path = join(dir, `proxdeck-${specSlug(p.source)}-${stamp(clock())}.log`);
			const text = entry.buffer.toArray().map((l) => (l.ts ? `${l.ts} ${l.text}` : l.text)).join('\n');
			// The lines were sanitized on the way in; the file holds what the pane showed.
			writeFileSync(path, text === '' ? '' : `${text}\n`, {mode: 0o600});
			return path;
		},
		buffer: (id) => panes.get(id)?.buffer,
		filterOf,
		scroll(id, lines, pageRows) {
			const entry = panes.get(id);
			const p = pane(id);
			if (!entry || !p || lines === 0) return;
			const buffer = entry.buffer;
			const newest = buffer.newest();
			if (!newest) return;
			const filter = filterOf(p);
			const from = p.follow || p.anchorSeq === undefined ? newest.seq : p.anchorSeq;
			const at = buffer.indexOfSeq(from);
			let index = stepMatching(buffer, filter, at === -1 ? 0 : at, lines);
			// The top-most anchor still shows a full page: the pageRows-th shown line from the oldest.
			const floor = nthShownFromOldest(buffer, filter, Math.max(1, pageRows));
			if (floor !== -1 && index < floor) index = floor;
			const seq = buffer.at(index)?.seq ?? newest.seq;
			patch(id, {follow: false, anchorSeq: seq});
		},
		scrollToTop(id, pageRows) {
			const entry = panes.get(id);
			const p = pane(id);
			if (!entry || !p || entry.buffer.length === 0) return;
			const index = nthShownFromOldest(entry.buffer, filterOf(p), Math.max(1, pageRows));
			patch(id, {follow: false, anchorSeq: entry.buffer.at(Math.max(0, index))!.seq});
		},
		resume(id) {
			if (pane(id)) patch(id, {follow: true, anchorSeq: undefined});
		},
		toggleFollow(id) {
			const p = pane(id);
			if (!p) return;
			if (p.follow) patch(id, {follow: false, anchorSeq: panes.get(id)?.buffer.newest()?.seq});
			else patch(id, {follow: true, anchorSeq: undefined});
		},
		setFilter(id, text) {
			const invert = text.startsWith('!');
			const body = invert ? text.slice(1) : text;
			const filter = compileFilter(body, invert);
			patch(id, {filter: body, invert, filterLiteral: filter.literal});
			if (filter.note) store.getState().actions.logsNotice(filter.note);
		},
		stop() {
			if (timer !== undefined) clearTimeout(timer);
			timer = undefined;
			for (const id of [...panes.keys()]) service.close(id);
		},
	};
	attachLogs(store, service);
	return service;
}
