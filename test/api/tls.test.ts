// The three trust modes against a real self-signed HTTPS server: a pin that
// matches, a pin that does not, the default (system CAs), an extra CA, and an
// explicit insecure mode. A rejected connection must carry no request.

import assert from 'node:assert/strict';
import tls from 'node:tls';
import {after, before, describe, it} from 'node:test';
import {createClient} from '../../source/api/client.js';
import {startTestServer, type TestServer} from './https-fixture.js';
import {rejection} from './rejection.js';

const auth = {kind: 'token' as const, tokenId: 'root@pam!proxdeck', secret: '0d6c1c3a-3b7e-4b8e-8f60-6a2f0a7b9c01'};
const OTHER_PIN = 'AA:'.repeat(31) + 'AA';

describe('TLS trust modes', () => {
	let server: TestServer;

	before(async () => {
		server = await startTestServer(() => ({json: {data: {version: '9.1.5', release: '9.1', repoid: 'x'}}}));
	});
	after(async () => {
		await server.close();
	});

	it('a matching pin connects and reports tlsMode pinned', async () => {
		const client = createClient({host: server.host, port: server.port, auth, fingerprint: server.fingerprint});
		assert.equal(client.tlsMode, 'pinned');
		assert.deepEqual(await client.request('GET', '/version'), {version: '9.1.5', release: '9.1', repoid: 'x'});
		await client.close();
	});

	it('the pin is matched case-insensitively and without colons', async () => {
		const loose = server.fingerprint.replace(/:/g, '').toLowerCase();
		const client = createClient({host: server.host, port: server.port, auth, fingerprint: loose});
		assert.equal((await client.request<{version: string}>('GET', '/version')).version, '9.1.5');
		await client.close();
	});

	it('a different pin: kind fingerprint, names the real fingerprint and how to pin it, sends nothing', async () => {
		const before = server.requests.length;
		const client = createClient({host: server.host, port: server.port, auth, fingerprint: OTHER_PIN});
		const error = await rejection(client.request('GET', '/version'));
		assert.equal(error.kind, 'fingerprint');
		assert.equal(error.status, 0);
		assert.equal(error.fingerprint, server.fingerprint);
		assert.ok(error.message.includes(`--fingerprint ${server.fingerprint}`), error.message);
		assert.ok(!error.message.includes('\n'));
		assert.equal(server.requests.length, before, 'no request reached the server');
		await client.close();
	});

	it('a pinned POST is not retried and never reaches the server on mismatch', async () => {
		const before = server.requests.length;
		const client = createClient({host: server.host, port: server.port, auth, fingerprint: OTHER_PIN});
		const error = await rejection(client.request('POST', '/nodes/pve1/lxc/101/status/start'));
		assert.equal(error.kind, 'fingerprint');
		assert.equal(server.requests.length, before);
		await client.close();
	});

	it('default mode with a self-signed certificate: kind tls, shows the fingerprint and suggests --fingerprint', async () => {
		const before = server.requests.length;
		const client = createClient({host: server.host, port: server.port, auth});
		assert.equal(client.tlsMode, 'verified');
		const error = await rejection(client.request('GET', '/version'));
		assert.equal(error.kind, 'tls');
		assert.equal(error.fingerprint, server.fingerprint);
		assert.match(error.message, /not trusted \(self-signed\)/);
		assert.ok(error.message.includes(`--fingerprint ${server.fingerprint}`), error.message);
		assert.equal(server.requests.length, before);
		await client.close();
	});

	it('default mode trusts an extra CA given as ca (like pve-root-ca.pem)', async () => {
		const client = createClient({host: server.host, port: server.port, auth, ca: server.certPem});
		assert.equal(client.tlsMode, 'verified');
		assert.equal((await client.request<{version: string}>('GET', '/version')).version, '9.1.5');
		await client.close();
	});

	it('an extra CA does not excuse a wrong host name', async () => {
		// The certificate names localhost and 127.0.0.1; this server answers on 127.0.0.2.
		const elsewhere = await startTestServer(() => ({json: {data: 'reached'}}), '127.0.0.2');
		const client = createClient({host: elsewhere.host, port: elsewhere.port, auth, ca: server.certPem});
		const error = await rejection(client.request('GET', '/version'));
		assert.equal(error.kind, 'tls');
		assert.match(error.message, /not trusted \(issued for another host name\)/);
		assert.equal(elsewhere.requests.length, 0);
		await client.close();
		await elsewhere.close();
	});

	it('insecure: connects to anything, and says so in tlsMode', async () => {
		const client = createClient({host: server.host, port: server.port, auth, insecure: true});
		assert.equal(client.tlsMode, 'insecure');
		assert.equal((await client.request<{version: string}>('GET', '/version')).version, '9.1.5');
		await client.close();
	});

	it('a pin wins over insecure', async () => {
		const client = createClient({host: server.host, port: server.port, auth, insecure: true, fingerprint: OTHER_PIN});
		assert.equal(client.tlsMode, 'pinned');
		assert.equal((await rejection(client.request('GET', '/version'))).kind, 'fingerprint');
		await client.close();
	});

	it('a malformed pin is refused when the client is created', () => {
		assert.throws(() => createClient({host: server.host, port: server.port, auth, fingerprint: 'AB:CD'}), /invalid fingerprint 'AB:CD'/);
	});

	it('parallel connections share one TLS context (Node would build one per connection: 10-20 ms each at start)', async () => {
		// tls.connect builds a context through tls.createSecureContext only when it is given none.
		const original = tls.createSecureContext;
		let built = 0;
		tls.createSecureContext = (options) => {
			built++;
			return original(options);
		};
		try {
			for (const trust of [{fingerprint: server.fingerprint}, {ca: server.certPem}]) {
				const client = createClient({host: server.host, port: server.port, auth, ...trust});
				// Six at once: undici opens a connection for each.
				const answers = await Promise.all(Array.from({length: 6}, () => client.request<{version: string}>('GET', '/version')));
				assert.deepEqual(answers.map((a) => a.version), Array(6).fill('9.1.5'));
				await client.close();
			}
		} finally {
			tls.createSecureContext = original;
		}
		assert.equal(built, 0);
	});
});
