// --prune-after: old pre-upgrade snapshots of cleanly upgraded containers go,
// through the dispatcher (audited); the newest snapshot and the admin's own
// snapshots stay.

import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {prunablePreUpgrade, prunePreUpgradeSnapshots} from '../../source/services/upgrade/prune.js';
import {startRig, type ActionRig} from '../actions/helpers.js';

const DAY = 86_400;

test('only pre-upgrade-* snapshots older than the limit, never the newest, oldest first', () => {
	const now = 100 * DAY * 1000;
	const snaps = [
		{name: 'pre-upgrade-old', description: '', snaptime: 80 * DAY},
		{name: 'auto-daily', description: '', snaptime: 70 * DAY},
		{name: 'pre-upgrade-older', description: '', snaptime: 75 * DAY},
		{name: 'pre-upgrade-recent', description: '', snaptime: 98 * DAY},
		{name: 'current', description: 'You are here!'},
	];
	assert.deepEqual(prunablePreUpgrade(snaps, 7, now), ['pre-upgrade-older', 'pre-upgrade-old']);
	// The newest is kept even when it is old: it is the only ZFS rollback target.
	assert.deepEqual(prunablePreUpgrade([{name: 'pre-upgrade-only', description: '', snaptime: DAY}], 7, now), []);
});

let rig: ActionRig;
before(async () => {
	rig = await startRig();
});
after(() => rig.close());

test('against the simulator: the old ones are deleted and audited, the newest stays', async () => {
	const d = rig.services.dispatcher;
	const [first] = await d.dispatch({action: 'snapshot', targets: [100], params: {snapname: 'pre-upgrade-first'}});
	assert.equal(first?.ok, true, first?.result);
	rig.skip(10 * DAY * 1000);
	const [second] = await d.dispatch({action: 'snapshot', targets: [100], params: {snapname: 'pre-upgrade-second'}});
	assert.equal(second?.ok, true, second?.result);

	const [result] = await prunePreUpgradeSnapshots(d, [100], 7, rig.clock());
	// Plex's own pre-upgrade-pms (from the fixture, days older) goes too.
	assert.deepEqual(result, {vmid: 100, deleted: ['pre-upgrade-pms', 'pre-upgrade-first']});
	const names = (await d.loadSnapshots(100)).snapshots.map((s) => s.name);
	assert.deepEqual(names, ['pre-upgrade-second', 'current']);
	const deletes = rig.writes().filter((r) => r.method === 'DELETE' && r.path.startsWith('/nodes/pve/lxc/100/snapshot/'));
	assert.deepEqual(deletes.map((r) => r.path.split('/').pop()), ['pre-upgrade-pms', 'pre-upgrade-first']);
	const lines = rig.auditLines();
	const pruneIds = new Set(lines.filter((l) => l.action === 'prune' && l.phase === 'begin').map((l) => l.id));
	const ends = lines.filter((l) => l.phase === 'end' && pruneIds.has(l.id));
	assert.deepEqual(ends.map((l) => l.result), ['OK', 'OK'], 'each deletion audited begin and end');
});
