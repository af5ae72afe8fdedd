// Static sizes derived from a guest config the way Proxmox derives them
// (memory in MiB, disk `size=8G` in the rootfs/scsi0 property string).

import type {SimGuest, SimState} from './state.js';

const MIB = 1024 * 1024;
const UNIT: Record<string, number> = {K: 1024, M: MIB, G: 1024 * MIB, T: 1024 * 1024 * MIB};

function configNumber(guest: SimGuest, key: string): number | undefined {
	const value = guest.config[key];
	if (typeof value === 'number') return value;
	// qemu's `memory` is a property string since PVE 8.1: "8192" or "current=8192".
	const match = typeof value === 'string' ? /^(?:current=)?(\d+(?:\.\d+)?)(?:,|$)/.exec(value) : null;
	if (match) return Number(match[1]);
	return undefined;
}

/** `size=8G` inside a disk property string → bytes. */
export function parseDiskSize(spec: unknown): number {
	if (typeof spec !== 'string') return 0;
	const match = /(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)/.exec(spec);
	if (!match) return 0;
	return Math.round(Number(match[1]) * (UNIT[match[2] ?? ''] ?? 1));
}

/** "4.51 GiB" (or with `precision` decimals), as PVE::Tools::render_bytes writes it. */
export function renderBytes(bytes: number, precision = 2): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return unit === 0 ? `${value} B` : `${value.toFixed(precision)} ${units[unit]}`;
}

export interface GuestSizes {maxmem: number; maxswap: number; maxdisk: number; cpus: number}

export function guestSizes(state: SimState, guest: SimGuest): GuestSizes {
	const hostCpus = state.nodes.get(guest.node)?.cpuinfo.cpus ?? 1;
	const maxmem = (configNumber(guest, 'memory') ?? 512) * MIB;
	if (guest.type === 'lxc') {
		return {maxmem, maxswap: (configNumber(guest, 'swap') ?? 512) * MIB, maxdisk: parseDiskSize(guest.config.rootfs), cpus: configNumber(guest, 'cores') ?? hostCpus};
	}
	const bootDisk = ['scsi0', 'virtio0', 'sata0', 'ide0'].map((k) => guest.config[k]).find((v) => typeof v === 'string');
	const cores = configNumber(guest, 'cores') ?? 1;
	return {maxmem, maxswap: 0, maxdisk: parseDiskSize(bootDisk), cpus: cores * (configNumber(guest, 'sockets') ?? 1)};
}
