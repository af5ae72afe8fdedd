// Server-level behaviour: TLS identity, headers, 501s, standalone vs cluster,
// offline nodes, guest views reflecting state changes, outages.

import assert from 'node:assert/strict';
import {request as httpsRequest} from 'node:https';
import {X509Certificate} from 'node:crypto';
import {after, before, describe, it} from 'node:test';
import type {RunningSimulator} from '../../source/sim/server.js';
import {call, fakeClock, miniFixture, ROOT_TOKEN, startTestSim} from './helpers.js';

describe('simulator server', () => {
	let sim: RunningSimulator;
	before(async () => {
		sim = await startTestSim({clock: fakeClock().now});
	});
	after(() => sim.close());

	it('serves a certificate whose SHA-256 fingerprint matches the advertised one and GET /nodes ssl_fingerprint', async () => {
		assert.match(sim.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
		assert.equal(new X509Certificate(sim.certPem).fingerprint256, sim.fingerprint);
		const peer = await new Promise<string>((resolve, reject) => {
			const req = httpsRequest(`${sim.url}/api2/json/version`, {ca: sim.caPem, agent: false, headers: {Authorization: ROOT_TOKEN}}, (res) => {
				const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
				res.resume();
				resolve(cert.fingerprint256);
			});
			req.on('error', reject);
			req.end();
		});
		assert.equal(peer, sim.fingerprint);
		const nodes = await call(sim, 'GET', '/nodes', {auth: ROOT_TOKEN});
		assert.equal(nodes.json.data[0].ssl_fingerprint, sim.fingerprint);
	});

	it('sends exactly application/json;charset=UTF-8', async () => {
		const res = await call(sim, 'GET', '/version', {auth: ROOT_TOKEN});
		assert.equal(res.headers['content-type'], 'application/json;charset=UTF-8');
	});

	it('answers 501 for unknown paths and for schema paths it does not implement', async () => {
		const unknown = await call(sim, 'GET', '/nodes/pve/foo', {auth: ROOT_TOKEN});
		assert.equal(unknown.status, 501);
		assert.equal(unknown.reason, "Method 'GET /nodes/pve/foo' not implemented");
		assert.deepEqual(unknown.json, {data: null, message: "Method 'GET /nodes/pve/foo' not implemented\n"});
		const unimplemented = await call(sim, 'GET', '/nodes/pve1/syslog', {auth: ROOT_TOKEN});
		assert.equal(unimplemented.status, 501);
		assert.equal(unimplemented.reason, "Method 'GET /nodes/pve1/syslog' not implemented");
	});

	it('lists the cluster entry plus every node in /cluster/status', async () => {
		const res = await call(sim, 'GET', '/cluster/status', {auth: ROOT_TOKEN});
		assert.deepEqual(res.json.data[0], {type: 'cluster', id: 'cluster', name: 'lab', nodes: 2, quorate: 1, version: 3});
		assert.deepEqual(res.json.data.slice(1).map((n: {name: string; local: number}) => [n.name, n.local]), [['pve1', 1], ['pve2', 0]]);
	});

	it('serves config verbatim with a sha1 digest, and the 500 PVE gives for a vmid on another node', async () => {
		const res = await call(sim, 'GET', '/nodes/pve2/lxc/103/config', {auth: ROOT_TOKEN});
		assert.deepEqual(res.json.data.lxc, [['lxc.cgroup2.devices.allow', 'c 10:200 rwm']]);
		assert.match(res.json.data.digest, /^[0-9a-f]{40}$/);
		const wrong = await call(sim, 'GET', '/nodes/pve1/lxc/103/config', {auth: ROOT_TOKEN});
		assert.equal(wrong.status, 500);
		assert.equal(wrong.reason, "Configuration file 'nodes/pve1/lxc/103.conf' does not exist");
	});

	it('lists snapshots with the current pseudo entry last', async () => {
		const res = await call(sim, 'GET', '/nodes/pve1/lxc/101/snapshot', {auth: ROOT_TOKEN});
		const names = res.json.data.map((s: {name: string}) => s.name);
		assert.deepEqual(names, ['base', 'pre-upgrade', 'current']);
		assert.deepEqual({...res.json.data[2], digest: 'x'}, {name: 'current', description: 'You are here!', running: 1, digest: 'x', parent: 'pre-upgrade'});
	});

	it('reports HA management in status/current and hastate in resources', async () => {
		const ha = await call(sim, 'GET', '/nodes/pve1/lxc/101/status/current', {auth: ROOT_TOKEN});
		assert.deepEqual(ha.json.data.ha, {managed: 1, state: 'started', group: 'prefer-pve1', max_restart: 1, max_relocate: 1});
		const plain = await call(sim, 'GET', '/nodes/pve1/lxc/102/status/current', {auth: ROOT_TOKEN});
		assert.deepEqual(plain.json.data.ha, {managed: 0});
		const vms = await call(sim, 'GET', '/cluster/resources?type=vm', {auth: ROOT_TOKEN});
		const byId = new Map(vms.json.data.map((r: {id: string}) => [r.id, r]));
		assert.equal((byId.get('lxc/101') as {hastate: string}).hastate, 'started');
		assert.ok(!('hastate' in (byId.get('lxc/102') as object)), 'hastate only when set');
		assert.equal((byId.get('lxc/103') as {pool: string}).pool, 'infra');
		assert.deepEqual(vms.json.data.map((r: {type: string}) => r.type).sort(), ['lxc', 'lxc', 'lxc', 'qemu']);
	});

	it('reflects state mutations on the next request', async () => {
		const guest = sim.state.guests.get(101)!;
		guest.status = 'stopped';
		try {
			const res = await call(sim, 'GET', '/nodes/pve1/lxc/101/status/current', {auth: ROOT_TOKEN});
			assert.equal(res.json.data.status, 'stopped');
			assert.equal(res.json.data.cpu, 0);
			assert.equal(res.json.data.mem, 0);
			assert.equal(res.json.data.uptime, 0);
		} finally {
			guest.status = 'running';
		}
	});

	it('filters network by type and answers storages with 0/1 flags', async () => {
		const net = await call(sim, 'GET', '/nodes/pve1/network?type=eth', {auth: ROOT_TOKEN});
		assert.deepEqual(net.json.data.map((e: {iface: string}) => e.iface), ['eno1']);
		const storage = await call(sim, 'GET', '/nodes/pve2/storage', {auth: ROOT_TOKEN});
		const nas = storage.json.data.find((s: {storage: string}) => s.storage === 'nas');
		assert.deepEqual(nas, {storage: 'nas', type: 'nfs', content: 'backup', active: 0, enabled: 1, shared: 1});
	});

	it('answers zfs on a node without ZFS tools the way PVE does', async () => {
		const res = await call(sim, 'GET', '/nodes/pve2/disks/zfs', {auth: ROOT_TOKEN});
		assert.equal(res.status, 500);
		assert.equal(res.reason, 'zfsutils-linux not installed');
		const tree = await call(sim, 'GET', '/nodes/pve1/disks/zfs/rpool', {auth: ROOT_TOKEN});
		assert.equal(tree.json.data.children[0].name, 'rpool');
		assert.equal(tree.json.data.children[0].children[0].children[0].leaf, 1);
	});

	it('treats an offline node like pveproxy does: 595 on node calls, offline/unknown in lists', async () => {
		sim.state.nodes.get('pve2')!.online = false;
		try {
			const status = await call(sim, 'GET', '/nodes/pve2/status', {auth: ROOT_TOKEN});
			assert.equal(status.status, 595);
			assert.equal(status.reason, 'No route to host');
			const res = await call(sim, 'GET', '/cluster/resources', {auth: ROOT_TOKEN});
			const node = res.json.data.find((r: {id: string}) => r.id === 'node/pve2');
			assert.deepEqual(node, {id: 'node/pve2', type: 'node', node: 'pve2', status: 'offline', level: ''});
			const guest = res.json.data.find((r: {id: string}) => r.id === 'lxc/103');
			assert.equal(guest.status, 'unknown');
			assert.ok(!('cpu' in guest) && !('uptime' in guest));
			const cs = await call(sim, 'GET', '/cluster/status', {auth: ROOT_TOKEN});
			assert.equal(cs.json.data.find((n: {name: string}) => n.name === 'pve2').online, 0);
			const unknownNode = await call(sim, 'GET', '/nodes/nosuch/status', {auth: ROOT_TOKEN});
			assert.equal(unknownNode.status, 500);
		} finally {
			sim.state.nodes.get('pve2')!.online = true;
		}
	});

	it('records requests in order with status and auth', async () => {
		const before = sim.requests.length;
		await call(sim, 'GET', '/cluster/resources?type=node', {auth: ROOT_TOKEN});
		const last = sim.requests.at(-1)!;
		assert.equal(sim.requests.length, before + 1);
		assert.deepEqual({method: last.method, path: last.path, query: last.query, status: last.status, auth: last.auth}, {method: 'GET', path: '/cluster/resources', query: {type: 'node'}, status: 200, auth: 'token'});
	});
});

describe('standalone node', () => {
	it('lists only the node entry in /cluster/status and no clustername at login', async () => {
		const fixture = miniFixture();
		delete fixture.cluster;
		fixture.nodes = fixture.nodes.slice(0, 1);
		fixture.guests = fixture.guests.filter((g) => g.node === 'pve1');
		fixture.taskHistory = [];
		const sim = await startTestSim({fixture});
		try {
			const res = await call(sim, 'GET', '/cluster/status', {auth: ROOT_TOKEN});
			assert.deepEqual(res.json.data, [{type: 'node', id: 'node/pve1', name: 'pve1', ip: '192.168.1.11', level: '', local: 1, nodeid: 1, online: 1}]);
			const login = await call(sim, 'POST', '/access/ticket', {form: {username: 'root@pam', password: 'sim-root-demo'}});
			assert.ok(!('clustername' in login.json.data));
		} finally {
			await sim.close();
		}
	});
});

describe('outage', () => {
	it('fails requests at the network level while down and recovers afterwards', async () => {
		const sim = await startTestSim();
		try {
			assert.equal((await call(sim, 'GET', '/version', {auth: ROOT_TOKEN})).status, 200);
			sim.setOutage(true);
			await assert.rejects(call(sim, 'GET', '/version', {auth: ROOT_TOKEN}), (error: NodeJS.ErrnoException) => {
				assert.ok(['ECONNRESET', 'EPIPE', 'ECONNREFUSED'].includes(error.code ?? '') || /socket hang up|disconnected/.test(error.message), `${error.code} ${error.message}`);
				return true;
			});
			sim.setOutage(false);
			assert.equal((await call(sim, 'GET', '/version', {auth: ROOT_TOKEN})).status, 200);
		} finally {
			await sim.close();
		}
	});

	it('resets a request that is pending when the outage starts', async () => {
		const sim = await startTestSim({authFailureDelayMs: 150});
		try {
			// An unauthenticated call is held back by the auth delay: cut it mid-flight.
			const pending = call(sim, 'GET', '/version');
			setTimeout(() => sim.setOutage(true), 50);
			await assert.rejects(pending);
		} finally {
			await sim.close();
		}
	});
});
