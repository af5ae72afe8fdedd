// Access control: built-in roles, ACL propagation, privilege-separated
// tokens, 403 before validation and ACL-filtered lists.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {privilegesAt} from '../../source/sim/acl.js';
import {BUILTIN_ROLES} from '../../source/sim/roles.js';
import type {RunningSimulator} from '../../source/sim/server.js';
import {AUDIT_TOKEN, call, login, ROOT_TOKEN, startTestSim} from './helpers.js';

describe('built-in roles (as AccessControl.pm derives them)', () => {
	it('PVEVMUser has exactly the VM user + audit privileges', () => {
		assert.deepEqual([...BUILTIN_ROLES.get('PVEVMUser')!].sort(), ['VM.Audit', 'VM.Backup', 'VM.Config.CDROM', 'VM.Config.Cloudinit', 'VM.Console', 'VM.GuestAgent.Audit', 'VM.GuestAgent.FileRead', 'VM.GuestAgent.FileSystemMgmt', 'VM.GuestAgent.FileWrite', 'VM.PowerMgmt']);
	});
	it('PVEAuditor is audit-only and PVEAdmin lacks root-only privileges', () => {
		assert.deepEqual([...BUILTIN_ROLES.get('PVEAuditor')!].sort(), ['Datastore.Audit', 'Mapping.Audit', 'Pool.Audit', 'SDN.Audit', 'Sys.Audit', 'VM.Audit', 'VM.GuestAgent.Audit']);
		const admin = BUILTIN_ROLES.get('PVEAdmin')!;
		for (const rootOnly of ['Sys.PowerMgmt', 'Sys.Modify', 'Realm.Allocate', 'Permissions.Modify', 'Mapping.Modify']) assert.ok(!admin.has(rootOnly), rootOnly);
		assert.ok(admin.has('VM.Snapshot') && admin.has('Sys.Console'));
	});
	it('Administrator has everything, NoAccess nothing', () => {
		assert.ok(BUILTIN_ROLES.get('Administrator')!.has('Permissions.Modify'));
		assert.equal(BUILTIN_ROLES.get('NoAccess')!.size, 0);
	});
});

describe('ACL over HTTPS', () => {
	let sim: RunningSimulator;
	let vmuser: {cookie: string};
	before(async () => {
		sim = await startTestSim();
		vmuser = await login(sim, 'vmuser@pve', 'sim-vmuser-demo');
	});
	after(() => sim.close());

	it('answers 403 for a VMID the user may not see even when it does not exist (ACL before validation)', async () => {
		const res = await call(sim, 'GET', '/nodes/pve1/lxc/999/status/current', {headers: {Cookie: vmuser.cookie}});
		assert.equal(res.status, 403);
		assert.equal(res.reason, 'Permission check failed (/vms/999, VM.Audit)');
		assert.deepEqual(res.json, {data: null, message: 'Permission check failed (/vms/999, VM.Audit)\n'});
	});

	it('lets the user read the guest it has a role on', async () => {
		const res = await call(sim, 'GET', '/nodes/pve1/lxc/101/status/current', {headers: {Cookie: vmuser.cookie}});
		assert.equal(res.status, 200);
		assert.equal(res.json.data.vmid, 101);
	});

	it('filters /cluster/resources and node lists down to what the user may audit', async () => {
		const res = await call(sim, 'GET', '/cluster/resources', {headers: {Cookie: vmuser.cookie}});
		// extract_node_stats: every node is listed; without Sys.Audit on it, without its numbers.
		assert.deepEqual(res.json.data.map((r: {id: string}) => r.id), ['node/pve1', 'node/pve2', 'lxc/101']);
		assert.deepEqual(res.json.data[0], {id: 'node/pve1', type: 'node', node: 'pve1', status: 'online', level: '', 'cgroup-mode': 2});
		const lxc = await call(sim, 'GET', '/nodes/pve1/lxc', {headers: {Cookie: vmuser.cookie}});
		assert.deepEqual(lxc.json.data.map((g: {vmid: number}) => g.vmid), [101]);
		const storage = await call(sim, 'GET', '/nodes/pve1/storage', {headers: {Cookie: vmuser.cookie}});
		assert.deepEqual(storage.json.data, []);
	});

	it('root sees every node, guest and storage', async () => {
		const res = await call(sim, 'GET', '/cluster/resources', {auth: ROOT_TOKEN});
		const ids = res.json.data.map((r: {id: string}) => r.id);
		assert.deepEqual(ids, ['node/pve1', 'node/pve2', 'lxc/101', 'lxc/102', 'lxc/103', 'qemu/200', 'storage/pve1/local', 'storage/pve1/local-zfs', 'storage/pve2/local', 'storage/pve2/nas', 'sdn/pve1/localnetwork', 'sdn/pve2/localnetwork']);
	});

	it('gives a privilege-separated token the intersection of user and token ACLs', async () => {
		// audit@pve is PVEAdmin on /, its token only PVEAuditor: reading works, Sys.Console does not exist for it.
		const privs = privilegesAt(sim.state, {userid: 'audit@pve', tokenid: 'ro'}, '/vms/101');
		assert.ok(privs.has('VM.Audit'));
		assert.ok(!privs.has('VM.PowerMgmt'));
		const perms = await call(sim, 'GET', '/access/permissions', {auth: AUDIT_TOKEN});
		assert.deepEqual(Object.keys(perms.json.data['/']).sort(), ['Datastore.Audit', 'Mapping.Audit', 'Pool.Audit', 'SDN.Audit', 'Sys.Audit', 'VM.Audit', 'VM.GuestAgent.Audit']);
		const status = await call(sim, 'GET', '/cluster/status', {auth: AUDIT_TOKEN});
		assert.equal(status.status, 200);
	});

	it('reports the ACL path the user has, with propagate flags, in /access/permissions', async () => {
		const res = await call(sim, 'GET', '/access/permissions', {headers: {Cookie: vmuser.cookie}});
		assert.deepEqual(Object.keys(res.json.data), ['/vms/101']);
		assert.equal(res.json.data['/vms/101']['VM.PowerMgmt'], 1);
	});

	it('does not propagate an ACL entry with propagate false below its path', () => {
		sim.state.users.get('vmuser@pve')!.acl.push({path: '/vms', role: 'PVEAuditor', propagate: false});
		try {
			assert.ok(privilegesAt(sim.state, {userid: 'vmuser@pve'}, '/vms').has('VM.Audit'));
			assert.ok(!privilegesAt(sim.state, {userid: 'vmuser@pve'}, '/vms/102').has('VM.Audit'));
			assert.ok(privilegesAt(sim.state, {userid: 'vmuser@pve'}, '/vms/101').has('VM.PowerMgmt'));
		} finally {
			sim.state.users.get('vmuser@pve')!.acl.pop();
		}
	});

	it('dumps root@pam as a single / entry with every privilege', async () => {
		const res = await call(sim, 'GET', '/access/permissions', {auth: ROOT_TOKEN});
		assert.deepEqual(Object.keys(res.json.data), ['/']);
		assert.equal(res.json.data['/']['Permissions.Modify'], 1);
	});

	it('requires Sys.Audit on / for /cluster/status', async () => {
		const res = await call(sim, 'GET', '/cluster/status', {headers: {Cookie: vmuser.cookie}});
		assert.equal(res.status, 403);
		assert.equal(res.reason, 'Permission check failed (/, Sys.Audit)');
	});

	it('shows a user only its own tasks without Sys.Audit', async () => {
		const res = await call(sim, 'GET', '/cluster/tasks', {headers: {Cookie: vmuser.cookie}});
		assert.deepEqual(res.json.data, []);
	});
});
