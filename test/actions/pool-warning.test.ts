// Before a snapshot, the prompt warns when the guest's pool is at or above the
// red threshold (90 %) or not ONLINE — and claims nothing when it does not know.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {snapshotPoolWarning} from '../../source/services/actions/commands.js';
import {createAppStore} from '../../source/store/store.js';
import type {ZfsSample} from '../../source/store/screen-types.js';

const TiB = 1024 ** 4;

function sampleWith(alloc: number, health = 'ONLINE'): ZfsSample {
	const pool = (name: string, used: number) => ({node: 'pve', name, size: 10 * TiB, alloc: used, free: 10 * TiB - used, frag: 10, dedup: 1, health: name === 'tank' ? health : 'ONLINE', faulted: []});
	const dataset = (name: string) => ({node: 'pve', name, used: 1, avail: 1, refer: 1, usedbysnapshots: 0, compressratio: 1, mountpoint: `/${name}`});
	return {
		source: 'ssh',
		pools: [pool('rpool', 1 * TiB), pool('tank', alloc)],
		datasets: [dataset('rpool/data/subvol-101-disk-0'), dataset('tank/subvol-101-disk-1'), dataset('rpool/data/subvol-102-disk-0')],
		snapshots: [],
		storages: [],
		notes: [],
		at: 0,
	};
}

function stateWith(sample: ZfsSample | undefined) {
	const store = createAppStore({target: 't', demo: true, readOnly: false});
	store.setState((s) => ({zfs: {...s.zfs, sample}}));
	return store.getState();
}

test('a guest with a disk on a pool at 91 % gets a warning naming the pool', () => {
	const warning = snapshotPoolWarning(stateWith(sampleWith(9.1 * TiB)), [101]);
	assert.match(warning ?? '', /^warning: pool pve\/tank 91 % — a snapshot keeps old blocks and can fill it$/);
});

test('no warning below 90 %, for a guest on other pools only, or without ZFS data', () => {
	assert.equal(snapshotPoolWarning(stateWith(sampleWith(8.6 * TiB)), [101]), undefined);
	assert.equal(snapshotPoolWarning(stateWith(sampleWith(9.5 * TiB)), [102]), undefined);
	assert.equal(snapshotPoolWarning(stateWith(undefined), [101]), undefined);
});

test('a DEGRADED pool warns whatever its fill', () => {
	assert.match(snapshotPoolWarning(stateWith(sampleWith(2 * TiB, 'DEGRADED')), [101]) ?? '', /pve\/tank 20 % DEGRADED/);
});
