// The client against the real simulator (source/sim/server.ts) loaded with the
// homelab fixture: what a user of proxdeck would get from a Proxmox host.

import assert from 'node:assert/strict';
import {inspect} from 'node:util';
import {after, before, beforeEach, describe, it} from 'node:test';
import {createClient, type ClientOptions, type PveClient} from '../../source/api/client.js';
import {getClusterResources, getClusterStatus, getClusterTasks, getLxcConfig, getLxcSnapshots, getNodes, getVersion} from '../../source/api/reads.js';
import type {VmResource} from '../../source/api/types.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {rejection} from './rejection.js';

const HOUR = 3600_000;

function credentials(fixture: Fixture, userid: string): {password?: string; tokenId?: string; secret?: string} {
	const user = fixture.users.find((candidate) => candidate.userid === userid);
	assert.ok(user, `fixture has ${userid}`);
	const token = user.tokens?.[0];
	return {password: user.password, tokenId: token ? `${userid}!${token.tokenid}` : undefined, secret: token?.secret};
}

describe('client against the simulator', () => {
	const fixture = loadFixture(BUILTIN_FIXTURES.homelab);
	const root = credentials(fixture, 'root@pam');
	let sim: RunningSimulator;
	let simNow = Date.UTC(2026, 0, 15, 12);
	let clientNow = simNow;
	const clients: PveClient[] = [];

	const connect = (overrides: Partial<ClientOptions> = {}): PveClient => {
		const client = createClient({
			host: sim.host,
			port: sim.port,
			fingerprint: sim.fingerprint,
			auth: {kind: 'token', tokenId: root.tokenId!, secret: root.secret!},
			clock: () => clientNow,
			retryDelayMs: 1,
			...overrides,
		});
		clients.push(client);
		return client;
	};
	const asRoot = (): ClientOptions['auth'] => ({kind: 'password', username: 'root@pam', password: root.password!});

	before(async () => {
		sim = await startSimulator({fixture, authFailureDelayMs: 0, clock: () => simNow});
	});
	after(async () => {
		await Promise.all(clients.map((client) => client.close()));
		await sim.close();
	});
	beforeEach(() => {
		sim.setOutage(false);
		sim.requests.length = 0;
	});

	it('token auth: GET /cluster/resources?type=vm returns the fixture guests', async () => {
		const client = connect();
		assert.equal(client.identity, root.tokenId);
		const guests = (await getClusterResources(client, 'vm')) as VmResource[];
		assert.deepEqual(
			guests.map((guest) => guest.vmid).sort((a, b) => a - b),
			fixture.guests.map((guest) => guest.vmid).sort((a, b) => a - b),
		);
		const first = fixture.guests[0]!;
		const row = guests.find((guest) => guest.vmid === first.vmid);
		assert.equal(row?.id, `${first.type}/${first.vmid}`);
		assert.equal(row?.node, first.node);
		assert.equal(sim.requests[0]?.auth, 'token');
		assert.deepEqual(sim.requests[0]?.query, {type: 'vm'});
	});

	it('typed reads answer in the wire shapes', async () => {
		const client = connect();
		const guest = fixture.guests[0]!;
		assert.equal((await getVersion(client)).version, fixture.version.version);
		const status = await getClusterStatus(client);
		assert.ok(status.some((entry) => entry.type === 'node' && entry.name === fixture.nodes[0]!.name));
		const nodes = await getNodes(client);
		assert.deepEqual(nodes.map((node) => node.node).sort(), fixture.nodes.map((node) => node.name).sort());
		const config = await getLxcConfig(client, guest.node, guest.vmid);
		assert.equal(typeof config.digest, 'string');
		const snapshots = await getLxcSnapshots(client, guest.node, guest.vmid);
		assert.equal(snapshots.at(-1)?.name, 'current');
		assert.ok(Array.isArray(await getClusterTasks(client)));
	});

	it('ticket auth: logs in, then a write passes the CSRF check (and 400 lists the bad parameter)', async () => {
		const client = connect({auth: asRoot()});
		const node = fixture.nodes[0]!.name;
		await client.request('GET', '/version');
		const error = await rejection(client.request('DELETE', `/nodes/${node}/tasks/UPID:not-a-task`));
		// Auth and CSRF are checked before parameters: a 400 means both were accepted.
		assert.equal(error.status, 400);
		assert.equal(error.message, 'Parameter verification failed.');
		assert.ok(error.errors?.upid, JSON.stringify(error.errors));
		assert.deepEqual(
			sim.requests.map((request) => `${request.method} ${request.path} ${request.status} ${request.auth}`),
			['POST /access/ticket 200 none', 'GET /version 200 ticket', `DELETE /nodes/${node}/tasks/UPID:not-a-task 400 ticket`],
		);
	});

	it('ticket auth: renews the ticket once 1.5 h have passed', async () => {
		const client = connect({auth: asRoot()});
		await client.request('GET', '/version');
		simNow += 91 * 60_000;
		clientNow += 91 * 60_000;
		await client.request('GET', '/version');
		const logins = sim.requests.filter((request) => request.path === '/access/ticket');
		assert.equal(logins.length, 2);
		assert.ok(logins.every((login) => login.status === 200));
		assert.equal(sim.requests.at(-1)?.status, 200);
	});

	it('ticket auth: an expired ticket leads to one fresh login and the request succeeds', async () => {
		const client = connect({auth: asRoot()});
		await client.request('GET', '/version');
		simNow += 3 * HOUR; // the host's clock moved on, ours did not (suspend/resume)
		const version = await client.request<{version: string}>('GET', '/version');
		assert.equal(version.version, fixture.version.version);
		assert.deepEqual(
			sim.requests.map((request) => `${request.method} ${request.path} ${request.status}`),
			['POST /access/ticket 200', 'GET /version 200', 'GET /version 401', 'POST /access/ticket 200', 'GET /version 200'],
		);
	});

	it('a bad token: 401, one line, no secret anywhere', async () => {
		const wrong = '00000000-0000-4000-8000-000000000000';
		const client = connect({auth: {kind: 'token', tokenId: root.tokenId!, secret: wrong}});
		const error = await rejection(client.request('GET', '/cluster/resources'));
		assert.equal(error.status, 401);
		assert.ok(error.message.length > 0 && !error.message.includes('\n'));
		for (const text of [error.message, String(error), JSON.stringify(error), inspect(error, {depth: 10}), inspect(client, {depth: 10})]) {
			assert.ok(!text.includes(wrong), text);
		}
	});

	it('a wrong password: 401 authentication failure, password nowhere', async () => {
		const client = connect({auth: {kind: 'password', username: 'root@pam', password: 'not-the-password'}});
		const error = await rejection(client.request('GET', '/version'));
		assert.equal(error.status, 401);
		assert.equal(error.message, 'authentication failure');
		for (const text of [String(error), JSON.stringify(error), inspect(error, {depth: 10}), inspect(client, {depth: 10}), JSON.stringify(client)]) {
			assert.ok(!text.includes('not-the-password'), text);
		}
	});

	it('403 names the missing privilege', async () => {
		const ops = credentials(fixture, 'ops@pve');
		const client = connect({auth: {kind: 'password', username: 'ops@pve', password: ops.password!}});
		const node = fixture.nodes[0]!.name;
		const error = await rejection(client.request('GET', `/nodes/${node}/status`));
		assert.equal(error.status, 403);
		assert.match(error.message, /Sys\.Audit/);
		assert.equal(sim.requests.filter((request) => request.status === 403).length, 1, 'a 403 is not repeated');
	});

	it('501 for a path Proxmox does not have', async () => {
		const client = connect();
		const error = await rejection(client.request('GET', `/nodes/${fixture.nodes[0]!.name}/foo`));
		assert.equal(error.status, 501);
		assert.match(error.message, /not implemented/);
	});

	it('a wrong pin and the default trust mode both refuse the simulator certificate', async () => {
		const pinned = connect({fingerprint: sim.fingerprint.replace(/^../, sim.fingerprint.startsWith('00') ? '11' : '00')});
		const mismatch = await rejection(pinned.request('GET', '/version'));
		assert.equal(mismatch.kind, 'fingerprint');
		assert.ok(mismatch.message.includes(`--fingerprint ${sim.fingerprint}`));
		const unpinned = connect({fingerprint: undefined});
		const untrusted = await rejection(unpinned.request('GET', '/version'));
		assert.equal(untrusted.kind, 'tls');
		assert.ok(untrusted.message.includes(sim.fingerprint));
		assert.equal(sim.requests.length, 0);
	});

	it('insecure mode connects and says so', async () => {
		const client = connect({fingerprint: undefined, insecure: true});
		assert.equal(client.tlsMode, 'insecure');
		assert.equal((await getVersion(client)).version, fixture.version.version);
	});

	it('an outage: kind network after the GET retries', async () => {
		const client = connect();
		sim.setOutage(true);
		const error = await rejection(client.request('GET', '/cluster/resources'));
		assert.equal(error.kind, 'network');
		assert.equal(error.status, 0);
		assert.ok(error.message.includes(`${sim.host}:${sim.port}`), error.message);
	});
});
