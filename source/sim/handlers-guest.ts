// Guest read endpoints for both LXC and QEMU: lists, status/current, config
// (with PVE's sha1 `digest`) and the snapshot list.

import {createHash} from 'node:crypto';
import {hasPriv} from './acl.js';
import {handlerError} from './errors.js';
import {guestAt, guestListEntry, guestStatusCurrent, type Json} from './guest-view.js';
import type {Handler} from './handler-types.js';
import {principalOf} from './handler-types.js';
import {currentParent} from './lxc-snapshots.js';
import type {SimGuest, SimSnapshot} from './state.js';

/** The config file text as pmxcfs stores it; its sha1 is the `digest`. */
function configText(config: SimGuest['config']): string {
	const lines: string[] = [];
	for (const [key, value] of Object.entries(config)) {
		if (key === 'description') continue;
		if (Array.isArray(value)) for (const [k, v] of value) lines.push(`${key}.${k}: ${v}`);
		else lines.push(`${key}: ${value}`);
	}
	const description = typeof config.description === 'string' ? config.description.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1).map((l) => `#${l}`) : [];
	return `${[...description, ...lines].join('\n')}\n`;
}

export function configDigest(config: SimGuest['config']): string {
	return createHash('sha1').update(configText(config)).digest('hex');
}

function listGuests(type: SimGuest['type']): Handler {
	return (ctx) => {
		const principal = principalOf(ctx);
		const out: Json[] = [];
		for (const g of [...ctx.state.guests.values()].sort((a, b) => a.vmid - b.vmid)) {
			if (g.node !== ctx.params.node || g.type !== type) continue;
			if (!hasPriv(ctx.state, principal, `/vms/${g.vmid}`, 'VM.Audit')) continue;
			out.push(guestListEntry(ctx.state, g));
		}
		return {data: out};
	};
}

function statusCurrent(type: SimGuest['type']): Handler {
	return ({state, params}) => ({data: guestStatusCurrent(state, guestAt(state, params.node!, type, params.vmid!))});
}

/** A snapshot section as the config file stores it: the config copy plus its own keys (no digest). */
function snapshotSection(snap: SimSnapshot): Json {
	const section: Json = {...structuredClone(snap.config), snaptime: snap.snaptime};
	if (snap.description !== undefined) section.description = snap.description;
	if (snap.parent !== undefined) section.parent = snap.parent;
	if (snap.snapstate !== undefined) section.snapstate = snap.snapstate;
	return section;
}

function getConfig(type: SimGuest['type']): Handler {
	return ({state, params}) => {
		const guest = guestAt(state, params.node!, type, params.vmid!);
		if (params.snapshot !== undefined) {
			const snap = guest.snapshots.find((s) => s.name === params.snapshot);
			if (!snap) throw handlerError(`snapshot '${params.snapshot}' does not exist`);
			return {data: {...snapshotSection(snap), digest: configDigest(guest.config)}};
		}
		return {data: {...structuredClone(guest.config), digest: configDigest(guest.config)}};
	};
}

/** GET …/snapshot/{snapname}/config: the stored section (Snapshot.pm returns it as is). */
function getSnapshotConfig(type: SimGuest['type']): Handler {
	return ({state, params}) => {
		const guest = guestAt(state, params.node!, type, params.vmid!);
		const snap = guest.snapshots.find((s) => s.name === params.snapname);
		if (!snap) throw handlerError(`snapshot '${params.snapname}' does not exist`);
		return {data: snapshotSection(snap)};
	};
}

function listSnapshots(type: SimGuest['type']): Handler {
	return ({state, params}) => {
		const guest = guestAt(state, params.node!, type, params.vmid!);
		const out: Json[] = guest.snapshots.map((s) => ({
			name: s.name,
			description: s.description ?? '',
			snaptime: s.snaptime,
			...(s.parent ? {parent: s.parent} : {}),
			...(s.snapstate ? {snapstate: s.snapstate} : {}),
		}));
		const parent = currentParent(guest);
		out.push({name: 'current', description: 'You are here!', running: guest.status === 'running' ? 1 : 0, digest: configDigest(guest.config), ...(parent ? {parent} : {})});
		return {data: out};
	};
}

export const getLxcList = listGuests('lxc');
export const getQemuList = listGuests('qemu');
export const getLxcStatus = statusCurrent('lxc');
export const getQemuStatus = statusCurrent('qemu');
export const getLxcConfig = getConfig('lxc');
export const getQemuConfig = getConfig('qemu');
export const getLxcSnapshots = listSnapshots('lxc');
export const getLxcSnapshotConfig = getSnapshotConfig('lxc');
