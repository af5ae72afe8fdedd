import assert from 'node:assert/strict';
import {test} from 'node:test';
import ssh2 from 'ssh2';
import {generateEd25519} from '../../source/ssh/keygen.js';

test('every generated ed25519 pair is one ssh2 itself accepts (ssh2 alone fails about 1 in 200)', () => {
	for (let i = 0; i < 1000; i++) {
		const pair = generateEd25519();
		assert.ok(!(ssh2.utils.parseKey(pair.public) instanceof Error), `public key ${i} does not parse`);
		assert.ok(!(ssh2.utils.parseKey(pair.private) instanceof Error), `private key ${i} does not parse`);
	}
});
