// One measure for a percentage on screen and against a bar (source/util/percent.ts):
// every place that prints a fill or compares one with a bar must agree, down to
// the last bytes under a bar and the float artifacts of whole percentages.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {cpuAboveSince} from '../../source/services/nodes/health.js';
import {fillLevel} from '../../source/services/problems/rules.js';
import {DEFAULT_THRESHOLDS} from '../../source/services/problems/thresholds.js';
import {snapshotVerdict} from '../../source/services/upgrade/snapshot-check.js';
import {usageLevel} from '../../source/services/zfs/model.js';
import {isHot} from '../../views/columns.js';
import {formatPercent} from '../../views/format.js';
import {usageBar} from '../../views/zfs-lines.js';

const TB = 10 * 1000 ** 4;
const GiB = 1024 ** 3;

test('a pool reading 90% is danger in the ZFS pane, red, critical in the problems and warned before a snapshot, down to bytes under the bar', () => {
	// 10 TB: 1e-9 of a percent is 100 bytes, so 50 bytes under 90 % reads as at it — everywhere alike.
	for (const used of [0.9 * TB - 1e6, 0.9 * TB - 150, 0.9 * TB - 50, 0.9 * TB, 0.9 * TB + 1, 0.896 * TB, 0.85 * TB - 1e6, 0.85 * TB]) {
		const fraction = used / TB;
		const shown = Number(formatPercent(fraction).replace('%', ''));
		const at90 = shown >= 90;
		assert.equal(isHot(fraction), at90, `${used}: red`);
		assert.equal(usageLevel(fraction) === 'danger', at90, `${used}: the ZFS pane's level`);
		assert.equal(usageLevel(fraction) === 'warn', !at90 && shown >= 85, `${used}: warn from 85%`);
		assert.equal(fillLevel('pool-fill', 'pve/tank', used, TB, DEFAULT_THRESHOLDS.pool) === 'critical', at90, `${used}: the problem`);
		const verdict = snapshotVerdict({rootfs: 'tank:subvol-101-disk-0,size=8G'}, [{storage: 'tank', type: 'zfspool', used, total: TB}]);
		assert.equal(verdict.possible, !at90, `${used}: the snapshot check`);
		if (!verdict.possible) assert.equal(verdict.reason, `storage 'tank' is ${shown} % full`);
	}
});

test("the snapshot check's reason prints the floor, as every pane does: 99.6 % reads 99 %", () => {
	const verdict = snapshotVerdict({rootfs: 'local-zfs:subvol-101-disk-0,size=8G'}, [{storage: 'local-zfs', type: 'zfspool', used: 0.996 * 100 * GiB, total: 100 * GiB}]);
	assert.deepEqual(verdict, {possible: false, reason: "storage 'local-zfs' is 99 % full"});
	assert.equal(formatPercent(0.996), '99%');
});

test('sustained CPU counts a figure at the bar as at it: 0.57 * 100 is 56.99999999999999, and reads 57%', () => {
	assert.equal(formatPercent(0.57), '57%');
	assert.equal(cpuAboveSince([{time: 60, cpu: 0.57}, {time: 120, cpu: 0.57}], 57), 60_000);
	assert.equal(cpuAboveSince([{time: 60, cpu: 0.569}, {time: 120, cpu: 0.57}], 57), 120_000);
});

test('a usage bar is full only when the figure is: 96 % of 12 cells is 11', () => {
	assert.equal(usageBar(0.96, 12), '███████████░');
	assert.equal(usageBar(1, 12), '████████████');
	assert.equal(usageBar(0.5, 12), '██████░░░░░░');
	// 7 / 12 * 12 is 7.000000000000001 or 6.999…: whole cells either way.
	assert.equal(usageBar(7 / 12, 12), '███████░░░░░');
});
