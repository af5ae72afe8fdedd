// The fleet's "shape": which guests exist and each one's name, node, state,
// kind and template flag — what the topology, the ZFS consumers and the
// problem correlation draw from. A poll of an idle fleet changes every row's
// CPU and memory (new row objects, a new Map) but not its shape, so what is
// keyed on the shape is not rebuilt (issue 12: at 10,000 guests those
// rebuilds were most of the idle CPU).

import type {GuestRow} from './types.js';

export const sameGuestShape = (a: GuestRow, b: GuestRow) => a === b || (a.name === b.name && a.node === b.node && a.status === b.status && a.template === b.template && a.kind === b.kind);

export function sameFleetShape(a: ReadonlyMap<number, GuestRow>, b: ReadonlyMap<number, GuestRow>): boolean {
	if (a === b) return true;
	if (a.size !== b.size) return false;
	for (const [vmid, row] of b) {
		const old = a.get(vmid);
		if (!old || !sameGuestShape(old, row)) return false;
	}
	return true;
}

/** A token that keeps its identity while the fleet's shape does (one memo per caller). */
export function createShapeToken(): (guests: ReadonlyMap<number, GuestRow>) => object {
	let last: {guests: ReadonlyMap<number, GuestRow>; token: object} | undefined;
	return (guests) => {
		if (last && sameFleetShape(last.guests, guests)) {
			last = {guests, token: last.token};
			return last.token;
		}
		last = {guests, token: {}};
		return last.token;
	};
}
