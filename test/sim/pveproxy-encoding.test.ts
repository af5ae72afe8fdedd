// pveproxy's answer encoding and keep-alive (PVE::APIServer::AnyEvent::response):
// an answer over 1 KiB is gzip-compressed for a client whose Accept-Encoding
// names gzip, and any answer with a status of 400 or more ends the connection.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {RunningSimulator} from '../../source/sim/server.js';
import {call, ROOT_TOKEN, startTestSim} from './helpers.js';

describe('pveproxy encoding and keep-alive', () => {
	let sim: RunningSimulator;
	before(async () => {
		sim = await startTestSim();
	});
	after(async () => {
		await sim.close();
	});

	it('compresses an answer over 1 KiB when the client accepts gzip, and only then', async () => {
		const asked = await call(sim, 'GET', '/cluster/resources', {auth: ROOT_TOKEN, headers: {'Accept-Encoding': 'gzip, deflate'}});
		const plain = await call(sim, 'GET', '/cluster/resources', {auth: ROOT_TOKEN});
		assert.ok(plain.text.length > 1024, `the mini fixture's resources are over 1 KiB (${plain.text.length})`);
		assert.equal(asked.headers['content-encoding'], 'gzip');
		assert.ok(Number(asked.headers['content-length']) < plain.text.length / 2, 'the length on the wire is the compressed one');
		assert.equal(plain.headers['content-encoding'], undefined);
		assert.deepEqual(asked.json.data.map((e: {id: string}) => e.id).sort(), plain.json.data.map((e: {id: string}) => e.id).sort());
	});

	it('leaves an answer of 1 KiB or less as it is, even when gzip is accepted', async () => {
		const small = await call(sim, 'GET', '/version', {auth: ROOT_TOKEN, headers: {'Accept-Encoding': 'gzip'}});
		assert.ok(small.text.length <= 1024);
		assert.equal(small.headers['content-encoding'], undefined);
	});

	it('ends the connection after an error answer, and keeps it after a good one', async () => {
		// The client asks to keep the connection either way.
		const keep = {'Connection': 'keep-alive'};
		const refused = await call(sim, 'GET', '/cluster/resources', {auth: 'PVEAPIToken=root@pam!nope=00000000-0000-0000-0000-000000000000', headers: keep});
		assert.equal(refused.status, 401);
		assert.equal(refused.headers.connection, 'close');
		const fine = await call(sim, 'GET', '/version', {auth: ROOT_TOKEN, headers: keep});
		assert.equal(fine.status, 200);
		assert.equal(fine.headers.connection, 'keep-alive');
	});
});
