// The ZFS screen inside the App: pool bars and thresholds, the DEGRADED pool
// with its faulted disk, the consumer table and its sort keys, the fallback
// without SSH, and frame heights.

import '../views/force-color.js';
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import type {ZfsPoolRow, ZfsSample} from '../../source/store/screen-types.js';
import {createAppStore} from '../../source/store/store.js';
import {usageLevel} from '../../source/services/zfs/model.js';
import {plain, press, selectedLine} from '../views/harness.js';
import {renderApp} from '../views/render.js';

afterEach(() => cleanup());

const T = 1024 ** 4;
const G = 1024 ** 3;
const YELLOW = '\u001B[33m';
const RED = '\u001B[31m';

function pool(name: string, fraction: number, health = 'ONLINE', faulted: ZfsPoolRow['faulted'] = []): ZfsPoolRow {
	const size = 10 * T;
	return {node: 'pve', name, size, alloc: Math.round(size * fraction), free: Math.round(size * (1 - fraction)), frag: 12, dedup: 1, health, faulted};
}

function ds(name: string, used: number, snaps: number, avail = 500 * G, ratio = 1.5) {
	return {node: 'pve', name, used, avail, refer: used - snaps, usedbysnapshots: snaps, compressratio: ratio, mountpoint: `/${name}`};
}

function sshSample(at: number, grow = 0): ZfsSample {
	return {
		source: 'ssh',
		sshLabel: 'ssh root@pve:22',
		pools: [
			pool('plain', 0.84),
			pool('warm', 0.86),
			pool('hot', 0.91),
			pool('tank', 0.43, 'DEGRADED', [{name: 'ata-WDC_WD40EFPX-68C6CN0_WD-WX42D84LQ8F6-part1', state: 'DEGRADED', msg: 'too many errors', read: 3, write: 0, cksum: 47}]),
		],
		datasets: [
			ds('hot', 9 * T, 0),
			ds('hot/data', 5 * T, 400 * G),
			ds('hot/subvol-101-disk-0', 40 * G + grow, 12 * G),
			ds('hot/subvol-101-disk-1', 60 * G, 0),
			ds('hot/subvol-102-disk-0', 90 * G, 1 * G),
			ds('hot/vm-150-disk-0', 30 * G, 0, 2 * G, 1),
		],
		snapshots: [
			{node: 'pve', name: 'hot/subvol-101-disk-0@a', dataset: 'hot/subvol-101-disk-0', snapshot: 'a', used: 6 * G, refer: 30 * G, creation: 1},
			{node: 'pve', name: 'hot/subvol-101-disk-0@b', dataset: 'hot/subvol-101-disk-0', snapshot: 'b', used: 6 * G, refer: 30 * G, creation: 2},
		],
		storages: [],
		notes: [],
		at,
	};
}

function zfsStore(sample: ZfsSample) {
	const store = createAppStore({target: 'sim', demo: false, readOnly: false});
	const guest = (vmid: number, name: string, kind: 'lxc' | 'qemu' = 'lxc') => ({
		vmid, kind, name, node: 'pve', status: 'running', cpu: 0, maxcpu: 1, mem: 0, maxmem: 1, disk: 0, maxdisk: 1, uptime: 0, netin: 0, netout: 0, tags: [], template: false,
	});
	store.getState().actions.fleetReceived({
		guests: [guest(101, 'plex'), guest(102, 'nextcloud'), guest(150, 'win-jump', 'qemu')],
		nodes: [{name: 'pve', status: 'online', cpu: 0, maxcpu: 1, mem: 0, maxmem: 1, uptime: 0}],
		receivedAt: 1_000_000,
	});
	store.getState().actions.zfsReceived(sample);
	return store;
}

const frameOf = (app: {lastFrame(): string | undefined}) => app.lastFrame() ?? '';
const lineWith = (frame: string, text: string) => frame.split('\n').find((l) => plain(l).includes(text));

test('thresholds come from the table: 84 % plain, 86 % yellow, 91 % red', () => {
	assert.equal(usageLevel(0.84), 'ok');
	assert.equal(usageLevel(0.86), 'warn');
	assert.equal(usageLevel(0.91), 'danger');
});

test('3 opens the ZFS screen: pool bars coloured by threshold, the DEGRADED pool red with its faulted disk', async () => {
	const store = zfsStore(sshSample(1_000_000));
	const app = await renderApp(store, {size: {columns: 120, rows: 40}});
	await press(app, '3');
	const raw = frameOf(app);
	assert.ok(raw.split('\n').length <= 39);
	assert.match(plain(raw), /ZFS usage · datasets over ssh root@pve:22 · read 12s ago/);
	const plainPool = lineWith(raw, 'pve/plain')!;
	assert.match(plain(plainPool), /84%/);
	assert.ok(!plainPool.includes(YELLOW) && !plainPool.includes(RED), 'below 85 %: no colour');
	const warm = lineWith(raw, 'pve/warm')!;
	assert.match(plain(warm), /86%/);
	assert.ok(warm.includes(YELLOW) && !warm.includes(RED));
	const hot = lineWith(raw, 'pve/hot')!;
	assert.match(plain(hot), /pool 91% raw ✖ {2}ONLINE {4}9\.1T of 10T {2}free 922G {2}frag 12% {2}dedup 1\.00x/);
	assert.ok(hot.includes(RED));
	const tank = lineWith(raw, 'pve/tank')!;
	assert.match(plain(tank), /pool 43% raw +DEGRADED {2}4\.3T of 10T/);
	assert.ok(tank.includes(RED), 'a DEGRADED pool is red whatever its fill');
	const faulted = lineWith(raw, 'ata-WDC_WD40EFPX')!;
	assert.match(plain(faulted), /✗ DEGRADED ata-WDC_WD40EFPX-68C6CN0_WD-WX42D84LQ8F6-part1 {2}too many errors {2}\(read 3 write 0 cksum 47\)/);
	assert.ok(faulted.includes(RED));
});

test('what fills the pool: largest first, containers summed over their disks with snapshot space; S and W re-sort', async () => {
	const store = zfsStore(sshSample(1_000_000));
	const app = await renderApp(store, {size: {columns: 120, rows: 40}});
	await press(app, '3');
	const frame = plain(frameOf(app));
	assert.match(frame, /GUEST \/ DATASET +POOL +USED +FILL +SNAPSHOTS +GROWTH +REFER +RATIO {2}· largest first/);
	const rows = frame.split('\n').filter((l) => /^(hot\/data|10[12] |150 )/.test(l));
	assert.deepEqual(rows.map((r) => r.split(/\s{2,}/)[0]), ['hot/data', '101 plex', '102 nextcloud', '150 win-jump']);
	assert.match(rows[1]!, /^101 plex +pve\/hot +100G +\d+% +12G \(2\) +- +88G +1\.50x /);
	assert.match(selectedLine(frameOf(app))!, /hot\/data/);
	await press(app, 'S');
	const bySnaps = plain(frameOf(app)).split('\n').filter((l) => /^(hot\/data|10[12] |150 )/.test(l));
	assert.deepEqual(bySnaps.map((r) => r.split(/\s{2,}/)[0]), ['hot/data', '101 plex', '102 nextcloud', '150 win-jump']);
	assert.match(plain(frameOf(app)), /most snapshot space first/);
	// A second sample: plex grew by 7G since the previous refresh.
	store.getState().actions.zfsReceived(sshSample(1_010_000, 7 * G));
	await press(app, 'W');
	const byGrowth = plain(frameOf(app)).split('\n').filter((l) => /^(hot\/data|10[12] |150 )/.test(l));
	assert.equal(byGrowth[0]!.split(/\s{2,}/)[0], '101 plex');
	assert.match(byGrowth[0]!, /\+7G/);
	// The zvol with 2G left is 93.75 % full (printed 93%): red.
	assert.ok(lineWith(frameOf(app), '150 win-jump')!.includes(RED));
});

test('at 80 columns the dataset table keeps FILL, SNAPSHOTS and GROWTH and drops REFER and RATIO', async () => {
	const store = zfsStore(sshSample(1_000_000));
	const app = await renderApp(store, {size: {columns: 80, rows: 24}});
	await press(app, '3');
	const frame = plain(frameOf(app));
	assert.match(frame, /GUEST \/ DATASET +POOL +USED +FILL +SNAPSHOTS +GROWTH  · /);
	assert.match(lineWith(frameOf(app), '150 win-jump') ? plain(lineWith(frameOf(app), '150 win-jump')!) : frame, /93%/);
	for (const line of frame.split('\n')) assert.ok(line.length <= 80, line);
});

test('without SSH the screen says so and shows storage usage from the API', async () => {
	const store = zfsStore({
		source: 'api',
		pools: [pool('rpool', 0.25)],
		datasets: [],
		snapshots: [],
		storages: [
			{node: 'pve', storage: 'local-zfs', type: 'zfspool', used: 150 * G, total: 800 * G, active: true},
			{node: 'pve', storage: 'tank', type: 'zfspool', used: 9.5 * T, total: 10.5 * T, active: true},
			{node: 'pve', storage: 'nas', type: 'nfs', used: 0, total: 0, active: false},
		],
		notes: [],
		at: 1_000_000,
	});
	const app = await renderApp(store, {size: {columns: 80, rows: 24}});
	await press(app, '3');
	const raw = frameOf(app);
	assert.ok(raw.split('\n').length <= 23);
	const frame = plain(raw);
	assert.match(frame, /datasets need SSH \(--ssh …\); showing storage usage from the API/);
	assert.match(frame, /pve\/local-zfs +zfspool +█+░+ +18% {2}150G of 800G/);
	// Marked as the problem rules raise it (storage.crit 90 %).
	assert.match(frame, /pve\/tank +zfspool .* 90% ✖ {2}9\.5T of 11T/);
	assert.ok(lineWith(raw, 'pve/tank ')!.includes(RED));
	assert.match(frame, /pve\/nas +nfs +inactive/);
	assert.doesNotMatch(frame, /GUEST \/ DATASET/);
});

test('frames stay within rows − 1 at 80×24 and 120×40, and parse notes are shown', async () => {
	for (const size of [{columns: 80, rows: 24}, {columns: 120, rows: 40}]) {
		const sample = sshSample(1_000_000);
		sample.notes = ['zfs list line 3: expected 7 tab-separated fields, got 2: garbage', 'second', 'third'];
		for (let i = 0; i < 60; i++) sample.datasets.push(ds(`hot/subvol-${300 + i}-disk-0`, i * G, 0));
		const store = zfsStore(sample);
		const app = await renderApp(store, {size});
		await press(app, '3');
		let raw = frameOf(app);
		assert.ok(raw.split('\n').length <= size.rows - 1, `${size.columns}×${size.rows}: ${raw.split('\n').length} lines`);
		assert.match(plain(raw), /note: zfs list line 3: expected 7 tab-separated fields/);
		await press(app, 'G');
		raw = frameOf(app);
		assert.ok(raw.split('\n').length <= size.rows - 1);
		assert.match(selectedLine(raw)!, /^300 \?|^300 /);
		cleanup();
	}
});
