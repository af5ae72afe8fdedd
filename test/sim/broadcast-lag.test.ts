// /cluster/resources lags like on a real cluster (source/sim/broadcast.ts):
// a guest's status, name and figures are what its node's pvestatd last
// broadcast (every 10 s, each node at its own moment), while the vmlist
// (node, a new guest), the config (lock, tags) and status/current are live.
// The real 10 s cycle and a fake clock: nothing here waits.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {PVESTATD_STEP_MS, pvestatdPhase} from '../../source/sim/drift.js';
import {miniFixture} from './helpers.js';
import {CT, resource, statusNow, withWriteSim, type WriteSim} from './write-helpers.js';

/** Simulated ms until `node`'s next pvestatd broadcast. */
function untilBroadcast(w: WriteSim, node: string): number {
	const phase = pvestatdPhase(w.sim.state, node);
	const into = (((w.clock.now() - phase) % PVESTATD_STEP_MS) + PVESTATD_STEP_MS) % PVESTATD_STEP_MS;
	return PVESTATD_STEP_MS - into;
}

async function nodeEntry(w: WriteSim, node: string): Promise<Record<string, unknown>> {
	const res = await w.api('GET', '/cluster/resources?type=node');
	return res.json.data.find((e: {node: string}) => e.node === node);
}

/** Moves the clock to 1 ms after `node`'s next broadcast: a whole cycle before the one after. */
async function justAfterBroadcast(w: WriteSim, node: string): Promise<void> {
	await w.advance(untilBroadcast(w, node) + 1);
}

describe('/cluster/resources follows pvestatd', () => {
	it("right after a start ends it still says stopped (lock and tags live, status/current running) until the node's broadcast", () =>
		withWriteSim(async (w) => {
			await justAfterBroadcast(w, 'pve1');
			const start = await w.api('POST', `${CT}/102/status/start`);
			assert.equal((await w.finish(start.json.data as string)).exitstatus, 'OK');
			assert.ok(untilBroadcast(w, 'pve1') > 1000, 'the start ended well before the next broadcast');

			const stale = await resource(w, 102);
			assert.equal(stale.status, 'stopped', 'the last broadcast saw it stopped');
			assert.equal(stale.uptime, 0);
			assert.equal(stale.name, 'db');
			const now = await statusNow(w, 102);
			assert.equal(now.status, 'running', 'status/current is read on the node now');

			// A snapshot locks the config at once; tags are config too: both show before the broadcast.
			const snapshot = await w.api('POST', `${CT}/102/snapshot`, {form: {snapname: 'pre'}});
			assert.equal(snapshot.status, 200);
			w.sim.state.guests.get(102)!.config.tags = 'db;prod';
			const locked = await resource(w, 102);
			assert.deepEqual([locked.lock, locked.tags, locked.status], ['snapshot', 'db;prod', 'stopped']);

			await w.advance(untilBroadcast(w, 'pve1') - 1);
			assert.equal((await resource(w, 102)).status, 'stopped', '1 ms before the broadcast');
			await w.advance(1);
			const fresh = await resource(w, 102);
			assert.equal(fresh.status, 'running', 'the broadcast carries the start');
			assert.ok((fresh.uptime as number) > 0, `uptime as of the broadcast, got ${fresh.uptime}`);
		}));

	it('a stopped guest keeps its last broadcast figures (running, uptime, cpu) until its own node broadcasts', () =>
		withWriteSim(async (w) => {
			await justAfterBroadcast(w, 'pve2');
			const before = await resource(w, 103);
			const nodeBefore = await nodeEntry(w, 'pve2');
			assert.equal(before.status, 'running');
			const stop = await w.api('POST', '/nodes/pve2/lxc/103/status/stop');
			assert.equal((await w.finish(stop.json.data as string)).exitstatus, 'OK');
			assert.equal((await statusNow(w, 103)).status, 'stopped');
			const stale = await resource(w, 103);
			assert.deepEqual([stale.status, stale.uptime, stale.cpu, stale.mem], [before.status, before.uptime, before.cpu, before.mem]);
			// The node's own figures come from the same broadcast: they still count the guest's memory.
			assert.equal((await nodeEntry(w, 'pve2')).mem, nodeBefore.mem);
			// pve1's broadcast comes at another moment and does not carry pve2's guests.
			assert.notEqual(untilBroadcast(w, 'pve1'), untilBroadcast(w, 'pve2'));
			await w.advance(untilBroadcast(w, 'pve2'));
			const fresh = await resource(w, 103);
			assert.deepEqual([fresh.status, fresh.uptime, fresh.cpu, fresh.mem], ['stopped', 0, 0, 0]);
		}));

	it("a node's memory in an answer is 1.5 GiB plus what its guests' entries in the same answer list, also while a stop is not broadcast yet", () =>
		withWriteSim(async (w) => {
			const agree = async (when: string) => {
				const entries = (await w.api('GET', '/cluster/resources')).json.data as Array<Record<string, unknown>>;
				const nodes = entries.filter((e) => e.type === 'node' && e.status === 'online');
				assert.ok(nodes.length >= 2, when);
				for (const node of nodes) {
					const guests = entries.filter((e) => (e.type === 'lxc' || e.type === 'qemu') && e.node === node.node);
					const sum = guests.reduce((total, e) => total + ((e.mem as number | undefined) ?? 0), 0);
					const expected = Math.floor(Math.min(1.5 * 1024 ** 3 + sum, (node.maxmem as number) * 0.98));
					assert.equal(node.mem, expected, `${when}: ${String(node.node)} over ${guests.length} guests`);
				}
			};
			await justAfterBroadcast(w, 'pve2');
			await agree('after a broadcast');
			const stop = await w.api('POST', '/nodes/pve2/lxc/103/status/stop');
			assert.equal((await w.finish(stop.json.data as string)).exitstatus, 'OK');
			assert.ok(((await resource(w, 103)).mem as number) > 0, 'the stop is not broadcast yet');
			await agree('before the stop is broadcast');
			await w.advance(untilBroadcast(w, 'pve2'));
			assert.equal((await resource(w, 103)).mem, 0);
			await agree('once the stop is broadcast');
		}));

	it('a start and a stop inside one cycle never show; across a broadcast each shows at its own', () =>
		withWriteSim(async (w) => {
			await justAfterBroadcast(w, 'pve1');
			const cycleStart = w.clock.now();
			await w.finish((await w.api('POST', `${CT}/102/status/start`)).json.data as string);
			await w.finish((await w.api('POST', `${CT}/102/status/stop`)).json.data as string);
			assert.ok(w.clock.now() - cycleStart < PVESTATD_STEP_MS - 1, 'both inside one cycle');
			assert.equal((await statusNow(w, 102)).status, 'stopped');
			await w.advance(untilBroadcast(w, 'pve1'));
			assert.equal((await resource(w, 102)).status, 'stopped', 'the broadcast saw it stopped again');
			await w.finish((await w.api('POST', `${CT}/102/status/start`)).json.data as string);
			await w.advance(untilBroadcast(w, 'pve1'));
			assert.equal((await resource(w, 102)).status, 'running');
			await w.finish((await w.api('POST', `${CT}/102/status/stop`)).json.data as string);
			assert.equal((await resource(w, 102)).status, 'running', 'the stop is not broadcast yet');
			await w.advance(untilBroadcast(w, 'pve1'));
			assert.equal((await resource(w, 102)).status, 'stopped');
		}));

	it('a guest created since the last broadcast is listed at once with status unknown and no figures (extract_vm_stats without an RRD entry)', () => {
		const fixture = miniFixture();
		fixture.backups = {jobs: [], archives: [{storage: 'local', node: 'pve1', vmid: 102, ago: 86_400, size: 900_000_000}]};
		return withWriteSim(async (w) => {
			await justAfterBroadcast(w, 'pve1');
			const [archive] = (await w.api('GET', '/nodes/pve1/storage/local/content?content=backup')).json.data as Array<{volid: string}>;
			const restore = await w.api('POST', '/nodes/pve1/lxc', {form: {vmid: '100', ostemplate: archive!.volid, restore: '1', storage: 'local'}});
			assert.equal(restore.status, 200, `${restore.status} ${restore.reason}`);
			assert.deepEqual(await resource(w, 100), {id: 'lxc/100', type: 'lxc', vmid: 100, node: 'pve1', status: 'unknown', lock: 'create'});
			assert.equal((await w.finish(restore.json.data as string)).exitstatus, 'OK');
			await w.advance(untilBroadcast(w, 'pve1'));
			const listed = await resource(w, 100);
			assert.deepEqual([listed.status, listed.name, listed.lock], ['stopped', 'db', undefined]);
			assert.ok((listed.maxmem as number) > 0);
		}, fixture);
	});
});
