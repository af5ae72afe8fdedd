// Who may write: the privilege each write route needs (403 wording with the
// any-of form for rollback), tokens, and the CSRF header that ticket
// sessions must send on every write.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {Fixture} from '../../source/sim/fixture-types.js';
import type {RunningSimulator} from '../../source/sim/server.js';
import {AUDIT_TOKEN, call, login, miniFixture, type RequestOptions} from './helpers.js';
import {CT, writeSim, type WriteSim} from './write-helpers.js';

/** Adds a user whose only right on CT 101 is rolling back (a custom role). */
function fixtureWithRollbackOnlyUser(): Fixture {
	const fixture = miniFixture();
	fixture.roles = {...fixture.roles, SnapshotRollback: ['VM.Snapshot.Rollback']};
	fixture.users.push({userid: 'undo@pve', password: 'sim-undo-demo', acl: [{path: '/vms/101', role: 'SnapshotRollback'}]});
	return fixture;
}

async function session(sim: RunningSimulator, user: string, password: string): Promise<(method: string, path: string, options?: RequestOptions) => ReturnType<typeof call>> {
	const auth = await login(sim, user, password);
	return (method, path, options = {}) => call(sim, method, path, {...options, headers: {Cookie: auth.cookie, CSRFPreventionToken: auth.csrf, ...options.headers}});
}

describe('write privileges', () => {
	let w: WriteSim;
	before(async () => {
		w = await writeSim(fixtureWithRollbackOnlyUser());
	});
	after(() => w.close());

	it('power needs VM.PowerMgmt: an auditor token gets 403 with PVE\'s wording', async () => {
		for (const op of ['start', 'stop', 'shutdown', 'reboot']) {
			const res = await w.api('POST', `${CT}/102/status/${op}`, {auth: AUDIT_TOKEN});
			assert.equal(res.status, 403, op);
			assert.equal(res.reason, 'Permission check failed (/vms/102, VM.PowerMgmt)');
			assert.equal(res.json.message, 'Permission check failed (/vms/102, VM.PowerMgmt)\n');
		}
	});

	it('snapshot create and delete need VM.Snapshot; rollback names both privileges', async () => {
		const vmuser = await session(w.sim, 'vmuser@pve', 'sim-vmuser-demo');
		const create = await vmuser('POST', `${CT}/101/snapshot`, {form: {snapname: 'mine'}});
		assert.equal(create.status, 403);
		assert.equal(create.json.message, 'Permission check failed (/vms/101, VM.Snapshot)\n');
		const del = await vmuser('DELETE', `${CT}/101/snapshot/base`);
		assert.equal(del.json.message, 'Permission check failed (/vms/101, VM.Snapshot)\n');
		const rollback = await vmuser('POST', `${CT}/101/snapshot/pre-upgrade/rollback`);
		assert.equal(rollback.status, 403);
		assert.equal(rollback.json.message, 'Permission check failed (/vms/101, VM.Snapshot|VM.Snapshot.Rollback)\n');
		// The same user may power the CT it has PVEVMUser on (an HA request here).
		const stop = await vmuser('POST', `${CT}/101/status/stop`);
		assert.equal(stop.status, 200);
		assert.match(stop.json.data, /:hastop:101:vmuser@pve:$/);
	});

	it('VM.Snapshot.Rollback alone is enough to roll back (and to read the snapshot config), not to snapshot', async () => {
		const undo = await session(w.sim, 'undo@pve', 'sim-undo-demo');
		const read = await undo('GET', `${CT}/101/snapshot/base/config`);
		assert.equal(read.status, 200);
		const rollback = await undo('POST', `${CT}/101/snapshot/pre-upgrade/rollback`);
		assert.equal(rollback.status, 200);
		assert.match(rollback.json.data, /:vzrollback:101:undo@pve:$/);
		const create = await undo('POST', `${CT}/101/snapshot`, {form: {snapname: 'nope'}});
		assert.equal(create.status, 403);
	});

	it('the snapshot config is readable with VM.Audit only (any of Snapshot, Rollback, Audit)', async () => {
		const res = await w.api('GET', `${CT}/101/snapshot/base/config`, {auth: AUDIT_TOKEN});
		assert.equal(res.status, 200);
		assert.equal(res.json.data.hostname, 'web');
	});

	it('refuses a user with no right before looking at the CT (403 even for a missing vmid)', async () => {
		const res = await w.api('POST', `${CT}/999/status/start`, {auth: AUDIT_TOKEN});
		assert.equal(res.status, 403);
		assert.equal(res.json.message, 'Permission check failed (/vms/999, VM.PowerMgmt)\n');
	});
});

describe('CSRF on ticket sessions', () => {
	let w: WriteSim;
	before(async () => {
		w = await writeSim();
	});
	after(() => w.close());

	it('a write with a ticket but no CSRFPreventionToken is 401 and starts nothing', async () => {
		const auth = await login(w.sim, 'root@pam', 'sim-root-demo');
		const before = w.sim.state.tasks.length;
		const res = await call(w.sim, 'POST', `${CT}/102/status/start`, {headers: {Cookie: auth.cookie}});
		assert.equal(res.status, 401);
		assert.equal(res.reason, 'Permission denied - invalid csrf token');
		assert.equal(w.sim.state.tasks.length, before);
		const ok = await call(w.sim, 'POST', `${CT}/102/status/start`, {headers: {Cookie: auth.cookie, CSRFPreventionToken: auth.csrf}});
		assert.equal(ok.status, 200);
		assert.match(ok.json.data, /:vzstart:102:root@pam:$/);
	});

	it('a DELETE needs it too', async () => {
		const auth = await login(w.sim, 'root@pam', 'sim-root-demo');
		const res = await call(w.sim, 'DELETE', `${CT}/101/snapshot/base`, {headers: {Cookie: auth.cookie}});
		assert.equal(res.status, 401);
	});
});
