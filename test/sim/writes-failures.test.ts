// Failure injection: the fixture's `failures` list and injectFailure() make a
// task fail after the fork, leaving behind what Proxmox leaves behind.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {BUILTIN_FIXTURES, FixtureError, loadFixture, parseFixture} from '../../source/sim/fixture.js';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {describeSimulator, injectFailure} from '../../source/sim/server.js';
import {miniFixture} from './helpers.js';
import {CT, resource, snapshots, statusNow, writeSim, type WriteSim} from './write-helpers.js';

async function withSim(run: (w: WriteSim) => Promise<void>, fixture?: Fixture, auth?: string): Promise<void> {
	const w = await writeSim(fixture, auth);
	try {
		await run(w);
	} finally {
		await w.close();
	}
}

const cluster = loadFixture(BUILTIN_FIXTURES.cluster);

describe('injected failures', () => {
	it('a start fails the given number of times, then works', () =>
		withSim(async (w) => {
			injectFailure(w.sim.state, {vmid: 102, action: 'start', error: "startup for container '102' failed", times: 1});
			const first = await w.api('POST', `${CT}/102/status/start`);
			assert.equal(first.status, 200, 'the error happens after the fork');
			assert.equal((await w.finish(first.json.data)).exitstatus, "startup for container '102' failed");
			assert.deepEqual((await w.log(first.json.data)).at(-1), "TASK ERROR: startup for container '102' failed");
			assert.equal((await statusNow(w, 102)).status, 'stopped');
			const second = await w.api('POST', `${CT}/102/status/start`);
			assert.equal((await w.finish(second.json.data)).exitstatus, 'OK');
			assert.equal((await statusNow(w, 102)).status, 'running');
		}));

	it('a failed snapshot is cleaned up: no snapshot, no lock', () =>
		withSim(async (w) => {
			injectFailure(w.sim.state, {vmid: 101, action: 'snapshot', error: "zfs error: cannot create snapshot 'rpool/data/subvol-101-disk-0@{snapname}': out of space"});
			const res = await w.api('POST', `${CT}/101/snapshot`, {form: {snapname: 'full'}});
			assert.equal((await w.finish(res.json.data)).exitstatus, "zfs error: cannot create snapshot 'rpool/data/subvol-101-disk-0@full': out of space");
			assert.ok((await w.log(res.json.data)).includes('snapshot create failed: starting cleanup'));
			assert.deepEqual((await snapshots(w, 'pve1', 101)).map((s) => s.name), ['base', 'pre-upgrade', 'current']);
			assert.equal((await resource(w, 101)).lock, undefined);
		}));

	it('a failed rollback leaves lock rollback and the CT stopped', () =>
		withSim(async (w) => {
			injectFailure(w.sim.state, {vmid: 101, action: 'rollback', error: 'zfs error: cannot rollback: dataset is busy'});
			const res = await w.api('POST', `${CT}/101/snapshot/pre-upgrade/rollback`);
			assert.equal((await w.finish(res.json.data)).exitstatus, 'zfs error: cannot rollback: dataset is busy');
			const after = await resource(w, 101);
			assert.deepEqual([after.status, after.lock], ['stopped', 'rollback']);
			const start = await w.api('POST', `${CT}/101/status/start`);
			assert.equal(start.status, 200);
		}));

	it('a failed delete keeps snapstate delete; with force it is only a warning and the snapshot goes', () =>
		withSim(async (w) => {
			injectFailure(w.sim.state, {vmid: 101, action: 'delsnapshot', error: 'zfs error: could not find any snapshots to destroy', times: 2});
			const res = await w.api('DELETE', `${CT}/101/snapshot/base`);
			assert.equal((await w.finish(res.json.data)).exitstatus, 'zfs error: could not find any snapshots to destroy');
			assert.equal((await snapshots(w, 'pve1', 101)).find((s) => s.name === 'base')?.snapstate, 'delete');
			assert.equal((await resource(w, 101)).lock, 'snapshot-delete');

			w.sim.state.guests.get(101)!.lock = undefined;
			delete w.sim.state.guests.get(101)!.config.lock; // what `pct unlock 101` does
			const forced = await w.api('DELETE', `${CT}/101/snapshot/base?force=1`);
			assert.equal(forced.status, 200, `${forced.status} ${forced.reason}`);
			const done = await w.finish(forced.json.data);
			assert.equal(done.exitstatus, 'WARNINGS: 1');
			assert.deepEqual(await w.log(forced.json.data), ['zfs error: could not find any snapshots to destroy', 'TASK WARNINGS: 1']);
			assert.deepEqual((await snapshots(w, 'pve1', 101)).map((s) => s.name), ['pre-upgrade', 'current']);
		}));

	it('cluster.json ships a snapshot of prometheus (CT 112) that always fails', () =>
		withSim(async (w) => {
			const res = await w.api('POST', '/nodes/pve2/lxc/112/snapshot', {form: {snapname: 'pre-change'}});
			assert.equal(res.status, 200, `${res.status} ${res.reason}`);
			assert.equal((await w.finish(res.json.data)).exitstatus, "zfs error: cannot create snapshot 'rpool/data/subvol-112-disk-0@pre-change': out of space");
		}, cluster, rootTokenOf(cluster)));
});

/** A fixture's privsep-free root token as an Authorization header. */
function rootTokenOf(fixture: Fixture): string {
	const root = fixture.users.find((u) => u.userid === 'root@pam')!;
	const token = root.tokens!.find((t) => t.privsep === false)!;
	return `PVEAPIToken=root@pam!${token.tokenid}=${token.secret}`;
}

describe('the simulator banner', () => {
	it('announces injected failures so a demo user does not take them for bugs', () => {
		const lines = describeSimulator({url: 'https://127.0.0.1:8006', fingerprint: 'AB:CD'}, cluster);
		assert.ok(lines.includes('Injected failures: CT 112 snapshot'), lines.join('\n'));
		assert.ok(!describeSimulator({url: 'https://127.0.0.1:8006', fingerprint: 'AB:CD'}, miniFixture()).some((l) => l.startsWith('Injected')));
	});
});

describe('fixture failures are checked', () => {
	const errorOf = (failures: unknown): string => {
		const doc = {...miniFixture(), failures} as unknown;
		try {
			parseFixture(doc, 'x.json');
		} catch (error) {
			assert.ok(error instanceof FixtureError);
			return error.message;
		}
		return 'accepted';
	};

	it('accepts a well-formed entry, for a VM too (its qm tasks fail the same way)', () => {
		assert.equal(errorOf([{vmid: 101, action: 'rollback', error: 'boom', times: 2}]), 'accepted');
		assert.equal(errorOf([{vmid: 200, action: 'start', error: 'x'}]), 'accepted');
	});

	it('names the path and the problem for each mistake', () => {
		assert.equal(errorOf([{vmid: 999, action: 'start', error: 'x'}]), 'x.json: failures[0].vmid: no guest with vmid 999');
		assert.equal(errorOf([{vmid: 101, action: 'migrate', error: 'x'}]), 'x.json: failures[0].action: expected one of start, stop, shutdown, reboot, snapshot, rollback, delsnapshot, got "migrate"');
		assert.equal(errorOf([{vmid: 101, action: 'start', error: 'two\nlines'}]), 'x.json: failures[0].error: expected a one-line error text, got "two\\nlines"');
		assert.equal(errorOf([{vmid: 101, action: 'start', error: 'x', times: 0}]), 'x.json: failures[0].times: expected an integer >= 1, got 0');
		assert.equal(errorOf([{vmid: 101, action: 'start'}]), 'x.json: failures[0].error: is missing');
	});
});
