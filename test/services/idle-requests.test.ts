// Issue 12: API requests at idle must not grow with the fleet. The whole
// console's services run against generated fleets of 40 and 800 guests (same
// node count) with the default deck's panes shown; once start-up reading is
// over, the requests of a few polls are counted per kind. Per-guest reads
// (/nodes/N/lxc|qemu/VMID/…) may only come from the fixed caps (snapshot ages:
// 8 guests per cycle), so both fleets must send the same number of each kind.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createClient} from '../../source/api/client.js';
import {demoFixture, demoToken} from '../../source/cli/demo.js';
import {createSession} from '../../source/services/session.js';
import {createFleetSource} from '../../source/services/fleet-source.js';
import {createBackupService} from '../../source/services/backups/service.js';
import {createNodesService} from '../../source/services/nodes/nodes-service.js';
import {createProblemsService} from '../../source/services/problems/problems-service.js';
import {createTopologyService} from '../../source/services/topology/topology-service.js';
import {createZfsService} from '../../source/services/zfs/zfs-service.js';
import {startSimulator} from '../../source/sim/server.js';
import {createAppStore} from '../../source/store/store.js';
import {waitFor} from '../zfs/sim-helpers.js';

// One kind of request: "/nodes/N/lxc/VMID/config" becomes "/nodes/:/lxc/:/config".
const kindOf = (path: string) => path.replace(/^\/nodes\/[^/]+/, '/nodes/:').replace(/\/(lxc|qemu)\/\d+/, '/$1/:');

async function idleRequests(guests: number): Promise<Map<string, number>> {
	const fixture = demoFixture({kind: 'generated', guests, nodes: 4});
	const sim = await startSimulator({fixture, authFailureDelayMs: 0});
	const client = createClient({host: sim.host, port: sim.port, auth: {kind: 'token', ...demoToken(fixture)}, fingerprint: sim.fingerprint});
	const store = createAppStore({target: 'test', demo: true, readOnly: false});
	const shown = ['fleet', 'topology', 'zfs', 'tasks', 'problems'] as const;
	store.getState().actions.deckShown([...shown], [...shown], []);
	const session = createSession({api: client, store, refreshMs: 300});
	session.start();
	try {
		await waitFor('the fleet', () => store.getState().guests.size === guests, 20_000);
		await waitFor('the start-up config sweep', () => !store.getState().topology.progress && store.getState().topology.networks.size > 0, 30_000);
		// Let reads that the first polls started finish.
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const from = sim.requests.length;
		await new Promise((resolve) => setTimeout(resolve, 2000));
		const counts = new Map<string, number>();
		for (const r of sim.requests.slice(from)) counts.set(kindOf(r.path), (counts.get(kindOf(r.path)) ?? 0) + 1);
		return counts;
	} finally {
		session.stop();
		await client.close();
		await sim.close();
	}
}

test('requests at idle do not grow with the fleet: 40 and 800 guests send the same kinds, per-guest reads capped', async () => {
	const small = await idleRequests(40);
	const large = await idleRequests(800);
	const perGuest = (counts: Map<string, number>) => [...counts].filter(([kind]) => /\/(lxc|qemu)\/:/.test(kind)).reduce((sum, [, n]) => sum + n, 0);
	assert.ok((small.get('/cluster/resources') ?? 0) >= 3, `the fleet was polled: ${JSON.stringify([...small])}`);
	// No more fleet polls in the same time, give or take one at the window's edges (a large fleet is
	// read less often: fleet-pace.ts; 800 entries stretch the 300 ms refresh to 800 ms).
	assert.ok((large.get('/cluster/resources') ?? 0) <= (small.get('/cluster/resources') ?? 0) + 1, `${JSON.stringify([...small])} vs ${JSON.stringify([...large])}`);
	assert.ok((large.get('/cluster/resources') ?? 0) >= 1, 'the large fleet was polled too');
	// 20 times the guests, not more per-guest reads than the caps allow (8 snapshot lists per cycle).
	assert.ok(perGuest(large) <= Math.max(8, perGuest(small)), `per-guest reads at 800 guests: ${JSON.stringify([...large].filter(([k]) => /\/(lxc|qemu)\/:/.test(k)))}`);
	const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);
	assert.ok(total(large) <= total(small) + 8, `all requests: 40 guests ${total(small)}, 800 guests ${total(large)}`);
});

// The per-node reads at idle, on a simulated clock: the services that read per
// node (problems: pools, pulses, apt, snapshot lists; the ZFS and topology
// panes) run their cycles as their timers would — a problems and ZFS cycle
// every 30 s, a topology refresh every 2 minutes — against one node and 32
// nodes with the same guests. After the start-up sweep, each route family's
// requests per simulated minute must be about those of one node.

const CYCLE_MS = 30_000;

interface Rig {
	store: ReturnType<typeof createAppStore>;
	paths: string[];
	/** Runs `cycles` 30-s cycles on the simulated clock; returns the request paths they sent. */
	run(cycles: number): Promise<string[]>;
	client: ReturnType<typeof createClient>;
	sim: Awaited<ReturnType<typeof startSimulator>>;
	close(): Promise<void>;
}

async function rig(nodes: number, guests: number): Promise<Rig> {
	const fixture = demoFixture({kind: 'generated', guests, nodes});
	// One archive of each guest on its node's local storage: the backup overview has something per node to keep.
	fixture.backups = {archives: fixture.guests.map((g, i) => ({storage: 'local', node: g.node, vmid: g.vmid, ago: 3600 + i, size: 1 << 20}))};
	const sim = await startSimulator({fixture, authFailureDelayMs: 0});
	const client = createClient({host: sim.host, port: sim.port, auth: {kind: 'token', ...demoToken(fixture)}, fingerprint: sim.fingerprint});
	const paths: string[] = [];
	const request = client.request.bind(client);
	client.request = ((method, path, params, signal) => {
		paths.push(`${method} ${path}`);
		return request(method, path, params, signal);
	}) as typeof client.request;
	let now = Date.parse('2026-12-04T00:00:00Z');
	const clock = () => now;
	const store = createAppStore({target: 'test', demo: true, readOnly: false});
	store.getState().actions.fleetReceived(await createFleetSource(client, {clock}).fetchFleet(new AbortController().signal));
	// What the default deck shows, with the fleet cursor on the first guest (the console's start).
	const shown = ['fleet', 'topology', 'zfs', 'tasks', 'problems'] as const;
	store.getState().actions.deckShown([...shown], [...shown], []);
	const problems = createProblemsService({api: client, store, clock, evaluateGapMs: 0});
	const zfs = createZfsService({api: client, store, clock});
	const topology = createTopologyService({api: client, store, clock});
	const backups = createBackupService({api: client, store, clock});
	problems.start();
	zfs.start();
	topology.start();
	await Promise.all([problems.idle(), zfs.refreshNow(), topology.idle(), backups.refresh()]);
	let cycle = 0;
	return {
		store,
		paths,
		client,
		sim,
		async run(cycles) {
			const from = paths.length;
			for (let i = 0; i < cycles; i++) {
				now += CYCLE_MS;
				cycle++;
				// The panes' timers run only while they are shown.
				const visible = store.getState().deck.visible;
				await Promise.all([problems.refresh(), visible.includes('zfs') ? zfs.refreshNow() : undefined, cycle % 4 === 0 && visible.includes('topology') ? topology.refresh() : undefined, cycle % 10 === 0 ? backups.reread() : undefined]);
			}
			return paths.slice(from);
		},
		async close() {
			problems.stop();
			zfs.stop();
			topology.stop();
			backups.stop();
			await client.close();
			await sim.close();
		},
	};
}

/** "GET /nodes/pve7/disks/zfs" → "/nodes/:/disks/zfs"; the guest's id too. */
const familyOf = (line: string) => kindOf(line.replace(/^\w+ /, ''));

function perMinute(paths: string[], cycles: number): Map<string, number> {
	const rates = new Map<string, number>();
	for (const p of paths) rates.set(familyOf(p), (rates.get(familyOf(p)) ?? 0) + 1);
	const minutes = (cycles * CYCLE_MS) / 60_000;
	for (const [family, n] of rates) rates.set(family, Math.round((n / minutes) * 10) / 10);
	return rates;
}

test('per-node reads at idle: 32 nodes send about the requests per minute of one node, per route family', async () => {
	// 20 simulated minutes after a 2-minute start-up sweep: apt (10 min) and snapshot freshness (15 min) come round.
	const cycles = 40;
	const measure = async (nodes: number) => {
		const r = await rig(nodes, 64);
		try {
			await r.run(4);
			const entriesAtStart = r.store.getState().backups.entries.length;
			assert.equal(entriesAtStart, 64, 'every guest\'s archive listed');
			const rates = perMinute(await r.run(cycles), cycles);
			// Every node still shows: the panes keep the nodes a cycle did not re-read.
			const state = r.store.getState();
			assert.equal(new Set(state.zfs.sample?.pools.map((p) => p.node)).size, nodes, 'the ZFS pane shows every node\'s pools');
			assert.equal(state.topology.networks.size, nodes, 'the topology pane has every node\'s networks');
			assert.equal(new Set(state.backups.storages.flatMap((b) => b.nodes)).size, nodes, 'the backup storages of every node');
			assert.equal(state.backups.entries.length, entriesAtStart, 'no node\'s archives lost between re-reads');
			return rates;
		} finally {
			await r.close();
		}
	};
	const one = await measure(1);
	const many = await measure(32);
	const show = (m: Map<string, number>) => JSON.stringify(Object.fromEntries([...m].sort()));
	const total = (m: Map<string, number>) => Math.round([...m.values()].reduce((a, b) => a + b, 0) * 10) / 10;
	console.log(`requests per simulated minute: 1 node ${total(one)} ${show(one)}; 32 nodes ${total(many)} ${show(many)}`);
	for (const family of ['/nodes/:/disks/zfs', '/nodes/:/rrddata', '/nodes/:/apt/update', '/nodes/:/apt/versions', '/nodes/:/network', '/nodes/:/storage']) {
		assert.ok((one.get(family) ?? 0) > 0, `one node reads ${family} at idle: ${show(one)}`);
	}
	for (const [family, rate] of many) {
		// A budget of a few nodes per cycle: at most a few times one node's rate, never 32 times.
		const bound = Math.max(4 * (one.get(family) ?? 0), 4);
		assert.ok(rate <= bound, `${family}: ${rate}/min on 32 nodes, ${one.get(family) ?? 0}/min on one (bound ${bound}); ${show(many)}`);
	}
	assert.ok(total(many) <= 2.5 * total(one), `all per-node and per-guest reads: 1 node ${total(one)}/min, 32 nodes ${total(many)}/min`);
});

test('a snapshot list once read is not read again within its freshness window, unless a snapshot task ended on that guest', async () => {
	const r = await rig(1, 28);
	try {
		const lists = (paths: string[]) => paths.filter((p) => /\/snapshot$/.test(p));
		// Start-up read 8; three more cycles read the other 20.
		const sweep = lists(await r.run(3));
		const first = lists(r.paths);
		assert.equal(new Set(first).size, 28, `every guest's list read once: ${first.length} reads`);
		assert.equal(first.length, 28, 'none twice during the sweep');
		assert.ok(sweep.length <= 24);
		// Ten idle minutes later (20 cycles): no list read again.
		assert.deepEqual(lists(await r.run(20)), []);
		// A snapshot (from anyone) shows as a task: that guest's list is read at the next cycle, and only it.
		const guest = [...r.store.getState().guests.values()].find((g) => g.kind === 'lxc' && !g.template)!;
		const path = `/nodes/${guest.node}/lxc/${guest.vmid}/snapshot`;
		const upid = await r.client.request<string>('POST', path, {snapname: 'before_change'});
		r.store.getState().actions.clusterTasksReceived([
			{upid, node: guest.node, type: 'vzsnapshot', id: String(guest.vmid), user: 'root@pam', startedAt: Date.now(), endedAt: Date.now(), state: 'ok', exitstatus: 'OK', logTail: [], ours: true},
		]);
		assert.deepEqual(lists(await r.run(1)), [`GET ${path}`]);
		// The same task seen again on the next task poll is not a new change.
		r.store.getState().actions.clusterTasksReceived([...r.store.getState().tasks]);
		assert.deepEqual(lists(await r.run(1)), []);
		// Past the 15-minute window lists are read again, a few per cycle.
		const later = lists(await r.run(10));
		assert.ok(later.length > 0 && later.length <= 10 * 8, `${later.length} lists re-read after the window`);
	} finally {
		await r.close();
	}
});

test('the nodes pane on 32 nodes: the rows it draws keep their 15-s status reads, the nodes scrolled away share 2 reads a sweep', async () => {
	const r = await rig(32, 32);
	let now = Date.parse('2026-12-04T01:00:00Z');
	const nodesService = createNodesService({api: r.client, store: r.store, clock: () => now});
	try {
		r.store.getState().actions.deckShown(['nodes'], ['nodes'], []);
		const names = r.store.getState().nodes.map((n) => n.name);
		const shown = names.slice(0, 8);
		r.store.getState().actions.nodesOnScreen(shown);
		await nodesService.sweep();
		const from = r.paths.length;
		const sweeps = 16; // four simulated minutes, a sweep every 15 s
		for (let i = 0; i < sweeps; i++) {
			now += 15_000;
			await nodesService.sweep();
		}
		const status = r.paths.slice(from).filter((p) => /^GET \/nodes\/[^/]+\/status$/.test(p));
		const reads = (name: string) => status.filter((p) => p === `GET /nodes/${name}/status`).length;
		for (const name of shown) assert.equal(reads(name), sweeps, `${name} is on screen: read every sweep`);
		const offscreen = names.filter((n) => !shown.includes(n));
		assert.equal(offscreen.reduce((sum, n) => sum + reads(n), 0), 2 * sweeps, 'the 24 other nodes share two reads a sweep');
		assert.ok(offscreen.every((n) => reads(n) >= 1), 'each of them read within the 12 sweeps it takes to go round');
	} finally {
		nodesService.stop();
		await r.close();
	}
});

test('32 nodes: a pool that degrades at idle is still found, within the budget\'s worst case (16 cycles, 8 minutes)', async () => {
	const r = await rig(32, 32);
	try {
		// The problems service alone (the ZFS pane closed): its own 2 nodes a cycle.
		r.store.getState().actions.deckShown(['fleet', 'problems'], ['fleet', 'problems'], []);
		await r.run(2);
		const node = r.store.getState().nodes[19]!.name;
		const pool = r.sim.state.nodes.get(node)!.zfs!.pools[0]!;
		pool.health = 'DEGRADED';
		const id = `pool-health:${node}/${pool.name}`;
		const hasProblem = () => r.store.getState().problems.list.some((p) => p.id === id);
		// Cycles until the node's pools are read again (the rules then run on their own, coalesced, timer).
		let cycles = 0;
		while (cycles < 40) {
			cycles++;
			if ((await r.run(1)).includes(`GET /nodes/${node}/disks/zfs`)) break;
		}
		assert.ok(cycles <= 16, `${node}'s pools read again after ${cycles} cycles`);
		await waitFor('the pool-health problem', hasProblem, 5000);
		// Once seen degraded, that node is re-read every minute whatever the budget: the repair shows within two cycles.
		pool.health = 'ONLINE';
		await r.run(2);
		await waitFor('the repaired pool to clear', () => !hasProblem(), 5000);
	} finally {
		await r.close();
	}
});
