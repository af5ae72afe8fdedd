// `pct list|status|listsnapshot` output as pve-container prints it
// (pve-api.md §5): printf formats, sorted keys for `status --verbose`, and the
// snapshot tree of PVE::GuestHelpers::print_snapshot_tree.

import {guestListEntry} from '../guest-view.js';
import type {SimGuest, SimState} from '../state.js';
import {guestName} from '../state.js';
import type {CommandOutcome} from './outcome.js';

function fail(message: string): CommandOutcome {
	return {code: 255, stdout: '', stderr: `${message}\n`};
}

function row(vmid: string, status: string, lock: string, name: string): string {
	return `${vmid.padEnd(10)} ${status.padEnd(10)} ${lock.padEnd(12)} ${name.padEnd(20)}\n`;
}

export function pctList(state: SimState, node: string): CommandOutcome {
	const guests = [...state.guests.values()].filter((g) => g.type === 'lxc' && g.node === node).sort((a, b) => a.vmid - b.vmid);
	let stdout = row('VMID', 'Status', 'Lock', 'Name');
	for (const g of guests) stdout += row(String(g.vmid), g.status, g.lock ?? '', guestName(g));
	return {code: 0, stdout, stderr: ''};
}

/** The guest `vmid` of this type on this node, or pct's / qm's error for it. */
export function guestOn(state: SimState, node: string, type: SimGuest['type'], vmid: string | undefined, usage: string): SimGuest | CommandOutcome {
	if (vmid === undefined) return fail(`400 not enough arguments\n${usage}`);
	if (!/^\d+$/.test(vmid)) return fail(`400 Parameter verification failed.\nvmid: type check ('integer') failed - got '${vmid}'\n${usage}`);
	const guest = state.guests.get(Number(vmid));
	if (!guest || guest.type !== type || guest.node !== node) return fail(`Configuration file 'nodes/${node}/${type === 'lxc' ? 'lxc' : 'qemu-server'}/${vmid}.conf' does not exist`);
	return guest;
}

/** The container `vmid` on this node, or pct's error for it. */
export function containerOn(state: SimState, node: string, vmid: string | undefined, usage: string): SimGuest | CommandOutcome {
	return guestOn(state, node, 'lxc', vmid, usage);
}

/** The VM `vmid` on this node, or qm's error for it. */
export function vmOn(state: SimState, node: string, vmid: string | undefined, usage: string): SimGuest | CommandOutcome {
	return guestOn(state, node, 'qemu', vmid, usage);
}

export function pctStatus(state: SimState, guest: SimGuest, verbose: boolean): CommandOutcome {
	if (!verbose) return {code: 0, stdout: `status: ${guest.status}\n`, stderr: ''};
	const entry = guestListEntry(state, guest);
	const lines = Object.keys(entry).sort().filter((k) => entry[k] !== undefined).map((k) => `${k}: ${String(entry[k])}\n`);
	return {code: 0, stdout: lines.join(''), stderr: ''};
}

interface TreeNode {
	name: string;
	snaptime?: number;
	description: string;
	children: string[];
}

function timestamp(epoch: number): string {
	return new Date(epoch * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The snapshot `current` hangs below: the config's `parent`, else the newest snapshot. */
function currentParent(guest: SimGuest): string | undefined {
	if (typeof guest.config.parent === 'string') return guest.config.parent;
	return [...guest.snapshots].sort((a, b) => b.snaptime - a.snaptime)[0]?.name;
}

export function pctListSnapshot(guest: SimGuest): CommandOutcome {
	const nodes = new Map<string, TreeNode>();
	for (const s of guest.snapshots) nodes.set(s.name, {name: s.name, snaptime: s.snaptime, description: s.description ?? '', children: []});
	nodes.set('current', {name: 'current', description: 'You are here!', children: []});
	const parents = new Map<string, string | undefined>(guest.snapshots.map((s) => [s.name, s.parent]));
	parents.set('current', currentParent(guest));
	const roots: string[] = [];
	for (const [name, parent] of parents) {
		if (parent !== undefined && nodes.has(parent)) nodes.get(parent)!.children.push(name);
		else roots.push(name);
	}
	// Oldest first; `current` (no snaptime) sorts last among its siblings.
	const byTime = (a: string, b: string) => (nodes.get(a)!.snaptime ?? Infinity) - (nodes.get(b)!.snaptime ?? Infinity);
	let stdout = '';
	const print = (prefix: string, name: string) => {
		const node = nodes.get(name)!;
		const description = (node.description || 'no-description').split('\n')[0];
		const width = Math.max(0, 30 - prefix.length);
		const time = node.snaptime === undefined ? '' : timestamp(node.snaptime);
		stdout += `${prefix} ${name.padEnd(width)} ${time.padEnd(23)} ${description}\n`;
		for (const child of node.children.sort(byTime)) print(` ${prefix}`, child);
	};
	for (const root of roots.sort(byTime)) print('`->', root);
	return {code: 0, stdout, stderr: ''};
}
