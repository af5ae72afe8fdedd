// Quota-held datasets: only the one carrying the quota is listed, not every
// descendant whose avail the quota also limits.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {buildConsumers} from '../../source/services/zfs/model.js';
import type {ZfsDatasetRow} from '../../source/store/screen-types.js';

const G = 1024 ** 3;
const row = (name: string, used: number, avail: number): ZfsDatasetRow => ({node: 'pve', name, used: used * G, avail: avail * G, refer: used * G, usedbysnapshots: 0, compressratio: 1, mountpoint: `/${name}`});

test('tank/docker (quota) is listed; tank/docker/volumes below it is not', () => {
	const datasets = [
		row('tank', 900, 1000),
		row('tank/docker', 100, 28),
		row('tank/docker/volumes', 60, 28),
		row('tank/docker/volumes/a', 30, 28),
		row('tank/docker/volumes/b', 30, 28),
		row('tank/media', 700, 1000),
		row('tank/media/films', 700, 1000),
	];
	const sample = {source: 'ssh' as const, pools: [], datasets, snapshots: [], storages: [], notes: [], at: 0};
	const labels = buildConsumers({sample, previousUsed: new Map()}, new Map()).map((c) => c.label).sort();
	assert.deepEqual(labels, ['tank/docker (quota)', 'tank/docker/volumes/a', 'tank/docker/volumes/b', 'tank/media/films']);
});
