// Container snapshots over HTTPS: create, delete, rollback, the locks and
// snapstates visible while their tasks run, the reserved names, the in-task
// errors and the ZFS "most recent snapshot" rule.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {miniFixture} from './helpers.js';
import {CT, lastTask, resource, statusNow, snapshots, upidPattern, writeSim, type WriteSim} from './write-helpers.js';

async function withSim(run: (w: WriteSim) => Promise<void>, fixture?: Fixture): Promise<void> {
	const w = await writeSim(fixture);
	try {
		await run(w);
	} finally {
		await w.close();
	}
}

/** CT 102 moved to an LVM-thin volume, with two snapshots: rollback to any of them is allowed there. */
function lvmFixture(): Fixture {
	const fixture = miniFixture();
	fixture.nodes[0]!.storages.push({storage: 'local-lvm', type: 'lvmthin', content: 'rootdir,images', total: 500000000000, used: 1000000000});
	const ct = fixture.guests.find((g) => g.vmid === 102)!;
	ct.config.rootfs = 'local-lvm:vm-102-disk-0,size=16G';
	ct.snapshots = [
		{name: 'first', snaptime: -7200, description: 'one'},
		{name: 'second', snaptime: -3600, parent: 'first'},
	];
	return fixture;
}

describe('create', () => {
	it('runs a vzsnapshot task that locks the CT, then lists the new snapshot as the parent of current', () =>
		withSim(async (w) => {
			const res = await w.api('POST', `${CT}/101/snapshot`, {form: {snapname: 'before-tls', description: 'certs rotated'}});
			assert.equal(res.status, 200);
			const upid = res.json.data as string;
			assert.match(upid, upidPattern('pve1', 'vzsnapshot', 101, 'root@pam!full'));

			// While the task runs: the lock is everywhere a client looks, and the entry is being prepared.
			const config = await w.api('GET', `${CT}/101/config`);
			assert.equal(config.json.data.lock, 'snapshot');
			assert.equal((await resource(w, 101)).lock, 'snapshot');
			const list = await w.api('GET', `${CT}`);
			assert.equal(list.json.data.find((c: {vmid: number}) => c.vmid === 101).lock, 'snapshot');
			const preparing = (await snapshots(w, 'pve1', 101)).find((s) => s.name === 'before-tls');
			assert.equal(preparing?.snapstate, 'prepare');

			assert.equal((await w.finish(upid)).exitstatus, 'OK');
			// pve-container logs nothing per volume ("snapshotting 'drive-…'" is qemu-server's line).
			assert.deepEqual(await w.log(upid), ['TASK OK']);
			const after = await snapshots(w, 'pve1', 101);
			const created = after.find((s) => s.name === 'before-tls')!;
			assert.deepEqual({...created, snaptime: typeof created.snaptime}, {name: 'before-tls', description: 'certs rotated', snaptime: 'number', parent: 'pre-upgrade'});
			assert.deepEqual(after.at(-1), {name: 'current', description: 'You are here!', running: 1, digest: after.at(-1)!.digest, parent: 'before-tls'});
			assert.equal((await resource(w, 101)).lock, undefined);
			assert.equal((await w.api('GET', `${CT}/101/config`)).json.data.lock, undefined);

			const stored = await w.api('GET', `${CT}/101/snapshot/before-tls/config`);
			assert.equal(stored.status, 200);
			assert.equal(stored.json.data.hostname, 'web');
			assert.equal(stored.json.data.rootfs, 'local-zfs:subvol-101-disk-0,size=8G');
			assert.equal(stored.json.data.description, 'certs rotated');
			assert.equal(stored.json.data.parent, 'pre-upgrade');
			assert.equal(stored.json.data.snaptime, created.snaptime);
		}));

	it('refuses the reserved names before the fork', () =>
		withSim(async (w) => {
			for (const name of ['current', 'vzdump']) {
				const res = await w.api('POST', `${CT}/101/snapshot`, {form: {snapname: name}});
				assert.equal(res.status, 500);
				assert.equal(res.json.message, `unable to use snapshot name '${name}' (reserved name)\n`);
			}
		}));

	it('rejects a malformed or too long name with 400', () =>
		withSim(async (w) => {
			const bad = await w.api('POST', `${CT}/101/snapshot`, {form: {snapname: '1st'}});
			assert.equal(bad.status, 400);
			assert.deepEqual(bad.json.errors, {snapname: "invalid format - invalid configuration ID '1st'\n"}, 'pve-common keeps the format verifier\'s newline');
			const long = await w.api('POST', `${CT}/101/snapshot`, {form: {snapname: `s${'x'.repeat(40)}`}});
			assert.deepEqual(long.json.errors, {snapname: 'value may only be 40 characters long'});
			const missing = await w.api('POST', `${CT}/101/snapshot`, {form: {description: 'x'}});
			assert.deepEqual(missing.json.errors, {snapname: 'property is missing and it is not optional'});
		}));

	it('fails in the task for a used name and for storage without snapshots (dir)', () =>
		withSim(async (w) => {
			const used = await w.api('POST', `${CT}/101/snapshot`, {form: {snapname: 'base'}});
			assert.equal(used.status, 200);
			assert.equal((await w.finish(used.json.data)).exitstatus, "snapshot name 'base' already used");
			const dir = await w.api('POST', '/nodes/pve2/lxc/103/snapshot', {form: {snapname: 'nope'}});
			assert.equal((await w.finish(dir.json.data)).exitstatus, 'snapshot feature is not available');
			assert.deepEqual((await snapshots(w, 'pve2', 103)).map((s) => s.name), ['current']);
		}));

	it('a locked CT refuses a second snapshot and a start inside their tasks', () =>
		withSim(async (w) => {
			const first = await w.api('POST', `${CT}/102/snapshot`, {form: {snapname: 'one'}});
			const second = await w.api('POST', `${CT}/102/snapshot`, {form: {snapname: 'two'}});
			const start = await w.api('POST', `${CT}/102/status/start`);
			assert.equal((await w.finish(second.json.data)).exitstatus, 'CT is locked (snapshot)');
			assert.equal((await w.finish(start.json.data)).exitstatus, 'CT is locked (snapshot)');
			assert.equal((await w.finish(first.json.data)).exitstatus, 'OK');
			assert.deepEqual((await snapshots(w, 'pve1', 102)).map((s) => s.name), ['one', 'current']);
			assert.equal((await statusNow(w, 102)).status, 'stopped');
		}));
});

describe('delete', () => {
	it('marks the entry while deleting, then removes it and re-parents current', () =>
		withSim(async (w) => {
			const res = await w.api('DELETE', `${CT}/101/snapshot/pre-upgrade`);
			assert.equal(res.status, 200);
			const upid = res.json.data as string;
			assert.match(upid, upidPattern('pve1', 'vzdelsnapshot', 101, 'root@pam!full'));
			const during = await snapshots(w, 'pve1', 101);
			assert.equal(during.find((s) => s.name === 'pre-upgrade')?.snapstate, 'delete');
			assert.equal((await resource(w, 101)).lock, 'snapshot-delete');

			assert.equal((await w.finish(upid)).exitstatus, 'OK');
			const after = await snapshots(w, 'pve1', 101);
			assert.deepEqual(after.map((s) => [s.name, s.parent]), [['base', undefined], ['current', 'base']]);
			assert.equal((await resource(w, 101)).lock, undefined);
		}));

	it('re-parents child snapshots to the deleted one\'s parent', () =>
		withSim(async (w) => {
			const make = await w.api('POST', `${CT}/101/snapshot`, {form: {snapname: 'third'}});
			await w.finish(make.json.data);
			const del = await w.api('DELETE', `${CT}/101/snapshot/pre-upgrade`);
			await w.finish(del.json.data);
			const after = await snapshots(w, 'pve1', 101);
			assert.deepEqual(after.map((s) => [s.name, s.parent]), [['base', undefined], ['third', 'base'], ['current', 'third']]);
		}));

	it('fails in the task for a snapshot that does not exist', () =>
		withSim(async (w) => {
			const res = await w.api('DELETE', `${CT}/101/snapshot/nope`);
			assert.equal(res.status, 200);
			assert.equal((await w.finish(res.json.data)).exitstatus, "snapshot 'nope' does not exist");
		}));
});

describe('rollback', () => {
	it('stops the CT, holds lock rollback, then restores the snapshot config', () =>
		withSim(async (w) => {
			const guest = w.sim.state.guests.get(101)!;
			guest.config.memory = 4096;
			guest.config.cores = 4;
			const res = await w.api('POST', `${CT}/101/snapshot/pre-upgrade/rollback`);
			assert.equal(res.status, 200);
			const upid = res.json.data as string;
			assert.match(upid, upidPattern('pve1', 'vzrollback', 101, 'root@pam!full'));
			const during = await resource(w, 101);
			assert.deepEqual([during.status, during.lock], ['stopped', 'rollback']);

			assert.equal((await w.finish(upid)).exitstatus, 'OK');
			const config = (await w.api('GET', `${CT}/101/config`)).json.data;
			assert.deepEqual([config.memory, config.cores, config.lock, config.parent], [1024, 2, undefined, 'pre-upgrade']);
			assert.equal(config.description, 'web frontend\n', 'the current description is kept');
			assert.equal((await statusNow(w, 101)).status, 'stopped');
			assert.equal((await snapshots(w, 'pve1', 101)).at(-1)!.parent, 'pre-upgrade');
		}));

	it('on ZFS refuses a snapshot that is not the most recent, inside the task', () =>
		withSim(async (w) => {
			const res = await w.api('POST', `${CT}/101/snapshot/base/rollback`);
			assert.equal(res.status, 200);
			assert.equal((await w.finish(res.json.data)).exitstatus, "can't rollback, 'base' is not most recent snapshot on 'local-zfs:subvol-101-disk-0'");
			assert.equal((await statusNow(w, 101)).status, 'running', 'nothing was touched');
		}));

	it('on LVM-thin rolls back to an older snapshot; start=1 starts the CT with a vzstart task', () =>
		withSim(async (w) => {
			w.sim.state.guests.get(102)!.config.memory = 8192;
			const res = await w.api('POST', `${CT}/102/snapshot/first/rollback`, {form: {start: '1'}});
			assert.equal((await w.finish(res.json.data)).exitstatus, 'OK');
			assert.equal((await w.api('GET', `${CT}/102/config`)).json.data.memory, 2048);
			const start = lastTask(w, 'vzstart', 102);
			assert.ok(start, 'a vzstart follows the rollback');
			assert.equal((await w.finish(start.upid)).exitstatus, 'OK');
			assert.equal((await statusNow(w, 102)).status, 'running');
		}, lvmFixture()));

	it('refuses a snapshot still being created, and a missing one', () =>
		withSim(async (w) => {
			const make = await w.api('POST', `${CT}/102/snapshot`, {form: {snapname: 'fresh'}});
			const early = await w.api('POST', `${CT}/102/snapshot/fresh/rollback`);
			assert.equal((await w.finish(early.json.data)).exitstatus, 'unable to rollback to incomplete snapshot (snapstate = prepare)');
			await w.finish(make.json.data);
			const missing = await w.api('POST', `${CT}/102/snapshot/ghost/rollback`);
			assert.equal((await w.finish(missing.json.data)).exitstatus, "snapshot 'ghost' does not exist");
		}));
});

describe('snapshot reads', () => {
	it('GET …/snapshot/{name}/config answers 500 for an unknown snapshot', () =>
		withSim(async (w) => {
			const res = await w.api('GET', `${CT}/101/snapshot/ghost/config`);
			assert.equal(res.status, 500);
			assert.equal(res.json.message, "snapshot 'ghost' does not exist\n");
		}));
});
