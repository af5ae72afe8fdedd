// What the console read on a guest's node right after its own action, held
// over the fleet poll until the cluster's view catches up.
//
// /cluster/resources builds a guest's status (and name) from the RRD data
// each node's pvestatd broadcasts every 10 s (pve-manager API2Tools.pm
// extract_vm_stats); status/current is read on the node at request time. So
// right after "✓ start OK" the fleet poll can still say `stopped`, as if the
// start had failed. The dispatcher reads status/current once when the task
// ends; its answer is shown until the poll's status moves off what it said
// then (the node broadcast: it now agrees, or shows something newer) or
// AFTER_ACTION_HOLD_MS pass (past a broadcast cycle and a poll, the poll is
// the truth again: something else changed the guest).

import type {GuestRow} from './types.js';

/** pvestatd's 10 s cycle, plus a poll's worth of margin. */
export const AFTER_ACTION_HOLD_MS = 15_000;

/** A guest's status/current as read after an action (already sanitised). */
export interface ReadAfterAction {
	status: string;
	/** The name the node reports: a guest new since the last broadcast has none in /cluster/resources yet. */
	name?: string;
}

interface Held extends ReadAfterAction {
	/** The poll's status when the read was taken ("unknown" for a guest the poll did not list yet). */
	pollSaid: string;
	at: number;
}

export interface AfterActionReads {
	/** Whether any read is held (a poll must then be merged, even an unchanged one). */
	holding(): boolean;
	/** Notes a read of `vmid` at `at`; `row` is the guest's row now. Returns the row to show instead, if it changes. */
	record(vmid: number, read: ReadAfterAction, row: GuestRow | undefined, at: number): GuestRow | undefined;
	/** A polled row as to show it: the held read while the poll still says what it said then. */
	apply(fresh: GuestRow, now: number): GuestRow;
	/** Forgets reads of guests the poll no longer lists (once held long enough: a poll sent before a restore may not list its guest yet). */
	keepOnly(listed: ReadonlyMap<number, GuestRow>, now: number): void;
}

/** The row with the read's status (and name). Never `lastKnown`: that marks a guest on an offline node, and its node just answered. */
function shown(row: GuestRow, held: ReadAfterAction): GuestRow {
	const {lastKnown: _offline, ...live} = row;
	return {...live, status: held.status, ...(held.name !== undefined ? {name: held.name} : {})};
}

export function createAfterActionReads(): AfterActionReads {
	const held = new Map<number, Held>();
	return {
		holding: () => held.size > 0,
		record(vmid, read, row, at) {
			// A second action before the broadcast: the poll still says what it said before the first.
			const pollSaid = held.get(vmid)?.pollSaid ?? row?.status ?? 'unknown';
			if (read.status === pollSaid) {
				held.delete(vmid);
				return row && row.status !== read.status ? {...row, status: read.status} : undefined;
			}
			const entry = {...read, pollSaid, at};
			held.set(vmid, entry);
			return row ? shown(row, entry) : undefined;
		},
		apply(fresh, now) {
			const entry = held.get(fresh.vmid);
			if (!entry) return fresh;
			if (fresh.status !== entry.pollSaid || now - entry.at > AFTER_ACTION_HOLD_MS) {
				held.delete(fresh.vmid);
				return fresh;
			}
			return shown(fresh, entry);
		},
		keepOnly(listed, now) {
			for (const [vmid, entry] of held) if (!listed.has(vmid) && now - entry.at > AFTER_ACTION_HOLD_MS) held.delete(vmid);
		},
	};
}
