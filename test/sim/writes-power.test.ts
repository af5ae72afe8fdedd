// Container power operations over HTTPS: tasks, state changes at task end,
// pre-fork 500s, in-task lock errors, HA requests and the real-clock ticker.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {startSimulator} from '../../source/sim/server.js';
import {startTask} from '../../source/sim/tasks.js';
import {call, login, miniFixture, ROOT_TOKEN} from './helpers.js';
import {CT, lastTask, resource, statusNow, upidPattern, writeSim, type WriteSim} from './write-helpers.js';

async function withSim(run: (w: WriteSim) => Promise<void>): Promise<void> {
	const w = await writeSim();
	try {
		await run(w);
	} finally {
		await w.close();
	}
}

describe('start', () => {
	it('returns a vzstart UPID at once; the CT is running only when the task ends', () =>
		withSim(async (w) => {
			const res = await w.api('POST', `${CT}/102/status/start`);
			assert.equal(res.status, 200);
			const upid = res.json.data as string;
			assert.match(upid, upidPattern('pve1', 'vzstart', 102, 'root@pam!full'));

			assert.equal((await statusNow(w, 102)).status, 'stopped', 'not running before the task ends');
			const active = await w.api('GET', '/nodes/pve1/tasks?source=active');
			const entry = active.json.data.find((t: {upid: string}) => t.upid === upid);
			assert.deepEqual([entry.status, entry.user, entry.tokenid], ['RUNNING', 'root@pam', 'full']);
			const cluster = await w.api('GET', '/cluster/tasks');
			assert.ok(cluster.json.data.some((t: {upid: string}) => t.upid === upid), '/cluster/tasks lists the running task');

			const done = await w.finish(upid);
			assert.equal(done.exitstatus, 'OK');
			assert.deepEqual(await w.log(upid), ['TASK OK']);
			assert.equal((await statusNow(w, 102)).status, 'running');
			const current = await w.api('GET', `${CT}/102/status/current`);
			assert.equal(current.json.data.status, 'running');
			assert.ok(current.json.data.uptime >= 0 && current.json.data.uptime < 5, `fresh uptime, got ${current.json.data.uptime}`);
		}));

	it('answers 500 "CT 103 already running" before forking', () =>
		withSim(async (w) => {
			const res = await w.api('POST', '/nodes/pve2/lxc/103/status/start');
			assert.equal(res.status, 500);
			assert.equal(res.reason, 'CT 103 already running');
			assert.deepEqual(res.json, {data: null, message: 'CT 103 already running\n'});
			assert.ok(!w.sim.state.tasks.some((t) => t.type === 'vzstart' && t.id === '103' && t.exitstatus === undefined));
		}));

	it('answers 500 for a CT that does not exist on that node', () =>
		withSim(async (w) => {
			const res = await w.api('POST', '/nodes/pve1/lxc/103/status/start');
			assert.equal(res.status, 500);
			assert.equal(res.json.message, "Configuration file 'nodes/pve1/lxc/103.conf' does not exist\n");
		}));

	it('fails inside the task while the CT is locked, and skiplock (root@pam only) overrides it', () =>
		withSim(async (w) => {
			w.sim.state.guests.get(102)!.lock = 'backup';
			w.sim.state.guests.get(102)!.config.lock = 'backup';
			const res = await w.api('POST', `${CT}/102/status/start`);
			assert.equal(res.status, 200, 'the lock is checked in the worker, after the fork');
			const done = await w.finish(res.json.data);
			assert.equal(done.exitstatus, 'CT is locked (backup)');
			assert.deepEqual(await w.log(res.json.data), ['TASK ERROR: CT is locked (backup)']);
			assert.equal((await statusNow(w, 102)).status, 'stopped');

			const byToken = await w.api('POST', `${CT}/102/status/start`, {form: {skiplock: '1'}});
			assert.equal(byToken.status, 400);
			assert.deepEqual(byToken.json.errors, {skiplock: 'Only root may use this option.'});

			const root = await login(w.sim, 'root@pam', 'sim-root-demo');
			const forced = await call(w.sim, 'POST', `${CT}/102/status/start`, {headers: {Cookie: root.cookie, CSRFPreventionToken: root.csrf}, form: {skiplock: '1'}});
			assert.equal(forced.status, 200);
			assert.match(forced.json.data, upidPattern('pve1', 'vzstart', 102, 'root@pam'));
			assert.equal((await w.finish(forced.json.data)).exitstatus, 'OK');
			assert.equal((await statusNow(w, 102)).status, 'running');
		}));

	it('a start while a long task holds the config lock file fails in its task after 10 s', () =>
		withSim(async (w) => {
			// A worker that holds the lock file for 30 s (lock_config gives up after 10).
			const holder = startTask(w.sim.state, {node: 'pve1', type: 'vzstop', id: '102', user: 'root@pam', durationSec: 30, steps: [], outcome: 'OK'});
			const second = await w.api('POST', `${CT}/102/status/start`);
			assert.equal(second.status, 200);
			const done = await w.finish(second.json.data);
			assert.equal(done.exitstatus, "can't lock file '/run/lock/lxc/pve-config-102.lock' - got timeout");
			assert.deepEqual(await w.log(second.json.data), ['trying to acquire lock...', "TASK ERROR: can't lock file '/run/lock/lxc/pve-config-102.lock' - got timeout"]);
			assert.equal((await w.finish(holder)).exitstatus, 'OK');
		}));
});

describe('stop, shutdown, reboot', () => {
	it('refuses a stopped CT before the fork with the exact wording (reboot says VM, sic)', () =>
		withSim(async (w) => {
			for (const [op, message] of [['stop', 'CT 102 not running'], ['shutdown', 'CT 102 not running'], ['reboot', 'VM 102 not running']] as const) {
				const res = await w.api('POST', `${CT}/102/status/${op}`);
				assert.equal(res.status, 500, op);
				assert.equal(res.json.message, `${message}\n`, op);
			}
		}));

	it('shutdown stops the CT when its task ends; stop does too', () =>
		withSim(async (w) => {
			const res = await w.api('POST', '/nodes/pve2/lxc/103/status/shutdown', {form: {timeout: '30'}});
			assert.match(res.json.data, upidPattern('pve2', 'vzshutdown', 103, 'root@pam!full'));
			assert.equal((await statusNow(w, 103)).status, 'running');
			assert.equal((await w.finish(res.json.data)).exitstatus, 'OK');
			assert.equal((await statusNow(w, 103)).status, 'stopped');
			const start = await w.api('POST', '/nodes/pve2/lxc/103/status/start');
			await w.finish(start.json.data);
			const stop = await w.api('POST', '/nodes/pve2/lxc/103/status/stop');
			assert.match(stop.json.data, upidPattern('pve2', 'vzstop', 103, 'root@pam!full'));
			assert.equal((await w.finish(stop.json.data)).exitstatus, 'OK');
			assert.equal((await statusNow(w, 103)).status, 'stopped');
		}));

	it('a shutdown that outlasts its timeout fails and leaves the CT running', () =>
		withSim(async (w) => {
			const res = await w.api('POST', '/nodes/pve2/lxc/103/status/shutdown', {form: {timeout: '1'}});
			const done = await w.finish(res.json.data);
			assert.equal(done.exitstatus, 'container did not stop');
			assert.equal((await statusNow(w, 103)).status, 'running');
		}));

	it('stop with overrule-shutdown aborts the running shutdown task', () =>
		withSim(async (w) => {
			const shutdown = await w.api('POST', '/nodes/pve2/lxc/103/status/shutdown');
			const stop = await w.api('POST', '/nodes/pve2/lxc/103/status/stop', {form: {'overrule-shutdown': '1'}});
			assert.equal(stop.status, 200);
			assert.equal((await w.finish(shutdown.json.data)).exitstatus, 'received interrupt');
			assert.equal((await w.finish(stop.json.data)).exitstatus, 'OK');
			assert.deepEqual(await w.log(stop.json.data), [`overruled vzshutdown tasks: ${shutdown.json.data}`, 'TASK OK']);
			assert.equal((await statusNow(w, 103)).status, 'stopped');
		}));

	it('reboot keeps the CT running and restarts its uptime', () =>
		withSim(async (w) => {
			await w.advance(60_000);
			const before = (await statusNow(w, 103)).uptime as number;
			const res = await w.api('POST', '/nodes/pve2/lxc/103/status/reboot');
			assert.match(res.json.data, upidPattern('pve2', 'vzreboot', 103, 'root@pam!full'));
			assert.equal((await w.finish(res.json.data)).exitstatus, 'OK');
			const after = await statusNow(w, 103);
			assert.equal(after.status, 'running');
			assert.ok((after.uptime as number) < before, `uptime restarted: ${after.uptime} < ${before}`);
		}));
});

describe('HA-managed containers', () => {
	it('stop requests an HA stop; the HA manager shuts the CT down with its own task', () =>
		withSim(async (w) => {
			const res = await w.api('POST', `${CT}/101/status/stop`);
			const upid = res.json.data as string;
			assert.match(upid, upidPattern('pve1', 'hastop', 101, 'root@pam!full'));
			assert.equal((await w.finish(upid)).exitstatus, 'OK');
			assert.deepEqual(await w.log(upid), ['Requesting HA stop for CT 101', 'TASK OK']);
			const ha = await w.api('GET', '/cluster/ha/resources');
			assert.equal(ha.json.data.find((r: {sid: string}) => r.sid === 'ct:101').state, 'stopped');
			assert.equal((await resource(w, 101)).hastate, 'stopped');

			const lrm = lastTask(w, 'vzshutdown', 101);
			assert.ok(lrm, 'the HA manager forks a vzshutdown');
			assert.equal(lrm.user, 'root@pam');
			assert.equal((await w.finish(lrm.upid)).exitstatus, 'OK');
			assert.equal((await statusNow(w, 101)).status, 'stopped');
		}));

	it('start requests an HA start; the CT runs shortly after', () =>
		withSim(async (w) => {
			w.sim.state.guests.get(101)!.status = 'stopped';
			w.sim.state.guests.get(101)!.ha!.state = 'stopped';
			const res = await w.api('POST', `${CT}/101/status/start`);
			const upid = res.json.data as string;
			assert.match(upid, upidPattern('pve1', 'hastart', 101, 'root@pam!full'));
			await w.finish(upid);
			assert.deepEqual(await w.log(upid), ['Requesting HA start for CT 101', 'TASK OK']);
			assert.equal((await resource(w, 101)).hastate, 'started');
			const lrm = lastTask(w, 'vzstart', 101)!;
			assert.equal(lrm.user, 'root@pam');
			await w.finish(lrm.upid);
			assert.equal((await statusNow(w, 101)).status, 'running');
		}));
});

describe('the real clock', () => {
	it('finishes tasks between requests, so polling /cluster/resources alone sees the change', async () => {
		const sim = await startSimulator({fixture: miniFixture(), authFailureDelayMs: 0, taskSpeed: 50});
		try {
			const res = await call(sim, 'POST', `${CT}/102/status/start`, {auth: ROOT_TOKEN});
			assert.equal(res.status, 200);
			// 2–4 simulated seconds at 50× are at most 80 ms; the ticker runs every 250 ms.
			// Watch the state in-process (no request) until the ticker has run; a loaded
			// machine can delay a tick well past 350 ms.
			const requestsBefore = sim.requests.length;
			const task = () => sim.state.tasks.find((t) => t.upid === res.json.data)!;
			for (const deadline = Date.now() + 20_000; task().exitstatus === undefined && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 25));
			assert.equal(task().exitstatus, 'OK', 'advanced without any request');
			assert.equal(sim.requests.length, requestsBefore, 'no request was made meanwhile');
			assert.equal(sim.state.guests.get(102)!.status, 'running');
		} finally {
			await sim.close();
		}
	});
});
