// Turns /cluster/resources wire entries into store rows. Every string that came
// from the host is sanitised here, at the boundary, so the store only ever
// holds text that is safe to draw.

import type {ClusterResource, NodeResource, VmResource} from '../api/types.js';
import type {GuestRow, NodeSummary} from '../store/types.js';
import {FIGURES_PER_GUEST} from '../store/guest-figures.js';
import {sameIdentity} from '../store/guest-shape.js';
import {boundedMemo} from '../util/bounded-memo.js';
import {sanitize} from '../util/sanitize.js';

function num(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function optionalText(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? sanitize(value) : undefined;
}

const NO_TAGS: readonly string[] = Object.freeze([]);

/** Tag lists by the text they came from: a poll repeats every guest's tags, so each text is split once (4,096 texts kept). */
const tagList = boundedMemo(4096, (tags): readonly string[] =>
	Object.freeze(
		tags
			.split(/[;,\s]+/)
			.map((tag) => sanitize(tag))
			.filter((tag) => tag !== ''),
	),
);

/**
 * Proxmox stores tags `;`-separated but accepts `,` and spaces on input. The
 * list is shared by every row with the same text and frozen (rows are never
 * changed in place); splitting each guest's tags on every poll was 4 MB of
 * garbage per pvestatd cycle at 10,000 guests (issue 12).
 */
export function splitTags(tags: unknown): readonly string[] {
	return typeof tags === 'string' && tags !== '' ? tagList(tags) : NO_TAGS;
}

export function toGuestRow(entry: VmResource): GuestRow {
	const kind = entry.type === 'qemu' ? 'qemu' : 'lxc';
	return {
		vmid: entry.vmid,
		kind,
		name: optionalText(entry.name) ?? `${kind === 'lxc' ? 'CT' : 'VM'} ${entry.vmid}`,
		node: sanitize(String(entry.node ?? '')),
		status: sanitize(String(entry.status ?? 'unknown')),
		cpu: num(entry.cpu),
		maxcpu: num(entry.maxcpu),
		mem: num(entry.mem),
		maxmem: num(entry.maxmem),
		disk: num(entry.disk),
		maxdisk: num(entry.maxdisk),
		uptime: num(entry.uptime),
		netin: num(entry.netin),
		netout: num(entry.netout),
		tags: splitTags(entry.tags),
		lock: optionalText(entry.lock),
		hastate: optionalText(entry.hastate),
		pool: optionalText(entry.pool),
		template: entry.template === 1,
	};
}

export function toNodeSummary(entry: NodeResource): NodeSummary {
	const status = entry.status === 'online' || entry.status === 'offline' ? entry.status : 'unknown';
	return {
		name: sanitize(String(entry.node ?? '')),
		status,
		cpu: num(entry.cpu),
		maxcpu: num(entry.maxcpu),
		mem: num(entry.mem),
		maxmem: num(entry.maxmem),
		uptime: num(entry.uptime),
	};
}

function isVm(entry: ClusterResource): entry is VmResource {
	return (entry.type === 'lxc' || entry.type === 'qemu') && Number.isInteger((entry as VmResource).vmid);
}

function isNode(entry: ClusterResource): entry is NodeResource {
	return entry.type === 'node' && typeof (entry as NodeResource).node === 'string';
}

const GUEST_OR_NODE = new Set(['lxc', 'qemu', 'node']);

export interface MappedResources {
	guests: GuestRow[];
	/** The guests' figures in `guests`' order (FleetSnapshot.figures): a row kept from the last read still holds that read's. */
	figures: Float64Array;
	nodes: NodeSummary[];
	skipped: number;
}

/**
 * `row` holding `old`'s strings where they are equal. A guest whose row is
 * new (its state, lock or limits changed) keeps it until the next poll: its
 * name, node and status strings, freshly parsed, would be kept with it and
 * the old equal ones dropped — at 10,000 guests, when every row was new each
 * poll, ~1 MB of strings promoted to the old generation per poll, for nothing.
 */
function withStringsOf(old: GuestRow, row: GuestRow): GuestRow {
	if (row.name === old.name) row.name = old.name;
	if (row.node === old.node) row.node = old.node;
	if (row.status === old.status) row.status = old.status;
	return row;
}

/**
 * Maps /cluster/resources entries as they are read (one at a time, none kept)
 * into guest rows (templates left out: they never run and only clutter triage)
 * and node summaries. Entries that do not have the shape Proxmox documents
 * are skipped and counted, not fatal.
 *
 * A guest whose row equals its row in `previous` in all but its figures
 * keeps that object, its new figures going to `figures` (the store writes
 * them into it: GuestRow, types.ts); when every row does, in the same order,
 * `finish` hands back `previous` itself. (An answer's bytes never tell:
 * Proxmox orders each entry's keys anew every time.)
 */
export function createResourceReader(previous: readonly GuestRow[] = []): {add(entry: unknown): void; finish(): MappedResources} {
	const reading = newReading(previous);
	return {add: addEntry.bind(undefined, reading), finish: finishReading.bind(undefined, reading)};
}

/** The resource reader of a fleet source, for one poll after another (createResourceReader reads one answer). */
export interface FleetReader {
	/** Reads one answer against the last read's rows: `run` hands each entry to `add`; the rows and figures once it resolves. */
	read(previous: readonly GuestRow[], run: (add: (entry: unknown) => void) => Promise<void>): Promise<MappedResources>;
}

/**
 * A reader whose `add` is one function for every poll, not one bound per
 * poll: the client's entry loop calls it 10,000 times a poll, and a new
 * function each poll was a new call target, so the loop's compiled code was
 * thrown away ("wrong call target") and compiled again every poll (issue 12).
 * A read that overlaps one in progress gets a reader of its own.
 */
export function createFleetReader(): FleetReader {
	let reading: Reading | undefined;
	const add = (entry: unknown) => addEntry(reading!, entry);
	return {
		async read(previous, run) {
			if (reading) return createFleetReader().read(previous, run);
			reading = newReading(previous);
			try {
				await run(add);
				return finishReading(reading);
			} finally {
				reading = undefined;
			}
		},
	};
}

function newReading(previous: readonly GuestRow[]): Reading {
	return {
		previous,
		guests: [],
		figures: new Float64Array(Math.max(64, previous.length) * FIGURES_PER_GUEST),
		nodes: [],
		skipped: 0,
		asBefore: true,
		byVmid: undefined,
	};
}

/**
 * One read's state. An object literal and module functions, not a class
 * instance with methods, so that what runs once per poll keeps its compiled
 * code across polls (README Design notes, "Per-poll objects keep their
 * hidden classes"): a class instance gets its fields by transitions from the
 * class's first hidden class, which V8 holds weakly, so when the last reader
 * died at a full collection (about one per poll at 10,000 guests) its hidden
 * classes went too, and `add`, compiled against them, was thrown away and
 * compiled again every poll.
 */
interface Reading {
	readonly previous: readonly GuestRow[];
	readonly guests: GuestRow[];
	/** Room for FIGURES_PER_GUEST numbers per guest, doubled when full. */
	figures: Float64Array;
	readonly nodes: NodeSummary[];
	skipped: number;
	/** Every row so far is previous's row at the same place. */
	asBefore: boolean;
	/** previous by VMID, built only when the order differs. */
	byVmid: Map<number, GuestRow> | undefined;
}

function earlierRow(reading: Reading, vmid: number): GuestRow | undefined {
	const there = reading.previous[reading.guests.length];
	if (there?.vmid === vmid) return there;
	reading.byVmid ??= new Map(reading.previous.map((row) => [row.vmid, row]));
	return reading.byVmid.get(vmid);
}

function addEntry(reading: Reading, entry: unknown): void {
	if (entry === null || typeof entry !== 'object') {
		reading.skipped++;
	} else if (isVm(entry as ClusterResource)) {
		const vm = entry as VmResource;
		if (vm.template === 1) return;
		const at = reading.guests.length;
		const old = earlierRow(reading, vm.vmid);
		if ((at + 1) * FIGURES_PER_GUEST > reading.figures.length) reading.figures = grown(reading.figures);
		let kept: GuestRow;
		if (old !== undefined && rowOfEntry.get(vm) === old && sameNumbers(old, vm)) {
			// The entry object that made or matched `old` last poll, its strings unchanged.
			kept = old;
		} else {
			// The new row is garbage at once when the old one is kept: a young
			// object that dies before the next scavenge costs it nothing.
			const row = toGuestRow(vm);
			kept = !old ? row : sameIdentity(old, row) ? old : withStringsOf(old, row);
			rowOfEntry.set(vm, kept);
		}
		putEntryFigures(reading.figures, at, vm);
		if (kept !== reading.previous[at]) reading.asBefore = false;
		reading.guests.push(kept);
	} else if (isNode(entry as ClusterResource)) {
		reading.nodes.push(toNodeSummary(entry as NodeResource));
	} else if (GUEST_OR_NODE.has(String((entry as ClusterResource).type))) {
		// Claims to be a guest or node but lacks the documented keys.
		reading.skipped++;
	}
}

/**
 * The row each entry object made or matched when last read. The client hands
 * over the same entry object again, its numbers updated in place, when every
 * string in it came as before (EntryMemo, api/flat-entry.ts): then only its
 * numbers can have changed. The row holds some of them: its vmid, limits and
 * template flag (compared by sameNumbers) and its figures (written to
 * `figures`). At 10,000 guests this spares a new row (and its name, node and
 * status strings) per guest per poll.
 */
const rowOfEntry = new WeakMap<object, GuestRow>();

/**
 * What toGuestRow makes of `entry`'s numbers is `row`'s, figures aside. Its
 * node and status must be strings: toGuestRow would turn a number there into
 * text, and a number moves. (The route's check already refuses such an entry,
 * shapes.ts; this does not lean on it.)
 */
function sameNumbers(row: GuestRow, entry: VmResource): boolean {
	if (typeof entry.node !== 'string' || (entry.status !== undefined && typeof entry.status !== 'string')) return false;
	// Its vmid is the row's: earlierRow found the row by it.
	return row.maxcpu === num(entry.maxcpu) && row.maxmem === num(entry.maxmem) && row.maxdisk === num(entry.maxdisk) && row.template === (entry.template === 1);
}

/** Puts `entry`'s figures, as toGuestRow reads them, at guest index `i` of `figures` (FIGURE_FIELDS' order; the store's takeFigures reads them). */
function putEntryFigures(figures: Float64Array, i: number, entry: VmResource): void {
	const at = i * FIGURES_PER_GUEST;
	figures[at] = num(entry.cpu);
	figures[at + 1] = num(entry.mem);
	figures[at + 2] = num(entry.disk);
	figures[at + 3] = num(entry.uptime);
	figures[at + 4] = num(entry.netin);
	figures[at + 5] = num(entry.netout);
}

function grown(figures: Float64Array): Float64Array {
	const bigger = new Float64Array(figures.length * 2);
	bigger.set(figures);
	return bigger;
}

function finishReading(reading: Reading): MappedResources {
	reading.nodes.sort(byNodeName);
	const same = reading.asBefore && reading.guests.length === reading.previous.length && reading.previous.length > 0;
	const figures = reading.figures.subarray(0, reading.guests.length * FIGURES_PER_GUEST);
	return {guests: same ? (reading.previous as GuestRow[]) : reading.guests, figures, nodes: reading.nodes, skipped: reading.skipped};
}

function byNodeName(a: NodeSummary, b: NodeSummary): number {
	return a.name.localeCompare(b.name);
}

/** The reader over a whole answer already read. */
export function mapResources(entries: unknown, previous?: readonly GuestRow[]): MappedResources {
	if (!Array.isArray(entries)) throw new Error('malformed /cluster/resources answer: expected a list');
	const reader = createResourceReader(previous);
	for (const entry of entries) reader.add(entry);
	return reader.finish();
}
