// `zfs list`, `zpool list` and `zpool status` over a node's fixture datasets
// and pools, in OpenZFS's layouts (samples zfs-list-*.txt, zpool-*.txt):
// -H → tab-separated without header, -p → exact bytes; otherwise a header and
// space-aligned columns with zfs_nicenum sizes (1024-based, at most 5 chars).
// Snapshots come from the guests' snapshots: a container's
// `local-zfs:subvol-101-disk-0` on a zfspool storage with pool rpool/data has
// snapshots `rpool/data/subvol-101-disk-0@<name>`.

import {noise} from '../drift.js';
import type {FixtureDataset, FixtureVdev, FixtureZpool} from '../fixture-types.js';
import type {SimNode, SimState} from '../state.js';
import type {CommandOutcome} from './outcome.js';

/** zfs_nicenum: 1024-based, integer when exact, else the most decimals that fit in 5 characters. */
export function nicenum(bytes: number): string {
	const units = ['B', 'K', 'M', 'G', 'T', 'P', 'E'];
	let u = 0;
	while (u < units.length - 1 && bytes >= 1024 ** (u + 1)) u++;
	const value = bytes / 1024 ** u;
	const unit = units[u]!;
	if (u === 0 || Number.isInteger(value)) return `${Math.floor(value)}${unit}`;
	for (let decimals = 2; decimals > 0; decimals--) {
		const text = `${value.toFixed(decimals)}${unit}`;
		if (text.length <= 5) return text;
	}
	return `${value.toFixed(0)}${unit}`;
}

interface ZfsRow {
	name: string;
	type: 'filesystem' | 'volume' | 'snapshot';
	used: number;
	avail?: number;
	refer: number;
	usedbysnapshots?: number;
	compressratio: string;
	mountpoint: string;
	creation: number;
}

/** Ordered like zfs list: each dataset, then its snapshots (oldest first), then its children. */
function zfsRows(state: SimState, node: SimNode): ZfsRow[] {
	// zfs sorts names bytewise (rpool/ROOT before rpool/data).
	const datasets = [...(node.zfs?.datasets ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	const snapshotsOf = snapshotIndex(state, node, datasets);
	const rows: ZfsRow[] = [];
	for (const [i, ds] of datasets.entries()) {
		rows.push({
			name: ds.name, type: ds.type, used: ds.used, avail: ds.avail, refer: ds.refer, usedbysnapshots: ds.usedbysnapshots,
			compressratio: ds.compressratio, mountpoint: ds.type === 'volume' ? '-' : ds.mountpoint,
			creation: Math.floor(state.startedAt / 1000) - 86_400 * (400 + Math.floor(noise(state.seed, i, 0, 31) * 300)),
		});
		rows.push(...(snapshotsOf.get(ds.name) ?? []));
	}
	return rows;
}

function snapshotIndex(state: SimState, node: SimNode, datasets: FixtureDataset[]): Map<string, ZfsRow[]> {
	const byName = new Map(datasets.map((d) => [d.name, d]));
	const index = new Map<string, ZfsRow[]>();
	for (const guest of state.guests.values()) {
		if (guest.node !== node.name || guest.snapshots.length === 0) continue;
		for (const [key, value] of Object.entries(guest.config)) {
			if (!/^(rootfs|mp\d+|scsi\d+|virtio\d+|sata\d+|efidisk0)$/.test(key) || typeof value !== 'string') continue;
			const match = /^([^:,]+):([^,]+)/.exec(value);
			const storage = node.storages.find((s) => s.storage === match?.[1] && s.type === 'zfspool');
			const ds = storage?.pool ? byName.get(`${storage.pool}/${match![2]}`) : undefined;
			if (!ds) continue;
			const snaps = [...guest.snapshots].sort((a, b) => a.snaptime - b.snaptime).map((snap, i): ZfsRow => ({
				name: `${ds.name}@${snap.name}`,
				type: 'snapshot',
				used: Math.floor((ds.usedbysnapshots / Math.max(1, guest.snapshots.length)) * (0.5 + noise(state.seed, guest.vmid, i, 41))) || 0,
				refer: Math.floor(ds.refer * (0.9 + 0.1 * noise(state.seed, guest.vmid, i, 42))),
				compressratio: ds.compressratio,
				mountpoint: '-',
				creation: snap.snaptime,
			}));
			index.set(ds.name, snaps);
		}
	}
	return index;
}

const ZFS_PROPS: Record<string, keyof ZfsRow> = {
	name: 'name', type: 'type', used: 'used', avail: 'avail', available: 'avail', refer: 'refer', referenced: 'refer',
	usedbysnapshots: 'usedbysnapshots', usedsnap: 'usedbysnapshots', compressratio: 'compressratio', ratio: 'compressratio',
	mountpoint: 'mountpoint', creation: 'creation',
};
const SIZE_PROPS = new Set(['used', 'avail', 'refer', 'usedbysnapshots']);
const NUMERIC_COLUMNS = new Set(['used', 'avail', 'available', 'refer', 'referenced', 'usedbysnapshots', 'usedsnap', 'compressratio', 'ratio']);

function zfsValue(row: ZfsRow, prop: string, exact: boolean): string {
	const field = ZFS_PROPS[prop]!;
	const value = row[field];
	if (value === undefined) return '-';
	if (SIZE_PROPS.has(field)) return exact ? String(value) : nicenum(value as number);
	if (field === 'creation') return exact ? String(value) : ctimeShort(value as number);
	if (field === 'compressratio') return exact ? String(value).replace(/x$/, '') : `${String(value).replace(/x$/, '')}x`;
	return String(value);
}

/** `zfs get creation` style: "Sun Nov 22  3:00 2026". */
function ctimeShort(epoch: number): string {
	const d = new Date(epoch * 1000);
	const day = d.toLocaleString('en-US', {weekday: 'short', timeZone: 'UTC'});
	const month = d.toLocaleString('en-US', {month: 'short', timeZone: 'UTC'});
	return `${day} ${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${String(d.getUTCHours()).padStart(2, ' ')}:${String(d.getUTCMinutes()).padStart(2, '0')} ${d.getUTCFullYear()}`;
}

/** Header + space-aligned columns (two spaces apart; numbers right-aligned), or tab-separated with -H. */
function table(headers: string[], rows: string[][], scripted: boolean, rightAligned: (col: number) => boolean): string {
	if (scripted) return rows.map((r) => `${r.join('\t')}\n`).join('');
	const all = [headers, ...rows];
	const widths = headers.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
	return all.map((r) => r.map((cell, c) => {
		const last = c === r.length - 1;
		if (rightAligned(c)) return cell.padStart(widths[c]!);
		return last ? cell : cell.padEnd(widths[c]!);
	}).join('  ') + '\n').join('');
}

interface Flags {
	scripted: boolean;
	exact: boolean;
	recursive: boolean;
	props?: string[];
	types?: string[];
	operands: string[];
	verbose: boolean;
	fullPaths: boolean;
	unhealthyOnly: boolean;
}

/** getopt-style flags: bundles like -Hp, and -o/-t taking the next word. */
function parseFlags(args: string[], withValue: string): Flags | {error: string} {
	const flags: Flags = {scripted: false, exact: false, recursive: false, operands: [], verbose: false, fullPaths: false, unhealthyOnly: false};
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if (!arg.startsWith('-') || arg === '-') {
			flags.operands.push(arg);
			continue;
		}
		for (let j = 1; j < arg.length; j++) {
			const f = arg[j]!;
			if (withValue.includes(f)) {
				const value = arg.slice(j + 1) || args[++i];
				if (value === undefined) return {error: `missing argument for '${f}' option`};
				if (f === 'o') flags.props = value.split(',');
				else if (f === 't') flags.types = value.split(',');
				break;
			}
			if (f === 'H') flags.scripted = true;
			else if (f === 'p') flags.exact = true;
			else if (f === 'r') flags.recursive = true;
			else if (f === 'v') flags.verbose = true;
			else if (f === 'P') flags.fullPaths = true;
			else if (f === 'x') flags.unhealthyOnly = true;
			else return {error: `invalid option '${f}'`};
		}
	}
	return flags;
}

function usage(error: string, command: string): CommandOutcome {
	return {code: 2, stdout: '', stderr: `${error}\nusage:\n\t${command}\n`};
}

export function zfsCommand(state: SimState, node: SimNode, args: string[]): CommandOutcome {
	if (!node.zfs) return {code: 127, stdout: '', stderr: 'bash: zfs: command not found\n'};
	if (args[0] !== 'list') {
		return usage(args[0] === undefined ? 'missing command' : `unrecognized command '${args[0]}'`, 'list [-Hp] [-r|-d max] [-o property[,...]] [-s property]... [-S property]... [-t type[,...]] [filesystem|volume|snapshot] ...');
	}
	const flags = parseFlags(args.slice(1), 'ot');
	const listUsage = 'list [-Hp] [-r|-d max] [-o property[,...]] [-t type[,...]] [filesystem|volume|snapshot] ...';
	if ('error' in flags) return usage(flags.error, listUsage);
	const props = flags.props ?? ['name', 'used', 'avail', 'refer', 'mountpoint'];
	const badProp = props.find((p) => !(p in ZFS_PROPS));
	if (badProp !== undefined) return usage(`bad property list: invalid property '${badProp}'`, listUsage);
	const types = new Set((flags.types ?? ['filesystem', 'volume']).flatMap((t) => (t === 'all' ? ['filesystem', 'volume', 'snapshot'] : [t === 'snap' ? 'snapshot' : t])));
	let rows = zfsRows(state, node);
	if (flags.operands.length > 0) {
		const chosen: ZfsRow[] = [];
		for (const operand of flags.operands) {
			if (!rows.some((r) => r.name === operand)) return {code: 1, stdout: '', stderr: `cannot open '${operand}': dataset does not exist\n`};
			chosen.push(...rows.filter((r) => r.name === operand || (flags.recursive && (r.name.startsWith(`${operand}/`) || r.name.startsWith(`${operand}@`)))));
		}
		// A snapshot named explicitly (`pool/ds@snap`) is listed whatever -t says.
		rows = chosen.filter((r) => types.has(r.type) || (r.type === 'snapshot' && flags.operands.includes(r.name)));
	} else {
		rows = rows.filter((r) => types.has(r.type));
	}
	if (rows.length === 0) return {code: 0, stdout: '', stderr: 'no datasets available\n'};
	const body = rows.map((row) => props.map((p) => zfsValue(row, p, flags.exact)));
	return {code: 0, stdout: table(props.map((p) => p.toUpperCase()), body, flags.scripted, (c) => NUMERIC_COLUMNS.has(props[c]!)), stderr: ''};
}

// ---------------------------------------------------------------- zpool

const ZPOOL_PROPS = ['name', 'size', 'alloc', 'free', 'ckpoint', 'expandsz', 'frag', 'cap', 'dedup', 'health', 'altroot'];
const ZPOOL_ALIASES: Record<string, string> = {allocated: 'alloc', fragmentation: 'frag', capacity: 'cap', dedupratio: 'dedup'};

function zpoolValue(pool: FixtureZpool, prop: string, exact: boolean): string {
	const unavailable = pool.health === 'FAULTED' || pool.health === 'UNAVAIL';
	switch (prop) {
		case 'name': return pool.name;
		case 'health': return pool.health;
		case 'ckpoint': case 'expandsz': case 'altroot': return '-';
	}
	if (unavailable) return '-';
	switch (prop) {
		case 'size': case 'alloc': case 'free': {
			const bytes = pool[prop];
			return exact ? String(bytes) : nicenum(bytes);
		}
		case 'frag': return exact ? String(pool.frag) : `${pool.frag}%`;
		case 'cap': {
			const cap = Math.floor((pool.alloc / pool.size) * 100);
			return exact ? String(cap) : `${cap}%`;
		}
		case 'dedup': return exact ? pool.dedup.toFixed(2) : `${pool.dedup.toFixed(2)}x`;
		default: return '-';
	}
}

function poolsOf(node: SimNode, operands: string[]): FixtureZpool[] | CommandOutcome {
	const pools = node.zfs?.pools ?? [];
	for (const operand of operands) {
		if (!pools.some((p) => p.name === operand)) return {code: 1, stdout: '', stderr: `cannot open '${operand}': no such pool\n`};
	}
	return operands.length > 0 ? pools.filter((p) => operands.includes(p.name)) : pools;
}

export function zpoolCommand(node: SimNode, args: string[]): CommandOutcome {
	if (!node.zfs) return {code: 127, stdout: '', stderr: 'bash: zpool: command not found\n'};
	const [sub, ...rest] = args;
	if (sub === 'list') {
		const flags = parseFlags(rest, 'o');
		const listUsage = 'list [-gHLpPv] [-o property[,...]] [-T d|u] [pool] ... [interval [count]]';
		if ('error' in flags) return usage(flags.error, listUsage);
		const props = (flags.props ?? ZPOOL_PROPS).map((p) => ZPOOL_ALIASES[p] ?? p);
		const badProp = props.find((p) => !ZPOOL_PROPS.includes(p));
		if (badProp !== undefined) return usage(`property '${badProp}' is not a valid pool property`, listUsage);
		const pools = poolsOf(node, flags.operands);
		if (!Array.isArray(pools)) return pools;
		if (pools.length === 0) return {code: 0, stdout: '', stderr: 'no pools available\n'};
		const body = pools.map((pool) => props.map((p) => zpoolValue(pool, p, flags.exact)));
		return {code: 0, stdout: table(props.map((p) => p.toUpperCase()), body, flags.scripted, (c) => !['name', 'health', 'altroot'].includes(props[c]!)), stderr: ''};
	}
	if (sub === 'status') {
		const flags = parseFlags(rest, '');
		if ('error' in flags) return usage(flags.error, 'status [-DegiLpPstvx] [-T d|u] [pool] ... [interval [count]]');
		const pools = poolsOf(node, flags.operands);
		if (!Array.isArray(pools)) return pools;
		if (pools.length === 0) return {code: 0, stdout: 'no pools available\n', stderr: ''};
		const shown = flags.unhealthyOnly ? pools.filter((p) => p.health !== 'ONLINE') : pools;
		if (flags.unhealthyOnly && shown.length === 0) return {code: 0, stdout: 'all pools are healthy\n', stderr: ''};
		return {code: 0, stdout: shown.map((p) => poolStatus(p, flags.fullPaths)).join('\n'), stderr: ''};
	}
	return usage(sub === undefined ? 'missing command' : `unrecognized command '${sub}'`, 'list | status');
}

/** Multi-line status/action texts continue on tab-indented lines, as zpool wraps them. */
function labelled(label: string, text: string): string {
	const [first, ...more] = text.split('\n');
	return `${label.padStart(6)}: ${first}\n${more.map((l) => `\t${l}\n`).join('')}`;
}

function vdevName(name: string, fullPaths: boolean): string {
	// Without -P zpool shows device nodes by their last path component.
	return !fullPaths && name.startsWith('/dev/') ? name.slice(name.lastIndexOf('/') + 1) : name;
}

export function poolStatus(pool: FixtureZpool, fullPaths: boolean): string {
	const [first] = pool.vdevs;
	const root: FixtureVdev = pool.vdevs.length === 1 && first?.name === pool.name ? first : {name: pool.name, state: pool.health, children: pool.vdevs};
	const rows: Array<{depth: number; vdev: FixtureVdev}> = [];
	const walk = (vdev: FixtureVdev, depth: number) => {
		rows.push({depth, vdev});
		for (const child of vdev.children ?? []) walk(child, depth + 2);
	};
	walk(root, 0);
	const width = Math.max(10, ...rows.map((r) => r.depth + vdevName(r.vdev.name, fullPaths).length));
	let out = labelled('pool', pool.name) + labelled('state', pool.health);
	if (pool.status) out += labelled('status', pool.status);
	if (pool.action) out += labelled('action', pool.action);
	out += labelled('scan', pool.scan ?? 'none requested');
	out += 'config:\n\n';
	out += `\t${'NAME'.padEnd(width)}  ${'STATE'.padEnd(8)} ${'READ'.padStart(5)} ${'WRITE'.padStart(5)} ${'CKSUM'.padStart(5)}\n`;
	for (const {depth, vdev} of rows) {
		const name = ' '.repeat(depth) + vdevName(vdev.name, fullPaths).padEnd(width - depth);
		const counts = [vdev.read ?? 0, vdev.write ?? 0, vdev.cksum ?? 0].map((n) => String(n).padStart(5)).join(' ');
		out += `\t${name}  ${vdev.state.padEnd(8)} ${counts}${vdev.msg ? `  ${vdev.msg}` : ''}\n`;
	}
	out += `\nerrors: ${pool.errors ?? 'No known data errors'}\n`;
	return out;
}
