// The console sends the fleet's first GET /cluster/resources before its
// services exist (main.tsx, issue 12); the session's first poll takes that
// answer instead of asking again, and every later request goes out as usual.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {answerFirstFrom} from '../../source/services/session.js';
import type {ApiRequester} from '../../source/services/fleet-source.js';

function recording(): ApiRequester & {asked: string[]} {
	const asked: string[] = [];
	return {
		asked,
		request<T>(method: string, path: string, params?: Record<string, unknown>) {
			asked.push(`${method} ${path}${params ? ` ${JSON.stringify(params)}` : ''}`);
			return Promise.resolve(`network:${path}` as T);
		},
	};
}

describe('answerFirstFrom', () => {
	it('answers the first GET of the path from the read already sent, then asks the host again', async () => {
		const api = recording();
		const wrapped = answerFirstFrom(api, '/cluster/resources', Promise.resolve('early'));
		assert.equal(await wrapped.request('GET', '/cluster/resources'), 'early');
		assert.deepEqual(api.asked, []);
		assert.equal(await wrapped.request('GET', '/cluster/resources'), 'network:/cluster/resources');
		assert.deepEqual(api.asked, ['GET /cluster/resources']);
	});

	it('passes every other request through, including the same path with parameters or another method', async () => {
		const api = recording();
		const wrapped = answerFirstFrom(api, '/cluster/resources', Promise.resolve('early'));
		await wrapped.request('GET', '/version');
		await wrapped.request('GET', '/cluster/resources', {type: 'vm'});
		await wrapped.request('POST', '/cluster/resources');
		assert.deepEqual(api.asked, ['GET /version', 'GET /cluster/resources {"type":"vm"}', 'POST /cluster/resources']);
		assert.equal(await wrapped.request('GET', '/cluster/resources'), 'early');
	});

	it('a failed early read fails the first poll (which reports it) and the next poll asks again', async () => {
		const api = recording();
		const wrapped = answerFirstFrom(api, '/cluster/resources', Promise.reject(new Error('connection reset')));
		await assert.rejects(wrapped.request('GET', '/cluster/resources'), /connection reset/);
		assert.equal(await wrapped.request('GET', '/cluster/resources'), 'network:/cluster/resources');
	});
});
