// The nodes pane's keys: move between nodes, Enter shows the node's guests in
// the fleet, d (and ctrl+t anywhere on the deck) switches the pulses between
// the last hour and the last day.

import type {AppState} from '../../source/store/types.js';
import {paneNodes} from './nodes-pane.js';

type Handler = (state: AppState) => void;

/** ctrl+t / d: hour ↔ day for every sparkline (nodes pane and the guest's detail). */
/** Switches every sparkline between the last hour and the last day, and says so (the pane with the keys may show none). */
export function toggleTimeframe(state: AppState, say?: (text: string) => void): void {
	const next = state.nodeHealth.timeframe === 'hour' ? 'day' : 'hour';
	state.actions.setPulseTimeframe(next);
	say?.(`sparklines: the last ${next} (nodes pane, a guest's detail)`);
}

function openNode(state: AppState): void {
	const node = paneNodes(state)[state.nodeHealth.cursor];
	if (!node) return;
	const vmids = [...state.guests.values()].filter((g) => g.node === node.name).map((g) => g.vmid);
	state.actions.filterFleetTo({label: `node ${node.name}`, vmids: new Set(vmids)});
}

const BIG = 1_000_000;

export const NODE_HANDLERS: Record<string, Handler> = {
	'nodes.down': (s) => s.actions.nodesMove(1, paneNodes(s).length),
	'nodes.up': (s) => s.actions.nodesMove(-1, paneNodes(s).length),
	'nodes.top': (s) => s.actions.nodesMove(-BIG, paneNodes(s).length),
	'nodes.bottom': (s) => s.actions.nodesMove(BIG, paneNodes(s).length),
	'nodes.open': openNode,
	'pulses.timeframe': toggleTimeframe,
	'deck.back': (s) => s.actions.deckBack(),
};
