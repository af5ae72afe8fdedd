// Issue 12 (memory flat): a fleet poll replaces every row, so an old guests Map
// must become garbage once the next one is drawn. Whatever keeps one — a pane's
// fiber props holding the state of its last draw, a topology memo holding the
// input it was built from — keeps a whole generation of rows alive (~3 MB per
// generation at 10,000 guests; five were held before this test).

import './production-react.js';
import '../views/force-color.js';
import assert from 'node:assert/strict';
import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {createAppStore} from '../../source/store/store.js';
import type {GuestRow} from '../../source/store/types.js';
import {DEFAULT_THRESHOLDS} from '../../source/services/problems/thresholds.js';
import {evaluateProblems} from '../../source/services/problems/rules.js';
import {emptyFacts} from '../../source/services/problems/types.js';
import {listNics} from '../../source/util/pve-config.js';
import {fixtureNamed, guestRowsOf, nodeSummariesOf} from '../topology/fixture-input.js';
import {settle} from '../views/harness.js';
import {NOW, renderApp} from '../views/render.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

afterEach(() => cleanup());

/** The next poll of an idle fleet: every running guest's CPU moved (new row objects, a new Map). */
function drift(rows: GuestRow[], step: number): GuestRow[] {
	return rows.map((r) => (r.status === 'running' ? {...r, cpu: (r.cpu + 0.013 * step) % 1} : r));
}

test('an old fleet is garbage once newer polls are drawn: no pane, memo or rule keeps its rows', async () => {
	const fixture = fixtureNamed('homelab');
	const store = createAppStore({target: 'sim', demo: true, readOnly: false});
	const rows = guestRowsOf(fixture);
	const nodes = nodeSummariesOf(fixture);
	const a = store.getState().actions;
	// The first poll's rows are its own (the test's `rows` stay referenced here).
	a.fleetReceived({guests: drift(rows, 1), nodes, receivedAt: NOW - 12_000});
	const first = new WeakRef(store.getState().guests);
	const firstRow = new WeakRef([...store.getState().guests.values()].find((r) => r.status === 'running')!);
	a.topologyNics(fixture.guests.map((g) => [g.vmid, listNics(g.config as Record<string, unknown>, g.type)]), undefined);
	// The problem rules as the console runs them: the store's Map passed as byVmid.
	const rules = () => {
		const state = store.getState();
		return evaluateProblems({...emptyFacts(NOW), guests: [...state.guests.values()], byVmid: state.guests, nodes: state.nodes, nics: state.nics}, DEFAULT_THRESHOLDS);
	};
	rules();
	await renderApp(store, {size: {columns: 160, rows: 50}});
	for (let step = 2; step <= 5; step++) {
		a.fleetReceived({guests: drift(rows, step), nodes, receivedAt: NOW - 12_000 + step});
		rules();
		await settle();
	}
	// A WeakRef's target lives to the end of the job that made it: collect from a later one.
	await new Promise((resolve) => setTimeout(resolve, 10));
	gc();
	await new Promise((resolve) => setTimeout(resolve, 10));
	gc();
	assert.equal(first.deref(), undefined, 'the first guests Map is still reachable after four newer polls were drawn');
	assert.equal(firstRow.deref(), undefined, 'a row of the first poll is still reachable');
});
