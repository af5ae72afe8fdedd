// The topology screen as a flat list of lines (problems first, then the tree
// per node), each with the tone it is drawn in and what enter does on it.
// Pure and memoised on the store inputs, so the key handler and the view
// agree on which line the cursor is on.

import {createTopologyMemo} from '../source/services/topology/memo.js';
import {addressOf, flatten, type Anomaly, type Severity, type TopoBridge, type TopoEntry, type TopoNode, type Topology} from '../source/services/topology/model.js';
import type {VmidFilter} from '../source/store/screen-types.js';
import type {AppState} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import type {Tone} from './theme.js';

export interface TopoLine {
	text: string;
	tone?: Tone;
	bold?: boolean;
	/** Enter on this line shows the fleet filtered to these guests. */
	filter?: VmidFilter;
}

const SEVERITY_MARK: Record<Severity, {mark: string; tone: Tone}> = {
	error: {mark: '✗', tone: 'danger'},
	warn: {mark: '!', tone: 'warn'},
	info: {mark: 'i', tone: 'muted'},
};

function anomalyLine(a: Anomaly): TopoLine {
	const {mark, tone} = SEVERITY_MARK[a.severity];
	return {text: `${mark} ${sanitize(a.text)}`, tone, filter: a.vmids.length > 0 ? {label: `problem: ${a.kind}`, vmids: new Set(a.vmids)} : undefined};
}

function nodeLine(node: TopoNode): TopoLine {
	const name = sanitize(node.name);
	if (!node.networkKnown) {
		const why = node.error ? sanitize(node.error) : node.online ? 'network not read yet' : `${node.online ? 'online' : 'offline'}: network not read`;
		return {text: `▾ node ${name}  ${why}`, tone: node.online ? 'muted' : 'warn', bold: true};
	}
	const uplink = node.uplink
		? `uplink ${sanitize(node.uplink.gateway)} via ${sanitize(node.uplink.bridge)}${node.uplink.ports.length > 0 ? ` (${sanitize(node.uplink.ports.join(', '))})` : ''}`
		: 'no default gateway';
	return {text: `▾ node ${name}  ${uplink}`, tone: 'accent', bold: true};
}

function bridgeGuests(bridge: TopoBridge): number[] {
	return [...new Set(flatten(bridge.entries).map((e) => e.vmid))];
}

function bridgeLine(node: TopoNode, bridge: TopoBridge, glyph: string): TopoLine {
	const parts = [`  ${glyph} ${sanitize(bridge.name)}`];
	let tone: Tone | undefined;
	if (bridge.exists === false) {
		parts.push(`MISSING on ${sanitize(node.name)}`);
		tone = 'danger';
	} else {
		if (bridge.cidr) parts.push(sanitize(bridge.cidr));
		if (bridge.exists === true) {
			parts.push(bridge.ports.length > 0 ? `ports ${sanitize(bridge.ports.join(', '))}` : 'no port');
			parts.push(bridge.active ? 'active' : 'DOWN');
			parts.push(bridge.autostart ? 'autostart' : 'no autostart');
			if (!bridge.active) tone = 'danger';
		}
		if (bridge.vlanAware) parts.push('VLAN-aware');
	}
	const count = bridgeGuests(bridge).length;
	parts.push(`· ${count} guest${count === 1 ? '' : 's'}`);
	return {text: parts.join('  '), tone, bold: true, filter: {label: `bridge ${node.name}/${bridge.name}`, vmids: new Set(bridgeGuests(bridge))}};
}

/** `branch`: the tree drawing before the guest, e.g. "  │  ├" or "  │  │  └". */
function entryLine(node: TopoNode, bridge: TopoBridge, e: TopoEntry, branch: string): TopoLine {
	const parts = [`${branch} ${e.vmid} ${sanitize(e.name)}`];
	parts.push(e.nic.ip ? sanitize(e.nic.ip) : 'no ip');
	if (e.nic.tag !== undefined) parts.push(`tag ${e.nic.tag}`);
	parts.push(e.nic.firewall ? 'fw on' : 'fw off');
	parts.push(e.status);
	let tone: Tone | undefined = e.status === 'running' ? undefined : 'muted';
	const gateway = e.dependents.length > 0;
	if (gateway) {
		parts.push(`GATEWAY ${addressOf(e.nic.ip) ?? ''} of ${e.dependents.length}`);
		if (e.status !== 'running') tone = 'danger';
	}
	const flags: string[] = [];
	if (e.cutOff) flags.push('CUT OFF');
	if (e.duplicateIp) flags.push('DUPLICATE IP');
	if (e.duplicateMac) flags.push('DUPLICATE MAC');
	if (flags.length > 0) {
		parts.push(flags.join(' '));
		tone = 'danger';
	} else if (!e.nic.firewall && tone === undefined) {
		tone = 'warn';
	}
	const filter: VmidFilter = gateway
		? {label: `gateway ${e.vmid} ${e.name} on ${node.name}/${bridge.name}`, vmids: new Set([e.vmid, ...flatten(e.dependents).map((d) => d.vmid)])}
		: {label: `guest ${e.vmid}`, vmids: new Set([e.vmid])};
	return {text: parts.join('  '), tone, bold: gateway, filter};
}

/** The topology's problems: its findings but the notes (info). The pane's title and the list's heading both count these. */
export function topologyProblemCount(topology: Topology): number {
	return topology.anomalies.filter((a) => a.severity !== 'info').length;
}

/** The heading and one line per problem: the first lines of the full view, and all the compact pane takes from it. */
export function problemLines(topology: Topology): TopoLine[] {
	const problems = topologyProblemCount(topology);
	// "Network": beside the header's counts of every problem, a bare "No problems found" read as a contradiction.
	return [{text: problems > 0 ? `Network problems (${problems})` : 'No network problems found', tone: problems > 0 ? 'danger' : 'ok', bold: true}, ...topology.anomalies.map(anomalyLine)];
}

/** The lines of one topology: problems, then each node's tree. */
export function topologyLines(topology: Topology): TopoLine[] {
	const lines = problemLines(topology);
	// A tree drawn as `tree` does: ├ for a child with siblings after it, └ for the
	// last one, │ continuing the line of an ancestor that has more children below.
	for (const node of topology.nodes) {
		lines.push(nodeLine(node));
		node.bridges.forEach((bridge, b) => {
			const lastBridge = b === node.bridges.length - 1;
			lines.push(bridgeLine(node, bridge, lastBridge ? '└' : '├'));
			const walk = (e: TopoEntry, prefix: string, last: boolean) => {
				lines.push(entryLine(node, bridge, e, `${prefix}${last ? '└' : '├'}`));
				const below = `${prefix}${last ? '   ' : '│  '}`;
				e.dependents.forEach((d, i) => walk(d, below, i === e.dependents.length - 1));
			};
			const base = `  ${lastBridge ? '   ' : '│  '}`;
			bridge.entries.forEach((e, i) => walk(e, base, i === bridge.entries.length - 1));
		});
	}
	return lines;
}

const paneTopology = createTopologyMemo();
let cache: {topology: Topology; lines: TopoLine[]} | undefined;

/** The topology for the current store state (rebuilt only when what it draws changed: services/topology/memo.ts). */
export function selectTopology(state: AppState): Topology {
	return paneTopology({
		nodes: state.nodes,
		guests: state.guests,
		nics: state.nics,
		networks: state.topology.networks,
		networkErrors: state.topology.networkErrors,
	});
}

/**
 * Topology and the full view's lines, built only when asked for: the deck's
 * compact pane needs the topology alone, and at 10,000 guests the lines (one
 * per NIC, each with its filter) were ~3.5 MB held for a view not on screen
 * (issue 12).
 */
export function selectTopologyView(state: AppState): {topology: Topology; lines: TopoLine[]} {
	const topology = selectTopology(state);
	if (cache?.topology !== topology) cache = {topology, lines: topologyLines(topology)};
	return cache;
}

/** Whether the full view's lines are held (tests). */
export function topologyLinesHeld(): number {
	return cache?.lines.length ?? 0;
}
