import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {PveApiError} from '../../source/api/errors.js';
import {fingerprintsEqual, normalizeFingerprint, parseFingerprint, probeFingerprint} from '../../source/api/fingerprint.js';
import {closedPort, startTestServer, type TestServer} from './https-fixture.js';

const CANONICAL = '7C:1C:C7:5B:A0:E3:3E:94:2C:85:CE:88:9F:EB:21:33:27:6F:94:6E:B7:F4:36:38:93:46:DE:20:72:13:F7:35';

describe('fingerprint parsing', () => {
	it('accepts any case, with or without colons, and openssl prefixes', () => {
		const bare = CANONICAL.replace(/:/g, '');
		assert.equal(parseFingerprint(bare.toLowerCase()), CANONICAL);
		assert.equal(parseFingerprint(CANONICAL.toLowerCase()), CANONICAL);
		assert.equal(parseFingerprint(`  ${CANONICAL}\n`), CANONICAL);
		assert.equal(parseFingerprint(`SHA256 Fingerprint=${CANONICAL}`), CANONICAL);
		assert.equal(parseFingerprint(`sha256:${bare}`), CANONICAL);
	});

	it('rejects what is not 32 hex bytes', () => {
		assert.equal(parseFingerprint('AB:CD'), undefined);
		assert.equal(parseFingerprint(CANONICAL.replace('7C', 'ZZ')), undefined);
		assert.equal(parseFingerprint(`${CANONICAL}:00`), undefined);
		// A SHA-1 fingerprint (20 bytes) is not accepted as a pin.
		assert.equal(parseFingerprint('2d:a7:26:1f:cf:0f:1f:18:75:4e:02:ba:e1:bc:f0:90:eb:40:85:3e'), undefined);
		assert.throws(() => normalizeFingerprint('nope'), /invalid fingerprint 'nope'/);
	});

	it('compares regardless of formatting; malformed never equals', () => {
		assert.ok(fingerprintsEqual(CANONICAL, CANONICAL.replace(/:/g, '').toLowerCase()));
		assert.ok(!fingerprintsEqual(CANONICAL, CANONICAL.replace('7C', '7D')));
		assert.ok(!fingerprintsEqual('x', 'x'));
	});
});

describe('probeFingerprint', () => {
	let server: TestServer;
	before(async () => {
		server = await startTestServer();
	});
	after(async () => {
		await server.close();
	});

	it('reads the certificate of an untrusted server without sending a request', async () => {
		assert.equal(await probeFingerprint(server.host, server.port), server.fingerprint);
		assert.equal(server.requests.length, 0);
	});

	it('a closed port: network error naming host and port', async () => {
		const port = await closedPort();
		await assert.rejects(probeFingerprint('127.0.0.1', port), (error: unknown) => {
			assert.ok(error instanceof PveApiError);
			assert.equal(error.kind, 'network');
			assert.equal(error.message, `cannot reach 127.0.0.1:${port}: connection refused`);
			return true;
		});
	});

	it('can be cancelled', async () => {
		await assert.rejects(probeFingerprint(server.host, server.port, {signal: AbortSignal.abort()}), {kind: 'aborted'});
	});
});
