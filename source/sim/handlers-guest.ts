// Guest read endpoints for both LXC and QEMU: lists, status/current, config
// (with PVE's sha1 `digest`), the snapshot list, and a VM's guest-agent
// network-get-interfaces.

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
			// qemu-server lists whether the RAM was saved; pve-container has no such key.
			...(type === 'qemu' ? {vmstate: typeof s.config.vmstate === 'string' ? 1 : 0} : {}),
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
export const getQemuSnapshots = listSnapshots('qemu');
export const getQemuSnapshotConfig = getSnapshotConfig('qemu');

/** A fixture MAC or IP text could carry anything; the agent reports plain values. */
function agentAddress(cidr: string): Json {
	const [address = '', prefix = ''] = cidr.split('/');
	const v6 = address.includes(':');
	return {'ip-address-type': v6 ? 'ipv6' : 'ipv4', 'ip-address': address, prefix: Number(prefix || (v6 ? 64 : 24))};
}

/**
 * GET …/qemu/{vmid}/agent/network-get-interfaces: PVE::QemuServer::Agent's
 * assert_agent_available, in its order, then the agent's answer wrapped in
 * `result` (with the loopback first, as guests report it).
 */
export const getQemuAgentInterfaces: Handler = ({state, params}) => {
	const guest = guestAt(state, params.node!, 'qemu', params.vmid!);
	if (guest.config.agent === undefined) throw handlerError('No QEMU guest agent configured');
	if (guest.status !== 'running') throw handlerError(`VM ${guest.vmid} is not running`);
	const agentOn = /^1(,|$)|(^|,)enabled=1(,|$)/.test(String(guest.config.agent));
	if (!agentOn || !guest.guestAgent || guest.paused) throw handlerError('QEMU guest agent is not running');
	const loopback: Json = {name: 'lo', 'hardware-address': '00:00:00:00:00:00', 'ip-addresses': [agentAddress('127.0.0.1/8'), agentAddress('::1/128')]};
	const interfaces = guest.guestAgent.interfaces.map((nic) => ({name: nic.name, 'hardware-address': nic.hwaddr.toLowerCase(), 'ip-addresses': nic.ips.map(agentAddress)}));
	return {data: {result: [loopback, ...interfaces]}};
};
