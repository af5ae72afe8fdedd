// The simulator's node health, pulses, HA and quorum: apt/update and
// apt/versions with Proxmox's keys, rrddata series that end where the live
// endpoints are, HA resources in error/fence from the cluster scenarios, and
// a cluster without quorum refusing writes as pmxcfs does.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {loadFixture} from '../../source/sim/fixture.js';
import {applyScenario} from '../../source/sim/scenarios.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {call, fakeClock} from './helpers.js';

const ROOT = 'PVEAPIToken=root@pam!proxdeck=8c1c7a4e-1d2b-4f3e-9a6b-5d0e2f7c9b31';
const cluster = () => loadFixture(new URL('../../fixtures/cluster.json', import.meta.url).pathname);

describe('node health and pulses (cluster fixture)', () => {
	let sim: RunningSimulator;
	const clock = fakeClock();
	before(async () => {
		sim = await startSimulator({fixture: cluster(), authFailureDelayMs: 0, clock: clock.now});
	});
	after(() => sim.close());

	it('apt/update lists pve1\'s pending packages with Proxmox\'s capitalised keys; pve2 has none', async () => {
		const res = await call(sim, 'GET', '/nodes/pve1/apt/update', {auth: ROOT});
		assert.equal(res.status, 200);
		assert.equal(res.json.data.length, 5);
		const manager = res.json.data.find((p: {Package: string}) => p.Package === 'pve-manager');
		assert.deepEqual(Object.keys(manager).sort(), ['Arch', 'Description', 'OldVersion', 'Origin', 'Package', 'Priority', 'Section', 'Title', 'Version']);
		assert.deepEqual([manager.OldVersion, manager.Version, manager.Origin], ['9.1.5', '9.1.7', 'Proxmox']);
		assert.deepEqual((await call(sim, 'GET', '/nodes/pve2/apt/update', {auth: ROOT})).json.data, []);
	});

	it('apt/versions names the running kernel and every installed one (pve2 has a newer kernel waiting for a reboot)', async () => {
		const data = (await call(sim, 'GET', '/nodes/pve2/apt/versions', {auth: ROOT})).json.data as Array<Record<string, string>>;
		assert.equal(data.find((p) => p.Package === 'proxmox-ve')?.RunningKernel, '6.14.8-2-pve');
		assert.deepEqual(data.filter((p) => p.Section === 'kernel').map((p) => p.Package), ['proxmox-kernel-6.14.8-2-pve-signed', 'proxmox-kernel-6.14.11-1-pve-signed']);
		const pve1 = (await call(sim, 'GET', '/nodes/pve1/apt/versions', {auth: ROOT})).json.data as Array<Record<string, string>>;
		assert.equal(pve1.filter((p) => p.Section === 'kernel').length, 1);
	});

	it('node rrddata: 60 one-minute points for hour, 1440 for day, the last one at the current minute and equal to the live CPU', async () => {
		const hour = (await call(sim, 'GET', '/nodes/pve1/rrddata?timeframe=hour&cf=AVERAGE', {auth: ROOT})).json.data as Array<{time: number} & Record<string, number>>;
		assert.equal(hour.length, 60);
		assert.equal(hour[1]!.time - hour[0]!.time, 60);
		assert.equal(hour.at(-1)!.time, Math.floor(clock.now() / 60_000) * 60);
		for (const key of ['cpu', 'maxcpu', 'iowait', 'loadavg', 'memtotal', 'memused', 'swaptotal', 'swapused', 'roottotal', 'rootused', 'netin', 'netout']) assert.equal(typeof hour.at(-1)![key], 'number', key);
		const day = (await call(sim, 'GET', '/nodes/pve1/rrddata?timeframe=day&cf=AVERAGE', {auth: ROOT})).json.data as unknown[];
		assert.equal(day.length, 1440);
		// The clock sits on a minute boundary here, so the last point is "now".
		clock.advance(60_000 - (clock.now() % 60_000));
		const [status, again] = await Promise.all([call(sim, 'GET', '/nodes/pve1/status', {auth: ROOT}), call(sim, 'GET', '/nodes/pve1/rrddata?timeframe=hour', {auth: ROOT})]);
		assert.equal(again.json.data.at(-1).cpu, status.json.data.cpu);
		assert.equal(new Set(hour.map((p) => p.cpu)).size > 10, true, 'the CPU moves over the hour');
	});

	it('rrddata without a timeframe is refused as Proxmox does', async () => {
		const res = await call(sim, 'GET', '/nodes/pve1/rrddata', {auth: ROOT});
		assert.equal(res.status, 400);
		assert.match(res.json.errors.timeframe, /property is missing/);
	});

	it('a running container\'s points carry usage and rates; a stopped one\'s only its limits', async () => {
		const running = (await call(sim, 'GET', '/nodes/pve1/lxc/100/rrddata?timeframe=hour', {auth: ROOT})).json.data.at(-1);
		for (const key of ['cpu', 'mem', 'maxmem', 'disk', 'maxdisk', 'netin', 'netout', 'diskread', 'diskwrite']) assert.equal(typeof running[key], 'number', key);
		const stopped = (await call(sim, 'GET', '/nodes/pve1/lxc/105/rrddata?timeframe=hour', {auth: ROOT})).json.data.at(-1);
		assert.deepEqual(Object.keys(stopped).sort(), ['disk', 'maxcpu', 'maxdisk', 'maxmem', 'time']);
		const vm = (await call(sim, 'GET', '/nodes/pve1/qemu/150/rrddata?timeframe=hour', {auth: ROOT})).json.data.at(-1);
		assert.equal(vm.disk, 0, 'Proxmox cannot see inside a VM disk');
		assert.equal((await call(sim, 'GET', '/nodes/pve1/qemu/100/rrddata?timeframe=hour', {auth: ROOT})).status, 500);
	});
});

describe('scenario cluster-incident: an HA resource in error', () => {
	let sim: RunningSimulator;
	before(async () => {
		sim = await startSimulator({fixture: applyScenario(cluster(), 'cluster-incident'), authFailureDelayMs: 0, clock: fakeClock().now});
	});
	after(() => sim.close());

	it('HA status, HA resources and /cluster/resources say error for ct:103', async () => {
		const status = (await call(sim, 'GET', '/cluster/ha/status/current', {auth: ROOT})).json.data as Array<Record<string, unknown>>;
		const service = status.find((e) => e.id === 'service:ct:103')!;
		assert.deepEqual([service.crm_state, service.request_state, service.status], ['error', 'started', 'ct:103 (pve1, error)']);
		const resource = (await call(sim, 'GET', '/cluster/ha/resources/ct:103', {auth: ROOT})).json.data;
		assert.equal(resource.state, 'started');
		const guest = (await call(sim, 'GET', '/cluster/resources?type=vm', {auth: ROOT})).json.data.find((g: {vmid: number}) => g.vmid === 103);
		assert.deepEqual([guest.status, guest.hastate], ['stopped', 'error']);
	});

	it('pve2 runs above 80 % CPU for the whole hour', async () => {
		const hour = (await call(sim, 'GET', '/nodes/pve2/rrddata?timeframe=hour', {auth: ROOT})).json.data as Array<{cpu: number}>;
		assert.ok(hour.every((p) => p.cpu >= 0.8), `min ${Math.min(...hour.map((p) => p.cpu))}`);
	});

	it('only `disabled` takes a service out of error (ha-manager set); a start request leaves it in error', async () => {
		const started = await call(sim, 'PUT', '/cluster/ha/resources/ct:103', {auth: ROOT, form: {state: 'started'}});
		assert.equal(started.status, 200);
		const still = (await call(sim, 'GET', '/cluster/ha/status/current', {auth: ROOT})).json.data as Array<Record<string, unknown>>;
		assert.equal(still.find((e) => e.id === 'service:ct:103')?.crm_state, 'error');
		assert.equal(sim.state.guests.get(103)?.status, 'stopped');
		const disabled = await call(sim, 'PUT', '/cluster/ha/resources/ct:103', {auth: ROOT, form: {state: 'disabled'}});
		assert.equal(disabled.status, 200);
		const status = (await call(sim, 'GET', '/cluster/ha/status/current', {auth: ROOT})).json.data as Array<Record<string, unknown>>;
		assert.equal(status.find((e) => e.id === 'service:ct:103')?.crm_state, 'stopped');
		assert.equal((await call(sim, 'GET', '/cluster/ha/resources/ct:999', {auth: ROOT})).status, 500);
	});
});

describe('scenario quorum-lost', () => {
	let sim: RunningSimulator;
	before(async () => {
		sim = await startSimulator({fixture: applyScenario(cluster(), 'quorum-lost'), authFailureDelayMs: 0, clock: fakeClock().now});
	});
	after(() => sim.close());

	it('/cluster/status is not quorate and the HA quorum entry says so', async () => {
		const status = (await call(sim, 'GET', '/cluster/status', {auth: ROOT})).json.data as Array<Record<string, unknown>>;
		assert.equal(status.find((e) => e.type === 'cluster')?.quorate, 0);
		assert.deepEqual(status.filter((e) => e.type === 'node' && e.online === 0).map((e) => e.name), ['pve2', 'pve3']);
		const ha = (await call(sim, 'GET', '/cluster/ha/status/current', {auth: ROOT})).json.data as Array<Record<string, unknown>>;
		assert.deepEqual(ha[0], {id: 'quorum', type: 'quorum', node: 'pve1', status: "No quorum on node 'pve1'!", quorate: 0});
		assert.equal(ha.find((e) => e.id === 'service:ct:110')?.crm_state, 'fence');
	});

	it('every write is refused with pmxcfs\'s "no quorum" (reads still answer)', async () => {
		const start = await call(sim, 'POST', '/nodes/pve1/lxc/105/status/start', {auth: ROOT});
		assert.equal(start.status, 500);
		assert.equal(start.json.message, 'cluster not ready - no quorum?\n');
		assert.equal((await call(sim, 'GET', '/nodes/pve1/lxc/105/status/current', {auth: ROOT})).status, 200);
	});
});
