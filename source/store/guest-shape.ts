// The fleet's "shape": which guests exist and each one's name, node, state,
// kind and template flag — what the topology, the ZFS consumers and the
// problem correlation draw from. A poll of an idle fleet changes every row's
// CPU and memory (new row objects, a new Map) but not its shape, so what is
// keyed on the shape is not rebuilt (issue 12: at 10,000 guests those
// rebuilds were most of the idle CPU).

import type {FigureField} from './guest-figures.js';
import type {GuestRow} from './types.js';

export const sameGuestShape = (a: GuestRow, b: GuestRow) => a === b || (a.name === b.name && a.node === b.node && a.status === b.status && a.template === b.template && a.kind === b.kind);

/** Whether two fleets hold the same guests, each row equal to its old one by `same` (the same object always is). */
export function sameFleetBy(a: ReadonlyMap<number, GuestRow>, b: ReadonlyMap<number, GuestRow>, same: (old: GuestRow, row: GuestRow) => boolean): boolean {
	if (a === b) return true;
	if (a.size !== b.size) return false;
	// Values, not entries: an entries iterator makes a [key, value] pair per guest.
	for (const row of b.values()) {
		const old = a.get(row.vmid);
		if (!old || (old !== row && !same(old, row))) return false;
	}
	return true;
}

export const sameFleetShape = (a: ReadonlyMap<number, GuestRow>, b: ReadonlyMap<number, GuestRow>) => sameFleetBy(a, b, sameGuestShape);

/** Tag lists by value (a poll makes a new array for every guest). */
export const sameTags = (a: readonly string[], b: readonly string[]) => a === b || (a.length === b.length && a.every((tag, i) => tag === b[i]));

const tokens = new WeakMap<ReadonlyMap<number, GuestRow>, object>();
let latest: {guests: ReadonlyMap<number, GuestRow>; token: object} | undefined;

/**
 * A token that keeps its identity while the fleet's shape does. Worked out
 * once per guests Map (every pane's deps, the topology memos and the ZFS
 * consumers ask for it on each store change), by comparing with the last Map
 * it was asked about.
 */
export function fleetShape(guests: ReadonlyMap<number, GuestRow>): object {
	const known = tokens.get(guests);
	if (known) return known;
	const token = latest && sameFleetShape(latest.guests, guests) ? latest.token : {};
	tokens.set(guests, token);
	latest = {guests, token};
	return token;
}

/** A row's plain fields besides its figures, all compared by sameIdentity: the type check below fails when GuestRow gains one not listed here (and there). */
const IDENTITY_FIELDS = ['vmid', 'kind', 'name', 'node', 'status', 'maxcpu', 'maxmem', 'maxdisk', 'lock', 'hastate', 'pool', 'template'] as const;
type UnlistedField = Exclude<keyof GuestRow, (typeof IDENTITY_FIELDS)[number] | FigureField | 'tags' | 'lastKnown'>;
const everyFieldListed: [UnlistedField] extends [never] ? true : UnlistedField = true;
void everyFieldListed;

// A poll returns fresh objects for every guest. Reusing the previous object
// when nothing changed keeps memoised table rows from redrawing. A fixed field
// list, not Object.keys: two arrays per row per poll added up at 10,000 guests.
export function sameRow(a: GuestRow, b: GuestRow): boolean {
	if (a === b) return true;
	// Figures first: they are what changes. Spelled out, not a keyed loop:
	// a[key] over 18 keys was 37 ms per 10,000 rows (megamorphic).
	if (a.cpu !== b.cpu || a.mem !== b.mem || a.uptime !== b.uptime || a.netin !== b.netin || a.netout !== b.netout || a.disk !== b.disk) return false;
	return sameIdentity(a, b);
}

/** Whether two rows are equal in everything but their figures (FIGURE_FIELDS): the fleet reader then keeps the old row. */
export function sameIdentity(a: GuestRow, b: GuestRow): boolean {
	if (a === b) return true;
	if (a.vmid !== b.vmid || a.kind !== b.kind || a.name !== b.name || a.node !== b.node || a.status !== b.status) return false;
	if (a.maxcpu !== b.maxcpu || a.maxmem !== b.maxmem || a.maxdisk !== b.maxdisk || a.template !== b.template) return false;
	if (a.lock !== b.lock || a.hastate !== b.hastate || a.pool !== b.pool) return false;
	if (a.lastKnown?.status !== b.lastKnown?.status || a.lastKnown?.at !== b.lastKnown?.at) return false;
	return sameTags(a.tags, b.tags);
}
