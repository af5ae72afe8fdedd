// A topology is rebuilt only when something it is drawn from changed: the
// nodes' names and states, the guests' names, nodes, states and templates,
// the NICs, the node networks. A fleet poll changes CPU and memory figures
// on every row, which a topology does not show — so at 10,000 guests an idle
// poll costs one pass comparing rows, not a rebuild (measured 2.3 s of CPU
// per 30 s before, in two builders: the topology pane and the problem rules).

import {fleetShape} from '../../store/guest-shape.js';
import type {NodeSummary} from '../../store/types.js';
import {buildTopology, type Topology, type TopologyInput} from './model.js';

function sameNodes(a: readonly NodeSummary[], b: readonly NodeSummary[]): boolean {
	return a === b || (a.length === b.length && a.every((n, i) => n.name === b[i]!.name && n.status === b[i]!.status));
}

/**
 * One memo per consumer (the topology pane, the problem rules): each keeps its
 * last answer and what it was built from, except the guests Map itself — the
 * shape token stands for it, and holding the Map would keep a whole old
 * generation of rows alive (10,000 rows, ~3 MB, issue 12).
 */
export function createTopologyMemo(): (input: TopologyInput) => Topology {
	let last: {from: Omit<TopologyInput, 'guests'>; shape: object; topology: Topology} | undefined;
	return (input) => {
		const shape = fleetShape(input.guests);
		if (
			last &&
			last.from.nics === input.nics &&
			last.from.networks === input.networks &&
			last.from.networkErrors === input.networkErrors &&
			sameNodes(last.from.nodes, input.nodes) &&
			last.shape === shape
		) {
			return last.topology;
		}
		const {guests: _guests, ...from} = input;
		last = {from, shape, topology: buildTopology(input)};
		return last.topology;
	};
}
