// Properties of the ZFS parsers. Model-based: datasets, snapshots and pool
// trees are generated as values, printed the way `zfs list -H -p` and
// `zpool status` print them (tab-separated exact bytes; the config table
// laid out as in the recorded samples under /work/shared/samples), parsed
// back and compared. Arbitrary text never throws and never loses a good line.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {parseZfsDatasets, parseZfsSnapshots, type ZfsDataset, type ZfsSnapshot} from '../../source/services/zfs/parse-zfs-list.js';
import {parseZpoolStatus, unhealthyDevices, type ZpoolDevice} from '../../source/services/zfs/parse-zpool-status.js';
import {readSample} from '../samples.js';
import {hasControl, hostileText, runs} from './arbitraries.js';

const component = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,14}$/);
const datasetName = fc.tuple(component, fc.array(component, {maxLength: 4})).map(([pool, rest]) => [pool, ...rest].join('/'));
const bytes = fc.oneof(fc.nat(), fc.integer({min: 0, max: Number.MAX_SAFE_INTEGER}));
const dataset = fc.record({
	name: datasetName,
	used: bytes,
	avail: bytes,
	refer: bytes,
	usedbysnapshots: bytes,
	compressratio: fc.integer({min: 100, max: 9999}).map((n) => n / 100),
	mountpoint: fc.oneof(fc.constantFrom('-', 'none', 'legacy'), fc.array(fc.stringMatching(/^[^\t\r\n/]{1,10}$/), {minLength: 1, maxLength: 3}).map((p) => `/${p.join('/')}`)),
});

/** One `zfs list -H -p -o name,used,avail,refer,usedbysnapshots,compressratio,mountpoint` line. */
function datasetLine(d: ZfsDataset, ratioSuffix: boolean): string {
	return [d.name, d.used, d.avail, d.refer, d.usedbysnapshots, `${d.compressratio.toFixed(2)}${ratioSuffix ? 'x' : ''}`, d.mountpoint].join('\t');
}

const newline = fc.constantFrom('\n', '\r\n');

test('zfs list -H -p datasets parse back to the same rows', () => {
	fc.assert(
		fc.property(fc.array(dataset, {maxLength: 20}), fc.boolean(), newline, (rows, suffix, nl) => {
			const text = rows.map((d) => datasetLine(d, suffix) + nl).join('');
			const parsed = parseZfsDatasets(text);
			assert.deepEqual(parsed.notes, []);
			assert.deepEqual(parsed.rows, rows.map((r) => ({...r})));
		}),
		runs(),
	);
});

const snapshot = fc.record({dataset: datasetName, snapshot: component, used: bytes, refer: bytes, creation: fc.integer({min: 0, max: 2 ** 32})});

test('zfs list -H -p -t snapshot parses back to the same snapshots', () => {
	fc.assert(
		fc.property(fc.array(snapshot, {maxLength: 20}), newline, (snaps, nl) => {
			const text = snaps.map((s) => `${s.dataset}@${s.snapshot}\t${s.used}\t${s.refer}\t${s.creation}${nl}`).join('');
			const parsed = parseZfsSnapshots(text);
			assert.deepEqual(parsed.notes, []);
			const expected: ZfsSnapshot[] = snaps.map((s) => ({name: `${s.dataset}@${s.snapshot}`, dataset: s.dataset, snapshot: s.snapshot, used: s.used, refer: s.refer, creation: s.creation}));
			assert.deepEqual(parsed.rows, expected);
		}),
		runs(),
	);
});

test('a garbled line costs only itself: every good line around it is kept, the bad one gets a printable note', () => {
	fc.assert(
		fc.property(fc.array(fc.oneof(dataset.map((d) => ({good: d})), hostileText.map((junk) => ({junk}))), {maxLength: 12}), (items) => {
			const text = items.map((i) => ('good' in i ? datasetLine(i.good, false) : i.junk.replace(/[\r\n]/g, ' '))).join('\n');
			const parsed = parseZfsDatasets(text);
			const good = items.filter((i): i is {good: ZfsDataset} => 'good' in i).map((i) => i.good.name);
			for (const name of good) assert.ok(parsed.rows.some((r) => r.name === name), name);
			for (const note of parsed.notes) assert.ok(!hasControl(note), JSON.stringify(note));
			parseZfsSnapshots(text);
		}),
		runs(),
	);
});

// ------------------------------------------------------------- zpool status

const STATES = ['ONLINE', 'DEGRADED', 'FAULTED', 'OFFLINE', 'UNAVAIL', 'REMOVED'] as const;
const leafName = fc.oneof(fc.stringMatching(/^sd[a-z]{1,2}$/), fc.stringMatching(/^(ata|nvme|scsi|wwn)-[A-Za-z0-9_.:-]{4,30}$/));
const counter = fc.oneof(fc.constant(0), fc.nat({max: 999}), fc.integer({min: 1, max: 999}).map((n) => n * 1000));
const message: fc.Arbitrary<string> = fc.constantFrom('', 'too many errors', 'was /dev/sdb1', '(resilvering)', 'cannot open', 'external device fault');
const leaf = fc.record({name: leafName, state: fc.constantFrom(...STATES), read: counter, write: counter, cksum: counter, msg: message});
const vdev = fc.record({
	type: fc.constantFrom('mirror', 'raidz1', 'raidz2', 'raidz3', 'stripe'),
	state: fc.constantFrom(...STATES),
	leaves: fc.array(leaf, {minLength: 1, maxLength: 5}),
});
const words = fc.array(fc.stringMatching(/^[A-Za-z0-9'.,()-]{1,12}$/), {minLength: 1, maxLength: 30});
const pool = fc.record({
	name: component.filter((n) => !n.includes(':')),
	state: fc.constantFrom(...STATES),
	status: fc.option(words, {nil: undefined}),
	action: fc.option(words, {nil: undefined}),
	see: fc.boolean(),
	scan: fc.option(words, {nil: undefined}),
	vdevs: fc.array(vdev, {minLength: 1, maxLength: 4}),
	logs: fc.array(leaf, {maxLength: 2}),
	spares: fc.array(leafName, {maxLength: 2}),
	errors: fc.constantFrom('No known data errors', '2 data errors, use \'-v\' for a list'),
});
type Pool = typeof pool extends fc.Arbitrary<infer T> ? T : never;

/** How zpool prints a counter: exact below 1000, then 1.2K, 35K … */
function printCount(n: number): string {
	return n < 1000 ? String(n) : `${n / 1000}K`;
}

/** A labelled text wrapped at `width` with tab-indented continuation lines, as zpool prints status/action/scan. */
function wrapped(label: string, text: string[], width: number): string[] {
	const out: string[] = [];
	let line = `${label.padStart(6)}: `;
	let first = true;
	for (const w of text) {
		if (!first && line.length + w.length + 1 > width) {
			out.push(line.trimEnd());
			line = '\t';
			first = true;
		}
		line += first ? w : ` ${w}`;
		first = false;
	}
	out.push(line);
	return out;
}

function flatten(p: Pool): Array<{depth: number; name: string; state: string; read?: number; write?: number; cksum?: number; msg: string} | {heading: string}> {
	const rows: ReturnType<typeof flatten> = [{depth: 0, name: p.name, state: p.state, read: 0, write: 0, cksum: 0, msg: ''}];
	p.vdevs.forEach((v, i) => {
		if (v.type === 'stripe') for (const l of v.leaves) rows.push({depth: 1, ...l});
		else {
			rows.push({depth: 1, name: `${v.type}-${i}`, state: v.state, read: 0, write: 0, cksum: 0, msg: ''});
			for (const l of v.leaves) rows.push({depth: 2, ...l});
		}
	});
	if (p.logs.length > 0) {
		rows.push({heading: 'logs'});
		for (const l of p.logs) rows.push({depth: 1, ...l});
	}
	if (p.spares.length > 0) {
		rows.push({heading: 'spares'});
		for (const s of p.spares) rows.push({depth: 1, name: s, state: 'AVAIL', msg: ''});
	}
	return rows;
}

/** `zpool status` as the recorded samples print it (zpool_main.c print_status_config layout). */
function printStatus(p: Pool, width: number, indent: string): string {
	const out = [`  pool: ${p.name}`, ` state: ${p.state}`];
	if (p.status) out.push(...wrapped('status', p.status, width));
	if (p.action) out.push(...wrapped('action', p.action, width));
	if (p.see) out.push('   see: https://openzfs.github.io/openzfs-docs/msg/ZFS-8000-9P');
	if (p.scan) out.push(...wrapped('scan', p.scan, width));
	out.push('config:', '');
	const rows = flatten(p);
	const nameWidth = Math.max(10, ...rows.map((r) => ('heading' in r ? r.heading.length : r.depth * 2 + r.name.length)));
	out.push(`${indent}${'NAME'.padEnd(nameWidth)}  ${'STATE'.padEnd(8)} ${' READ'} WRITE CKSUM`);
	for (const r of rows) {
		if ('heading' in r) {
			out.push(`${indent}${r.heading}`);
			continue;
		}
		const lead = `${indent}${' '.repeat(r.depth * 2)}${r.name.padEnd(nameWidth - r.depth * 2)}  ${r.state.padEnd(8)}`;
		if (r.read === undefined) out.push(lead.trimEnd());
		else out.push(`${lead} ${printCount(r.read).padStart(5)} ${printCount(r.write!).padStart(5)} ${printCount(r.cksum!).padStart(5)}${r.msg ? `  ${r.msg}` : ''}`);
	}
	out.push('', `errors: ${p.errors}`);
	return out.join('\n');
}

test('sanity: the printer reproduces the recorded degraded sample byte for byte', () => {
	const sample = readSample('zpool-status-degraded.txt').trimEnd();
	const leafOf = (name: string, state: (typeof STATES)[number], msg = '') => ({name, state, read: 0, write: 0, cksum: 0, msg});
	const vz: Pool = {
		name: 'vz',
		state: 'DEGRADED',
		status: 'One or more devices has experienced an unrecoverable error.  An attempt was made to correct the error.  Applications are unaffected.'.split(' '),
		action: undefined,
		see: false,
		scan: undefined,
		vdevs: [
			{type: 'mirror', state: 'DEGRADED', leaves: [leafOf('sdh', 'ONLINE'), leafOf('ata-WDC_WD3001FFSX-68JNUN0_WD-WCC13HETXXKA', 'DEGRADED', 'too many errors')]},
			{type: 'mirror', state: 'ONLINE', leaves: [leafOf('ata-WDC_WD3001FFSX-68JNUN0_WD-WCC13L905UN2', 'ONLINE'), leafOf('ata-WDC_WD3001FFSX-68JNUN0_WD-WCC13L905ZE6', 'ONLINE')]},
		],
		logs: [],
		spares: [],
		errors: 'No known data errors',
	};
	const printed = printStatus(vz, 80, '\t');
	const config = (text: string) => text.slice(text.indexOf('\tNAME'), text.indexOf('\n\nerrors') === -1 ? undefined : text.indexOf('\n\nerrors'));
	assert.equal(config(printed), config(sample));
});

function expectedDevices(p: Pool): Array<Omit<ZpoolDevice, 'leaf'>> {
	return flatten(p)
		.filter((r): r is Exclude<ReturnType<typeof flatten>[number], {heading: string}> => !('heading' in r))
		.map((r) => ({name: r.name, state: r.state, read: r.read ?? 0, write: r.write ?? 0, cksum: r.cksum ?? 0, msg: r.msg, depth: r.depth}));
}

test('zpool status of random pools parses back to the same pools, texts and device trees', () => {
	fc.assert(
		fc.property(fc.array(pool, {minLength: 1, maxLength: 3}), fc.integer({min: 40, max: 100}), fc.constantFrom('\t', '        '), newline, (pools, width, indent, nl) => {
			const text = pools.map((p) => printStatus(p, width, indent)).join('\n\n').replace(/\n/g, nl);
			const parsed = parseZpoolStatus(text);
			assert.deepEqual(parsed.notes, []);
			assert.equal(parsed.rows.length, pools.length);
			pools.forEach((p, i) => {
				const row = parsed.rows[i]!;
				assert.equal(row.name, p.name);
				assert.equal(row.state, p.state);
				assert.equal(row.status, p.status?.join(' '));
				assert.equal(row.action, p.action?.join(' '));
				assert.equal(row.scan, p.scan?.join(' '));
				assert.equal(row.errors, p.errors);
				assert.deepEqual(
					row.devices.map(({leaf: _leaf, ...d}) => d),
					expectedDevices(p),
				);
				// The leaves are exactly the disks (and spares); the unhealthy ones are the disks not ONLINE/AVAIL.
				const disks = [...p.vdevs.flatMap((v) => v.leaves), ...p.logs];
				assert.deepEqual(
					unhealthyDevices(row).map((d) => d.name),
					disks.filter((d) => d.state !== 'ONLINE').map((d) => d.name),
				);
			});
		}),
		runs(),
	);
});

test('zpool status never throws on arbitrary text, and every counter it reports is a finite count', () => {
	fc.assert(
		fc.property(fc.array(fc.oneof(hostileText, fc.constantFrom('  pool: tank', ' state: ONLINE', 'config:', '\tNAME STATE READ WRITE CKSUM', '\ttank ONLINE 0 0 0', '\t  logs', 'errors: x', '\t\t\t')), {maxLength: 20}), (lines) => {
			const parsed = parseZpoolStatus(lines.join('\n'));
			for (const pool of parsed.rows) for (const d of pool.devices) assert.ok(Number.isFinite(d.read + d.write + d.cksum) && d.depth >= 0);
		}),
		runs(),
	);
});

test('every recorded zpool status sample parses without a note', () => {
	for (const name of ['zpool-status-healthy.txt', 'zpool-status-degraded.txt', 'zpool-status-degraded-resilver.txt']) {
		const parsed = parseZpoolStatus(readSample(name));
		assert.deepEqual(parsed.notes, [], name);
		assert.equal(parsed.rows.length, 1, name);
		assert.ok(parsed.rows[0]!.devices.length >= 3, name);
	}
});
