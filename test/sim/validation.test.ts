// Parameter verification driven by pve-apidoc.json, with pve-common wording.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {RunningSimulator} from '../../source/sim/server.js';
import {validateParams} from '../../source/sim/validate.js';
import {call, ROOT_TOKEN, startTestSim} from './helpers.js';

describe('validateParams', () => {
	const schema = {
		additionalProperties: 0,
		properties: {
			vmid: {type: 'integer', format: 'pve-vmid', minimum: 100, maximum: 999999999},
			snapname: {type: 'string', format: 'pve-configid', maxLength: 40},
			force: {type: 'boolean', optional: 1},
			'net[n]': {type: 'string', optional: 1},
			name: {type: 'string', optional: 1, pattern: '(?^:[a-z]+)'},
			ip: {type: 'string', optional: 1, format: 'CIDR'},
			limit: {type: 'integer', optional: 1, minimum: 0},
		},
	};
	it('reports missing, unknown, type, range, length, format and pattern errors in PVE wording (format errors keep the verifier\'s trailing newline)', () => {
		assert.deepEqual(validateParams({vmid: '99', snapname: 'x'.repeat(41), force: 'yes', foo: '1', name: 'ABC', ip: '10.0.0.1', limit: '-1'}, schema), {
			vmid: 'invalid format - value does not look like a valid VM ID\n',
			limit: 'value must have a minimum value of 0',
			snapname: 'value may only be 40 characters long',
			force: "type check ('boolean') failed - got 'yes'",
			foo: 'property is not defined in schema and the schema does not allow additional properties',
			name: 'value does not match the regex pattern',
			ip: 'invalid format - value does not look like a valid CIDR network\n',
		});
		assert.deepEqual(validateParams({}, schema), {vmid: 'property is missing and it is not optional', snapname: 'property is missing and it is not optional'});
		assert.deepEqual(validateParams({vmid: 'abc', snapname: '1bad'}, schema), {vmid: "type check ('integer') failed - got 'abc'", snapname: "invalid format - invalid configuration ID '1bad'\n"});
	});
	it('accepts valid values and net[n]-style keys', () => {
		assert.deepEqual(validateParams({vmid: '101', snapname: 'pre-upgrade', force: '1', net3: 'name=eth3', name: 'abc', ip: '10.0.0.0/24'}, schema), {});
	});
});

describe('validation over HTTPS', () => {
	let sim: RunningSimulator;
	before(async () => {
		sim = await startTestSim();
	});
	after(() => sim.close());

	it('rejects an enum value with the enumeration listed', async () => {
		const res = await call(sim, 'GET', '/cluster/resources?type=foo', {auth: ROOT_TOKEN});
		assert.equal(res.status, 400);
		assert.equal(res.reason, 'Parameter verification failed.');
		assert.deepEqual(res.json, {data: null, message: 'Parameter verification failed.\n', errors: {type: "value 'foo' does not have a value in the enumeration 'vm, storage, node, sdn'"}});
	});

	it('rejects a non-integer limit and an unknown parameter', async () => {
		const res = await call(sim, 'GET', '/nodes/pve1/tasks?limit=abc&bogus=1', {auth: ROOT_TOKEN});
		assert.equal(res.status, 400);
		assert.deepEqual(res.json.errors, {limit: "type check ('integer') failed - got 'abc'", bogus: 'property is not defined in schema and the schema does not allow additional properties'});
	});

	it('validates path parameters too (vmid in the URL)', async () => {
		const res = await call(sim, 'GET', '/nodes/pve1/lxc/abc/config', {auth: ROOT_TOKEN});
		assert.equal(res.status, 400);
		assert.deepEqual(res.json.errors, {vmid: "type check ('integer') failed - got 'abc'"});
	});

	it('answers a well-formed but unknown UPID with 400 no such task, a malformed one with unable to parse', async () => {
		const unknown = await call(sim, 'GET', `/nodes/pve1/tasks/${encodeURIComponent('UPID:pve1:00001234:00000001:6B000000:vzstart:101:root@pam:')}/status`, {auth: ROOT_TOKEN});
		assert.equal(unknown.status, 400);
		assert.deepEqual(unknown.json.errors, {upid: 'no such task'});
		const bad = await call(sim, 'GET', '/nodes/pve1/tasks/garbage/status', {auth: ROOT_TOKEN});
		assert.deepEqual(bad.json.errors, {upid: 'unable to parse worker upid'});
	});
});
