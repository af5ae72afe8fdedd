import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createFleetReader, mapResources, splitTags} from '../../source/services/fleet-mapping.js';
import {FIGURES_PER_GUEST} from '../../source/store/guest-figures.js';
import {readSample} from '../samples.js';
import type {GuestRow} from '../../source/store/types.js';

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

test('a fleet reader reads poll after poll with one add, and a read that overlaps another gets its own', async () => {
	const reader = createFleetReader();
	const guest = (vmid: number, cpu: number) => ({id: `lxc/${vmid}`, type: 'lxc', vmid, node: 'pve1', name: `ct${vmid}`, status: 'running', cpu, maxcpu: 1, mem: 1, maxmem: 2, disk: 1, maxdisk: 2, uptime: 5});
	const adds = new Set<unknown>();
	const first = await reader.read([], async (add) => {
		adds.add(add);
		add(guest(101, 0.1));
		add(guest(102, 0.2));
	});
	assert.deepEqual(first.guests.map((g) => g.vmid), [101, 102]);
	// A second read while a third is still running: each sees only its own entries.
	let release!: () => void;
	const held = new Promise<void>((resolve) => (release = resolve));
	const slow = reader.read(first.guests, async (add) => {
		adds.add(add);
		add(guest(101, 0.5));
		await held;
		add(guest(102, 0.6));
	});
	const quick = reader.read(first.guests, async (add) => {
		add(guest(103, 0.9));
	});
	const q = await quick;
	release();
	const s = await slow;
	assert.deepEqual(q.guests.map((g) => g.vmid), [103]);
	assert.deepEqual([...q.figures.subarray(0, 1)], [0.9]);
	assert.equal(s.guests, first.guests, 'only figures moved: the same rows');
	assert.deepEqual([s.figures[0], s.figures[FIGURES_PER_GUEST]], [0.5, 0.6]);
	assert.equal(adds.size, 1, 'the reader hands every poll the same add');
	// A read that fails leaves the reader ready for the next.
	await assert.rejects(reader.read(first.guests, async () => Promise.reject(new Error('socket hang up'))), /hang up/);
	const after = await reader.read(first.guests, async (add) => add(guest(101, 0.3)));
	assert.deepEqual(after.guests.map((g) => g.vmid), [101]);
});

test('an entry object handed over again (EntryMemo) keeps its row only while every field the row holds, figures aside, is as before', async () => {
	const reader = createFleetReader();
	// The same object each read, changed in place as the client's memo changes one (numbers only, there).
	const entry: Record<string, unknown> = {id: 'qemu/100', type: 'qemu', vmid: 100, node: 'pve1', name: 'db', status: 'running', cpu: 0.1, maxcpu: 2, mem: 1, maxmem: 4, disk: 0, maxdisk: 8, uptime: 5};
	const read = (previous: readonly GuestRow[]) => reader.read(previous, async (add) => add(entry));
	const first = await read([]);
	entry.cpu = 0.2;
	const second = await read(first.guests);
	assert.equal(second.guests, first.guests, 'figures moved: the same rows');
	assert.equal(second.figures[0], 0.2);
	entry.maxmem = 8;
	const third = await read(second.guests);
	assert.notEqual(third.guests[0], first.guests[0]);
	assert.equal(third.guests[0]!.maxmem, 8);
	// A node or status that is a number (a check would refuse it first) is not a figure: the row follows it.
	entry.node = 1;
	const fourth = await read(third.guests);
	entry.node = 2;
	const fifth = await read(fourth.guests);
	assert.equal(fifth.guests[0]!.node, '2');
	entry.status = 3;
	const sixth = await read(fifth.guests);
	entry.status = 4;
	assert.equal((await read(sixth.guests)).guests[0]!.status, '4');
});
