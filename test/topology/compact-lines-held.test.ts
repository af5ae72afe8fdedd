// The deck's compact topology pane needs the topology, not the full view's
// lines (one per NIC, each with its filter): at 10,000 guests those were
// ~3.5 MB held while only the compact pane was on screen (issue 12). Its own
// file: the view's line cache is per process.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {NetworkIface} from '../../source/store/screen-types.js';
import {createAppStore} from '../../source/store/store.js';
import {listNics} from '../../source/util/pve-config.js';
import {selectCompactTopology} from '../../views/deck/compact-lines.js';
import {selectTopologyView, topologyLinesHeld} from '../../views/topology-lines.js';
import {fixtureNamed, guestRowsOf, nodeSummariesOf} from './fixture-input.js';

test('the compact pane builds no full-view lines, and its problem lines are the full view\'s word for word', () => {
	const fixture = fixtureNamed('homelab');
	const store = createAppStore({target: 'sim', demo: true, readOnly: false});
	store.getState().actions.fleetReceived({guests: guestRowsOf(fixture).map((r) => (r.vmid === 300 ? {...r, status: 'stopped'} : r)), nodes: nodeSummariesOf(fixture), receivedAt: 1_000_000});
	store.getState().actions.topologyNics(fixture.guests.map((g) => [g.vmid, listNics(g.config as Record<string, unknown>, g.type)]), undefined);
	store.getState().actions.topologyNetworks(new Map(fixture.nodes.map((n) => [n.name, n.network as NetworkIface[]])), new Map(), 1_000_000);

	const compact = selectCompactTopology(store.getState());
	assert.match(compact.map((l) => l.text).join('\n'), /gateway 300 wireguard .* is stopped — cuts off 105 prowlarr, 106 qbittorrent/);
	assert.equal(topologyLinesHeld(), 0, 'no full-view line was built for the compact pane');

	const {topology, lines} = selectTopologyView(store.getState());
	assert.ok(topologyLinesHeld() > topology.anomalies.length + 10, 'the full view builds its lines when asked');
	assert.deepEqual(
		compact.slice(0, 1 + topology.anomalies.length).map((l) => l.text),
		lines.slice(0, 1 + topology.anomalies.length).map((l) => l.text),
	);
});
