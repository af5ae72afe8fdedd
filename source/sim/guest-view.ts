// How a guest looks in the list/status endpoints and in /cluster/resources.
// One place builds these so the three views never disagree about a number.

import {guestMetrics} from './drift.js';
import {handlerError} from './errors.js';
import {guestSizes} from './sizes.js';
import type {SimGuest, SimState} from './state.js';
import {guestName} from './state.js';

export type Json = Record<string, unknown>;

function tagsOf(guest: SimGuest): string | undefined {
	const tags = guest.config.tags;
	return typeof tags === 'string' && tags !== '' ? tags : undefined;
}

function isTemplate(guest: SimGuest): boolean {
	return guest.config.template === 1 || guest.config.template === '1';
}

/** GET /nodes/{node}/lxc|qemu entry (also the base of status/current). */
export function guestListEntry(state: SimState, guest: SimGuest): Json {
	const sizes = guestSizes(state, guest);
	const m = guestMetrics(state, guest);
	const entry: Json = {
		vmid: guest.vmid,
		name: guestName(guest),
		status: guest.status,
		cpu: m.cpu,
		cpus: sizes.cpus,
		mem: m.mem,
		maxmem: sizes.maxmem,
		maxdisk: sizes.maxdisk,
		netin: m.netin,
		netout: m.netout,
		diskread: m.diskread,
		diskwrite: m.diskwrite,
		uptime: m.uptime,
	};
	if (guest.type === 'lxc') {
		// Only containers report used disk space (qemu cannot see inside its images).
		entry.disk = m.disk;
		entry.type = 'lxc';
		entry.maxswap = sizes.maxswap;
		entry.swap = 0;
	}
	// The guest's init / kvm process id; a stable fake keeps responses deterministic.
	if (guest.status === 'running') entry.pid = 10000 + guest.vmid;
	const tags = tagsOf(guest);
	if (tags) entry.tags = tags;
	if (guest.lock) entry.lock = guest.lock;
	if (isTemplate(guest)) entry.template = 1;
	return entry;
}

/** The `ha` object of status/current (its contents are not in the schema). */
export function haInfo(guest: SimGuest): Json {
	if (!guest.ha) return {managed: 0};
	return {
		managed: 1,
		state: guest.ha.state,
		...(guest.ha.group ? {group: guest.ha.group} : {}),
		max_restart: guest.ha.max_restart ?? 1,
		max_relocate: guest.ha.max_relocate ?? 1,
	};
}

export function guestStatusCurrent(state: SimState, guest: SimGuest): Json {
	const entry = guestListEntry(state, guest);
	entry.ha = haInfo(guest);
	if (guest.type === 'qemu') {
		entry.qmpstatus = guest.paused ? 'paused' : guest.status;
		if (guest.config.agent !== undefined) entry.agent = String(guest.config.agent).startsWith('1') || String(guest.config.agent).includes('enabled=1') ? 1 : 0;
	}
	return entry;
}

/** /cluster/resources `type=vm` entry; offline node → status unknown, no live metrics. */
export function guestResource(state: SimState, guest: SimGuest): Json {
	const node = state.nodes.get(guest.node);
	const sizes = guestSizes(state, guest);
	const base: Json = {id: `${guest.type}/${guest.vmid}`, type: guest.type, vmid: guest.vmid, node: guest.node, name: guestName(guest)};
	if (!node?.online) {
		Object.assign(base, {status: 'unknown', maxcpu: sizes.cpus, maxmem: sizes.maxmem, maxdisk: sizes.maxdisk, template: isTemplate(guest) ? 1 : 0});
	} else {
		const m = guestMetrics(state, guest);
		Object.assign(base, {
			status: guest.status,
			cpu: m.cpu,
			maxcpu: sizes.cpus,
			mem: m.mem,
			maxmem: sizes.maxmem,
			disk: m.disk,
			maxdisk: sizes.maxdisk,
			netin: m.netin,
			netout: m.netout,
			diskread: m.diskread,
			diskwrite: m.diskwrite,
			uptime: m.uptime,
			template: isTemplate(guest) ? 1 : 0,
		});
	}
	const tags = tagsOf(guest);
	if (tags) base.tags = tags;
	// The HA manager's view (pve-manager reads it from the manager status): error/fence show here, not the request.
	if (guest.ha) base.hastate = guest.ha.crm ?? guest.ha.state;
	if (guest.pool) base.pool = guest.pool;
	if (guest.lock) base.lock = guest.lock;
	return base;
}

function configPath(node: string, type: SimGuest['type'], vmid: number | string): string {
	return `nodes/${node}/${type === 'lxc' ? 'lxc' : 'qemu-server'}/${vmid}.conf`;
}

/** The guest at {node}/{type}/{vmid}, or PVE's "does not exist" error for that config path. */
export function guestAt(state: SimState, node: string, type: SimGuest['type'], vmid: string): SimGuest {
	const guest = state.guests.get(Number(vmid));
	if (!guest || guest.node !== node || guest.type !== type) throw handlerError(`Configuration file '${configPath(node, type, vmid)}' does not exist`);
	return guest;
}
