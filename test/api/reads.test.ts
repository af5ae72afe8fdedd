// The typed reads go through proxmox-api's path builder and our transport:
// check the exact request each one sends and that it returns the unwrapped data.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {PveClient} from '../../source/api/client.js';
import {getClusterResources, getClusterStatus, getClusterTasks, getLxcConfig, getLxcSnapshots, getNodes, getVersion} from '../../source/api/reads.js';
import {startTestServer, tokenClient, type TestServer} from './https-fixture.js';

/** The request, in an answer of the shape its route must have (source/api/shapes.ts). */
function echo(path: string, query: string): unknown {
	const seen = {path, query};
	if (path === '/version') return {version: '9.1.5', ...seen};
	if (path === '/cluster/status') return [{type: 'cluster', name: 'c', ...seen}];
	if (path === '/cluster/resources') return [{id: 'lxc/101', type: 'lxc', vmid: 101, node: 'pve1', ...seen}];
	if (path === '/nodes') return [{node: 'pve1', ...seen}];
	if (path.endsWith('/snapshot')) return [{name: 'current', ...seen}];
	if (path === '/cluster/tasks') return [{upid: 'UPID:pve1:1:2:3:vzdump::root@pam:', ...seen}];
	return seen;
}

describe('typed reads', () => {
	let server: TestServer;
	let client: PveClient;

	before(async () => {
		// Echo what was asked, so each read's answer proves which path it hit (in a shape the route accepts).
		server = await startTestServer((request) => ({json: {data: echo(request.path, request.query.toString())}}));
		client = tokenClient(server);
	});
	after(async () => {
		await client.close();
		await server.close();
	});

	const cases: Array<[string, () => Promise<unknown>, string, string]> = [
		['getVersion', () => getVersion(client), '/version', ''],
		['getClusterStatus', () => getClusterStatus(client), '/cluster/status', ''],
		['getClusterResources()', () => getClusterResources(client), '/cluster/resources', ''],
		['getClusterResources(vm)', () => getClusterResources(client, 'vm'), '/cluster/resources', 'type=vm'],
		['getNodes', () => getNodes(client), '/nodes', ''],
		['getLxcConfig', () => getLxcConfig(client, 'pve1', 101), '/nodes/pve1/lxc/101/config', ''],
		['getLxcSnapshots', () => getLxcSnapshots(client, 'pve1', 101), '/nodes/pve1/lxc/101/snapshot', ''],
		['getClusterTasks', () => getClusterTasks(client), '/cluster/tasks', ''],
	];
	for (const [name, read, path, query] of cases) {
		it(`${name} → GET ${path}${query ? `?${query}` : ''}`, async () => {
			const sent = server.requests.length;
			assert.deepEqual(await read(), echo(path, query));
			assert.equal(server.requests.length, sent + 1);
			assert.equal(server.requests.at(-1)?.method, 'GET');
		});
	}

	it('the builder escapes "/" inside a path segment', async () => {
		await client.api.nodes.$('pve/1').status.$get();
		assert.equal(server.requests.at(-1)?.path, '/nodes/pve%2F1/status');
	});

	it('builder POSTs go out as form bodies with 1/0 booleans', async () => {
		await client.api.nodes.$('pve1').lxc.$(101).snapshot.$('pre').rollback.$post({start: true});
		const last = server.requests.at(-1);
		assert.equal(last?.method, 'POST');
		assert.equal(last?.path, '/nodes/pve1/lxc/101/snapshot/pre/rollback');
		assert.equal(last?.body, 'start=1');
	});
});
