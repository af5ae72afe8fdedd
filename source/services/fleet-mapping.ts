// Turns /cluster/resources wire entries into store rows. Every string that came
// from the host is sanitised here, at the boundary, so the store only ever
// holds text that is safe to draw.

import type {ClusterResource, NodeResource, VmResource} from '../api/types.js';
import type {GuestRow, NodeSummary} from '../store/types.js';
import {sameRow} from '../store/guest-shape.js';
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
	nodes: NodeSummary[];
	skipped: number;
}

/**
 * `row` holding `old`'s strings where they are equal. A running guest's
 * figures change every pvestatd cycle, so its row is new each poll and is
 * kept until the next: its name, node and status strings, freshly parsed,
 * would be kept with it and the old equal ones dropped — ~1 MB of strings
 * promoted to the old generation per poll at 10,000 guests, for nothing.
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
 * A guest whose row equals its row in `previous` keeps that object, and when
 * every row does, in the same order, `finish` hands back `previous` itself:
 * the store then has nothing to merge. (An answer's bytes never tell: Proxmox
 * orders each entry's keys anew every time.)
 */
export function createResourceReader(previous: readonly GuestRow[] = []): {add(entry: unknown): void; finish(): MappedResources} {
	return new ResourceReader(previous);
}

/**
 * createResourceReader's reader. A class, so its methods are made once, not
 * per poll (README Design notes, "Per-poll callbacks are made once"). `add`
 * is bound: callers pass it as a visitor.
 */
class ResourceReader {
	private readonly guests: GuestRow[] = [];
	private readonly nodes: NodeSummary[] = [];
	private skipped = 0;
	/** Every row so far is previous's row at the same place. */
	private asBefore = true;
	/** previous by VMID, built only when the order differs. */
	private byVmid: Map<number, GuestRow> | undefined;

	constructor(private readonly previous: readonly GuestRow[]) {
		this.add = this.add.bind(this);
	}

	private earlierRow(vmid: number): GuestRow | undefined {
		const there = this.previous[this.guests.length];
		if (there?.vmid === vmid) return there;
		this.byVmid ??= new Map(this.previous.map((row) => [row.vmid, row]));
		return this.byVmid.get(vmid);
	}

	add(entry: unknown): void {
		if (entry === null || typeof entry !== 'object') {
			this.skipped++;
		} else if (isVm(entry as ClusterResource)) {
			const vm = entry as VmResource;
			if (vm.template === 1) return;
			const row = toGuestRow(vm);
			const old = this.earlierRow(row.vmid);
			const kept = !old ? row : sameRow(old, row) ? old : withStringsOf(old, row);
			if (kept !== this.previous[this.guests.length]) this.asBefore = false;
			this.guests.push(kept);
		} else if (isNode(entry as ClusterResource)) {
			this.nodes.push(toNodeSummary(entry as NodeResource));
		} else if (GUEST_OR_NODE.has(String((entry as ClusterResource).type))) {
			// Claims to be a guest or node but lacks the documented keys.
			this.skipped++;
		}
	}

	finish(): MappedResources {
		this.nodes.sort((a, b) => a.name.localeCompare(b.name));
		const same = this.asBefore && this.guests.length === this.previous.length && this.previous.length > 0;
		return {guests: same ? (this.previous as GuestRow[]) : this.guests, nodes: this.nodes, skipped: this.skipped};
	}
}

/** The reader over a whole answer already read. */
export function mapResources(entries: unknown, previous?: readonly GuestRow[]): MappedResources {
	if (!Array.isArray(entries)) throw new Error('malformed /cluster/resources answer: expected a list');
	const reader = createResourceReader(previous);
	for (const entry of entries) reader.add(entry);
	return reader.finish();
}
