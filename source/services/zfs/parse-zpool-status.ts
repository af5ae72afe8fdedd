// Pure parser for `zpool status` (the human layout: "  pool: x", " state: y",
// wrapped status/action texts on tab-indented lines, then the config table
// whose indentation is the vdev tree). What the ZFS view needs from it: each
// pool's state, its explanation, and which devices are not ONLINE.

import type {Parsed} from './parse-zfs-list.js';

export interface ZpoolDevice {
	name: string;
	state: string; // ONLINE | DEGRADED | FAULTED | UNAVAIL | REMOVED | OFFLINE | AVAIL | INUSE …
	read: number;
	write: number;
	cksum: number;
	/** Trailing text: "too many errors", "was /dev/sdb1" … */
	msg: string;
	/** Indentation level below the pool row (0 = the pool itself). */
	depth: number;
	leaf: boolean;
}

export interface ZpoolStatus {
	name: string;
	state: string;
	status?: string;
	action?: string;
	scan?: string;
	errors?: string;
	devices: ZpoolDevice[];
}

/** States a healthy device shows; anything else is worth naming. */
const HEALTHY = new Set(['ONLINE', 'AVAIL', 'INUSE']);

/** The leaf devices that are not healthy (the "faulted device" of a DEGRADED pool). */
export function unhealthyDevices(pool: ZpoolStatus): ZpoolDevice[] {
	return pool.devices.filter((d) => d.leaf && !HEALTHY.has(d.state));
}

const LABEL = /^\s*([a-z]+):\s?(.*)$/;
const DEVICE = /^(\s*)(\S+)\s+([A-Z]+)(?:\s+(\d+\S*)\s+(\d+\S*)\s+(\d+\S*))?\s*(.*)$/;

// Error counters may be abbreviated ("1.2K"); the view only needs "some".
function count(text: string | undefined): number {
	if (text === undefined) return 0;
	const match = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(text);
	if (!match) return 0;
	const scale = {'': 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12}[match[2] as '' | 'K' | 'M' | 'G' | 'T'];
	return Math.round(Number(match[1]) * scale);
}

/** Marks each device a leaf when the next row is not deeper. */
function markLeaves(devices: ZpoolDevice[]): void {
	devices.forEach((d, i) => {
		const next = devices[i + 1];
		d.leaf = next === undefined || next.depth <= d.depth;
	});
}

export function parseZpoolStatus(text: string): Parsed<ZpoolStatus> {
	const rows: ZpoolStatus[] = [];
	const notes: string[] = [];
	let pool: ZpoolStatus | undefined;
	let field: 'status' | 'action' | 'scan' | 'errors' | undefined;
	let inConfig = false;
	let baseIndent = -1;

	const finish = () => {
		if (pool) {
			markLeaves(pool.devices);
			rows.push(pool);
		}
	};

	text.split(/\r?\n/).forEach((raw, i) => {
		const line = raw.replace(/\t/g, '        ');
		if (line.trim() === '') return;
		const label = LABEL.exec(line);
		if (label && ['pool', 'state', 'status', 'action', 'scan', 'see', 'config', 'errors'].includes(label[1]!)) {
			const [, key, value] = label as unknown as [string, string, string];
			inConfig = false;
			field = undefined;
			if (key === 'pool') {
				finish();
				pool = {name: value.trim(), state: 'UNKNOWN', devices: []};
				baseIndent = -1;
				return;
			}
			if (!pool) {
				notes.push(`zpool status line ${i + 1}: "${key}:" before any "pool:" line`);
				return;
			}
			if (key === 'state') pool.state = value.trim();
			else if (key === 'config') inConfig = true;
			else if (key !== 'see') {
				field = key as 'status' | 'action' | 'scan' | 'errors';
				pool[field] = value.trim();
			}
			return;
		}
		if (!pool) {
			notes.push(`zpool status line ${i + 1}: text before any "pool:" line`);
			return;
		}
		if (inConfig) {
			const match = DEVICE.exec(line);
			if (!match || match[2] === 'NAME') {
				// Section headings of the config table carry no state.
				if (!match && /^\s*(logs|cache|spares|special|dedup)\s*$/.test(line)) return;
				if (!match) notes.push(`zpool status line ${i + 1}: not a device row: ${line.trim().slice(0, 60)}`);
				return;
			}
			const indent = match[1]!.length;
			if (baseIndent < 0) baseIndent = indent;
			// Section rows ("logs", "spares", "cache") have no state column and are skipped by the regex's state group.
			pool.devices.push({
				name: match[2]!,
				state: match[3]!,
				read: count(match[4]),
				write: count(match[5]),
				cksum: count(match[6]),
				msg: (match[7] ?? '').trim(),
				depth: Math.max(0, Math.round((indent - baseIndent) / 2)),
				leaf: false,
			});
			return;
		}
		// A wrapped continuation of status/action/scan.
		if (field && /^\s/.test(raw)) {
			pool[field] = `${pool[field] ?? ''} ${line.trim()}`.trim();
			return;
		}
		notes.push(`zpool status line ${i + 1}: unexpected text: ${line.trim().slice(0, 60)}`);
	});
	finish();
	return {rows, notes};
}
