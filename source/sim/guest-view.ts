// How a guest looks in the list/status endpoints and in /cluster/resources.
// One place builds these so the three views never disagree about a number.

import {broadcastView} from './broadcast.js';
import {DRIFT_STEP_MS, guestMetrics, nodeBroadcastAt, noise, type GuestMetrics, type MeasuredGuest} from './drift.js';
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

/** PVE 9 (pve-manager 9, qemu-server 9, pve-container 6) added `memhost` and the `pressure*` keys. */
export function isPve9(state: SimState): boolean {
	return Number.parseInt(state.version.version, 10) >= 9;
}

/** The host's view of a VM's memory (the QEMU process RSS): the guest's use plus QEMU's own overhead; 0 when stopped. */
function memHost(guest: SimGuest, m: GuestMetrics): number {
	return guest.status === 'running' && guest.type === 'qemu' ? Math.floor(m.mem * 1.04) + 48 * 1024 ** 2 : 0;
}

/**
 * A running guest's cgroup pressure stall averages (avg10, percent), as
 * vmstatus reads them from /sys/fs/cgroup/…/{cpu,io,memory}.pressure: small,
 * drifting with the clock, CPU "some" rising with the guest's CPU use. A
 * stopped guest has no cgroup, so the keys are absent.
 */
function pressures(state: SimState, guest: SimGuest, m: GuestMetrics): Json {
	if (guest.status !== 'running') return {};
	const tick = Math.floor(state.clock() / DRIFT_STEP_MS);
	const stall = (salt: number, scale: number) => Math.round(noise(state.seed, guest.vmid, tick, salt) * scale * 100) / 100;
	const cpuSome = Math.round((m.cpu * 8 + stall(11, 0.5)) * 100) / 100;
	return {
		pressurecpusome: cpuSome,
		pressurecpufull: Math.round(cpuSome * 0.2 * 100) / 100,
		pressureiosome: stall(12, 1.5),
		pressureiofull: stall(13, 0.8),
		pressurememorysome: stall(14, 0.1),
		pressurememoryfull: stall(15, 0.05),
	};
}

/** The totals since start and the uptime, named as both the node's list and the RRD entry name them. */
function counters(m: GuestMetrics): Json {
	return {netin: m.netin, netout: m.netout, diskread: m.diskread, diskwrite: m.diskwrite, uptime: m.uptime};
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
		...counters(m),
	};
	if (isPve9(state)) {
		Object.assign(entry, pressures(state, guest, m));
		if (guest.type === 'qemu') entry.memhost = memHost(guest, m);
	}
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

/** A guest as its node's last pvestatd broadcast saw it, with the figures and sizes it sent. */
export interface BroadcastGuest extends MeasuredGuest {
	seen: Readonly<SimGuest>;
}

/** What the node's last broadcast said about `guest`; null when it has not seen the guest yet (broadcast.ts). */
export function lastBroadcast(state: SimState, guest: SimGuest): BroadcastGuest | null {
	const seen = broadcastView(state, guest);
	if (!seen) return null;
	const sizes = guestSizes(state, seen);
	return {seen, sizes, metrics: guestMetrics(state, seen, nodeBroadcastAt(state, guest.node), sizes)};
}

/**
 * /cluster/resources `type=vm` entry. Where it comes from (broadcast.ts):
 * id, node, type from the vmlist and lock, tags from the config, both live;
 * the rest is what the node's pvestatd last broadcast (`broadcast`, which
 * /cluster/resources measures once per guest for the guest's and its node's
 * entry). A guest created since has no broadcast yet: `status: unknown` and
 * no figures. Offline node → status unknown, no live metrics.
 */
export function guestResource(state: SimState, guest: SimGuest, broadcast: (guest: SimGuest) => BroadcastGuest | null = (g) => lastBroadcast(state, g)): Json {
	const node = state.nodes.get(guest.node);
	const base: Json = {id: `${guest.type}/${guest.vmid}`, type: guest.type, vmid: guest.vmid, node: guest.node};
	if (!node?.online) {
		const sizes = guestSizes(state, guest);
		Object.assign(base, {name: guestName(guest), status: 'unknown', maxcpu: sizes.cpus, maxmem: sizes.maxmem, maxdisk: sizes.maxdisk, template: isTemplate(guest) ? 1 : 0});
	} else {
		const seen = broadcast(guest);
		if (!seen) base.status = 'unknown';
		else Object.assign(base, broadcastFields(state, seen));
	}
	const tags = tagsOf(guest);
	if (tags) base.tags = tags;
	// The HA manager's view (pve-manager reads it from the manager status): error/fence show here, not the request.
	if (guest.ha) base.hastate = guest.ha.crm ?? guest.ha.state;
	if (guest.pool) base.pool = guest.pool;
	if (guest.lock) base.lock = guest.lock;
	return base;
}

/** extract_vm_stats over one RRD entry: what pvestatd sent at its last broadcast about the guest. */
function broadcastFields(state: SimState, {seen, sizes, metrics: m}: BroadcastGuest): Json {
	const fields: Json = {
		name: guestName(seen),
		status: seen.status,
		cpu: m.cpu,
		maxcpu: sizes.cpus,
		mem: m.mem,
		maxmem: sizes.maxmem,
		disk: m.disk,
		maxdisk: sizes.maxdisk,
		...counters(m),
		template: isTemplate(seen) ? 1 : 0,
	};
	// PVE 9 lists memhost for every guest; only a VM's is measured (containers report 0).
	if (isPve9(state)) fields.memhost = memHost(seen, m);
	return fields;
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
