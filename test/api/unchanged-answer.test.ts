// /cluster/resources is polled every 2 s but Proxmox's figures move only when
// pvestatd broadcasts (every 10 s). An answer byte-for-byte the last one comes
// back as the same object, and every layer above (shape check, mapping, the
// store's merge) recognises it instead of redoing its work for 10,000 rows.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {createClient, type PveClient} from '../../source/api/client.js';
import {createFleetSource} from '../../source/services/fleet-source.js';
import {createAppStore} from '../../source/store/store.js';
import {startTestServer, type TestServer} from './https-fixture.js';

function resources(cpu: number): unknown[] {
	return [
		{id: 'lxc/101', type: 'lxc', vmid: 101, node: 'pve1', name: 'web', status: 'running', cpu, maxcpu: 2, mem: 1, maxmem: 2, disk: 1, maxdisk: 2, uptime: 100},
		{id: 'node/pve1', type: 'node', node: 'pve1', status: 'online', cpu: 0.1, maxcpu: 4, mem: 1, maxmem: 8, uptime: 1000},
	];
}

describe('an unchanged answer', () => {
	let server: TestServer;
	let client: PveClient;
	let cpu = 0.25;

	before(async () => {
		server = await startTestServer((request) => {
			if (request.path === '/cluster/resources') return {json: {data: resources(cpu)}};
			if (request.path === '/version') return {json: {data: {version: '9.1.5'}}};
			if (request.path === '/cluster/status') return {json: {data: [{type: 'cluster', name: 'c', quorate: 1}]}};
			if (request.path === '/cluster/tasks') return {json: {data: [{upid: 'UPID:pve1:1:2:3:vzdump::root@pam:'}]}};
			return {status: 404};
		});
		client = createClient({
			host: server.host,
			port: server.port,
			fingerprint: server.fingerprint,
			auth: {kind: 'token', tokenId: 'root@pam!proxdeck', secret: '8d2e6f3a-1b4c-4d5e-9f60-7a8b9c0d1e2f'},
		});
	});
	after(async () => {
		await client.close();
		await server.close();
	});

	it('comes back as the same object; a changed one as a new object', async () => {
		cpu = 0.25;
		const first = await client.request<unknown[]>('GET', '/cluster/resources');
		const again = await client.request<unknown[]>('GET', '/cluster/resources');
		assert.equal(again, first, 'same bytes → same object');
		assert.equal(server.requests.filter((r) => r.path === '/cluster/resources').length, 2, 'it is still asked every time');
		cpu = 0.5;
		const changed = await client.request<Array<{cpu: number}>>('GET', '/cluster/resources');
		assert.notEqual(changed, first);
		assert.equal(changed[0]!.cpu, 0.5);
		// A change that keeps the length (one byte differs) is a change too.
		cpu = 0.6;
		const sameLength = await client.request<Array<{cpu: number}>>('GET', '/cluster/resources');
		assert.notEqual(sameLength, changed);
		assert.equal(sameLength[0]!.cpu, 0.6);
		assert.equal(await client.request('GET', '/cluster/resources'), sameLength);
		// Another query of the same path is another answer, not the cached one.
		const storage = await client.request<unknown[]>('GET', '/cluster/resources', {type: 'vm'});
		assert.notEqual(storage, changed);
	});

	it('is not reused for paths outside the list (their callers may keep and change them)', async () => {
		const a = await client.request<unknown[]>('GET', '/cluster/tasks');
		const b = await client.request<unknown[]>('GET', '/cluster/tasks');
		assert.notEqual(a, b);
		assert.deepEqual(a, b);
	});

	it('leaves the store\'s fleet, rows and nodes as they were; a changed figure replaces only its row', async () => {
		cpu = 0.3;
		const source = createFleetSource(client);
		const store = createAppStore({target: 't', demo: false, readOnly: false});
		store.getState().actions.fleetReceived(await source.fetchFleet());
		const before = store.getState();
		store.getState().actions.fleetReceived(await source.fetchFleet());
		const after = store.getState();
		assert.equal(after.guests, before.guests, 'the same guests map: nothing keyed on it recomputes');
		assert.equal(after.nodes, before.nodes);
		assert.notEqual(after.connection.lastOkAt, undefined);
		cpu = 0.35;
		store.getState().actions.fleetReceived(await source.fetchFleet());
		const changed = store.getState();
		assert.notEqual(changed.guests, before.guests);
		assert.equal(changed.guests.get(101)!.cpu, 0.35);
		assert.equal(changed.nodes, before.nodes, 'the node did not change');
	});
});
