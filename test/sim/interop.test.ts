// Third-party client interop: the proxmox-api npm (what many Node tools use)
// works against the simulator over pinned TLS (its own CA, no process-wide
// verification switch), with both password login and an API token.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import proxmoxApi from 'proxmox-api';
import {Agent, fetch as undiciFetch} from 'undici';
import type {RunningSimulator} from '../../source/sim/server.js';
import {startTestSim} from './helpers.js';

describe('proxmox-api npm against the simulator', () => {
	let sim: RunningSimulator;
	let agent: Agent;
	// proxmox-api accepts a custom fetch: route it through an agent that trusts only the simulator's cert.
	const pinnedFetch = ((url: string, init: Record<string, unknown>) => undiciFetch(url, {...init, dispatcher: agent})) as unknown as typeof undiciFetch;
	before(async () => {
		sim = await startTestSim();
		agent = new Agent({connect: {ca: sim.caPem}});
	});
	after(async () => {
		await agent.close();
		await sim.close();
	});

	it('logs in with a password and reads cluster resources and a CT status', async () => {
		const px = proxmoxApi({host: sim.host, port: sim.port, username: 'root@pam', password: 'sim-root-demo', fetch: pinnedFetch} as Parameters<typeof proxmoxApi>[0]);
		const resources = await px.cluster.resources.$get({type: 'vm'});
		assert.deepEqual(resources.map((r) => r.id).sort(), ['lxc/101', 'lxc/102', 'lxc/103', 'qemu/200']);
		const status = await px.nodes.$('pve1').lxc.$(101).status.current.$get();
		assert.equal(status.status, 'running');
	});

	it('uses an API token', async () => {
		const px = proxmoxApi({host: sim.host, port: sim.port, tokenID: 'audit@pve!ro', tokenSecret: '5e1d7c3b-2a9f-4e8d-b6c5-a4f3e2d1c0b9', fetch: pinnedFetch} as Parameters<typeof proxmoxApi>[0]);
		const nodes = await px.nodes.$get();
		assert.deepEqual(nodes.map((n) => n.node), ['pve1', 'pve2']);
		await assert.rejects(px.nodes.$('pve1').lxc.$(999).status.current.$get(), /does not exist/);
	});
});
