// The shipped fixtures load through the fixture loader and the simulator
// serves them; and the `proxdeck sim` banner never leaks a secret.

import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {describe, it} from 'node:test';
import {loadFixture} from '../../source/sim/fixture.js';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {describeSimulator, startSimulator} from '../../source/sim/server.js';
import {applyScenario} from '../../source/sim/scenarios.js';
import {call, miniFixture} from './helpers.js';

const homelab = new URL('../../fixtures/homelab.json', import.meta.url).pathname;

/** The fixture's root@pam token without privilege separation, as an Authorization header. */
function rootAuth(fixture: Fixture): string {
	const token = fixture.users.find((u) => u.userid === 'root@pam')!.tokens!.find((t) => t.privsep === false)!;
	return `PVEAPIToken=root@pam!${token.tokenid}=${token.secret}`;
}

describe('homelab fixture', {skip: !existsSync(homelab) && 'fixtures/homelab.json not present'}, () => {
	it('loads and serves 28 LXC guests', async () => {
		const fixture = loadFixture(homelab);
		const sim = await startSimulator({fixture, authFailureDelayMs: 0});
		try {
			const res = await call(sim, 'GET', '/cluster/resources?type=vm', {auth: rootAuth(fixture)});
			assert.equal(res.status, 200);
			assert.equal(res.json.data.filter((r: {type: string}) => r.type === 'lxc').length, 28);
			const node = fixture.nodes[0]!.name;
			const lxc = await call(sim, 'GET', `/nodes/${node}/lxc`, {auth: rootAuth(fixture)});
			assert.equal(lxc.json.data.length, fixture.guests.filter((g) => g.node === node && g.type === 'lxc').length);
		} finally {
			await sim.close();
		}
	});
});

describe('GET /storage (storage.cfg)', {skip: !existsSync(homelab) && 'fixtures/homelab.json not present'}, () => {
	it('lists each zfspool storage with the dataset it allocates in, filtered by type, with the file\'s digest', async () => {
		const fixture = loadFixture(homelab);
		const sim = await startSimulator({fixture, authFailureDelayMs: 0});
		try {
			const auth = rootAuth(fixture);
			const zfs = await call(sim, 'GET', '/storage?type=zfspool', {auth});
			assert.equal(zfs.status, 200);
			const entries = zfs.json.data as Array<Record<string, unknown>>;
			assert.deepEqual(entries.map((e) => `${e.storage} ${e.type} ${e.pool}`), ['local-zfs zfspool rpool/data', 'tank zfspool tank', 'tank-docker zfspool tank/docker', 'tank-monitoring zfspool tank/monitoring']);
			// One node: no `nodes` restriction; sizes are status (/cluster/resources, pvesm status), not config.
			for (const e of entries) {
				assert.match(String(e.digest), /^[0-9a-f]{40}$/);
				assert.equal(e.nodes, undefined);
				assert.equal(e.total, undefined);
			}
			const all = await call(sim, 'GET', '/storage', {auth});
			assert.deepEqual(all.json.data.map((e: {storage: string}) => e.storage), ['backups', 'local', 'local-zfs', 'tank', 'tank-docker', 'tank-monitoring']);
			assert.equal(all.json.data.find((e: {storage: string}) => e.storage === 'local').path, '/var/lib/vz');
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

/**
 * A raidz pool on a real host: zpool's alloc/size count parity, `zfs list`
 * does not; the zfspool storage reports its dataset's used/(used + avail)
 * (pve-storage ZFSPoolPlugin status), and avail also leaves out the slop space
 * ZFS keeps back (1/32 of the pool, at most 128 GiB since OpenZFS 2.1) and
 * raidz padding — so the storage's percentage runs a few points above zpool's
 * raw one, and a scenario that fills the pool moves both.
 */
describe('zpool raw figures and the zfspool storage relate as on a real raidz host', {skip: !existsSync(homelab) && 'fixtures/homelab.json not present'}, () => {
	for (const scenario of [undefined, 'incident'] as const) {
		it(scenario ? `scenario ${scenario}` : 'homelab as shipped', async () => {
			const base = loadFixture(homelab);
			const fixture = scenario ? applyScenario(base, scenario) : base;
			const auth = rootAuth(fixture);
			const sim = await startSimulator({fixture, authFailureDelayMs: 0});
			try {
				const pools = (await call(sim, 'GET', '/nodes/pve/disks/zfs', {auth})).json.data as Array<{name: string; size: number; alloc: number}>;
				const storages = (await call(sim, 'GET', '/cluster/resources?type=storage', {auth})).json.data as Array<{storage: string; disk: number; maxdisk: number}>;
				const tank = pools.find((p) => p.name === 'tank')!;
				const storage = storages.find((s) => s.storage === 'tank')!;
				// raidz1 of four disks: a quarter of every allocation is parity.
				const dataShare = 3 / 4;
				assert.ok(Math.abs(storage.disk - tank.alloc * dataShare) / storage.disk < 0.01, `storage used ${storage.disk} vs alloc × 3/4 ${tank.alloc * dataShare}`);
				assert.ok(storage.maxdisk < tank.size * dataShare && storage.maxdisk > tank.size * dataShare * 0.95, 'total: the data share less slop space and padding');
				const raw = tank.alloc / tank.size;
				const used = storage.disk / storage.maxdisk;
				assert.ok(used > raw && used - raw < 0.04, `storage ${used} a few points above raw ${raw}`);
				// `zfs list` over SSH agrees with the storage: the pool root's used and used + avail.
				const ds = sim.state.nodes.get('pve')!.zfs!.datasets.find((d) => d.name === 'tank')!;
				assert.equal(ds.used, storage.disk);
				assert.equal(ds.used + ds.avail, storage.maxdisk);
			} finally {
				await sim.close();
			}
		});
	}
});
