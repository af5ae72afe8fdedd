// The node readers' pure parts on recorded Proxmox answers (/work/shared/samples):
// node status, apt/update, the pending kernel from apt/versions, rrddata
// points, and the sparkline they draw.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {cpuAboveSince, parseNodeStatus, pendingKernel, pendingUpdates, pulsePoints} from '../../source/services/nodes/health.js';
import {BLOCKS, sparkline} from '../../views/sparkline.js';
import {readSample} from '../samples.js';

const sample = (name: string) => JSON.parse(readSample(name)) as unknown;
const data = (name: string) => (sample(name) as {data: unknown}).data;

test('node status (a PVE 7 recording, without current-kernel): load, memory, swap, root, versions', () => {
	const h = parseNodeStatus(data('api-node-status.json'), 5);
	assert.deepEqual(h.loadavg, [0, 0, 0]);
	assert.deepEqual([h.cpus, h.mem.total, h.swap.total, h.rootfs.used, h.uptime], [8, 65919459328, 0, 10487595008, 2501631]);
	assert.equal(h.pveVersion, '7.4-16');
	assert.equal(h.kernel, '5.15.108-1-pve', 'from kversion when current-kernel is absent');
});

test('apt/update: the count of pending packages; anything but a list is unknown, not zero', () => {
	assert.equal(pendingUpdates(sample('api-node-apt-update.json')), 5);
	assert.equal(pendingUpdates([]), 0);
	assert.equal(pendingUpdates(undefined), undefined);
});

test('a newer installed kernel than the running one is a pending reboot; the same or an older one is not', () => {
	const versions = (...releases: string[]) => releases.map((r) => ({Package: `proxmox-kernel-${r}-signed`, CurrentState: 'Installed'}));
	assert.equal(pendingKernel(versions('6.14.8-2-pve', '6.14.11-1-pve'), '6.14.8-2-pve'), '6.14.11-1-pve');
	assert.equal(pendingKernel(versions('6.14.8-2-pve', '6.8.12-4-pve'), '6.14.8-2-pve'), undefined, '6.8 is older than 6.14');
	assert.equal(pendingKernel([{Package: 'pve-kernel-5.15.108-1-pve', CurrentState: 'Installed'}, {Package: 'pve-kernel-5.15.116-1-pve', CurrentState: 'ConfigFiles'}], '5.15.108-1-pve'), undefined, 'only installed kernels count');
});

test('rrddata points: memory as a fraction, rates kept, a stopped VM\'s limits-only points without usage', () => {
	const node = pulsePoints(sample('api-node-rrddata-hour-entry.json'));
	assert.equal(node.length, 1);
	assert.equal(node[0]!.cpu, 0.0277346455515237);
	assert.ok(Math.abs(node[0]!.mem! - 57576897877.3333 / 135038619648) < 1e-9);
	assert.equal(node[0]!.netin, 95589.45);
	const vm = pulsePoints(data('api-qemu-rrddata-stopped-vm.json'));
	assert.equal(vm.length, 5);
	assert.deepEqual(Object.keys(vm[0]!), ['time']);
});

test('cpuAboveSince counts back from the newest point with a value', () => {
	const pts = [0.9, 0.5, 0.85, 0.8, undefined].map((cpu, i) => ({time: 100 + i * 60, ...(cpu !== undefined ? {cpu} : {})}));
	assert.equal(cpuAboveSince(pts, 80), 220_000);
	assert.equal(cpuAboveSince(pts, 81), undefined);
});

test('sparklines: one block a cell, fractions against 1, rates against their peak, gaps blank', () => {
	assert.equal(sparkline([0, 0.25, 0.5, 0.75, 1], 5, 1), '▁▃▅▇█');
	assert.equal(sparkline([10, 20, undefined, 40], 4), '▃▅ █');
	// 60 points into 6 cells: each cell is the average of 10.
	const ramp = Array.from({length: 60}, (_, i) => (i < 30 ? 0 : 1));
	assert.equal(sparkline(ramp, 6, 1), '▁▁▁███');
	assert.equal(sparkline([0, 0, 0], 3), '▁▁▁');
	assert.ok([...sparkline(Array.from({length: 1440}, (_, i) => Math.sin(i / 100) + 1), 40)].every((c) => BLOCKS.includes(c)));
});
