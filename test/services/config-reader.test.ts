// The shared config reader keeps only the facts its services use (NICs,
// onboot) and forgets answers once they expire: at 10,000 guests the whole
// configs it kept were megabytes of the console's live heap (issue 12).

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createConfigReader} from '../../source/services/config-reader.js';
import type {ApiRequester} from '../../source/services/fleet-source.js';

function fakeApi() {
	const asked: string[] = [];
	const api: ApiRequester = {
		async request<T>(_method: string, path: string): Promise<T> {
			asked.push(path);
			const vmid = Number(/\/(\d+)\/config$/.exec(path)![1]);
			return {
				onboot: vmid % 2,
				hostname: `ct${vmid}`,
				description: 'x'.repeat(10_000),
				rootfs: 'local-lvm:vm-100-disk-0,size=8G',
				net0: `name=eth0,bridge=vmbr0,hwaddr=BC:24:11:00:00:${String(vmid % 100).padStart(2, '0')},ip=10.0.0.${vmid % 250}/24,gw=10.0.0.1,type=veth`,
			} as T;
		},
	} as ApiRequester;
	return {api, asked};
}

const guest = (vmid: number) => ({node: 'pve', kind: 'lxc' as const, vmid});

test('the reader hands back the NICs and onboot of a config, nothing else of it', async () => {
	const {api} = fakeApi();
	const reader = createConfigReader(api, {clock: () => 0});
	const facts = await reader.read(guest(101));
	assert.deepEqual(Object.keys(facts).sort(), ['nics', 'onboot']);
	assert.equal(facts.onboot, true);
	assert.equal((await reader.read(guest(102))).onboot, false);
	assert.deepEqual(facts.nics, [{id: 'net0', name: 'eth0', bridge: 'vmbr0', hwaddr: 'BC:24:11:00:00:01', ip: '10.0.0.101/24', gw: '10.0.0.1', firewall: false, linkDown: false}]);
});

test('a config read within the TTL is asked for once; expired answers are dropped, not kept', async () => {
	const {api, asked} = fakeApi();
	let now = 0;
	const reader = createConfigReader(api, {ttlMs: 60_000, clock: () => now});
	await Promise.all([reader.read(guest(101)), reader.read(guest(101))]);
	await reader.read(guest(101));
	assert.equal(asked.length, 1);
	for (let vmid = 200; vmid < 300; vmid++) await reader.read(guest(vmid));
	assert.equal(reader.size, 101);
	now = 61_000;
	await reader.read(guest(101));
	assert.equal(asked.length, 102, 'an expired answer is read again');
	assert.equal(reader.size, 1, 'the 100 expired answers are gone from memory');
});
