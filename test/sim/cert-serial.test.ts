// The simulator's certificate serials (sim/cert.ts): positive, 16 bytes, and
// in DER's fewest bytes, so that every certificate made with one parses.

import assert from 'node:assert/strict';
import {randomBytes, X509Certificate} from 'node:crypto';
import {test} from 'node:test';
import {generateClusterCa, serialOf} from '../../source/sim/cert.js';

/** Whether `hex` is a positive DER INTEGER's content in its fewest bytes. */
function minimalPositive(hex: string): boolean {
	const first = parseInt(hex.slice(0, 2), 16);
	const second = parseInt(hex.slice(2, 4), 16);
	return first < 0x80 && !(first === 0 && second < 0x80);
}

test('a serial is 16 bytes, positive and minimal for any first byte, 0x00 and 0x80 included', () => {
	for (const first of [0x00, 0x01, 0x7f, 0x80, 0xff]) {
		const bytes = Buffer.alloc(16, 0x05);
		bytes[0] = first;
		const hex = serialOf(bytes);
		assert.equal(hex.length, 32);
		assert.ok(minimalPositive(hex), `${first.toString(16)} -> ${hex}`);
		assert.equal(hex.slice(2), bytes.subarray(1).toString('hex'), 'only the first byte is touched');
	}
	for (let i = 0; i < 4000; i++) assert.ok(minimalPositive(serialOf(randomBytes(16))));
});

test("a cluster CA's serial reads back from its certificate as 16 bytes, positive", () => {
	const ca = generateClusterCa();
	assert.doesNotThrow(() => new X509Certificate(ca.certPem));
	assert.match(new X509Certificate(ca.certPem).serialNumber, /^[0-7][0-9A-F]{31}$/);
});
