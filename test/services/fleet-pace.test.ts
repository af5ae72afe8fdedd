// A large fleet is read less often: the configured refresh up to ~2,000
// entries, then a millisecond per entry, up to 8 s (fleet-pace.ts).

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {fleetIntervalMs, STRETCH_LIMIT_MS} from '../../source/services/fleet-pace.js';
import {createFleetService} from '../../source/services/fleet-service.js';
import type {FleetSource} from '../../source/services/fleet-source.js';
import type {GuestRow} from '../../source/store/types.js';
import {createAppStore} from '../../source/store/store.js';
import {cleanup} from 'ink-testing-library';
import {homelabGuests, snapshot} from '../views/data.js';
import {plain} from '../views/harness.js';
import {renderApp} from '../views/render.js';

describe('fleet pace', () => {
	it('keeps the configured refresh for a fleet of up to refresh-ms entries', () => {
		assert.equal(fleetIntervalMs(2000, 0), 2000);
		assert.equal(fleetIntervalMs(2000, 28), 2000);
		assert.equal(fleetIntervalMs(2000, 2000), 2000);
	});

	it('stretches with the fleet, up to the limit', () => {
		assert.equal(fleetIntervalMs(2000, 5000), 5000);
		assert.equal(fleetIntervalMs(2000, 10_032), STRETCH_LIMIT_MS);
		assert.ok(STRETCH_LIMIT_MS < 10_000, 'below the header\'s "live" mark');
	});

	it('never shortens a refresh configured longer than the limit', () => {
		assert.equal(fleetIntervalMs(30_000, 10_000), 30_000);
	});

	it("spaces the fleet service's polls by the last answer's size", async () => {
		const store = createAppStore({target: 'test', demo: false, readOnly: false});
		let size = 0;
		const polledAt: number[] = [];
		const row = (vmid: number) => ({vmid, kind: 'lxc', name: `ct${vmid}`, node: 'pve', status: 'running', cpu: 0, maxcpu: 1, mem: 0, maxmem: 1, disk: 0, maxdisk: 1, uptime: 1, netin: 0, netout: 0, tags: [], template: false}) as GuestRow;
		const source: FleetSource = {
			async fetchFleet() {
				polledAt.push(performance.now());
				return {guests: Array.from({length: size}, (_, i) => row(100 + i)), nodes: [], receivedAt: Date.now()};
			},
		};
		const gaps = async (guests: number, polls: number): Promise<number[]> => {
			size = guests;
			polledAt.length = 0;
			const service = createFleetService({source, store, refreshMs: 20});
			service.start();
			while (polledAt.length < polls) await new Promise((resolve) => setTimeout(resolve, 5));
			service.stop();
			return polledAt.slice(1).map((at, i) => at - polledAt[i]!);
		};
		const small = await gaps(3, 4);
		assert.ok(Math.max(...small) < 90, `3 guests follow the 20 ms refresh: ${small.map(Math.round)}`);
		assert.equal(store.getState().connection.readEveryMs, undefined, 'read at the refresh: nothing to say');
		const large = await gaps(150, 3);
		assert.ok(Math.min(...large) >= 145, `150 guests are read 150 ms apart: ${large.map(Math.round)}`);
		assert.equal(store.getState().connection.readEveryMs, 150, 'the header is told');
	});

	it('the header says how often a large fleet is read', async () => {
		const store = createAppStore({target: 'test', demo: false, readOnly: false});
		store.getState().actions.fleetReceived({...snapshot(homelabGuests()), readEveryMs: 8000});
		const app = await renderApp(store, {size: {columns: 160, rows: 30}});
		try {
			assert.match(plain(app.lastFrame()!).split('\n').slice(0, 2).join('\n'), / · read every 8s/);
			store.getState().actions.fleetReceived(snapshot(homelabGuests()));
			await new Promise((resolve) => setTimeout(resolve, 50));
			assert.doesNotMatch(plain(app.lastFrame()!), /read every/);
		} finally {
			cleanup();
		}
	});
});
