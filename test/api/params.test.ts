import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {encodeParams} from '../../source/api/params.js';

describe('encodeParams', () => {
	it('booleans become 1/0, arrays repeat the key, null/undefined are left out', () => {
		const encoded = encodeParams({start: true, force: false, vmid: 101, ids: ['a', 'b'], skip: undefined, none: null, note: 'a b&c'});
		assert.equal(encoded.toString(), 'start=1&force=0&vmid=101&ids=a&ids=b&note=a+b%26c');
	});

	it('nothing in, nothing out', () => {
		assert.equal(encodeParams(undefined).toString(), '');
		assert.equal(encodeParams({}).toString(), '');
	});
});
