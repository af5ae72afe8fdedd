// The shipped fixtures load through the fixture loader and the simulator
// serves them; and the `proxdeck sim` banner never leaks a secret.

import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {describe, it} from 'node:test';
import {loadFixture} from '../../source/sim/fixture.js';
import {describeSimulator, startSimulator} from '../../source/sim/server.js';
import {call, miniFixture} from './helpers.js';

const homelab = new URL('../../fixtures/homelab.json', import.meta.url).pathname;

describe('homelab fixture', {skip: !existsSync(homelab) && 'fixtures/homelab.json not present'}, () => {
	it('loads and serves 28 LXC guests', async () => {
		const fixture = loadFixture(homelab);
		const root = fixture.users.find((u) => u.userid === 'root@pam')!;
		const token = root.tokens!.find((t) => t.privsep === false)!;
		const sim = await startSimulator({fixture, authFailureDelayMs: 0});
		try {
			const res = await call(sim, 'GET', '/cluster/resources?type=vm', {auth: `PVEAPIToken=root@pam!${token.tokenid}=${token.secret}`});
			assert.equal(res.status, 200);
			assert.equal(res.json.data.filter((r: {type: string}) => r.type === 'lxc').length, 28);
			const node = fixture.nodes[0]!.name;
			const lxc = await call(sim, 'GET', `/nodes/${node}/lxc`, {auth: `PVEAPIToken=root@pam!${token.tokenid}=${token.secret}`});
			assert.equal(lxc.json.data.length, fixture.guests.filter((g) => g.node === node && g.type === 'lxc').length);
		} finally {
			await sim.close();
		}
	});
});

describe('describeSimulator', () => {
	it('names URL, fingerprint, cluster, counts, users and token IDs but no secret or password', () => {
		const fixture = miniFixture();
		const lines = describeSimulator({url: 'https://127.0.0.1:8006', fingerprint: 'AB:CD', endpoints: [{node: 'pve1', url: 'https://127.0.0.1:8006', fingerprint: 'AB:CD'}, {node: 'pve2', url: 'https://127.0.0.1:40001', fingerprint: 'EF:01'}]}, fixture);
		const text = lines.join('\n');
		assert.ok(lines.includes('Node pve2 API: https://127.0.0.1:40001/api2/json (fingerprint EF:01)'));
		for (const expected of ['https://127.0.0.1:8006', 'AB:CD', 'lab', 'Nodes: 2', 'Guests: 4 (3 containers, 1 VMs)', 'root@pam!full', 'audit@pve!ro', 'vmuser@pve']) assert.ok(text.includes(expected), expected);
		for (const user of fixture.users) {
			if (user.password) assert.ok(!text.includes(user.password), 'password leaked');
			for (const token of user.tokens ?? []) assert.ok(!text.includes(token.secret), 'secret leaked');
		}
	});
});
