// The PveApiError a call fails with; fails the test when the call succeeds or
// throws anything else.

import assert from 'node:assert/strict';
import {PveApiError} from '../../source/api/errors.js';

export async function rejection(promise: Promise<unknown>): Promise<PveApiError> {
	try {
		await promise;
	} catch (error) {
		assert.ok(error instanceof PveApiError, `expected PveApiError, got ${String(error)}`);
		return error;
	}
	assert.fail('expected the call to fail');
}
