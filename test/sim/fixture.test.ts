// The built-in fixtures describe what the brief (and the homelab seed) says an
// admin would find, and they load through the same checks as a user's file.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {BUILTIN_FIXTURES, loadFixture, parsePropertyString} from '../../source/sim/fixture.js';
import type {Fixture, FixtureGuest} from '../../source/sim/fixture-types.js';

const homelab = loadFixture(BUILTIN_FIXTURES.homelab);
const cluster = loadFixture(BUILTIN_FIXTURES.cluster);

function byName(fixture: Fixture, name: string): FixtureGuest {
	const guest = fixture.guests.find((g) => g.config.hostname === name || g.config.name === name);
	assert.ok(guest, `no guest named ${name}`);
	return guest;
}

function nic(guest: FixtureGuest, key: string): Map<string, string> {
	const parsed = parsePropertyString(String(guest.config[key]));
	assert.ok(typeof parsed !== 'string', parsed as string);
	return parsed;
}

function tags(guest: FixtureGuest): string[] {
	return String(guest.config.tags ?? '').split(';');
}

describe('homelab.json', () => {
	it('is a standalone PVE 9.1.5 host named pve with 32 GiB', () => {
		assert.equal(homelab.cluster, undefined);
		assert.equal(homelab.nodes.length, 1);
		const [node] = homelab.nodes;
		assert.equal(node?.name, 'pve');
		assert.equal(node?.ip, '192.168.0.10');
		assert.equal(node?.memory, 34359738368);
		assert.match(node?.kversion ?? '', /^Linux 6\.14\.8-2-pve /);
		assert.deepEqual(homelab.version, {version: '9.1.5', release: '9.1', repoid: '80cf92a6'});
	});

	it('has exactly 28 LXC containers: 9 media, 9 monitoring, 4 security, 6 business', () => {
		assert.equal(homelab.guests.length, 28);
		assert.ok(homelab.guests.every((g) => g.type === 'lxc'));
		const count = (tag: string) => homelab.guests.filter((g) => tags(g).includes(tag)).length;
		assert.deepEqual([count('media'), count('monitoring'), count('security'), count('business')], [9, 9, 4, 6]);
	});

	it('puts qBittorrent and Prowlarr only on vmbr1 behind the WireGuard container at 10.10.10.1', () => {
		for (const name of ['qbittorrent', 'prowlarr']) {
			const guest = byName(homelab, name);
			const nics = Object.keys(guest.config).filter((k) => /^net\d+$/.test(k));
			assert.deepEqual(nics, ['net0'], `${name} has one NIC`);
			assert.equal(nic(guest, 'net0').get('bridge'), 'vmbr1');
			assert.equal(nic(guest, 'net0').get('gw'), '10.10.10.1');
			assert.match(nic(guest, 'net0').get('ip') ?? '', /^10\.10\.10\.\d+\/24$/);
		}
		const wireguard = byName(homelab, 'wireguard');
		assert.equal(nic(wireguard, 'net0').get('bridge'), 'vmbr0');
		assert.equal(nic(wireguard, 'net1').get('bridge'), 'vmbr1');
		assert.equal(nic(wireguard, 'net1').get('ip'), '10.10.10.1/24');
		const others = homelab.guests.filter((g) => !['qbittorrent', 'prowlarr'].includes(String(g.config.hostname)));
		assert.ok(others.every((g) => nic(g, 'net0').get('bridge') === 'vmbr0' && nic(g, 'net0').get('gw') === '192.168.0.1'));
	});

	it('gives every NIC a unique Proxmox MAC and 10+ containers a firewall', () => {
		const nics = homelab.guests.flatMap((g) => Object.keys(g.config).filter((k) => /^net\d+$/.test(k)).map((k) => nic(g, k)));
		const macs = nics.map((n) => n.get('hwaddr'));
		assert.equal(new Set(macs).size, macs.length);
		assert.ok(macs.every((m) => m?.startsWith('BC:24:11:')));
		const firewalled = homelab.guests.filter((g) => nic(g, 'net0').get('firewall') === '1');
		assert.ok(firewalled.length >= 10, `${firewalled.length} firewalled`);
	});

	it('runs Plex and Immich privileged with /dev/dri passed through', () => {
		for (const name of ['plex', 'immich']) {
			const guest = byName(homelab, name);
			assert.equal(guest.config.unprivileged, undefined, `${name} is privileged`);
			const raw = guest.config.lxc as Array<[string, string]>;
			assert.ok(raw.some(([k, v]) => k === 'lxc.mount.entry' && v.startsWith('/dev/dri dev/dri')));
			assert.ok(raw.some(([k, v]) => k === 'lxc.cgroup2.devices.allow' && v === 'c 226:* rwm'));
		}
		assert.deepEqual([byName(homelab, 'plex').config.memory, byName(homelab, 'plex').config.cores], [4096, 2]);
		assert.deepEqual([byName(homelab, 'immich').config.memory, byName(homelab, 'immich').config.cores], [4096, 4]);
	});

	it('keeps Immich Backup stopped and out of autostart with 9 GiB / 4 cores', () => {
		const backup = byName(homelab, 'immich-backup');
		assert.equal(backup.status, 'stopped');
		assert.equal(backup.config.onboot, 0);
		assert.deepEqual([backup.config.memory, backup.config.cores], [9216, 4]);
		assert.ok(!backup.uptime);
	});

	it('allocates about 30.75 GB of RAM and mixes Debian, Ubuntu and Alpine', () => {
		const total = homelab.guests.reduce((sum, g) => sum + Number(g.config.memory), 0);
		assert.ok(Math.abs(total - 31488) <= 256, `allocated ${total} MiB`);
		assert.deepEqual(new Set(homelab.guests.map((g) => g.config.ostype)), new Set(['debian', 'ubuntu', 'alpine']));
	});

	it('leaves something for triage: a guest at >= 90 % memory or disk, a warning and a failure in the last hour', () => {
		assert.ok(homelab.guests.some((g) => g.usage.mem >= 0.9));
		assert.ok(homelab.guests.some((g) => g.usage.disk >= 0.9));
		const tasks = homelab.taskHistory ?? [];
		assert.ok(tasks.some((t) => t.type === 'vzdump' && t.status === 'WARNINGS: 1'));
		const failed = tasks.filter((t) => t.startedAgo <= 3600 && t.status !== 'OK' && !t.status.startsWith('WARNINGS'));
		assert.equal(failed.length, 1);
		assert.match(failed[0]?.log.at(-1) ?? '', /^TASK ERROR: /);
	});

	it('keeps 7 daily snapshots in a parent chain, with a pre-upgrade snapshot inside one', () => {
		const immich = byName(homelab, 'immich');
		const names = new Set(immich.snapshots?.map((s) => s.name));
		assert.equal([...names].filter((n) => n.startsWith('auto-')).length, 7);
		assert.ok(names.has('pre-upgrade-v2'));
		// Exactly one root, and every snapshot is reachable from the newest.
		assert.equal(immich.snapshots?.filter((s) => !s.parent).length, 1);
		const parents = new Set(immich.snapshots?.map((s) => s.parent));
		const leaves = immich.snapshots?.filter((s) => !parents.has(s.name)) ?? [];
		assert.deepEqual(leaves.map((s) => s.name), ['auto-20261123']);
	});

	it('has a tank pool between 82 and 86 % full and ZFS datasets consistent with the containers', () => {
		const zfs = homelab.nodes[0]?.zfs;
		const tank = zfs?.pools.find((p) => p.name === 'tank');
		assert.ok(tank);
		const fill = tank.alloc / tank.size;
		assert.ok(fill >= 0.82 && fill <= 0.86, `tank ${fill}`);
		for (const guest of homelab.guests) {
			const dataset = zfs?.datasets.find((d) => d.name === `rpool/data/subvol-${guest.vmid}-disk-0`);
			assert.ok(dataset, `dataset of ${guest.vmid}`);
			assert.equal(dataset.used, dataset.refer + dataset.usedbysnapshots);
			assert.equal(dataset.usedbysnapshots > 0, (guest.snapshots?.length ?? 0) > 0, `snapshots of ${guest.vmid}`);
		}
		assert.equal(zfs?.datasets.find((d) => d.name === 'tank/docker')?.quota, 128 * 1024 ** 3);
		assert.equal(zfs?.datasets.find((d) => d.name === 'tank/monitoring')?.quota, 64 * 1024 ** 3);
	});

	it('defines the demo logins', () => {
		const ids = homelab.users.flatMap((u) => [u.userid, ...(u.tokens ?? []).map((t) => `${u.userid}!${t.tokenid}`)]);
		for (const id of ['root@pam', 'root@pam!proxdeck', 'monitor@pve!readonly', 'ops@pve']) assert.ok(ids.includes(id), id);
		const root = homelab.users.find((u) => u.userid === 'root@pam');
		assert.equal(root?.tokens?.[0]?.privsep, false);
	});
});

describe('cluster.json', () => {
	it('is a 3-node cluster with one node offline', () => {
		assert.ok(cluster.cluster?.name);
		assert.equal(cluster.nodes.length, 3);
		assert.deepEqual(cluster.nodes.map((n) => n.online).sort(), [false, true, true]);
	});

	it('spreads about 20 guests, containers and VMs, over the nodes with HA on several', () => {
		assert.ok(cluster.guests.length >= 18 && cluster.guests.length <= 24);
		assert.ok(cluster.guests.some((g) => g.type === 'qemu'));
		assert.ok(new Set(cluster.guests.map((g) => g.node)).size === 3);
		const ha = cluster.guests.filter((g) => g.ha?.state === 'started');
		assert.ok(ha.length >= 3);
		assert.ok(ha.every((g) => g.ha?.group));
	});

	it('has a degraded pool with a vdev showing errors', () => {
		const pools = cluster.nodes.flatMap((n) => n.zfs?.pools ?? []);
		const degraded = pools.find((p) => p.health === 'DEGRADED');
		assert.ok(degraded?.status && degraded.action);
		const leaves = degraded.vdevs.flatMap((v) => v.children ?? [v]);
		assert.ok(leaves.some((v) => (v.read ?? 0) + (v.cksum ?? 0) > 0));
	});

	it('has a stopped gateway whose dependents run on its bridge, and a NIC on a missing bridge', () => {
		const gateway = cluster.guests.find((g) => g.status === 'stopped' && Object.keys(g.config).some((k) => /^net\d+$/.test(k) && nic(g, k).get('ip')?.endsWith('.1/24')));
		assert.ok(gateway, 'a stopped gateway');
		const gatewayNic = Object.keys(gateway.config).map((k) => (/^net\d+$/.test(k) ? nic(gateway, k) : undefined)).find((n) => n?.get('ip')?.endsWith('.1/24'));
		const gatewayIp = gatewayNic?.get('ip')?.split('/')[0];
		const dependents = cluster.guests.filter((g) => g.status === 'running' && g.config.net0 !== undefined && nic(g, 'net0').get('gw') === gatewayIp);
		assert.ok(dependents.length >= 1);
		assert.ok(dependents.every((g) => nic(g, 'net0').get('bridge') === gatewayNic?.get('bridge')));

		const dangling = cluster.guests.filter((g) => {
			const node = cluster.nodes.find((n) => n.name === g.node);
			const bridges = new Set(node?.network.filter((i) => i.type === 'bridge').map((i) => i.iface));
			return g.type === 'lxc' && !bridges.has(nic(g, 'net0').get('bridge') ?? '');
		});
		assert.equal(dangling.length, 1);
	});

	it('uses the same demo token id as the homelab', () => {
		const root = cluster.users.find((u) => u.userid === 'root@pam');
		assert.ok(root?.tokens?.some((t) => t.tokenid === 'proxdeck'));
	});
});
