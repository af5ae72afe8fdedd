// How every kind of failure reaches the caller: a PveApiError with the status,
// kind and one-line message a user would read.

import assert from 'node:assert/strict';
import {after, before, beforeEach, describe, it} from 'node:test';
import {createClient, type PveClient} from '../../source/api/client.js';
import {closedPort, startTestServer, type TestServer} from './https-fixture.js';
import {rejection} from './rejection.js';

const token = {kind: 'token' as const, tokenId: 'root@pam!proxdeck', secret: '5f0c3c1e-7a51-4c43-9a36-1f1f2b7f4a11'};

describe('API errors', () => {
	let server: TestServer;
	let client: PveClient;

	before(async () => {
		server = await startTestServer();
	});
	after(async () => {
		await server.close();
	});
	beforeEach(async () => {
		server.requests.length = 0;
		client = createClient({host: server.host, port: server.port, auth: token, fingerprint: server.fingerprint, retryDelayMs: 1});
	});

	it('unwraps the data of a 200 and sends the token header', async () => {
		server.setHandler(() => ({json: {data: {version: '9.1.5', release: '9.1', repoid: '80cf92a6'}}}));
		const version = await client.request<{version: string}>('GET', '/version');
		assert.equal(version.version, '9.1.5');
		assert.equal(server.requests[0]?.headers.authorization, `PVEAPIToken=${token.tokenId}=${token.secret}`);
		assert.equal(server.requests[0]?.path, '/version');
		await client.close();
	});

	it('401 with an empty body: status 401, the reason phrase as message', async () => {
		server.setHandler(() => ({status: 401, statusText: 'Authentication failed!', body: ''}));
		const error = await rejection(client.request('GET', '/cluster/resources'));
		assert.equal(error.status, 401);
		assert.equal(error.kind, 'http');
		assert.equal(error.message, 'Authentication failed!');
		assert.equal(error.method, 'GET');
		assert.equal(error.path, '/cluster/resources');
		assert.equal(server.requests.length, 1, 'a rejected token is not retried');
		await client.close();
	});

	it('403: the message names the missing privilege', async () => {
		server.setHandler(() => ({
			status: 403,
			statusText: 'Permission check failed (/vms/101, VM.PowerMgmt)',
			json: {data: null, message: 'Permission check failed (/vms/101, VM.PowerMgmt)\n'},
		}));
		const error = await rejection(client.request('POST', '/nodes/pve1/lxc/101/status/start'));
		assert.equal(error.status, 403);
		assert.equal(error.message, 'Permission check failed (/vms/101, VM.PowerMgmt)');
		await client.close();
	});

	it('400: errors maps each parameter to its message', async () => {
		server.setHandler(() => ({
			status: 400,
			statusText: 'Parameter verification failed.',
			json: {
				data: null,
				message: 'Parameter verification failed.\n',
				errors: {vmid: "type check ('integer') failed - got 'abc'", foo: 'property is not defined in schema and the schema does not allow additional properties\n'},
			},
		}));
		const error = await rejection(client.request('GET', '/nodes/pve1/lxc/abc/config'));
		assert.equal(error.status, 400);
		assert.equal(error.message, 'Parameter verification failed.');
		assert.deepEqual(error.errors, {
			vmid: "type check ('integer') failed - got 'abc'",
			foo: 'property is not defined in schema and the schema does not allow additional properties',
		});
		await client.close();
	});

	it('400 from an older PVE without a body message uses the reason phrase', async () => {
		server.setHandler(() => ({status: 400, statusText: 'Parameter verification failed.', json: {data: null, errors: {snapname: 'property is missing and it is not optional'}}}));
		const error = await rejection(client.request('POST', '/nodes/pve1/lxc/101/snapshot'));
		assert.equal(error.message, 'Parameter verification failed.');
		assert.equal(error.errors?.snapname, 'property is missing and it is not optional');
		await client.close();
	});

	it('501 for an unknown path', async () => {
		server.setHandler(() => ({status: 501, statusText: "Method 'GET /nodes/pve1/foo' not implemented", json: {data: null}}));
		const error = await rejection(client.request('GET', '/nodes/pve1/foo'));
		assert.equal(error.status, 501);
		assert.equal(error.message, "Method 'GET /nodes/pve1/foo' not implemented");
		await client.close();
	});

	it('500 from a handler keeps only the first line', async () => {
		server.setHandler(() => ({status: 500, statusText: 'CT 101 already running', json: {data: null, message: 'CT 101 already running\n'}}));
		const error = await rejection(client.request('POST', '/nodes/pve1/lxc/101/status/start'));
		assert.equal(error.status, 500);
		assert.equal(error.message, 'CT 101 already running');
		assert.equal(server.requests.length, 1);
		await client.close();
	});

	it('a 200 that is not JSON is a parse error, not a crash', async () => {
		server.setHandler(() => ({body: '{"data": [1, 2'}));
		const error = await rejection(client.request('GET', '/cluster/resources'));
		assert.equal(error.kind, 'parse');
		assert.equal(error.status, 200);
		assert.match(error.message, /not Proxmox API JSON/);
		await client.close();
	});

	it('a 200 JSON without a data member is a parse error', async () => {
		server.setHandler(() => ({json: {success: 1}}));
		const error = await rejection(client.request('GET', '/version'));
		assert.equal(error.kind, 'parse');
		await client.close();
	});

	it('connection refused: kind network, status 0, one line naming host and port', async () => {
		const port = await closedPort();
		const refused = createClient({host: '127.0.0.1', port, auth: token, insecure: true, retries: 0});
		const error = await rejection(refused.request('GET', '/version'));
		assert.equal(error.kind, 'network');
		assert.equal(error.status, 0);
		assert.equal(error.message, `cannot reach 127.0.0.1:${port}: connection refused`);
		await refused.close();
	});

	it('no answer within timeoutMs: kind timeout', async () => {
		// The time limit covers the TLS handshake too: on a loaded machine that alone can
		// take longer than a short limit, and the request would never reach the server.
		// So the connection is opened first (keep-alive) and the limit is 1 s.
		const slow = createClient({host: server.host, port: server.port, auth: token, fingerprint: server.fingerprint, timeoutMs: 1000});
		server.setHandler(() => ({json: {data: {version: '9.1.5'}}}));
		assert.deepEqual(await slow.request('GET', '/version'), {version: '9.1.5'});
		server.requests.length = 0;
		server.setHandler(() => 'hang');
		const started = Date.now();
		const error = await rejection(slow.request('GET', '/cluster/tasks'));
		assert.equal(error.kind, 'timeout');
		assert.equal(error.message, `${server.host}:${server.port} did not answer GET /cluster/tasks within 1 s`);
		// It gives up at the limit, not after some other, longer wait (generous for a loaded machine).
		assert.ok(Date.now() - started < 10_000, `gave up after ${Date.now() - started} ms`);
		assert.equal(server.requests.length, 1, 'a timeout is not retried');
		await slow.close();
	});

	it('the caller AbortSignal cancels a request in flight', async () => {
		server.setHandler(() => 'hang');
		const controller = new AbortController();
		const pending = client.request('GET', '/cluster/resources', undefined, controller.signal);
		setTimeout(() => controller.abort(), 50);
		const error = await rejection(pending);
		assert.equal(error.kind, 'aborted');
		assert.equal(error.message, 'GET /cluster/resources was cancelled');
		await client.close();
	});

	it('an already aborted signal sends nothing', async () => {
		const error = await rejection(client.request('GET', '/version', undefined, AbortSignal.abort()));
		assert.equal(error.kind, 'aborted');
		assert.equal(server.requests.length, 0);
		await client.close();
	});

	it('a GET is retried after a transient 503 and then succeeds', async () => {
		server.setHandler((_request, index) =>
			index === 0 ? {status: 503, statusText: 'Service Unavailable', body: ''} : {json: {data: [{id: 'lxc/101', type: 'lxc', vmid: 101, node: 'pve1'}]}},
		);
		const guests = await client.request<Array<{vmid: number}>>('GET', '/cluster/resources');
		assert.deepEqual(guests, [{id: 'lxc/101', type: 'lxc', vmid: 101, node: 'pve1'}]);
		assert.equal(server.requests.length, 2);
		await client.close();
	});

	it('a GET is retried after a dropped connection', async () => {
		server.setHandler((_request, index) => (index === 0 ? 'drop' : {json: {data: 'ok'}}));
		assert.equal(await client.request('GET', '/nodes/pve1/status'), 'ok');
		assert.equal(server.requests.length, 2);
		await client.close();
	});

	it('a GET gives up after the configured retries (1 + 2 attempts)', async () => {
		server.setHandler(() => ({status: 595, statusText: 'Connection refused', body: ''}));
		const error = await rejection(client.request('GET', '/nodes/pve2/status'));
		assert.equal(error.status, 595);
		assert.equal(server.requests.length, 3);
		await client.close();
	});

	it('a POST is never retried, not after a 503 nor after a dropped connection', async () => {
		server.setHandler(() => ({status: 503, statusText: 'Service Unavailable', body: ''}));
		const first = await rejection(client.request('POST', '/nodes/pve1/lxc/101/status/start'));
		assert.equal(first.status, 503);
		assert.equal(server.requests.length, 1);

		server.setHandler(() => 'drop');
		const second = await rejection(client.request('POST', '/nodes/pve1/lxc/101/status/stop'));
		assert.equal(second.kind, 'network');
		assert.equal(server.requests.length, 2);

		const third = await rejection(client.request('DELETE', '/nodes/pve1/lxc/101/snapshot/pre'));
		assert.equal(third.kind, 'network');
		assert.equal(server.requests.length, 3);
		await client.close();
	});

	it('parameters: query string for GET, form body with 1/0 booleans for POST', async () => {
		server.setHandler(() => ({json: {data: []}}));
		await client.request('GET', '/cluster/resources', {type: 'vm', skip: undefined});
		await client.request('POST', '/nodes/pve1/lxc/101/snapshot/pre/rollback', {start: true, ids: [1, 2]});
		const [get, post] = server.requests;
		assert.equal(get?.query.toString(), 'type=vm');
		assert.equal(post?.headers['content-type'], 'application/x-www-form-urlencoded');
		assert.equal(post?.body, 'start=1&ids=1&ids=2');
		await client.close();
	});
});
