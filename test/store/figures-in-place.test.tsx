// A poll that moves only guests' figures (every pvestatd cycle, for every
// running guest) keeps each row's object and writes the new figures into it
// (GuestRow, types.ts; issue 12). What a user sees must not notice: the
// table shows the new figures, a sort by CPU follows them, the problem rules
// see a guest cross 90 %, a guest on an offline node keeps its last known
// ones, and a row shown from a read after an action moves again once the
// poll is the truth.

import '../views/force-color.js';
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {createResourceReader} from '../../source/services/fleet-mapping.js';
import {createProblemsService} from '../../source/services/problems/problems-service.js';
import {createAppStore} from '../../source/store/store.js';
import type {FleetSnapshot, GuestRow, NodeSummary} from '../../source/store/types.js';
import {plain, settle, tableRows, waitForFrame} from '../views/harness.js';
import {NOW, renderApp} from '../views/render.js';

afterEach(() => cleanup());

const MiB = 1024 * 1024;
const NODES: NodeSummary[] = [{name: 'pve1', status: 'online', cpu: 0.1, maxcpu: 8, mem: 1024 * MiB, maxmem: 8192 * MiB, uptime: 1000}];

/** A /cluster/resources guest entry as pveproxy sends it. */
function entry(vmid: number, over: Record<string, unknown> = {}): Record<string, unknown> {
	return {id: `lxc/${vmid}`, type: 'lxc', vmid, node: 'pve1', name: `web${vmid}`, status: 'running', cpu: 0.05, maxcpu: 2, mem: 256 * MiB, maxmem: 1024 * MiB, disk: 100 * MiB, maxdisk: 1024 * MiB, uptime: 3600, netin: 1000, netout: 2000, ...over};
}

/** Reads one answer as the fleet source does: the last read's rows are the reader's previous. */
function reader() {
	let previous: GuestRow[] = [];
	return (entries: Array<Record<string, unknown>>, receivedAt: number): FleetSnapshot => {
		const read = createResourceReader(previous);
		for (const e of entries) read.add(e);
		const {guests, figures} = read.finish();
		previous = guests;
		return {guests, figures, nodes: NODES, receivedAt};
	};
}

test('a poll that moves only figures keeps the row objects, writes the figures into them, and the table shows them', async () => {
	const store = createAppStore({target: 'sim', demo: true, readOnly: false});
	const read = reader();
	const a = store.getState().actions;
	a.fleetReceived(read([entry(101, {cpu: 0.05}), entry(102, {cpu: 0.1})], NOW - 2000));
	const app = await renderApp(store, {size: {columns: 160, rows: 30}, layout: 'fleet'});
	await waitForFrame(app, (f) => tableRows(f).length === 2);
	const rowBefore = store.getState().guests.get(101)!;
	const mapBefore = store.getState().guests;
	const seqBefore = store.getState().figuresSeq;
	assert.match(tableRows(app.lastFrame()!).find((l) => l.includes('web101'))!, / 5%/);

	a.fleetReceived(read([entry(101, {cpu: 0.73, mem: 900 * MiB, uptime: 3610}), entry(102, {cpu: 0.1})], NOW - 1000));
	await settle();
	const state = store.getState();
	assert.equal(state.guests.get(101), rowBefore, 'the same row object');
	assert.equal(rowBefore.cpu, 0.73, 'its figures written in');
	assert.equal(rowBefore.mem, 900 * MiB);
	assert.notEqual(state.guests, mapBefore, 'a new map: what is keyed on it reads the new figures');
	assert.equal(state.figuresSeq, seqBefore + 1);
	const line = tableRows(app.lastFrame()!).find((l) => l.includes('web101'))!;
	assert.match(line, /73%/, `the table shows the new CPU: ${line}`);
	assert.match(line, /87%/, `and the new memory (900 of 1024 MiB, 87.9 %: a percentage prints as its floor): ${line}`);

	// A poll that moves nothing changes nothing: same map, same count.
	const unchanged = store.getState();
	a.fleetReceived(read([entry(101, {cpu: 0.73, mem: 900 * MiB, uptime: 3610}), entry(102, {cpu: 0.1})], NOW));
	assert.equal(store.getState().guests, unchanged.guests);
	assert.equal(store.getState().figuresSeq, unchanged.figuresSeq);
});

test('a row whose state changes is a new object; its figures come with it', () => {
	const store = createAppStore({target: 'sim', demo: true, readOnly: false});
	const read = reader();
	const a = store.getState().actions;
	a.fleetReceived(read([entry(101)], NOW - 2000));
	const before = store.getState().guests.get(101)!;
	a.fleetReceived(read([entry(101, {status: 'stopped', cpu: 0, mem: 0, uptime: 0})], NOW - 1000));
	const after = store.getState().guests.get(101)!;
	assert.notEqual(after, before);
	assert.equal(after.status, 'stopped');
	assert.equal(after.uptime, 0);
	assert.equal(before.status, 'running', 'the old row is not changed');
	assert.equal(before.uptime, 3600, 'not even its figures');
});

test('sorted by CPU, the table follows figures that moved in place', async () => {
	const store = createAppStore({target: 'sim', demo: true, readOnly: false});
	const read = reader();
	const a = store.getState().actions;
	a.fleetReceived(read([entry(101, {cpu: 0.9}), entry(102, {cpu: 0.2}), entry(103, {cpu: 0.5})], NOW - 2000));
	a.setSort('cpu');
	const app = await renderApp(store, {size: {columns: 160, rows: 30}, layout: 'fleet'});
	const order = () => tableRows(app.lastFrame()!).map((l) => l.match(/web(\d+)/)?.[1]);
	await waitForFrame(app, (f) => tableRows(f).length === 3);
	assert.deepEqual(order(), ['101', '103', '102']);
	a.fleetReceived(read([entry(101, {cpu: 0.1}), entry(102, {cpu: 0.8}), entry(103, {cpu: 0.5})], NOW - 1000));
	await settle();
	assert.deepEqual(order(), ['102', '103', '101'], plain(app.lastFrame()!));
});

test('a guest on a node gone offline keeps its last known figures, not the zeros its poll row takes', () => {
	const store = createAppStore({target: 'sim', demo: true, readOnly: false});
	const read = reader();
	const a = store.getState().actions;
	a.fleetReceived(read([entry(101, {cpu: 0.4, mem: 600 * MiB})], NOW - 4000));
	// Proxmox lists a guest of an offline node as unknown, without usage.
	const offline = {status: 'unknown', cpu: undefined, mem: undefined, disk: undefined, uptime: undefined, netin: undefined, netout: undefined};
	a.fleetReceived(read([entry(101, offline)], NOW - 2000));
	a.fleetReceived(read([entry(101, offline)], NOW));
	const row = store.getState().guests.get(101)!;
	assert.equal(row.status, 'unknown');
	assert.equal(row.cpu, 0.4);
	assert.equal(row.mem, 600 * MiB);
	assert.equal(row.lastKnown?.status, 'running');
});

test('a row shown from a read after an action moves with the polls again once the hold ends', () => {
	const store = createAppStore({target: 'sim', demo: true, readOnly: false});
	const read = reader();
	const a = store.getState().actions;
	a.fleetReceived(read([entry(101, {status: 'stopped', cpu: 0, uptime: 0})], NOW - 4000));
	// The console started 101; its node says running before the broadcast does.
	a.guestReadAfterAction(101, {status: 'running'}, NOW - 3900);
	assert.equal(store.getState().guests.get(101)!.status, 'running');
	// The broadcast catches up: the poll says running too, and the hold ends. Its
	// row equals the one shown (figures still those of the stopped guest), so only
	// the reader's own row, if held, takes the next polls' figures.
	a.fleetReceived(read([entry(101, {cpu: 0, uptime: 0})], NOW - 2000));
	a.fleetReceived(read([entry(101, {cpu: 0.3, uptime: 20})], NOW - 1000));
	a.fleetReceived(read([entry(101, {cpu: 0.6, uptime: 30})], NOW));
	const row = store.getState().guests.get(101)!;
	assert.equal(row.cpu, 0.6, 'the figures of the last poll');
	assert.equal(row.uptime, 30);
});

test('the problem rules see a guest cross 90 % memory on a poll that moved only figures', async () => {
	const store = createAppStore({target: 'sim', demo: true, readOnly: false});
	const read = reader();
	const a = store.getState().actions;
	a.fleetReceived(read([entry(101, {mem: 512 * MiB}), entry(102)], NOW - 2000));
	// The slow reads (storage, configs, snapshots…) find nothing: only the fleet's own rules speak.
	const api = {request: async () => [] as never};
	const problems = createProblemsService({api, store, clock: () => NOW, evaluateGapMs: 0, slowMs: 3_600_000});
	const memProblem = () => store.getState().problems.list.find((p) => p.id === 'guest-mem:101');
	problems.start();
	try {
		await problems.idle();
		await settle();
		assert.equal(memProblem(), undefined, 'half full: no problem');
		a.fleetReceived(read([entry(101, {mem: 980 * MiB}), entry(102)], NOW - 1000));
		const until = Date.now() + 5000;
		while (!memProblem() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
		assert.match(memProblem()?.text ?? 'none', /web101.*memory 95 %/);
		assert.equal(memProblem()?.level, 'critical');
	} finally {
		problems.stop();
	}
});
