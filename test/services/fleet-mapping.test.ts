import assert from 'node:assert/strict';
import {test} from 'node:test';
import {mapResources, splitTags} from '../../source/services/fleet-mapping.js';
import {readSample} from '../samples.js';

// A real recorded /cluster/resources answer (community.proxmox test fixture).
const recorded = JSON.parse(readSample('api-cluster-resources-vm-lxc.json'));

test('maps a recorded /cluster/resources answer into rows', () => {
	const {guests} = mapResources(recorded);
	const ct = guests.find((g) => g.vmid === 102);
	assert.ok(ct, 'lxc 102 is in the recording');
	assert.equal(ct.kind, 'lxc');
	assert.equal(ct.name, 'test-lxc.home.arpa');
	assert.equal(ct.node, 'pve');
	assert.equal(ct.status, 'running');
	assert.equal(ct.maxmem, 536870912);
	const vm = guests.find((g) => g.vmid === 101);
	assert.equal(vm?.kind, 'qemu');
	assert.equal(vm?.pool, 'pool1');
});

test('templates are left out, nodes are summarised, malformed entries are skipped', () => {
	const {guests, nodes, skipped} = mapResources([
		{id: 'lxc/100', type: 'lxc', vmid: 100, node: 'pve', name: 'tpl', status: 'stopped', template: 1},
		{id: 'lxc/101', type: 'lxc', vmid: 101, node: 'pve', name: 'ok', status: 'running', tags: 'media;gpu'},
		{id: 'lxc/xx', type: 'lxc', vmid: 'x', node: 'pve'},
		null,
		{id: 'node/pve', type: 'node', node: 'pve', status: 'online', cpu: 0.1, maxcpu: 16, mem: 1, maxmem: 2, uptime: 5},
		{id: 'storage/pve/local', type: 'storage', node: 'pve', storage: 'local', status: 'available'},
	]);
	assert.deepEqual(
		guests.map((g) => g.vmid),
		[101],
	);
	assert.deepEqual(guests[0]!.tags, ['media', 'gpu']);
	assert.equal(nodes.length, 1);
	assert.equal(nodes[0]!.status, 'online');
	assert.equal(skipped, 2);
});

test('a non-list answer is a clear error, not a crash later', () => {
	assert.throws(() => mapResources({data: []}), /malformed \/cluster\/resources answer/);
});

test('names and tags from the host are stripped of terminal control sequences', () => {
	const {guests} = mapResources([
		{id: 'lxc/101', type: 'lxc', vmid: 101, node: 'pve', name: 'evil\u001b]0;owned\u0007\u001b[2Jct', status: 'running', lock: 'snap\u001b[31mshot'},
	]);
	assert.equal(guests[0]!.name, 'evilct');
	assert.equal(guests[0]!.lock, 'snapshot');
	assert.deepEqual(splitTags('a,b c;\u001b[2Jd'), ['a', 'b', 'c', 'd']);
});
