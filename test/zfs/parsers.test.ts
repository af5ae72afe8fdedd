import assert from 'node:assert/strict';
import {test} from 'node:test';
import {parseCompressRatio, parseZfsDatasets, parseZfsSnapshots} from '../../source/services/zfs/parse-zfs-list.js';
import {parseZpoolStatus, unhealthyDevices} from '../../source/services/zfs/parse-zpool-status.js';
import {readSample} from '../samples.js';

const sample = (name: string) => readSample(name);

test('compressratio parses in both forms found in the wild', () => {
	assert.equal(parseCompressRatio('1.85'), 1.85);
	assert.equal(parseCompressRatio('1.85x'), 1.85);
	assert.equal(parseCompressRatio('4.38x'), 4.38);
	assert.equal(parseCompressRatio('10x'), 10);
	assert.equal(parseCompressRatio('-'), undefined);
	assert.equal(parseCompressRatio('fast'), undefined);
});

test('zfs list -H -p datasets: tab-separated exact bytes, zvols with "-" mountpoints', () => {
	const text = [
		'rpool/data/subvol-101-disk-0\t3521871872\t5068062720\t3521871872\t0\t1.85x\t/rpool/data/subvol-101-disk-0',
		'rpool/data/vm-150-disk-0\t30064771072\t797977556091\t30064771072\t0\t1.00\t-',
		'tank/data\t9563603534848\t1535467971502\t9151286674432\t412316860416\t1.01\t/tank/data',
	].join('\n');
	const {rows, notes} = parseZfsDatasets(`${text}\n`);
	assert.deepEqual(notes, []);
	assert.equal(rows.length, 3);
	assert.deepEqual(rows[0], {
		name: 'rpool/data/subvol-101-disk-0',
		used: 3521871872,
		avail: 5068062720,
		refer: 3521871872,
		usedbysnapshots: 0,
		compressratio: 1.85,
		mountpoint: '/rpool/data/subvol-101-disk-0',
	});
	assert.equal(rows[1]!.mountpoint, '-');
	assert.equal(rows[2]!.usedbysnapshots, 412316860416);
	assert.equal(rows[2]!.compressratio, 1.01);
});

test('malformed zfs list lines are skipped with a note naming the line; the rest still parse', () => {
	const text = [
		'rpool\t243661045760\t716728001364\t106496\t0\t1.58x\t/rpool',
		'cannot open rpool/oops: dataset does not exist',
		'rpool/ROOT\t9.2G\t716728001364\t98304\t0\t1.71x\t/rpool/ROOT',
		'rpool/data\t152224051200\t716728001364\t98304\t0\tfast\t/rpool/data',
		'',
		'rpool/var-lib-vz\t81604378624\t716728001364\t81604378624\t0\t1.03x\t/var/lib/vz',
	].join('\n');
	const {rows, notes} = parseZfsDatasets(text);
	assert.deepEqual(rows.map((r) => r.name), ['rpool', 'rpool/var-lib-vz']);
	assert.equal(notes.length, 3);
	assert.match(notes[0]!, /^zfs list line 2: expected 7 tab-separated fields, got 1: cannot open rpool\/oops/);
	assert.match(notes[1]!, /^zfs list line 3: not a byte count or ratio/);
	assert.match(notes[2]!, /^zfs list line 4: /);
});

test('a recorded -Hp listing of another column set is rejected line by line, never crashing', () => {
	// zfs-list-Hp-space-pve.txt is `-o name,space` as pasted into an issue (tabs became spaces):
	// every line is noted, none parsed.
	const {rows, notes} = parseZfsDatasets(sample('zfs-list-Hp-space-pve.txt'));
	assert.equal(rows.length, 0);
	assert.equal(notes.length, 11);
	assert.match(notes[0]!, /^zfs list line 1: expected 7 tab-separated fields, got 1: pm2-2tb-zfs +pm2-2tb-zfs/);
});

test('zfs list -H -p -t snapshot: name@snap, used, refer, creation; bad lines noted', () => {
	const text = [
		'rpool/data/subvol-401-disk-0@before-upgrade\t1039038464\t21000000000\t1763200000',
		'rpool/data/subvol-401-disk-0@weekly\t1039038464\t21600000000\t1763800000',
		'rpool/data/subvol-401-disk-0\t1\t2\t3',
		'tank/data@x\t12\tlots\t1763800000',
	].join('\n');
	const {rows, notes} = parseZfsSnapshots(text);
	assert.equal(rows.length, 2);
	assert.deepEqual(rows[0], {name: 'rpool/data/subvol-401-disk-0@before-upgrade', dataset: 'rpool/data/subvol-401-disk-0', snapshot: 'before-upgrade', used: 1039038464, refer: 21000000000, creation: 1763200000});
	assert.equal(notes.length, 2);
	assert.match(notes[0]!, /^snapshot line 3: expected name@snap/);
	assert.match(notes[1]!, /^snapshot line 4: not a number/);
});

test('zpool status of a DEGRADED mirror names the faulted device and its message', () => {
	const {rows, notes} = parseZpoolStatus(sample('zpool-status-degraded.txt'));
	assert.deepEqual(notes, []);
	assert.equal(rows.length, 1);
	const pool = rows[0]!;
	assert.equal(pool.name, 'vz');
	assert.equal(pool.state, 'DEGRADED');
	assert.match(pool.status!, /^One or more devices has experienced an unrecoverable error\.\s+An attempt was made to correct the error\./);
	assert.match(pool.action!, /zpool replace/);
	const bad = unhealthyDevices(pool);
	assert.deepEqual(bad.map((d) => [d.name, d.state, d.msg]), [['ata-WDC_WD3001FFSX-68JNUN0_WD-WCC13HETXXKA', 'DEGRADED', 'too many errors']]);
	assert.deepEqual(pool.devices.filter((d) => !d.leaf).map((d) => d.name), ['vz', 'mirror-0', 'mirror-1']);
});

test('zpool status of a healthy raidz2 and of a resilvering raidz3 (scan continues on tab lines)', () => {
	const healthy = parseZpoolStatus(sample('zpool-status-healthy.txt'));
	assert.deepEqual(healthy.notes, []);
	assert.equal(healthy.rows[0]!.state, 'ONLINE');
	assert.equal(healthy.rows[0]!.errors, 'No known data errors');
	assert.deepEqual(unhealthyDevices(healthy.rows[0]!), []);
	assert.equal(healthy.rows[0]!.devices.filter((d) => d.leaf).length, 4);
	const resilver = parseZpoolStatus(sample('zpool-status-degraded-resilver.txt'));
	assert.equal(resilver.rows[0]!.state, 'DEGRADED');
	assert.match(resilver.rows[0]!.scan!, /resilver in progress since .* 5\.55% done/);
});

test('zpool status with garbage lines: notes, no crash, pools still found', () => {
	const text = ['garbage before anything', '  pool: tank', ' state: FAULTED', 'config:', '', '\tNAME STATE READ WRITE CKSUM', '\ttank FAULTED 0 0 0', '\t  sdb UNAVAIL 0 0 0  cannot open', '\t  ???', 'errors: No known data errors'].join('\n');
	const {rows, notes} = parseZpoolStatus(text);
	assert.equal(rows.length, 1);
	assert.equal(rows[0]!.state, 'FAULTED');
	assert.deepEqual(unhealthyDevices(rows[0]!).map((d) => `${d.name} ${d.state} ${d.msg}`), ['sdb UNAVAIL cannot open']);
	assert.equal(notes.length, 2);
	assert.match(notes[0]!, /line 1: text before any "pool:" line/);
	assert.match(notes[1]!, /line 9: not a device row: \?\?\?/);
});
