// Pure parsers for `zfs list -H -p` output (tab-separated, exact bytes, no
// header). A line that does not fit the expected columns is skipped with a
// note naming the line, so one odd dataset never hides the others.

export interface ZfsDataset {
	name: string; // "rpool/data/subvol-101-disk-0"
	used: number; // bytes
	avail: number;
	refer: number;
	usedbysnapshots: number;
	/** 1.85 for both "1.85" and "1.85x" (both forms exist in the wild). */
	compressratio: number;
	mountpoint: string; // "-" for zvols
}

export interface ZfsSnapshot {
	name: string; // "rpool/data/subvol-101-disk-0@before-upgrade"
	dataset: string; // the part before "@"
	snapshot: string; // the part after "@"
	used: number;
	refer: number;
	/** Epoch seconds. */
	creation: number;
}

export interface Parsed<T> {
	rows: T[];
	/** One line per skipped input line: what was wrong with it. */
	notes: string[];
}

/** The exact command whose output parseZfsDatasets reads. */
export const ZFS_DATASETS_ARGV = ['zfs', 'list', '-H', '-p', '-o', 'name,used,avail,refer,usedbysnapshots,compressratio,mountpoint', '-t', 'filesystem,volume'];
/** The exact command whose output parseZfsSnapshots reads. */
export const ZFS_SNAPSHOTS_ARGV = ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,used,refer,creation'];

/** "1.85", "1.85x" → 1.85; anything else → undefined. */
export function parseCompressRatio(text: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)x?$/.exec(text.trim());
	return match ? Number(match[1]) : undefined;
}

/** An exact byte count as `-p` prints it; "-" (not applicable) is 0. */
function parseBytes(text: string): number | undefined {
	if (text === '-') return 0;
	return /^\d+$/.test(text) ? Number(text) : undefined;
}

// Notes quote the line cut short: it came from the host and may be long.
function quote(line: string): string {
	const shown = line.replace(/\t/g, '→').replace(/[^\x20-\x7e→]/g, '?');
	return shown.length > 60 ? `${shown.slice(0, 59)}…` : shown;
}

function lines(text: string): Array<{line: string; n: number}> {
	return text
		.split(/\r?\n/)
		.map((line, i) => ({line, n: i + 1}))
		.filter(({line}) => line.trim() !== '');
}

/** Parses `zfs list -H -p -o name,used,avail,refer,usedbysnapshots,compressratio,mountpoint`. */
export function parseZfsDatasets(text: string): Parsed<ZfsDataset> {
	const rows: ZfsDataset[] = [];
	const notes: string[] = [];
	for (const {line, n} of lines(text)) {
		const fields = line.split('\t');
		if (fields.length !== 7) {
			notes.push(`zfs list line ${n}: expected 7 tab-separated fields, got ${fields.length}: ${quote(line)}`);
			continue;
		}
		const [name, used, avail, refer, snaps, ratio, mountpoint] = fields as [string, string, string, string, string, string, string];
		const numbers = [used, avail, refer, snaps].map(parseBytes);
		const compressratio = parseCompressRatio(ratio);
		if (numbers.some((v) => v === undefined) || compressratio === undefined || name === '') {
			notes.push(`zfs list line ${n}: not a byte count or ratio: ${quote(line)}`);
			continue;
		}
		const [u, a, r, s] = numbers as [number, number, number, number];
		rows.push({name, used: u, avail: a, refer: r, usedbysnapshots: s, compressratio, mountpoint});
	}
	return {rows, notes};
}

/** Parses `zfs list -H -p -t snapshot -o name,used,refer,creation`. */
export function parseZfsSnapshots(text: string): Parsed<ZfsSnapshot> {
	const rows: ZfsSnapshot[] = [];
	const notes: string[] = [];
	for (const {line, n} of lines(text)) {
		const fields = line.split('\t');
		const at = fields[0]?.indexOf('@') ?? -1;
		if (fields.length !== 4 || at <= 0) {
			notes.push(`snapshot line ${n}: expected name@snap, used, refer, creation: ${quote(line)}`);
			continue;
		}
		const [name, used, refer, creation] = fields as [string, string, string, string];
		const numbers = [used, refer, creation].map(parseBytes);
		if (numbers.some((v) => v === undefined)) {
			notes.push(`snapshot line ${n}: not a number: ${quote(line)}`);
			continue;
		}
		const [u, r, c] = numbers as [number, number, number];
		rows.push({name, dataset: name.slice(0, at), snapshot: name.slice(at + 1), used: u, refer: r, creation: c});
	}
	return {rows, notes};
}
