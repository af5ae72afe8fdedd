// What each node's pvestatd last broadcast about its guests, for
// /cluster/resources.
//
// On a real cluster (pve-manager PVE/API2/Cluster.pm, `resources`) a guest's
// entry comes from three sources read at request time:
// - the vmlist (pmxcfs): id, vmid, node, type. Instant: a created guest is
//   listed at once, a deleted one gone at once, a migrated one on its new node.
// - the guest config (get_guest_config_properties): lock, tags. Instant.
// - the RRD cache (rrd_dump → API2Tools::extract_vm_stats): status, uptime,
//   name, template, maxcpu, cpu, maxmem, mem, maxdisk, disk, net/disk
//   counters, memhost. What the owning node's pvestatd sent in its last
//   10 s cycle (pvestatd.pm update_lxc_status / update_qemu_status,
//   broadcast_rrd keyed by vmid alone). A guest without an RRD entry yet
//   (created since the last broadcast) is listed with `status: unknown` and
//   none of those keys.
// So after `pct start` ends, /cluster/resources says `stopped` until the node
// broadcasts again, while status/current (read on the node now) says running.
//
// Copying every guest at every broadcast would be 10,000 objects every few
// seconds on a large fleet. Instead a guest that changes remembers, once per
// cycle, how it looked before the change and when the change happened; a
// read shows that earlier look while the node has not broadcast since.
// A test that writes a guest's fields directly, without these calls, is taken
// as already broadcast.

import {nodeBroadcastAt} from './drift.js';
import type {SimGuest, SimState} from './state.js';

interface Unbroadcast {
	/** Simulated ms of the first change the node has not broadcast yet. */
	changedAt: number;
	/** The guest as the last broadcast before that change saw it; null when there was none (a new guest). */
	seen: Readonly<SimGuest> | null;
}

/** Guests with a change their node has not broadcast yet; an entry goes once a read finds it broadcast. */
const unbroadcast = new WeakMap<SimGuest, Unbroadcast>();

/**
 * Call before changing what pvestatd broadcasts of a guest (its status,
 * start time, or a config that names or sizes it) at simulated time `atMs`.
 * Only the first change since the node's last broadcast is kept: that
 * broadcast saw the guest as it was before it.
 */
export function beforeBroadcastChange(state: SimState, guest: SimGuest, atMs: number = state.clock()): void {
	const known = unbroadcast.get(guest);
	if (known && known.changedAt > nodeBroadcastAt(state, guest.node, atMs)) return;
	// A shallow copy: a config is replaced, not edited, when its broadcast fields change (rollback, restore).
	unbroadcast.set(guest, {changedAt: atMs, seen: {...guest}});
}

/** A guest that did not exist at its node's last broadcast: /cluster/resources has no figures for it yet. */
export function guestCreated(state: SimState, guest: SimGuest, atMs: number = state.clock()): void {
	unbroadcast.set(guest, {changedAt: atMs, seen: null});
}

/**
 * The guest as its node's last broadcast saw it (as of now): the guest itself
 * when nothing changed since, null when that broadcast did not know it.
 */
export function broadcastView(state: SimState, guest: SimGuest): Readonly<SimGuest> | null {
	const known = unbroadcast.get(guest);
	if (!known) return guest;
	if (known.changedAt > nodeBroadcastAt(state, guest.node)) return known.seen;
	unbroadcast.delete(guest);
	return guest;
}
