// Task engine and task endpoints, driven by a fake clock.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {RunningSimulator} from '../../source/sim/server.js';
import {startTask} from '../../source/sim/tasks.js';
import {formatUpid, parseUpid} from '../../source/api/upid.js';
import {call, fakeClock, ROOT_TOKEN, startTestSim} from './helpers.js';

describe('UPID', () => {
	it('formats uppercase 8-hex fields with a trailing colon and parses back', () => {
		const upid = {node: 'pve1', pid: 662316, pstart: 10023394, starttime: 1727111859, type: 'vzstart', id: '101', user: 'root@pam'};
		const text = formatUpid(upid);
		assert.equal(text, 'UPID:pve1:000A1B2C:0098F1E2:66F1A2B3:vzstart:101:root@pam:');
		assert.deepEqual(parseUpid(text), upid);
	});
	it('parses token users, empty ids and 9-digit pstart; rejects malformed text', () => {
		assert.deepEqual(parseUpid('UPID:pve-2:00001000:1ABCDEF01:66F1A2B3:srvreload::u@pve!tok:'), {node: 'pve-2', pid: 4096, pstart: 0x1abcdef01, starttime: 0x66f1a2b3, type: 'srvreload', id: '', user: 'u@pve!tok'});
		for (const bad of ['UPID:pve1:000A1B2C:0098F1E2:66F1A2B3:vzstart:101:root@pam', 'UPID:pve1:XYZ:0098F1E2:66F1A2B3:vzstart:101:root@pam:', 'garbage']) assert.equal(parseUpid(bad), undefined, bad);
	});
});

describe('task lifecycle', () => {
	let sim: RunningSimulator;
	const clock = fakeClock();
	before(async () => {
		sim = await startTestSim({clock: clock.now});
	});
	after(() => sim.close());

	const path = (upid: string, tail = '') => `/nodes/pve1/tasks/${encodeURIComponent(upid)}${tail}`;

	it('runs a task by the clock: log lines appear, then it stops with TASK OK and onEnd runs once', async () => {
		let ended = 0;
		const upid = startTask(sim.state, {node: 'pve1', type: 'vzsnapshot', id: '101', user: 'root@pam', durationSec: 10, steps: ['create snapshot', 'step two', 'step three', 'step four'], outcome: 'OK', onEnd: () => void ended++});
		assert.match(upid, /^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:vzsnapshot:101:root@pam:$/);
		assert.equal(parseUpid(upid)!.starttime, Math.floor(clock.now() / 1000));

		let status = await call(sim, 'GET', path(upid, '/status'), {auth: ROOT_TOKEN});
		assert.equal(status.json.data.status, 'running');
		assert.ok(!('exitstatus' in status.json.data));
		let log = await call(sim, 'GET', path(upid, '/log'), {auth: ROOT_TOKEN});
		assert.deepEqual(log.json, {data: [{n: 1, t: 'create snapshot'}], total: 1});

		const archive = await call(sim, 'GET', '/nodes/pve1/tasks', {auth: ROOT_TOKEN});
		assert.ok(!archive.json.data.some((t: {upid: string}) => t.upid === upid), 'source=archive hides running tasks');
		const all = await call(sim, 'GET', '/nodes/pve1/tasks?source=all', {auth: ROOT_TOKEN});
		assert.equal(all.json.data.find((t: {upid: string}) => t.upid === upid).status, 'RUNNING');

		clock.advance(5000);
		log = await call(sim, 'GET', path(upid, '/log'), {auth: ROOT_TOKEN});
		assert.equal(log.json.total, 2);

		clock.advance(5000);
		status = await call(sim, 'GET', path(upid, '/status'), {auth: ROOT_TOKEN});
		assert.equal(status.json.data.status, 'stopped');
		assert.equal(status.json.data.exitstatus, 'OK');
		log = await call(sim, 'GET', path(upid, '/log?start=3&limit=10'), {auth: ROOT_TOKEN});
		assert.deepEqual(log.json, {data: [{n: 4, t: 'step four'}, {n: 5, t: 'TASK OK'}], total: 5});
		const listed = await call(sim, 'GET', '/nodes/pve1/tasks?typefilter=vzsnapshot', {auth: ROOT_TOKEN});
		assert.deepEqual(listed.json.data.map((t: {status: string; endtime: number}) => [t.status, t.endtime - parseUpid(upid)!.starttime]), [['OK', 10]]);
		await call(sim, 'GET', path(upid, '/status'), {auth: ROOT_TOKEN});
		assert.equal(ended, 1);
	});

	it('ends a failing task with the error as exitstatus and TASK ERROR as last line', async () => {
		const upid = startTask(sim.state, {node: 'pve1', type: 'vzstart', id: '102', user: 'root@pam', durationSec: 2, steps: ['starting'], outcome: "startup for container '102' failed"});
		clock.advance(2000);
		const status = await call(sim, 'GET', path(upid, '/status'), {auth: ROOT_TOKEN});
		assert.equal(status.json.data.exitstatus, "startup for container '102' failed");
		const log = await call(sim, 'GET', path(upid, '/log'), {auth: ROOT_TOKEN});
		assert.equal(log.json.data.at(-1).t, "TASK ERROR: startup for container '102' failed");
		const errors = await call(sim, 'GET', '/nodes/pve1/tasks?errors=1', {auth: ROOT_TOKEN});
		assert.ok(errors.json.data.every((t: {status: string}) => t.status !== 'OK'));
		assert.ok(errors.json.data.some((t: {upid: string}) => t.upid === upid));
	});

	it('writes TASK WARNINGS for a warnings outcome', async () => {
		const upid = startTask(sim.state, {node: 'pve1', type: 'vzdump', id: '101', user: 'root@pam', durationSec: 1, steps: ['INFO: backup'], outcome: 'WARNINGS: 2'});
		clock.advance(1000);
		const log = await call(sim, 'GET', path(upid, '/log'), {auth: ROOT_TOKEN});
		assert.equal(log.json.data.at(-1).t, 'TASK WARNINGS: 2');
	});

	it('stops a running task on DELETE', async () => {
		const upid = startTask(sim.state, {node: 'pve1', type: 'vzdump', id: '101', user: 'root@pam', durationSec: 600, steps: ['INFO: starting', 'INFO: more'], outcome: 'OK'});
		const res = await call(sim, 'DELETE', path(upid), {auth: ROOT_TOKEN});
		assert.deepEqual(res.json, {data: null});
		const status = await call(sim, 'GET', path(upid, '/status'), {auth: ROOT_TOKEN});
		assert.equal(status.json.data.status, 'stopped');
		assert.equal(status.json.data.exitstatus, 'received interrupt');
		const log = await call(sim, 'GET', path(upid, '/log'), {auth: ROOT_TOKEN});
		assert.deepEqual(log.json.data.map((l: {t: string}) => l.t), ['INFO: starting', 'TASK ERROR: received interrupt']);
	});

	it('serves the seeded history, splits token users and pages with total', async () => {
		const res = await call(sim, 'GET', '/nodes/pve1/tasks?vmid=102&typefilter=vzstart&userfilter=audit&limit=1', {auth: ROOT_TOKEN});
		const seeded = res.json.data[0];
		assert.equal(seeded.user, 'audit@pve');
		assert.equal(seeded.tokenid, 'ro');
		assert.equal(res.json.total, 1);
		const page = await call(sim, 'GET', '/nodes/pve1/tasks?start=0&limit=1', {auth: ROOT_TOKEN});
		assert.equal(page.json.data.length, 1);
		const backup = sim.state.tasks.find((t) => t.type === 'vzdump' && t.id === '101' && t.user === 'root@pam' && t.durationSec === 95)!;
		assert.equal(backup.starttime, Math.floor(sim.state.startedAt / 1000) - 36000);
		const log = await call(sim, 'GET', path(backup.upid, '/log?limit=0'), {auth: ROOT_TOKEN});
		assert.equal(log.json.data.at(-1).t, 'TASK OK');
		assert.equal(log.json.total, 5);
	});

	it('lists running tasks in /cluster/tasks without status', async () => {
		const upid = startTask(sim.state, {node: 'pve2', type: 'vzstart', id: '103', user: 'root@pam', durationSec: 60, steps: ['starting'], outcome: 'OK'});
		const res = await call(sim, 'GET', '/cluster/tasks', {auth: ROOT_TOKEN});
		const entry = res.json.data.find((t: {upid: string}) => t.upid === upid);
		assert.ok(entry);
		assert.ok(!('status' in entry) && !('endtime' in entry));
	});

	it('honours taskSpeed', async () => {
		const fast = await startTestSim({clock: clock.now, taskSpeed: 10});
		try {
			const upid = startTask(fast.state, {node: 'pve1', type: 'vzstart', id: '101', user: 'root@pam', durationSec: 30, steps: ['a'], outcome: 'OK'});
			clock.advance(3000);
			const res = await call(fast, 'GET', path(upid, '/status'), {auth: ROOT_TOKEN});
			assert.equal(res.json.data.status, 'stopped');
		} finally {
			await fast.close();
		}
	});
});
