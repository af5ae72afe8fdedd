// Scenarios: named changes to a fixture that turn a healthy fleet into a
// problem to practise on (`proxdeck sim --scenario incident`, `npm start --
// --scenario incident`). Each change names what it touches by hostname or pool
// name, so a scenario fails with one clear line on a fixture without them.

import {parseFixture} from './fixture.js';
import type {Fixture, FixtureDataset, FixtureGuest, FixtureNode, FixtureZpool} from './fixture-types.js';

export class ScenarioError extends Error {}

export const SCENARIOS = {
	incident: 'the WireGuard gateway stopped, the tank pool 91 % full and DEGRADED, a failed backup of immich 20 minutes ago, prometheus\'s disk at 95 %, plex\'s only snapshot 12 days old',
	'cluster-incident': 'cluster fixture: postgres-main\'s HA resource in error (stopped), pve2 under sustained CPU load above 80 %, pve3 offline',
	'quorum-lost': 'cluster fixture: pve2 goes offline too (two of three nodes down): quorum lost, its HA services in fence',
} as const;

export type ScenarioName = keyof typeof SCENARIOS;

export function isScenario(name: string): name is ScenarioName {
	return Object.hasOwn(SCENARIOS, name);
}

function guestNamed(fixture: Fixture, hostname: string, scenario: string): FixtureGuest {
	const guest = fixture.guests.find((g) => g.config.hostname === hostname || g.config.name === hostname);
	if (!guest) throw new ScenarioError(`scenario ${scenario} needs a guest named ${hostname}, which this fixture does not have (it is made for the ${scenario === 'incident' ? 'homelab' : 'cluster'} fixture)`);
	return guest;
}

function poolNamed(fixture: Fixture, name: string, scenario: string): FixtureZpool {
	for (const node of fixture.nodes) {
		const pool = node.zfs?.pools.find((p) => p.name === name);
		if (pool) return pool;
	}
	throw new ScenarioError(`scenario ${scenario} needs a ZFS pool ${name}, which this fixture does not have (it is made for the homelab fixture)`);
}

function nodeNamed(fixture: Fixture, name: string, scenario: string): FixtureNode {
	const node = fixture.nodes.find((n) => n.name === name);
	if (!node) throw new ScenarioError(`scenario ${scenario} needs a node named ${name}, which this fixture does not have (it is made for the cluster fixture)`);
	return node;
}

/** Parity disks of a top-level vdev by its name (raidz = raidz1); mirrors and plain disks have none zpool counts. */
function parityOf(vdev: string): number {
	const match = /^raidz([123])?-/.exec(vdev);
	return match ? Number(match[1] ?? 1) : 0;
}

/**
 * `pool` filled to `fraction` of its raw size, and everything derived from it
 * kept as a real host would: zpool's alloc/size count raidz parity, datasets
 * do not (`zfs list` used grows by the data share of the new blocks, the
 * largest unlimited child taking them), every dataset's avail shrinks to what
 * the pool has left (quotas hold theirs if lower), and each zfspool storage in
 * the pool reports used/(used + avail) of its dataset (ZFSPoolPlugin's status:
 * what `pvesm status` and /cluster/resources show).
 */
function fillPool(f: Fixture, pool: FixtureZpool, fraction: number): void {
	const node = f.nodes.find((n) => n.zfs?.pools.includes(pool))!;
	const datasets = node.zfs!.datasets.filter((d) => d.name === pool.name || d.name.startsWith(`${pool.name}/`));
	const root = datasets.find((d) => d.name === pool.name);
	const alloc = Math.round(pool.size * fraction);
	const [top] = pool.vdevs;
	const disks = top?.children?.length ?? 1;
	const dataShare = top ? (disks - parityOf(top.name)) / disks : 1;
	const grown = Math.round((alloc - pool.alloc) * dataShare);
	pool.alloc = alloc;
	pool.free = pool.size - alloc;
	if (!root) return;
	const oldAvail = root.avail;
	const newAvail = Math.max(0, oldAvail - grown);
	const unlimited = datasets.filter((d) => d !== root && d.avail === oldAvail && !datasets.some((c) => c.name.startsWith(`${d.name}/`)));
	const grower = unlimited.sort((a, b) => b.used - a.used)[0];
	for (const d of [root, ...(grower ? datasetAncestors(datasets, grower) : [])]) d.used += grown;
	if (grower) grower.refer += grown;
	for (const d of datasets) d.avail = d.avail === oldAvail ? newAvail : Math.min(d.avail, newAvail);
	for (const s of node.storages) {
		const d = s.type === 'zfspool' ? datasets.find((x) => x.name === s.pool) : undefined;
		if (!d) continue;
		s.used = d.used;
		s.total = d.used + d.avail;
	}
}

/** `leaf` and its parents below the pool's root (the root is counted by the caller). */
function datasetAncestors(datasets: FixtureDataset[], leaf: FixtureDataset): FixtureDataset[] {
	const parts = leaf.name.split('/');
	return parts.slice(1).map((_, i) => parts.slice(0, i + 2).join('/')).flatMap((name) => datasets.filter((d) => d.name === name));
}

/** postgres-main failed to start and to relocate: the CRM gave up and put it in `error`. */
function clusterIncident(f: Fixture, name: string): void {
	const postgres = guestNamed(f, 'postgres-main', name);
	if (!postgres.ha) throw new ScenarioError(`scenario ${name} needs postgres-main to be HA-managed`);
	postgres.ha.crm = 'error';
	postgres.status = 'stopped';
	delete postgres.uptime;
	postgres.usage = {...postgres.usage, cpu: 0, mem: 0};
	// The host itself runs hot (a runaway ZFS scrub and backup): CPU stays near 88 % for the whole hour.
	nodeNamed(f, 'pve2', name).cpuBase = 0.86;
}

/** pve2 drops out as well: one of three votes left, no quorum, pve2's HA services waiting to be fenced. */
function quorumLost(f: Fixture, name: string): void {
	const pve2 = nodeNamed(f, 'pve2', name);
	pve2.online = false;
	for (const g of f.guests) if (g.node === pve2.name && g.ha && g.ha.state === 'started') g.ha.crm = 'fence';
}

/** A copy of `fixture` with the scenario applied. */
export function applyScenario(fixture: Fixture, name: string): Fixture {
	if (!isScenario(name)) throw new ScenarioError(`unknown scenario ${JSON.stringify(name)} (known: ${Object.keys(SCENARIOS).join(', ')})`);
	const f = structuredClone(fixture);
	if (name === 'cluster-incident') {
		clusterIncident(f, name);
		return parseFixture(f, `scenario ${name}`);
	}
	if (name === 'quorum-lost') {
		quorumLost(f, name);
		return parseFixture(f, `scenario ${name}`);
	}
	// The VPN gateway is down: qBittorrent and Prowlarr on vmbr1 lose their route out.
	const wireguard = guestNamed(f, 'wireguard', name);
	wireguard.status = 'stopped';
	delete wireguard.uptime;
	wireguard.usage = {...wireguard.usage, cpu: 0, mem: 0};

	// tank: 91 % allocated, one disk of the raidz faulted (as `zpool status` shows it).
	const tank = poolNamed(f, 'tank', name);
	fillPool(f, tank, 0.91);
	tank.health = 'DEGRADED';
	tank.status = 'One or more devices are faulted in response to persistent errors.\n\tSufficient replicas exist for the pool to continue functioning in a\n\tdegraded state.';
	tank.action = "Replace the faulted device, or use 'zpool clear' to mark the device\n\trepaired.";
	const raidz = tank.vdevs[0];
	if (raidz) {
		raidz.state = 'DEGRADED';
		const disk = raidz.children?.[1];
		if (disk) Object.assign(disk, {state: 'FAULTED', read: 3, write: 118, cksum: 0, msg: 'too many errors'});
	}

	// Plex's only snapshot (before its last upgrade) is 12 days old: past the 7-day retention.
	const plex = guestNamed(f, 'plex', name);
	for (const snap of plex.snapshots ?? []) snap.snaptime = -12 * 86_400;

	// Prometheus's TSDB has filled its disk.
	guestNamed(f, 'prometheus', name).usage.disk = 0.95;

	// Last night's backup of immich failed 20 minutes ago.
	const immich = guestNamed(f, 'immich', name);
	const node = immich.node;
	f.taskHistory = [
		...(f.taskHistory ?? []),
		{
			type: 'vzdump',
			id: String(immich.vmid),
			node,
			user: 'root@pam',
			startedAgo: 1260,
			duration: 74,
			status: 'job errors',
			log: [
				`INFO: starting new backup job: vzdump ${immich.vmid} --mode snapshot --compress zstd --storage local --node ${node} --notes-template '{{guestname}}' --remove 0`,
				`INFO: Starting Backup of VM ${immich.vmid} (lxc)`,
				'INFO: status = running',
				'INFO: CT Name: immich',
				"INFO: including mount point rootfs ('/') in backup",
				'INFO: backup mode: snapshot',
				'INFO: ionice priority: 7',
				"INFO: create storage snapshot 'vzdump'",
				"INFO: cleanup temporary 'vzdump' snapshot",
				`ERROR: Backup of VM ${immich.vmid} failed - command 'lxc-usernsexec -m u:0:100000:65536 -m g:0:100000:65536 -- tar cpf - --totals --one-file-system -p --sparse --numeric-owner --acls --xattrs '--xattrs-include=user.*' '--xattrs-include=security.capability' '--warning=no-file-ignored' '--warning=no-xattr-write' --one-file-system '--warning=no-file-ignored' '--directory=/var/lib/vz/dump/vzdump-lxc-${immich.vmid}-tmp' ./etc/vzdump/pct.conf ./etc/vzdump/pct.fw '--directory=/mnt/vzsnap0' --no-anchored '--exclude=lost+found' --anchored '--exclude=./tmp/?*' '--exclude=./var/tmp/?*' '--exclude=./var/run/?*.pid' ./ | zstd '--threads=1' >/var/lib/vz/dump/vzdump-lxc-${immich.vmid}-tmp.tar.dat' failed: exit code 2`,
				'INFO: Failed at 2026-12-03 02:01:14',
				'INFO: Backup job finished with errors',
				'TASK ERROR: job errors',
			],
		},
	];
	// Still a fixture Proxmox could be: the same checks as a file on disk.
	return parseFixture(f, `scenario ${name}`);
}
