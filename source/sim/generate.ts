// Generates large synthetic fleets for scale tests and `proxdeck sim --guests N`.
// Deterministic: the same options give byte-identical fixtures (a seeded PRNG,
// never Math.random), so a slow frame or a failing test can be reproduced.
// The output passes parseFixture like any hand-written fixture.

import type {Fixture, FixtureDataset, FixtureGuest, FixtureNode} from './fixture-types.js';

const GiB = 1024 ** 3;
const DAY = 86400;
/** Same demo token as the built-in fixtures, so `proxdeck` logs in the same way. */
const DEMO_TOKEN_SECRET = '8c1c7a4e-1d2b-4f3e-9a6b-5d0e2f7c9b31';

const SERVICES = ['web', 'api', 'db', 'cache', 'worker', 'queue', 'proxy', 'dns', 'monitor', 'build', 'mail', 'files'] as const;
const ENVIRONMENTS = ['prod', 'staging', 'dev'] as const;
const TEAMS = ['core', 'payments', 'search', 'data'] as const;
const OSTYPES = ['debian', 'debian', 'debian', 'ubuntu', 'alpine'] as const;
const MEMORY_MIB = [256, 512, 512, 1024, 1024, 2048, 4096] as const;
const DISK_GIB = [4, 8, 8, 16, 32] as const;
/** VLANs trunked on vmbr0; about a third of the NICs are tagged. */
const VLANS = [10, 20, 30] as const;

/** mulberry32: tiny, fast and good enough for fixture variety. */
function prng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function pick<T>(random: () => number, list: readonly T[]): T {
	return list[Math.floor(random() * list.length)] as T;
}

/** Two decimals are plenty for usage fractions and keep the JSON small. */
function round2(value: number): number {
	return Math.round(value * 100) / 100;
}

function hex2(n: number): string {
	return n.toString(16).toUpperCase().padStart(2, '0');
}

/** Unique per guest and NIC: the vmid fills the three low bytes of the Proxmox OUI. */
function macFor(vmid: number, nic: number): string {
	const id = (vmid * 4 + nic) & 0xffffff;
	return `BC:24:11:${hex2(id >>> 16)}:${hex2((id >>> 8) & 0xff)}:${hex2(id & 0xff)}`;
}

export function generateFleet(options: {guests: number; nodes: number; seed?: number}): Fixture {
	const {guests: guestCount, nodes: nodeCount} = options;
	const seed = options.seed ?? 1;
	if (!Number.isInteger(guestCount) || guestCount < 0) throw new RangeError(`guests must be a non-negative integer, got ${guestCount}`);
	if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > 999) throw new RangeError(`nodes must be an integer 1-999, got ${nodeCount}`);
	const random = prng(seed);

	const nodeNames = Array.from({length: nodeCount}, (_, i) => `pve${i + 1}`);
	const guests: FixtureGuest[] = [];
	const datasetsByNode = new Map<string, FixtureDataset[]>(nodeNames.map((name) => [name, []]));
	const usedByNode = new Map<string, number>(nodeNames.map((name) => [name, 0]));

	for (let index = 0; index < guestCount; index++) {
		const vmid = 100 + index;
		const node = nodeNames[index % nodeCount] as string;
		const service = pick(random, SERVICES);
		const env = pick(random, ENVIRONMENTS);
		const name = `${service}-${String(index + 1).padStart(4, '0')}`;
		const stopped = random() < 0.03;
		const qemu = index % 10 === 9;
		const memory = pick(random, MEMORY_MIB);
		const diskGiB = pick(random, DISK_GIB);
		// About one guest in twenty sits at >= 90 % memory, so triage views have work.
		const hot = random() < 0.05;
		const usage = stopped
			? {cpu: 0, mem: 0, disk: round2(0.1 + random() * 0.6)}
			: {cpu: round2(random() * 0.3), mem: hot ? round2(0.9 + random() * 0.08) : round2(0.2 + random() * 0.6), disk: round2(0.1 + random() * 0.7)};
		const vlan = random() < 0.33 ? pick(random, VLANS) : undefined;
		const ip = `10.${vlan ?? 0}.${Math.floor(index / 250) % 256}.${(index % 250) + 2}`;
		const tags = [service, env, ...(random() < 0.4 ? [pick(random, TEAMS)] : [])].join(';');
		const diskBytes = diskGiB * GiB;
		const refer = Math.round((diskBytes * usage.disk) / 4096) * 4096;

		const config: FixtureGuest['config'] = qemu
			? {
				name, ostype: 'l26', memory: String(memory), cores: 2, sockets: 1, scsihw: 'virtio-scsi-single', onboot: stopped ? 0 : 1, tags,
				scsi0: `local-zfs:vm-${vmid}-disk-0,iothread=1,size=${diskGiB}G`,
				net0: `virtio=${macFor(vmid, 0)},bridge=vmbr0,firewall=1${vlan ? `,tag=${vlan}` : ''}`,
			}
			: {
				arch: 'amd64', hostname: name, ostype: pick(random, OSTYPES), memory, swap: 512, cores: memory >= 2048 ? 2 : 1,
				onboot: stopped ? 0 : 1, unprivileged: 1, features: 'nesting=1', tags,
				rootfs: `local-zfs:subvol-${vmid}-disk-0,size=${diskGiB}G`,
				net0: `name=eth0,bridge=vmbr0,firewall=1,gw=10.${vlan ?? 0}.0.1,hwaddr=${macFor(vmid, 0)},ip=${ip}/16${vlan ? `,tag=${vlan}` : ''},type=veth`,
			};
		guests.push({
			vmid, type: qemu ? 'qemu' : 'lxc', node, status: stopped ? 'stopped' : 'running', config, usage,
			...(stopped ? {} : {uptime: Math.floor(random() * 60 * DAY) + 600}),
		});

		const dataset = qemu ? `rpool/data/vm-${vmid}-disk-0` : `rpool/data/subvol-${vmid}-disk-0`;
		(datasetsByNode.get(node) as FixtureDataset[]).push({
			name: dataset, type: qemu ? 'volume' : 'filesystem', used: refer, avail: qemu ? 0 : diskBytes - refer, refer,
			usedbysnapshots: 0, compressratio: '1.00', mountpoint: qemu ? '-' : `/${dataset}`,
		});
		usedByNode.set(node, (usedByNode.get(node) as number) + refer);
	}

	const nodes = nodeNames.map((name, i) => buildNode(name, i, usedByNode.get(name) as number, datasetsByNode.get(name) as FixtureDataset[], random));
	return {
		...(nodeCount > 1 ? {cluster: {name: 'scale', configVersion: nodeCount}} : {}),
		version: {version: '9.1.5', release: '9.1', repoid: '80cf92a6'},
		seed,
		nodes,
		guests,
		users: [{
			userid: 'root@pam', password: 'demo-only', acl: [{path: '/', role: 'Administrator'}],
			tokens: [{tokenid: 'proxdeck', secret: DEMO_TOKEN_SECRET, privsep: false}],
		}],
	};
}

/** A node whose rpool is sized so its guests fill about half of it. */
function buildNode(name: string, index: number, guestBytes: number, guestDatasets: FixtureDataset[], random: () => number): FixtureNode {
	const root = 12 * GiB;
	const dataUsed = guestBytes + 98304;
	const used = root + dataUsed + 2 * 98304;
	const poolSize = Math.max(1024 * GiB, Math.ceil((used * 2) / GiB) * GiB);
	const avail = Math.floor(poolSize * 0.968) - used;
	const alloc = used;
	for (const dataset of guestDatasets) dataset.avail = dataset.type === 'volume' ? avail : Math.min(dataset.avail, avail);
	const datasets: FixtureDataset[] = [
		{name: 'rpool', type: 'filesystem', used, avail, refer: 98304, usedbysnapshots: 0, compressratio: '1.40', mountpoint: '/rpool'},
		{name: 'rpool/ROOT', type: 'filesystem', used: root + 98304, avail, refer: 98304, usedbysnapshots: 0, compressratio: '1.65', mountpoint: '/rpool/ROOT'},
		{name: 'rpool/ROOT/pve-1', type: 'filesystem', used: root, avail, refer: root, usedbysnapshots: 0, compressratio: '1.65', mountpoint: '/'},
		{name: 'rpool/data', type: 'filesystem', used: dataUsed, avail, refer: 98304, usedbysnapshots: 0, compressratio: '1.38', mountpoint: '/rpool/data'},
		...guestDatasets,
	];
	const disk = (n: number) => ({name: `/dev/disk/by-id/nvme-SAMSUNG_MZQL21T9HCJR-00A07_S64GNE0T${String(index * 2 + n).padStart(6, '0')}-part3`, state: 'ONLINE', read: 0, write: 0, cksum: 0});
	return {
		name,
		ip: `192.168.100.${index + 11}`,
		online: true,
		nodeid: index + 1,
		cpuinfo: {model: 'AMD EPYC 7443P 24-Core Processor', sockets: 1, cores: 24, cpus: 48, mhz: '2850.000'},
		memory: 512 * GiB,
		swap: 0,
		rootfs: {total: root + avail, used: root},
		uptime: 20 * DAY + Math.floor(random() * 40 * DAY),
		kversion: 'Linux 6.14.8-2-pve #1 SMP PREEMPT_DYNAMIC PMX 6.14.8-2 (2025-07-22T10:04Z) x86_64',
		pveversion: 'pve-manager/9.1.5/80cf92a6',
		cpuBase: round2(0.05 + random() * 0.2),
		network: [
			{iface: 'eno1', type: 'eth', method: 'manual', families: ['inet'], exists: 1, active: 1, priority: 3},
			{
				iface: 'vmbr0', type: 'bridge', method: 'static', families: ['inet'], address: `192.168.100.${index + 11}`, netmask: '24',
				cidr: `192.168.100.${index + 11}/24`, gateway: '192.168.100.1', bridge_ports: 'eno1', bridge_stp: 'off', bridge_fd: '0',
				bridge_vlan_aware: 1, bridge_vids: '2-4094', active: 1, autostart: 1, priority: 4,
			},
		],
		storages: [
			{storage: 'local', type: 'dir', content: 'iso,vztmpl,backup', path: '/var/lib/vz', total: root + avail, used: root, enabled: true, active: true},
			{storage: 'local-zfs', type: 'zfspool', content: 'rootdir,images', pool: 'rpool/data', total: dataUsed + avail, used: dataUsed, enabled: true, active: true},
		],
		zfs: {
			pools: [{
				name: 'rpool', size: poolSize, alloc, free: poolSize - alloc, frag: Math.floor(random() * 20), dedup: 1, health: 'ONLINE',
				scan: 'scrub repaired 0B in 00:09:31 with 0 errors on Sun Nov  8 00:33:32 2026', errors: 'No known data errors',
				vdevs: [{name: 'mirror-0', state: 'ONLINE', read: 0, write: 0, cksum: 0, children: [disk(0), disk(1)]}],
			}],
			datasets,
		},
	};
}
