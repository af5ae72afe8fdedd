// The ZFS screen's data end to end: the simulator's API for pools and storage,
// a fake SSH runner answering with the simulator's `zfs list`/`zpool status`.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {buildConsumers, poolUsageForGuest, sortConsumers} from '../../source/services/zfs/model.js';
import {startSimClient, startSimSession, waitFor} from './sim-helpers.js';
import type {ApiRequester} from '../../source/services/fleet-source.js';
import {createZfsService, STORAGE_CONFIG_EVERY_MS} from '../../source/services/zfs/zfs-service.js';
import {createAppStore} from '../../source/store/store.js';

test('homelab over SSH: datasets mapped to containers, largest first, with snapshot space', async () => {
	const calls: string[][] = [];
	const s = await startSimSession('homelab', {sshNode: 'pve', calls});
	try {
		s.store.getState().actions.setScreen('zfs');
		await waitFor('the ZFS sample', () => s.store.getState().zfs.sample !== undefined);
		const {zfs, guests} = s.store.getState();
		assert.equal(zfs.sample!.source, 'ssh');
		assert.deepEqual(zfs.sample!.notes, []);
		assert.ok(calls.some((argv) => argv.join(' ') === 'zfs list -H -p -o name,used,avail,refer,usedbysnapshots,compressratio,mountpoint -t filesystem,volume'));
		assert.ok(calls.some((argv) => argv.join(' ') === 'zfs list -H -p -t snapshot -o name,used,refer,creation'));
		assert.deepEqual(zfs.sample!.pools.map((p) => `${p.name} ${p.health}`), ['rpool ONLINE', 'tank ONLINE']);
		const consumers = sortConsumers(buildConsumers(zfs, guests), 'used');
		// What fills the pools: the 10 TB share first, then the biggest container.
		assert.equal(consumers[0]!.label, 'tank/data');
		const firstGuest = consumers.find((c) => c.vmid !== undefined)!;
		assert.equal(firstGuest.label, '401 immich');
		assert.equal(firstGuest.datasets.length, 3, 'rootfs on rpool, the photo library on tank and its docker volume');
		const postgres = consumers.find((c) => c.vmid === 404)!;
		assert.equal(postgres.snapshots, 1645146112 + 3221225472, 'snapshot space summed over both disks');
		const bySnapshots = sortConsumers(buildConsumers(zfs, guests), 'snapshots');
		assert.equal(bySnapshots[0]!.label, 'tank/data');
		assert.equal(bySnapshots.find((c) => c.vmid !== undefined)!.label, '401 immich', 'the photo library volume carries the most snapshot space');
		// The seed's 64 GB monitoring and 128 GB docker volumes are held by quotas: listed with their own fill.
		const monitoring = consumers.find((c) => c.label === 'tank/monitoring (quota)');
		assert.ok(monitoring, consumers.map((c) => c.label).join(', '));
		assert.ok(monitoring.fill > 0.8 && monitoring.fill < 0.9, `monitoring at ${monitoring.fill}`);
		assert.ok(consumers.some((c) => c.label === 'tank/docker (quota)'));
		assert.ok(!consumers.some((c) => c.label === 'rpool/data' || c.label === 'rpool/data (quota)'), consumers.filter((c) => c.label.startsWith('rpool')).map((c) => c.label).join(', '));
	} finally {
		await s.close();
	}
});

test('cluster with SSH on pve2: the DEGRADED tank names its faulted disk; snapshot warning for a guest on it', async () => {
	const s = await startSimSession('cluster', {sshNode: 'pve2'});
	try {
		s.store.getState().actions.setScreen('zfs');
		await waitFor('the ZFS sample', () => s.store.getState().zfs.sample !== undefined);
		const {zfs} = s.store.getState();
		const tank = zfs.sample!.pools.find((p) => p.node === 'pve2' && p.name === 'tank')!;
		assert.equal(tank.health, 'DEGRADED');
		assert.deepEqual(
			tank.faulted.map((d) => `${d.name} ${d.state} ${d.msg} ${d.cksum}`),
			['/dev/disk/by-id/ata-WDC_WD40EFPX-68C6CN0_WD-WX42D84LQ8F6-part1 DEGRADED too many errors 47'],
		);
		assert.match(zfs.sample!.notes.join('\n'), /pve3 is offline: not read/);
		// pve1 is read through pve2 (ssh pve1 -- zfs list …, the cluster's own root SSH): datasets, not storage usage.
		assert.ok(zfs.sample!.datasets.some((d) => d.node === 'pve1'), 'pve1 datasets through the hop');
		assert.ok(zfs.sample!.datasets.some((d) => d.node === 'pve2'));
		assert.deepEqual(zfs.sample!.storages, []);
		// 113 minio has a disk on the degraded tank: a snapshot is warned about.
		const usage = poolUsageForGuest(zfs, 113);
		assert.equal(usage[0]!.pool, 'tank');
		assert.equal(usage[0]!.warn, true);
		assert.equal(usage[0]!.level, 'danger');
		const healthy = poolUsageForGuest(zfs, 110);
		assert.deepEqual(healthy.map((u) => `${u.pool} ${u.warn}`), ['rpool false']);
	} finally {
		await s.close();
	}
});

test('without SSH: pools from the API, storage usage instead of datasets, and the screen closes cleanly', async () => {
	const s = await startSimSession('homelab');
	try {
		// The problems service reads each node's pools once at start too (and every 30 s): let that
		// first read land, so what is counted below is the ZFS screen's own reading.
		await waitFor('the problems service\'s first read', () => s.store.getState().problems.list.some((p) => p.rule === 'storage-fill'));
		s.store.getState().actions.setScreen('zfs');
		await waitFor('the ZFS sample', () => s.store.getState().zfs.sample !== undefined);
		const sample = s.store.getState().zfs.sample!;
		assert.equal(sample.source, 'api');
		assert.equal(sample.datasets.length, 0);
		assert.deepEqual(sample.storages.map((st) => st.storage).sort(), ['backups', 'local', 'local-zfs', 'tank', 'tank-docker', 'tank-monitoring']);
		assert.equal(sample.pools.length, 2);
		// Usage for the whole cluster in one read, not one /nodes/{node}/storage per node.
		assert.ok(s.sim.requests.some((r) => r.path === '/cluster/resources' && r.query.type === 'storage'));
		// (The backups service lists each node's backup storages: `content=backup`, not usage.)
		assert.ok(!s.sim.requests.some((r) => /^\/nodes\/[^/]+\/storage$/.test(r.path) && r.query.content === undefined), 'no per-node storage usage reads');
		const before = s.sim.requests.length;
		s.store.getState().actions.setScreen('fleet');
		await new Promise((resolve) => setTimeout(resolve, 30));
		assert.ok(!s.sim.requests.slice(before).some((r) => r.path.includes('/disks/zfs')), 'no ZFS reads once the screen is closed');
	} finally {
		await s.close();
	}
});

test('storage.cfg (GET /storage?type=zfspool) is read when the pane opens and every 10 minutes; refused, it says so once per load and is not re-asked each load', async () => {
	let now = Date.parse('2026-11-23T12:00:00Z');
	const clock = () => now;
	const {sim, client} = await startSimClient('homelab', clock);
	try {
		for (const refused of [false, true]) {
			const store = createAppStore({target: 'test', demo: true, readOnly: false});
			store.getState().actions.fleetReceived({guests: [], nodes: [{name: 'pve', status: 'online', cpu: 0, maxcpu: 1, mem: 0, maxmem: 1, uptime: 0}], receivedAt: now});
			const asked: string[] = [];
			const api: ApiRequester = {
				request: async <T,>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, params?: Record<string, unknown>, signal?: AbortSignal) => {
					if (path === '/storage') {
						asked.push(String(params?.type));
						if (refused) throw new Error('403 Permission check failed (/storage/tank, Datastore.Audit)');
					}
					return client.request<T>(method, path, params, signal);
				},
			};
			const service = createZfsService({api, store, clock, refreshMs: 30_000});
			await service.refreshNow();
			now += 30_000;
			await service.refreshNow();
			assert.deepEqual(asked, ['zfspool'], 'one read for two loads');
			const sample = store.getState().zfs.sample!;
			if (refused) {
				assert.equal(sample.zfsStorages, undefined);
				assert.deepEqual(sample.notes.filter((n) => n.startsWith('storage.cfg')), ['storage.cfg not read, so no storage figure beside the pools: 403 Permission check failed (/storage/tank, Datastore.Audit)']);
			} else {
				assert.deepEqual(sample.zfsStorages!.map((c) => `${c.storage}=${c.pool}`), ['local-zfs=rpool/data', 'tank=tank', 'tank-docker=tank/docker', 'tank-monitoring=tank/monitoring']);
			}
			now += STORAGE_CONFIG_EVERY_MS;
			await service.refreshNow();
			assert.equal(asked.length, 2, 'asked again after 10 minutes');
			service.stop();
		}
	} finally {
		await client.close();
		await sim.close();
	}
});
