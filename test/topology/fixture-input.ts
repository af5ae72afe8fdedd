// Topology inputs straight from a simulator fixture: the rows, NICs and
// network configs the services would have put in the store.

import type {Fixture} from '../../source/sim/fixture-types.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import type {TopologyInput} from '../../source/services/topology/model.js';
import type {NetworkIface} from '../../source/store/screen-types.js';
import type {GuestNic, GuestRow, NodeSummary} from '../../source/store/types.js';
import {listNics} from '../../source/util/pve-config.js';

export function fixtureNamed(name: 'homelab' | 'cluster'): Fixture {
	return loadFixture(BUILTIN_FIXTURES[name]);
}

export function guestRowsOf(fixture: Fixture): GuestRow[] {
	return fixture.guests.map((g) => ({
		vmid: g.vmid,
		kind: g.type,
		name: String(g.config.hostname ?? g.config.name ?? `guest-${g.vmid}`),
		node: g.node,
		status: g.status,
		cpu: 0,
		maxcpu: 1,
		mem: 0,
		maxmem: 1,
		disk: 0,
		maxdisk: 1,
		uptime: 0,
		netin: 0,
		netout: 0,
		tags: [],
		template: false,
	}));
}

export function nodeSummariesOf(fixture: Fixture): NodeSummary[] {
	return fixture.nodes.map((n) => ({name: n.name, status: n.online ? 'online' : 'offline', cpu: 0, maxcpu: 1, mem: 0, maxmem: 1, uptime: 0}));
}

export function topologyInputOf(fixture: Fixture): TopologyInput {
	const nics = new Map<number, GuestNic[]>(fixture.guests.map((g) => [g.vmid, listNics(g.config as Record<string, unknown>, g.type)]));
	const networks = new Map<string, NetworkIface[]>(fixture.nodes.filter((n) => n.online).map((n) => [n.name, n.network as NetworkIface[]]));
	return {nodes: nodeSummariesOf(fixture), guests: new Map(guestRowsOf(fixture).map((r) => [r.vmid, r])), nics, networks};
}
