// The simulator's SSH side driven through proxdeck's own SSH runner over a
// real ssh2 connection: command output, streaming, stop, container stop, and
// surviving a dropped connection.

import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {runSim} from '../../source/sim/ssh/commands.js';
import type {RunnerStatus} from '../../source/ssh/types.js';
import {collector, startHarness, type Harness} from './harness.js';

let h: Harness;
before(async () => {
	h = await startHarness({journalRate: 200});
});
after(() => h.close());

test('command output over SSH is byte-identical to the interpreter run directly', async () => {
	for (const argv of [['pct', 'list'], ['zpool', 'status'], ['zfs', 'list', '-H', '-p', '-t', 'snapshot'], ['pct', 'listsnapshot', '401'], ['journalctl', '-n', '20']]) {
		const direct = await runSim({state: h.state}, argv);
		const remote = await h.runner.run(argv);
		assert.deepEqual(remote, {code: direct.code, stdout: direct.stdout, stderr: direct.stderr}, argv.join(' '));
	}
});

test('a streamed command reports stderr lines and its exit code', async () => {
	const c = collector();
	const handle = h.runner.stream(['pct', 'exec', '101', '--', 'foo'], c.onLine);
	assert.deepEqual(await handle.done, {code: 127});
	assert.deepEqual(c.errors, ['sh: 1: foo: not found']);
});

test('journalctl -f streams lines until stop(), and nothing arrives after it', async () => {
	const c = collector();
	const handle = h.runner.stream(['pct', 'exec', '100', '--', 'journalctl', '-f', '-n', '5'], c.onLine);
	await c.waitFor(30);
	handle.stop();
	assert.deepEqual(await handle.done, {code: null, signal: 'TERM'});
	const count = c.lines.length;
	for (const line of c.lines) assert.match(line, /^Nov 23 \d\d:\d\d:\d\d plex \S+: /);
	await new Promise((resolve) => setTimeout(resolve, 60));
	assert.equal(c.lines.length, count, 'no lines after stop');
	assert.equal((await h.runner.run(['true'])).code, 0, 'the connection is still usable');
});

test('stopping the container ends its journal stream', async () => {
	const c = collector();
	const handle = h.runner.stream(['pct', 'exec', '302', '--', 'journalctl', '-f'], c.onLine);
	await c.waitFor(15);
	h.state.guests.get(302)!.status = 'stopped';
	try {
		assert.deepEqual(await handle.done, {code: 137});
		assert.deepEqual(await h.runner.run(['pct', 'exec', '302', '--', 'journalctl', '-n', '1']), {code: 255, stdout: '', stderr: "container '302' not running!\n"});
	} finally {
		h.state.guests.get(302)!.status = 'running';
	}
});

test('after the server drops the connection the runner reports reconnecting and the stream resumes', async () => {
	const statuses: RunnerStatus[] = [];
	const runner = h.runnerWith({});
	runner.onStatus((s) => statuses.push(s));
	const c = collector();
	const handle = runner.stream(['journalctl', '-f', '-n', '0'], c.onLine);
	await c.waitFor(10);
	h.sim.dropConnections();
	await new Promise<void>((resolve) => {
		const off = runner.onStatus((s) => s.state === 'connected' && (off(), resolve()));
	});
	const before = c.lines.length;
	await c.waitFor(before + 10);
	assert.deepEqual(statuses.map((s) => s.state), ['connecting', 'connected', 'reconnecting', 'connected']);
	assert.equal(statuses[2]!.attempt, 1);
	assert.match(statuses[2]!.error ?? '', /connection lost/);
	let settled = false;
	void handle.done.then(() => (settled = true));
	await Promise.resolve();
	assert.equal(settled, false, 'the stream did not end');
	handle.stop();
	await handle.done;
});

test('a run() in flight when the connection drops rejects with kind closed (it is not silently re-run)', async () => {
	const runner = h.runnerWith({});
	await runner.run(['true']);
	const pending = runner.run(['journalctl', '-f']);
	await new Promise((resolve) => setTimeout(resolve, 30));
	h.sim.dropConnections();
	await assert.rejects(pending, (error: unknown) => (error as {kind?: string}).kind === 'closed');
	assert.equal((await runner.run(['pct', 'status', '100'])).stdout, 'status: running\n', 'the next call reconnects');
});

test('reconnect gives up after maxAttempts when the server is gone: status failed, streams end', async () => {
	const gone = await startHarness({journalRate: 100});
	const runner = gone.runnerWith({backoff: {initialMs: 10, maxMs: 20, maxAttempts: 3}});
	const statuses: RunnerStatus[] = [];
	runner.onStatus((s) => statuses.push(s));
	const c = collector();
	const handle = runner.stream(['journalctl', '-f', '-n', '0'], c.onLine);
	await c.waitFor(3);
	await gone.sim.close();
	const end = await handle.done;
	assert.equal(end.code, null);
	assert.match(end.error?.message ?? '', /gave up reconnecting after 3 attempts/);
	assert.deepEqual(statuses.filter((s) => s.state === 'reconnecting').map((s) => s.attempt), [1, 2, 3]);
	assert.equal(statuses.at(-1)!.state, 'failed');
	await gone.close();
});
