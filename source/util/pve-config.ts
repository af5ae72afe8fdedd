// Pure parsers for Proxmox "property strings" — the `key=value,key=value`
// format PVE uses for netN, rootfs, mpN, features, ipconfigN … — shared by the
// services (NIC inventory, detail) and the views (detail panel). Nothing here
// sanitises: callers sanitise at draw time, so parsed values stay exact.

import type {GuestKind, GuestNic} from '../store/types.js';

/**
 * Splits `a=1,b=2` into {a:'1', b:'2'}. A part without `=` is stored under
 * `defaultKey` (PVE's "default key": the volume of rootfs/mpN), or under its
 * own text with an empty value when there is no default key.
 */
export function parsePropertyString(s: string, defaultKey?: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const raw of s.split(',')) {
		const part = raw.trim();
		if (part === '') continue;
		const eq = part.indexOf('=');
		if (eq === -1) {
			if (defaultKey !== undefined && out[defaultKey] === undefined) out[defaultKey] = part;
			else out[part] = '';
			continue;
		}
		out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
	}
	return out;
}

const PVE_TRUE = new Set(['1', 'yes', 'on', 'true']);

function flag(value: string | undefined): boolean {
	return value !== undefined && PVE_TRUE.has(value.toLowerCase());
}

function vlanTag(value: string | undefined): number | undefined {
	if (value === undefined || !/^\d+$/.test(value)) return undefined;
	return Number(value);
}

// QEMU NICs carry the MAC under the model key: `virtio=BC:24:11:…,bridge=vmbr0`.
const QEMU_NIC_MODELS = ['virtio', 'e1000', 'e1000e', 'rtl8139', 'vmxnet3', 'e1000-82540em', 'e1000-82544gc', 'e1000-82545em', 'i82551', 'i82557b', 'i82559er', 'ne2k_isa', 'ne2k_pci', 'pcnet'];

// A NIC is kept in the store for every guest (10,000 at the largest fleets),
// so its values are copied out of the config text: V8 makes a substring of 13
// or more characters (a MAC, an address with its prefix) a slice that keeps
// the whole `netN` string alive — ~1.5 MB at 10,000 guests (issue 12). Values
// most guests share (the interface name, bridge, gateway) are one string each.
const SLICE_MIN_LENGTH = 13;
const SHARED_VALUES_LIMIT = 4096;
const sharedValues = new Map<string, string>();

/** `value` as a string of its own (a slice's parent is not kept). */
function ownCopy(value: string): string {
	return value.length < SLICE_MIN_LENGTH ? value : Buffer.from(value, 'utf8').toString('utf8');
}

/** One string for each distinct value (bounded: past the limit the table starts again). */
function sharedValue(value: string): string {
	let shared = sharedValues.get(value);
	if (shared === undefined) {
		if (sharedValues.size >= SHARED_VALUES_LIMIT) sharedValues.clear();
		shared = ownCopy(value);
		sharedValues.set(shared, shared);
	}
	return shared;
}

/** Parses one `netN` value (LXC or QEMU form). */
export function parseNic(id: string, value: string): GuestNic {
	const p = parsePropertyString(value);
	const nic: GuestNic = {id: sharedValue(id), firewall: flag(p.firewall), linkDown: flag(p.link_down)};
	if (p.name) nic.name = sharedValue(p.name);
	if (p.bridge) nic.bridge = sharedValue(p.bridge);
	if (p.ip) nic.ip = ownCopy(p.ip);
	if (p.gw) nic.gw = sharedValue(p.gw);
	if (p.ip6) nic.ip6 = ownCopy(p.ip6);
	const tag = vlanTag(p.tag);
	if (tag !== undefined) nic.tag = tag;
	let hwaddr = p.hwaddr;
	if (!hwaddr) {
		const model = QEMU_NIC_MODELS.find((m) => p[m] !== undefined && p[m] !== '');
		if (model) hwaddr = p[model];
	}
	if (hwaddr) nic.hwaddr = ownCopy(hwaddr);
	return nic;
}

export interface MountPoint {
	id: string; // "rootfs" | "mp0"
	volume: string; // "vmstore:subvol-101-disk-0" or a host path for bind mounts
	path?: string; // mount path inside the guest ("/storage"); rootfs is "/"
	size?: string; // "30G" as PVE writes it
	options: Record<string, string>;
}

/** Parses `rootfs` or an `mpN` value: `volume,mp=/path,size=8G,…`. */
export function parseMountPoint(id: string, value: string): MountPoint {
	const options = parsePropertyString(value, 'volume');
	const mount: MountPoint = {id, volume: options.volume ?? '', options};
	const path = id === 'rootfs' ? '/' : options.mp;
	if (path) mount.path = path;
	if (options.size) mount.size = options.size;
	return mount;
}

function numberedKeys(config: Record<string, unknown>, prefix: string): string[] {
	// A config answer of null (or any non-object) holds no NIC or mount point; Object.keys(null) threw.
	if (config === null || typeof config !== 'object') return [];
	const pattern = new RegExp(`^${prefix}(\\d+)$`);
	return Object.keys(config)
		.filter((key) => pattern.test(key) && typeof config[key] === 'string')
		.sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
}

/**
 * Every NIC of a guest config, ordered net0, net1, … (numerically, so net10
 * follows net9). For QEMU the address lives in the matching `ipconfigN`
 * (cloud-init), so it is merged in when the NIC itself has none.
 */
export function listNics(config: Record<string, unknown>, kind: GuestKind = 'lxc'): GuestNic[] {
	return numberedKeys(config, 'net').map((key) => {
		const nic = parseNic(key, config[key] as string);
		if (kind === 'qemu') {
			const ipconfig = config[`ipconfig${key.slice(3)}`];
			if (typeof ipconfig === 'string') {
				const p = parsePropertyString(ipconfig);
				if (!nic.ip && p.ip) nic.ip = ownCopy(p.ip);
				if (!nic.gw && p.gw) nic.gw = sharedValue(p.gw);
				if (!nic.ip6 && p.ip6) nic.ip6 = ownCopy(p.ip6);
			}
		}
		return nic;
	});
}

/** Every `mpN` of a config, in numeric order. */
export function listMountPoints(config: Record<string, unknown>): MountPoint[] {
	return numberedKeys(config, 'mp').map((key) => parseMountPoint(key, config[key] as string));
}

/** PVE tags: separated by `;` (canonical), `,` or spaces; empties dropped, duplicates removed. */
export function parseTags(s: string | undefined): string[] {
	if (!s) return [];
	const seen = new Set<string>();
	for (const tag of s.split(/[;,\s]+/)) if (tag !== '') seen.add(tag);
	return [...seen];
}
