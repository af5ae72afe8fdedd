// Metric drift: deterministic from seed + vmid + clock, bounded, visible.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {DRIFT_STEP_MS, guestMetrics, nodeMetrics, PVESTATD_STEP_MS, pvestatdPhase} from '../../source/sim/drift.js';
import {guestListEntry, guestResource} from '../../source/sim/guest-view.js';
import {guestSizes} from '../../source/sim/sizes.js';
import {buildState} from '../../source/sim/state.js';
import {fakeClock, miniFixture} from './helpers.js';

function stateAt(seed?: number) {
	const clock = fakeClock();
	const fixture = miniFixture();
	if (seed !== undefined) fixture.seed = seed;
	return {clock, state: buildState(fixture, {clock: clock.now, taskSpeed: 1, fingerprint: 'AA'})};
}

describe('metric drift', () => {
	it('gives the same numbers for the same seed and clock', () => {
		const a = stateAt();
		const b = stateAt();
		a.clock.advance(12_345);
		b.clock.advance(12_345);
		for (const vmid of [101, 103, 200]) assert.deepEqual(guestMetrics(a.state, a.state.guests.get(vmid)!), guestMetrics(b.state, b.state.guests.get(vmid)!));
		assert.deepEqual(nodeMetrics(a.state, a.state.nodes.get('pve1')!), nodeMetrics(b.state, b.state.nodes.get('pve1')!));
	});

	it('differs with another seed', () => {
		const a = stateAt(1);
		const b = stateAt(2);
		assert.notDeepEqual(guestMetrics(a.state, a.state.guests.get(101)!).cpu, guestMetrics(b.state, b.state.guests.get(101)!).cpu);
	});

	it('moves cpu and mem every step while keeping mem within 0..maxmem and counters growing', () => {
		const {clock, state} = stateAt();
		const guest = state.guests.get(101)!;
		const maxmem = guestSizes(state, guest).maxmem;
		const cpus = new Set<number>();
		let previous = guestMetrics(state, guest);
		for (let i = 0; i < 30; i++) {
			clock.advance(DRIFT_STEP_MS);
			const m = guestMetrics(state, guest);
			cpus.add(m.cpu);
			assert.ok(m.mem > 0 && m.mem <= maxmem, `mem ${m.mem}`);
			assert.ok(m.cpu >= 0 && m.cpu <= 1);
			assert.ok(m.netin > previous.netin && m.diskwrite > previous.diskwrite, 'counters grow');
			assert.equal(m.uptime, previous.uptime + DRIFT_STEP_MS / 1000);
			previous = m;
		}
		assert.ok(cpus.size > 20, `cpu took ${cpus.size} distinct values`);
	});

	it('never exceeds maxmem even at full usage', () => {
		const {clock, state} = stateAt();
		const guest = state.guests.get(101)!;
		guest.usage.mem = 1;
		for (let i = 0; i < 50; i++) {
			clock.advance(DRIFT_STEP_MS);
			assert.ok(guestMetrics(state, guest).mem <= guestSizes(state, guest).maxmem);
		}
	});

	it('reports zeros for a stopped guest', () => {
		const {state} = stateAt();
		const m = guestMetrics(state, state.guests.get(102)!);
		assert.deepEqual({cpu: m.cpu, mem: m.mem, uptime: m.uptime, netin: m.netin}, {cpu: 0, mem: 0, uptime: 0, netin: 0});
	});

	it('keeps node memory under physical memory and uptime growing with the clock', () => {
		const {clock, state} = stateAt();
		const node = state.nodes.get('pve2')!;
		const before = nodeMetrics(state, node);
		clock.advance(60_000);
		const later = nodeMetrics(state, node);
		assert.equal(later.uptime, before.uptime + 60);
		assert.ok(later.mem < node.memory);
		assert.match(later.loadavg[0], /^\d+\.\d\d$/);
	});

	it('moves /cluster/resources figures only when pvestatd broadcasts (every 10 s), status/current every step', () => {
		const {clock, state} = stateAt();
		const guest = state.guests.get(101)!;
		// Start at this node's broadcast so the next four 2 s steps stay inside one 10 s cycle.
		const phase = pvestatdPhase(state, guest.node);
		clock.advance(PVESTATD_STEP_MS - ((clock.now() - phase) % PVESTATD_STEP_MS));
		const cycleStart = guestResource(state, guest);
		const live = new Set<number>();
		for (let step = 1; step < PVESTATD_STEP_MS / DRIFT_STEP_MS; step++) {
			clock.advance(DRIFT_STEP_MS);
			assert.deepEqual(guestResource(state, guest), cycleStart, `resources unchanged ${step * DRIFT_STEP_MS} ms into the cycle`);
			live.add(guestListEntry(state, guest).uptime as number);
		}
		assert.equal(live.size, PVESTATD_STEP_MS / DRIFT_STEP_MS - 1, 'status/current reads the guest now');
		clock.advance(DRIFT_STEP_MS);
		const next = guestResource(state, guest);
		assert.equal(next.uptime, (cycleStart.uptime as number) + PVESTATD_STEP_MS / 1000);
		assert.notEqual(next.cpu, cycleStart.cpu);
	});

	it("moves each node's guests at that node's own pvestatd moment, not all at once", () => {
		const {clock, state} = stateAt();
		const byNode = new Map<string, number>();
		for (const guest of state.guests.values()) if (guest.status === 'running' && !byNode.has(guest.node)) byNode.set(guest.node, guest.vmid);
		assert.ok(byNode.size >= 2, 'the fixture has running guests on two nodes');
		// Step 1 s through one cycle and note when each node's guest changes in /cluster/resources.
		const changedAt = new Map<string, number[]>();
		let last = new Map([...byNode].map(([node, vmid]) => [node, JSON.stringify(guestResource(state, state.guests.get(vmid)!))]));
		for (let second = 1; second <= PVESTATD_STEP_MS / 1000; second++) {
			clock.advance(1000);
			const now = new Map([...byNode].map(([node, vmid]) => [node, JSON.stringify(guestResource(state, state.guests.get(vmid)!))]));
			for (const [node, text] of now) if (text !== last.get(node)) changedAt.set(node, [...(changedAt.get(node) ?? []), second]);
			last = now;
		}
		const moments = [...changedAt.values()];
		assert.equal(moments.length, byNode.size, 'every node broadcast once in 10 s');
		for (const m of moments) assert.equal(m.length, 1, 'once per cycle');
		assert.equal(new Set(moments.map((m) => m[0])).size, byNode.size, `at different moments: ${JSON.stringify([...changedAt])}`);
	});
});
