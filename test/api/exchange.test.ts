// The transport's exchange straight through undici's dispatcher: what fetch
// did for us and must still happen (bounded answers, gzip undone, the reason
// phrase kept), and when answers are asked for compressed.

import assert from 'node:assert/strict';
import {getEventListeners} from 'node:events';
import {gzipSync} from 'node:zlib';
import {after, before, describe, it} from 'node:test';
import {Agent} from 'undici';
import {isLoopback} from '../../source/api/client.js';
import {PveApiError} from '../../source/api/errors.js';
import {createTlsConnector} from '../../source/api/tls.js';
import {createTransport, type Transport} from '../../source/api/transport.js';
import {startTestServer, type TestServer} from './https-fixture.js';

const RESOURCES = {data: Array.from({length: 60}, (_, i) => ({id: `lxc/${100 + i}`, type: 'lxc', vmid: 100 + i, node: 'pve1', name: `guest-${i}`, status: 'running'}))};

describe('exchange through the dispatcher', () => {
	let server: TestServer;
	const agents: Agent[] = [];
	const transport = (options: {acceptGzip?: boolean; maxResponseBytes?: number} = {}): Transport => {
		const agent = new Agent({connect: createTlsConnector({fingerprint: server.fingerprint, connectTimeoutMs: 2000}).connect});
		agents.push(agent);
		return createTransport({origin: `https://127.0.0.1:${server.port}`, target: `127.0.0.1:${server.port}`, dispatcher: agent, timeoutMs: 5000, retries: 0, retryDelayMs: 1, ...options});
	};

	before(async () => {
		server = await startTestServer();
	});
	after(async () => {
		await Promise.all(agents.map((a) => a.close()));
		await server.close();
	});

	it('asks for gzip only when told to, and reads a gzip answer as the plain one', async () => {
		// Like pveproxy: compressed when the request's Accept-Encoding names gzip.
		server.setHandler((request) => {
			const text = JSON.stringify(RESOURCES);
			return /gzip/.test(String(request.headers['accept-encoding'] ?? '')) ? {body: gzipSync(text), headers: {'Content-Encoding': 'gzip'}} : {body: text};
		});
		const compressed = await transport({acceptGzip: true}).send({method: 'GET', path: '/cluster/resources'});
		assert.equal(server.requests.at(-1)!.headers['accept-encoding'], 'gzip');
		const plain = await transport().send({method: 'GET', path: '/cluster/resources'});
		assert.equal(server.requests.at(-1)!.headers['accept-encoding'], undefined, 'nothing asks for compression by default');
		assert.deepEqual(compressed, RESOURCES.data);
		assert.deepEqual(plain, RESOURCES.data);
	});

	it('keeps one abort listener on a signal whatever its reads in flight, and aborts them all with it', async () => {
		// A service passes one signal to all its reads; a sweep has dozens in flight. A listener each
		// passed Node's limit of 10, and Node printed its leak warning over the full-screen console.
		const warnings: Error[] = [];
		const onWarning = (warning: Error) => warnings.push(warning);
		process.on('warning', onWarning);
		try {
			server.setHandler(() => 'hang');
			const controller = new AbortController();
			const link = transport();
			const reads = Array.from({length: 40}, (_, i) => link.send({method: 'GET', path: `/nodes/pve${i}/status`, signal: controller.signal}).then(() => 'answered', (error: Error) => error.message));
			await new Promise((resolve) => setTimeout(resolve, 300));
			assert.equal(getEventListeners(controller.signal, 'abort').length, 1, 'one listener for 40 reads');
			controller.abort();
			const outcomes = await Promise.all(reads);
			assert.equal(outcomes.filter((outcome) => outcome !== 'answered').length, 40, `every read ended by the abort: ${outcomes[0]}`);
			await new Promise((resolve) => setImmediate(resolve));
			assert.deepEqual(warnings.map((warning) => warning.name), []);
		} finally {
			process.off('warning', onWarning);
		}
	});

	it('refuses a gzip answer that inflates past the limit, with the limit line', async () => {
		// 2 MiB of JSON that compresses to a few KiB: the limit counts what it inflates to.
		const bomb = gzipSync(JSON.stringify({data: [{id: 'x'.repeat(2 * 1024 * 1024)}]}));
		assert.ok(bomb.length < 64 * 1024);
		server.setHandler(() => ({body: bomb, headers: {'Content-Encoding': 'gzip'}}));
		await assert.rejects(transport({acceptGzip: true, maxResponseBytes: 64 * 1024}).send({method: 'GET', path: '/cluster/resources'}), (error: unknown) => {
			assert.ok(error instanceof PveApiError);
			assert.equal(error.kind, 'parse');
			assert.match(error.message, /with more than 64 KiB \(proxdeck's limit for one answer\); not read$/);
			return true;
		});
	});

	it('refuses an answer whose counted bytes pass the limit though it announced no length', async () => {
		server.setHandler(() => ({body: JSON.stringify({data: 'y'.repeat(200 * 1024)}), headers: {'Transfer-Encoding': 'chunked'}}));
		await assert.rejects(transport({maxResponseBytes: 64 * 1024}).send({method: 'GET', path: '/version'}), /more than 64 KiB/);
	});

	it('an encoding it did not ask for, or a broken gzip body, is not Proxmox API JSON', async () => {
		for (const answer of [
			{body: Buffer.from([0x1b, 0x2c, 0x00, 0x11]), headers: {'Content-Encoding': 'br'}},
			{body: Buffer.from('not gzip at all'), headers: {'Content-Encoding': 'gzip'}},
		]) {
			server.setHandler(() => answer);
			await assert.rejects(transport({acceptGzip: true}).send({method: 'GET', path: '/version'}), /answered GET \/version with something that is not Proxmox API JSON/);
		}
	});

	it('hands every entry of a list with its keys in one order, whatever order the host wrote them in', async () => {
		// pveproxy's encoder writes each entry's keys in a random order (Perl hashes).
		const entries = [
			'{"vmid":101,"type":"lxc","node":"pve1","id":"lxc/101","status":"running","cpu":0.25}',
			'{"cpu":0.5,"status":"stopped","id":"lxc/102","node":"pve1","type":"lxc","vmid":102}',
			'{"node":"pve1","status":"running","vmid":103,"cpu":0,"id":"lxc/103","type":"lxc"}',
		];
		server.setHandler(() => ({body: `{"data":[${entries.join(',')}]}`}));
		const seen: Array<Record<string, unknown>> = [];
		await transport().send({method: 'GET', path: '/cluster/resources', eachEntry: (entry) => seen.push(entry as Record<string, unknown>)});
		assert.deepEqual(seen, entries.map((e) => JSON.parse(e) as unknown));
		assert.deepEqual(new Set(seen.map((e) => Object.keys(e).join(','))).size, 1, `key orders: ${seen.map((e) => Object.keys(e).join(',')).join(' | ')}`);
	});

	it('keeps the reason phrase of an error answer with an empty body', async () => {
		server.setHandler(() => ({status: 401, statusText: 'authentication failure', body: ''}));
		await assert.rejects(transport().send({method: 'GET', path: '/version'}), (error: unknown) => error instanceof PveApiError && error.status === 401 && error.message.includes('authentication failure'));
	});

	it('a header value undici cannot send is one line that never quotes the value', async () => {
		server.setHandler(() => ({json: {data: {}}}));
		const secret = 'PVEAPIToken=root@pam!t=abc\r\nX-Evil: 1';
		await assert.rejects(transport().send({method: 'GET', path: '/version', headers: {Authorization: secret}}), (error: unknown) => {
			assert.ok(error instanceof PveApiError);
			assert.match(error.message, /a request header is not valid/);
			assert.ok(!error.message.includes('abc'));
			return true;
		});
	});
});

describe('which hosts are asked for compressed answers', () => {
	it('not the machine itself, every other host', () => {
		for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopback(host), true, host);
		for (const host of ['pve1.example.org', '192.168.0.10', '10.10.10.2', '::2', 'fe80::1', '128.0.0.1', 'localhost.example.org']) assert.equal(isLoopback(host), false, host);
	});
});
