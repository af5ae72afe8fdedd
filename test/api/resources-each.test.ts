// /cluster/resources is read entry by entry (client.requestEach): at 10,000
// guests a whole parse kept a 4 MB string and 10,000 entries alive at once.
// Proxmox orders each entry's keys anew in every answer, so an unchanged fleet
// never comes back as the same bytes; unchanged guests are recognised by value
// instead, and a poll that changed nothing leaves the store as it was.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {PveClient} from '../../source/api/client.js';
import {createFleetSource} from '../../source/services/fleet-source.js';
import {createAppStore} from '../../source/store/store.js';
import {startTestServer, tokenClient, type TestServer} from './https-fixture.js';

let cpu = 0.25;
/** 101's memory limit and 102's name, moved by a test. */
let maxmem101 = 2;
let name102 = 'db';
let answers = 0;
/** Raw body override for the next answers (hostile cases). */
let raw: string | undefined;

function resources(): Array<Record<string, unknown>> {
	return [
		{id: 'lxc/101', type: 'lxc', vmid: 101, node: 'pve1', name: 'web', status: 'running', cpu, maxcpu: 2, mem: 1, maxmem: maxmem101, disk: 1, maxdisk: 2, uptime: 100, tags: 'a;b'},
		{id: 'qemu/102', type: 'qemu', vmid: 102, node: 'pve1', name: name102, status: 'running', cpu: 0.1, maxcpu: 2, mem: 1, maxmem: 2, disk: 1, maxdisk: 2, uptime: 100},
		{id: 'qemu/900', type: 'qemu', vmid: 900, node: 'pve1', name: 'tpl', status: 'stopped', template: 1},
		{id: 'sdn/pve1/localnetwork', type: 'sdn', sdn: 'localnetwork', node: 'pve1', status: 'ok'},
		{id: 'node/pve1', type: 'node', node: 'pve1', status: 'online', cpu: 0.1, maxcpu: 4, mem: 1, maxmem: 8, uptime: 1000},
	];
}

/** Keys rotated per answer, as Perl's hash order changes them. */
function shuffled(entry: Record<string, unknown>, by: number): Record<string, unknown> {
	const keys = Object.keys(entry);
	return Object.fromEntries(keys.map((_, i) => keys[(i + by) % keys.length]!).map((key) => [key, entry[key]]));
}

describe('/cluster/resources read entry by entry', () => {
	let server: TestServer;
	let client: PveClient;

	before(async () => {
		server = await startTestServer((request) => {
			if (request.path === '/cluster/resources') {
				answers++;
				if (raw !== undefined) return {body: raw, headers: {'Content-Type': 'application/json'}};
				return {json: {data: resources().map((entry, i) => shuffled(entry, answers + i))}};
			}
			if (request.path === '/version') return {json: {data: {version: '9.1.5'}}};
			if (request.path === '/cluster/status') return {json: {data: [{type: 'cluster', name: 'c', quorate: 1}]}};
			return {status: 404};
		});
		client = tokenClient(server);
	});
	after(async () => {
		await client.close();
		await server.close();
	});

	it('visits the entries `request` returns, checked and bounded the same way', async () => {
		const whole = await client.request<unknown[]>('GET', '/cluster/resources');
		const each: unknown[] = [];
		await client.requestEach('/cluster/resources', (entry) => each.push(entry));
		assert.deepEqual(each, whole);
		assert.deepEqual(
			each.map((e) => (e as {id: string}).id),
			['lxc/101', 'qemu/102', 'qemu/900', 'node/pve1'],
			'the sdn entry is dropped, as the whole check drops it',
		);
	});

	it('refuses a bad entry with the same one line as a whole read, and a non-JSON entry as not API JSON', async () => {
		try {
			raw = JSON.stringify({data: [resources()[0], {id: 'lxc/7', type: 'lxc', node: 'pve1'}]});
			const whole = await client.request('GET', '/cluster/resources').then(() => 'read', (e: Error) => e.message);
			const each = await client.requestEach('/cluster/resources', () => {}).then(() => 'read', (e: Error) => e.message);
			assert.match(each, /entry 1 \(lxc\) has no vmid/);
			assert.equal(each, whole);
			// Entries are read in order, so the refusal names the first problem met.
			raw = JSON.stringify({data: [resources()[0]]}).replace(']}', ',{"id":nope}]}');
			await assert.rejects(client.requestEach('/cluster/resources', () => {}), /not Proxmox API JSON/);
			// Nesting: the same limit, refused with the same line, at once.
			for (const levels of [30, 31, 32, 40]) {
				raw = JSON.stringify({data: [resources()[0]]}).replace(']}', `,{"id":"x","type":"pool","deep":${'['.repeat(levels)}${']'.repeat(levels)}}]}`);
				const wholeDeep = await client.request('GET', '/cluster/resources').then(() => 'read', (e: Error) => e.message);
				const eachDeep = await client.requestEach('/cluster/resources', () => {}).then(() => 'read', (e: Error) => e.message);
				assert.equal(eachDeep, wholeDeep, `${levels} levels`);
			}
			// Another envelope is read whole, as before.
			raw = '{"data":{"id":"lxc/1"}}';
			await assert.rejects(client.requestEach('/cluster/resources', () => {}), /expected a list, got an object/);
		} finally {
			raw = undefined;
		}
	});

	it('hands a visitor the same entry object again when only its numbers moved, with the new numbers', async () => {
		cpu = 0.4;
		const seen: Array<Record<string, unknown>> = [];
		const visit = (entry: Record<string, unknown>) => seen.push(entry);
		await client.requestEach('/cluster/resources', visit);
		const first = seen.splice(0);
		cpu = 0.45;
		await client.requestEach('/cluster/resources', visit);
		assert.equal(seen[0], first[0], '101: the same object');
		assert.equal(seen[0]!.cpu, 0.45, 'its cpu updated in place');
		assert.deepEqual(Object.keys(seen[0]!), Object.keys(first[0]!));
		// Another visitor reads its own objects: the one above is not touched by its read.
		const other: Array<Record<string, unknown>> = [];
		cpu = 0.5;
		await client.requestEach('/cluster/resources', (entry) => other.push(entry));
		assert.notEqual(other[0], seen[0]);
		assert.equal(seen[0]!.cpu, 0.45);
	});

	it('makes a new row when a reused entry brings another limit, or an entry another name; keeps the rows otherwise', async () => {
		const source = createFleetSource(client);
		cpu = 0.2;
		await source.fetchFleet();
		cpu = 0.25;
		const before = await source.fetchFleet();
		const [web, db] = before.guests;
		cpu = 0.3;
		const moved = await source.fetchFleet();
		assert.equal(moved.guests, before.guests, 'only figures moved: the same rows');
		assert.equal(moved.figures?.[0], 0.3);
		maxmem101 = 4;
		const bigger = await source.fetchFleet();
		assert.notEqual(bigger.guests[0], web, "101's limit moved: a new row");
		assert.equal(bigger.guests[0]!.maxmem, 4);
		assert.equal(bigger.guests[1], db, '102 unchanged');
		name102 = 'postgres';
		const renamed = await source.fetchFleet();
		assert.equal(renamed.guests[0], bigger.guests[0], '101 unchanged since');
		assert.notEqual(renamed.guests[1], db);
		assert.equal(renamed.guests[1]!.name, 'postgres');
		maxmem101 = 2;
		name102 = 'db';
	});

	it('leaves the store as it was when nothing changed (the keys came in another order); a changed figure is written into its row', async () => {
		cpu = 0.3;
		const source = createFleetSource(client);
		const store = createAppStore({target: 't', demo: false, readOnly: false});
		const first = await source.fetchFleet();
		store.getState().actions.fleetReceived(first);
		const before = store.getState();
		const second = await source.fetchFleet();
		assert.equal(second.guests, first.guests, 'the same rows: nothing to merge');
		store.getState().actions.fleetReceived(second);
		const after = store.getState();
		assert.equal(after.guests, before.guests, 'the same guests map: nothing keyed on it recomputes');
		assert.equal(after.nodes, before.nodes);
		cpu = 0.35;
		const third = await source.fetchFleet();
		// Only a figure moved: the rows stay, the figure comes beside them (GuestRow, types.ts).
		assert.equal(third.guests, first.guests, 'the same rows');
		assert.equal(third.figures?.[0], 0.35, "101's CPU among the figures");
		store.getState().actions.fleetReceived(third);
		const changed = store.getState();
		assert.notEqual(changed.guests, before.guests, 'a new guests map: what is keyed on it reads the new figure');
		assert.equal(changed.guests.get(101), before.guests.get(101), 'the row object stays');
		assert.equal(changed.guests.get(101)!.cpu, 0.35, 'with the new figure written in');
		assert.equal(changed.figuresSeq, before.figuresSeq + 1);
		assert.equal(changed.guests.get(102), before.guests.get(102));
		assert.equal(changed.nodes, before.nodes, 'the node did not change');
		assert.equal(changed.guests.has(900), false, 'templates are left out');
	});
});
