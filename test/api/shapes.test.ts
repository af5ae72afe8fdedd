// What the client lets through: every answer the services read is checked at
// the client boundary. Junk is refused with one line naming the route and the
// first bad entry; entry types proxdeck does not use are dropped; no string
// longer than FIELD_LIMIT and no answer larger than the body limit gets in.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import fc from 'fast-check';
import type {PveClient} from '../../source/api/client.js';
import {parseEntry} from '../../source/api/flat-entry.js';
import {boundStrings, checkAnswer, entryCheck, FIELD_LIMIT, ShapeError} from '../../source/api/shapes.js';
import {startTestServer, tokenClient, type TestServer} from './https-fixture.js';
import {rejection} from './rejection.js';
import {readSample} from '../samples.js';

const lxc = (vmid: number, extra: Record<string, unknown> = {}) => ({id: `lxc/${vmid}`, type: 'lxc', vmid, node: 'pve1', name: `ct${vmid}`, status: 'running', ...extra});

describe('answer shapes at the client boundary', () => {
	let server: TestServer;
	let client: PveClient;
	let answer: unknown = [];

	before(async () => {
		server = await startTestServer(() => (typeof answer === 'string' ? {body: answer} : {json: {data: answer}}));
		client = tokenClient(server, {retries: 0, maxResponseBytes: 64 * 1024});
	});
	after(async () => {
		await client.close();
		await server.close();
	});

	it('a list of junk is refused, naming the route and the first bad entry', async () => {
		answer = [null, 5, 'x', {type: 'lxc'}];
		const error = await rejection(client.request('GET', '/cluster/resources'));
		assert.equal(error.kind, 'parse');
		assert.equal(error.message, 'GET /cluster/resources: entry 0 is null, not an object');
		answer = [lxc(101), {type: 'lxc'}];
		assert.equal((await rejection(client.request('GET', '/cluster/resources'))).message, 'GET /cluster/resources: entry 1 (lxc) has no id');
		answer = [lxc(101, {vmid: '101'})];
		assert.equal((await rejection(client.request('GET', '/cluster/resources'))).message, 'GET /cluster/resources: entry 0 (lxc) vmid is a string, not an integer');
		answer = [lxc(101, {cpu: 'high'})];
		assert.equal((await rejection(client.request('GET', '/cluster/resources'))).message, 'GET /cluster/resources: entry 0 (lxc) cpu is a string, not a number');
		answer = {data: []};
		assert.equal((await rejection(client.request('GET', '/cluster/resources'))).message, 'GET /cluster/resources: expected a list, got an object');
		answer = [{upid: 5}];
		assert.equal((await rejection(client.request('GET', '/cluster/tasks'))).message, 'GET /cluster/tasks: entry 0 upid is a number, not a string');
		answer = [{n: 1, t: null}];
		assert.equal((await rejection(client.request('GET', '/nodes/pve1/tasks/UPID%3Apve1%3A1/log'))).message, 'GET /nodes/pve1/tasks/UPID%3Apve1%3A1/log: entry 0 t is null, not a string');
		answer = 'not a version';
		assert.match((await rejection(client.request('GET', '/version'))).message, /not Proxmox API JSON/);
		answer = ['9.1'];
		assert.equal((await rejection(client.request('GET', '/version'))).message, 'GET /version: expected an object, got a list');
	});

	it('entry types proxdeck does not read (sdn, pool, network, whatever comes next) are dropped', async () => {
		answer = [{id: 'sdn/pve1/localnetwork', type: 'sdn', sdn: 'localnetwork'}, lxc(101), {id: 'pool/prod', type: 'pool'}, {id: 'x/1', type: 'quantum'}];
		assert.deepEqual(await client.request('GET', '/cluster/resources'), [lxc(101)]);
	});

	it('writes and routes without a check still get bounded strings', async () => {
		answer = `{"data":"UPID:${'x'.repeat(FIELD_LIMIT * 2)}"}`;
		const upid = await client.request<string>('POST', '/nodes/pve1/lxc/101/status/start');
		assert.equal(upid.length, FIELD_LIMIT);
		assert.ok(upid.endsWith('…'));
	});

	it('a 5 MB guest name arrives cut to FIELD_LIMIT with a marker', async () => {
		const big = tokenClient(server);
		answer = [lxc(101, {name: 'n'.repeat(5_000_000)})];
		const [entry] = await big.request<Array<{name: string}>>('GET', '/cluster/resources');
		assert.equal(entry!.name.length, FIELD_LIMIT);
		assert.equal(entry!.name, `${'n'.repeat(FIELD_LIMIT - 1)}…`);
		await big.close();
	});

	it('an answer over the size limit is refused unread, naming the route and the limit', async () => {
		answer = [lxc(101, {description: 'd'.repeat(100 * 1024)})];
		const error = await rejection(client.request('GET', '/cluster/resources'));
		assert.equal(error.kind, 'parse');
		assert.equal(error.message, `${server.host}:${server.port} answered GET /cluster/resources with more than 64 KiB (proxdeck's limit for one answer); not read`);
	});

	it('an over-limit answer without Content-Length is cut off while streaming', async () => {
		server.setHandler(() => ({body: `{"data":"${'z'.repeat(200 * 1024)}"}`, headers: {'Transfer-Encoding': 'chunked'}}));
		const error = await rejection(client.request('GET', '/cluster/tasks'));
		assert.match(error.message, /with more than 64 KiB/);
		server.setHandler(() => (typeof answer === 'string' ? {body: answer} : {json: {data: answer}}));
	});
});

describe('boundStrings', () => {
	it('cuts every string and key, keeps everything else, refuses absurd nesting', () => {
		const long = 'k'.repeat(FIELD_LIMIT + 10);
		const out = boundStrings({[long]: [long, 1, null, true, {a: long}]}) as Record<string, unknown[]>;
		const [key] = Object.keys(out);
		assert.equal(key!.length, FIELD_LIMIT);
		assert.equal((out[key!]![0] as string).length, FIELD_LIMIT);
		assert.deepEqual(out[key!]!.slice(1, 4), [1, null, true]);
		let deep: unknown = 'x';
		for (let i = 0; i < 100; i++) deep = [deep];
		assert.throws(() => boundStrings(deep), (e: unknown) => e instanceof ShapeError && /nested deeper than 32 levels/.test(e.message));
		const small = {a: ['b', 1]};
		assert.equal(boundStrings(small), small, 'nothing to cut: the same object, no copy');
	});

	it('any JSON a host sends either passes /cluster/resources as a list of known entries or fails with a ShapeError', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (data) => {
				try {
					const out = checkAnswer('GET', '/cluster/resources', data) as Array<{type: string}>;
					assert.ok(Array.isArray(out));
					for (const entry of out) assert.ok(['lxc', 'qemu', 'node', 'storage'].includes(entry.type));
				} catch (error) {
					assert.ok(error instanceof ShapeError, String(error));
				}
			}),
			{numRuns: 1000},
		);
	});

	it('read and checked entry by entry, any list of JSON passes or fails exactly as checked whole', () => {
		const guestish = fc.record(
			{id: fc.string(), type: fc.constantFrom('lxc', 'qemu', 'node', 'storage', 'sdn', 'pool'), vmid: fc.oneof(fc.integer(), fc.double(), fc.string()), node: fc.oneof(fc.string(), fc.integer()), storage: fc.string(), name: fc.string({maxLength: 9000}), cpu: fc.oneof(fc.double(), fc.string())},
			{requiredKeys: []},
		);
		fc.assert(
			fc.property(fc.array(fc.oneof(fc.jsonValue(), guestish)), (list) => {
				const outcome = (read: () => unknown) => {
					try {
						return {kept: read()};
					} catch (error) {
						assert.ok(error instanceof ShapeError, String(error));
						return {refused: error.message};
					}
				};
				// Both from the same text, as the host sends it: whole through JSON.parse, each entry as the transport reads it (parseEntry bounds its strings).
				const text = JSON.stringify(list);
				const whole = outcome(() => checkAnswer('GET', '/cluster/resources', JSON.parse(text)));
				const check = entryCheck('GET', '/cluster/resources')!;
				const each = outcome(() =>
					(JSON.parse(text) as unknown[]).flatMap((entry, i) => {
						const bytes = Buffer.from(JSON.stringify(entry));
						return check(parseEntry(bytes, 0, bytes.length), i) ?? [];
					}),
				);
				assert.deepEqual(each, whole);
			}),
			{numRuns: 1000},
		);
	});
});

describe('the per-entry check of /cluster/resources', () => {
	// Each field is read by its name in one function per spec (shapes.ts
	// allOkFunction); the field-by-field loop then only names the first bad one.
	// A wrong test in that function would let a bad entry through silently.
	const wants: Record<string, 'string' | 'string?' | 'integer' | 'integer?' | 'number?'> = {
		id: 'string', vmid: 'integer', node: 'string', name: 'string?', status: 'string?',
		cpu: 'number?', maxcpu: 'number?', mem: 'number?', maxmem: 'number?', disk: 'number?', maxdisk: 'number?', uptime: 'number?', netin: 'number?', netout: 'number?', diskread: 'number?', diskwrite: 'number?',
		template: 'integer?', tags: 'string?', lock: 'string?', hastate: 'string?', pool: 'string?',
	};
	const fits = (value: unknown, want: string): boolean => {
		if (value === undefined) return want.endsWith('?');
		if (want.startsWith('string')) return typeof value === 'string';
		if (want.startsWith('integer')) return Number.isSafeInteger(value);
		return typeof value === 'number' && Number.isFinite(value);
	};
	const anyValue = fc.oneof(fc.constant(undefined), fc.constant(null), fc.boolean(), fc.string({maxLength: 4}), fc.integer(), fc.double(), fc.constant(2 ** 60), fc.constant(Number.NaN), fc.constant(Infinity), fc.constant([]), fc.constant({}));

	it('accepts a guest entry exactly when every field is as documented, and names the first one that is not', () => {
		const check = entryCheck('GET', '/cluster/resources')!;
		fc.assert(
			// A good entry with up to two fields replaced by anything (or taken away).
			fc.property(fc.constantFrom('lxc', 'qemu'), fc.dictionary(fc.constantFrom(...Object.keys(wants)), anyValue, {maxKeys: 2}), (type, changes) => {
				const entry: Record<string, unknown> = {...lxc(101, {type, cpu: 0.5, maxcpu: 2, mem: 1, maxmem: 2, disk: 1, maxdisk: 2, uptime: 9, netin: 1, netout: 2, template: 0, tags: 'a'}), ...changes};
				const bad = Object.keys(wants).find((key) => !fits(entry[key], wants[key]!));
				let message: string | undefined;
				try {
					assert.equal(check(entry, 7), entry);
				} catch (error) {
					if (!(error instanceof ShapeError)) throw error;
					message = error.message;
				}
				if (bad === undefined) assert.equal(message, undefined, 'a good entry passes');
				else assert.match(message ?? 'accepted', new RegExp(`^entry 7 \\(${type}\\) (has no ${bad}|${bad} is )`), `a bad ${bad} is refused by its name`);
			}),
			{numRuns: 2000},
		);
	});
});

describe('error text from the host', () => {
	it('reaches stderr and the screen without the host’s control sequences or invisible characters', async () => {
		const server = await startTestServer(() => ({
			status: 500,
			statusText: 'boom',
			json: {data: null, message: '\u001B]0;pwned\u0007CT 101 \u202Efailed\u001B[2J\n', errors: {'x\u001B[31m': 'bad \u0007value'}},
		}));
		const client = tokenClient(server, {retries: 0});
		const error = await rejection(client.request('POST', '/nodes/pve1/lxc/101/status/start'));
		assert.equal(error.message, 'CT 101 failed');
		assert.deepEqual(error.errors, {x: 'bad value'});
		await client.close();
		await server.close();
	});
});

describe('real recorded Proxmox answers', () => {
	// Answers recorded from real hosts (test/samples/README.md): the checks must never refuse what Proxmox sends.
	const routes: Array<[string, string]> = [
		['api-cluster-resources-qemu-node-storage.json', '/cluster/resources'],
		['api-cluster-resources-vm-lxc.json', '/cluster/resources'],
		['api-cluster-status.json', '/cluster/status'],
		['api-lxc-config.json', '/nodes/pve/lxc/101/config'],
		['api-node-tasks-pve64.json', '/nodes/pve/tasks'],
		['api-nodes.json', '/nodes'],
	];
	for (const [file, path] of routes) {
		it(`${file} passes GET ${path} whole`, () => {
			const raw = JSON.parse(readSample(file)) as unknown;
			const data = raw !== null && typeof raw === 'object' && 'data' in raw ? (raw as {data: unknown}).data : raw;
			assert.deepEqual(checkAnswer('GET', path, data), data);
		});
	}
});
