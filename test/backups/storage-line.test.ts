// A backup storage's line is coloured by the same bars as the ZFS pane's fills
// (usageTone: red from 90%, yellow from 85%), read as the figure is printed.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {initialBackupsState} from '../../source/store/backups-slice.js';
import {backupsLines} from '../../views/backups/backups-lines.js';

const GiB = 1024 ** 3;

test('a backup storage reading 90% is red, 85% yellow, 84% plain; its figure prints the floor', () => {
	const storages = [0.9, 0.899, 0.85, 0.84].map((fill, i) => ({storage: `pbs${i}`, type: 'pbs', shared: true, nodes: ['pve'], total: 1000 * GiB, used: fill * 1000 * GiB}));
	const lines = backupsLines({...initialBackupsState().backups, storages, readAt: 0}, [], 0, () => undefined).filter((l) => l.text.includes('(pbs, shared)'));
	assert.deepEqual(
		lines.map((l) => [l.text.match(/ (\d+)%/)![1], l.tone]),
		[
			['90', 'danger'],
			['89', 'warn'],
			['85', 'warn'],
			['84', undefined],
		],
	);
});
