// The nodes pane (issue 15): each node's health — status, CPU, load average,
// memory, swap, root disk, uptime, PVE and kernel version, pending updates,
// a reboot pending after a kernel upgrade — and its pulses (CPU, memory,
// network in/out, IO wait) drawn from rrddata. Four lines a node when there is
// room, one otherwise. It reports the nodes it draws, so pulses are read for
// those only (services/nodes). Enter shows the node's guests in the fleet.

import React, {useEffect} from 'react';
import type {NodeHealth, NodesState} from '../../source/store/nodes-slice.js';
import type {AppState, NodeSummary} from '../../source/store/types.js';
import {sanitize} from '../../source/util/sanitize.js';
import {clampScroll} from '../../source/store/store.js';
import {formatBytes, formatPercent, formatUptime} from '../format.js';
import {isHot} from '../columns.js';
import {ScrollList, type ListLine} from '../ScrollList.js';
import {formatRate, latest, pulseLine} from '../sparkline.js';
import type {Scope} from '../../keymaps/index.js';
import type {Pane, PaneContext, PaneRenderProps, PaneTitle} from './pane.js';
import {PANE_MIN_SIZE} from './pane-sizes.js';

/** Lines one node takes when there is room for its pulses. */
export const FULL_LINES = 4;

const ratio = (used: number, total: number) => (total > 0 ? used / total : 0);

/** What the pane lists: every node of the cluster, by name (the fleet poll's order). */
export function paneNodes(state: AppState): NodeSummary[] {
	return state.nodes;
}

function guestsOn(state: AppState, node: string): number {
	let n = 0;
	for (const g of state.guests.values()) if (g.node === node) n++;
	return n;
}

/** "5 updates", "reboot pending (6.14.11-1-pve)": the node's maintenance state, or why it is unknown. */
function maintenance(health: NodeHealth): string[] {
	const parts: string[] = [];
	parts.push(health.updates === undefined ? 'updates ?' : health.updates === 0 ? 'up to date' : `${health.updates} update${health.updates === 1 ? '' : 's'}`);
	if (health.rebootKernel) parts.push(`reboot pending (kernel ${health.rebootKernel})`);
	return parts;
}

function headLine(node: NodeSummary, health: NodeHealth | undefined, error: string | undefined, guests: number): ListLine {
	const name = sanitize(node.name);
	if (node.status !== 'online') return {text: `${name}  ${node.status} — ${guests} guest${guests === 1 ? '' : 's'} unknown, their actions disabled`, tone: 'danger', bold: true};
	if (!health) return {text: `${name}  online  ${error ? `status unreadable: ${sanitize(error)}` : 'reading…'}`, tone: error ? 'warn' : undefined, bold: true};
	const parts = [`up ${formatUptime(health.uptime)}`, `PVE ${health.pveVersion || '?'}`, `kernel ${health.kernel || '?'}`, ...maintenance(health)];
	return {text: `${name}  online  ${parts.join(' · ')}`, tone: health.rebootKernel ? 'warn' : undefined, bold: true};
}

/** The four lines of a node with room for its pulses. */
function fullLines(state: AppState, node: NodeSummary, width: number): ListLine[] {
	const n = state.nodeHealth;
	const health = n.health.get(node.name);
	const head = headLine(node, health, n.errors.get(node.name), guestsOn(state, node.name));
	if (node.status !== 'online' || !health) return [head];
	const series = n.pulses.get(`node:${node.name}`);
	const spark = Math.max(8, Math.min(60, width - 44));
	const half = Math.max(6, Math.floor(spark / 2));
	const load = health.loadavg.map((v) => v.toFixed(2)).join(' ');
	return [
		head,
		{text: `  CPU ${formatPercent(health.cpu).padStart(4)} ${pulseLine(series, 'cpu', spark).padEnd(spark)}  load ${load} (${health.cpus} CPUs)`, tone: isHot(health.cpu) ? 'danger' : undefined},
		{
			text: `  MEM ${formatPercent(ratio(health.mem.used, health.mem.total)).padStart(4)} ${pulseLine(series, 'mem', spark).padEnd(spark)}  ${formatBytes(health.mem.used)}/${formatBytes(health.mem.total)} · swap ${formatBytes(health.swap.used)}/${formatBytes(health.swap.total)} · root ${formatPercent(ratio(health.rootfs.used, health.rootfs.total))} of ${formatBytes(health.rootfs.total)}`,
			tone: isHot(ratio(health.mem.used, health.mem.total)) || isHot(ratio(health.rootfs.used, health.rootfs.total)) ? 'danger' : undefined,
		},
		{text: `  NET in ${pulseLine(series, 'netin', half).padEnd(half)} ${formatRate(latest(series, 'netin'))} · out ${pulseLine(series, 'netout', half).padEnd(half)} ${formatRate(latest(series, 'netout'))}${series?.error ? ` · pulses: ${sanitize(series.error)}` : ''}`, tone: series?.error ? 'warn' : undefined},
	];
}

/** One line a node when the pane is short: state, CPU with its sparkline, memory, updates. */
function compactLine(state: AppState, node: NodeSummary, width: number): ListLine {
	const n = state.nodeHealth;
	const health = n.health.get(node.name);
	if (node.status !== 'online' || !health) return headLine(node, health, n.errors.get(node.name), guestsOn(state, node.name));
	const series = n.pulses.get(`node:${node.name}`);
	const spark = Math.max(6, Math.min(30, width - 60));
	const text = [`${sanitize(node.name)} ● CPU ${formatPercent(health.cpu)} ${pulseLine(series, 'cpu', spark)}`, `load ${health.loadavg[0].toFixed(2)}`, `MEM ${formatPercent(ratio(health.mem.used, health.mem.total))}`, ...maintenance(health)].join(' · ');
	return {text, tone: health.rebootKernel ? 'warn' : undefined};
}

export interface NodeLines {
	lines: ListLine[];
	/** The line each node starts at (the cursor sits there). */
	starts: number[];
	nodes: NodeSummary[];
}

/** "cluster prod · quorum OK · HA 7: 6 started, 1 error" — the cluster line over the nodes (a standalone node has none). */
export function clusterLine(state: AppState): ListLine | undefined {
	if (!state.clusterName) return undefined;
	const states = new Map<string, number>();
	for (const g of state.guests.values()) if (g.hastate) states.set(g.hastate, (states.get(g.hastate) ?? 0) + 1);
	const managed = [...states.values()].reduce((a, b) => a + b, 0);
	const ha = managed === 0 ? 'no HA resources' : `HA ${managed}: ${[...states].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${v} ${sanitize(k)}`).join(', ')}`;
	const quorum = state.quorate === false ? 'NO QUORUM — /etc/pve is read-only, nothing can be started or changed' : state.quorate ? 'quorum OK' : 'quorum ?';
	const bad = state.quorate === false || states.has('error') || states.has('fence');
	return {text: `cluster ${sanitize(state.clusterName)} · ${quorum} · ${ha}`, tone: bad ? 'danger' : 'ok'};
}

export function nodeLines(state: AppState, width: number, height: number): NodeLines {
	const nodes = paneNodes(state);
	const cluster = clusterLine(state);
	const full = nodes.length * FULL_LINES + (cluster ? 1 : 0) <= height;
	const lines: ListLine[] = cluster ? [cluster] : [];
	const starts: number[] = [];
	for (const node of nodes) {
		starts.push(lines.length);
		lines.push(...(full ? fullLines(state, node, width) : [compactLine(state, node, width)]));
	}
	return {lines, starts, nodes};
}

/** The nodes whose first line is inside the window that keeps the cursor's node in view. */
export function nodesInView(view: NodeLines, cursor: number, height: number): string[] {
	const at = view.starts[Math.min(cursor, view.starts.length - 1)] ?? 0;
	// As ScrollList scrolls: just enough to keep the cursor's first line on screen.
	const top = clampScroll(0, at, view.lines.length, height);
	return view.nodes.filter((_, i) => view.starts[i]! >= top && view.starts[i]! < top + height).map((n) => n.name);
}

function NodesBody({frame}: {frame: PaneRenderProps}) {
	const {state, width, height, focused} = frame;
	const view = nodeLines(state, width, height);
	const cursor = Math.min(state.nodeHealth.cursor, Math.max(0, view.nodes.length - 1));
	const inView = nodesInView(view, cursor, height);
	const {nodesOnScreen} = state.actions;
	const key = inView.join(',');
	useEffect(() => {
		nodesOnScreen(key === '' ? [] : key.split(','));
	}, [key, nodesOnScreen]);
	if (view.nodes.length === 0) return <ScrollList lines={[{text: state.connection.status === 'connecting' ? 'connecting…' : 'no nodes', tone: 'muted'}]} cursor={undefined} height={height} />;
	return <ScrollList lines={view.lines} cursor={focused ? view.starts[cursor] : undefined} height={height} />;
}

function titleOf(n: NodesState, nodes: NodeSummary[]): string {
	const offline = nodes.filter((x) => x.status !== 'online').length;
	const updates = [...n.health.values()].reduce((sum, h) => sum + (h.updates ?? 0), 0);
	const reboots = [...n.health.values()].filter((h) => h.rebootKernel).length;
	return [
		`${nodes.length - offline}/${nodes.length} online`,
		offline > 0 ? `${offline} offline` : '',
		updates > 0 ? `${updates} updates` : '',
		reboots > 0 ? `${reboots} reboot${reboots === 1 ? '' : 's'} pending` : '',
		`pulses: last ${n.timeframe} (ctrl+t)`,
	]
		.filter(Boolean)
		.join(' · ');
}

// Declared apart from its Pane type so the deck's redraw contract (`deps`: what
// the pane is drawn from) can be given here whether or not the contract has it yet.
const definition = {
	kind: 'nodes' as const,
	label: 'nodes',
	key: '9',
	title({state}: PaneContext): PaneTitle {
		const offline = state.nodes.some((n) => n.status !== 'online');
		return {text: titleOf(state.nodeHealth, paneNodes(state)), tone: offline || state.quorate === false ? 'danger' : undefined, stale: state.connection.status === 'stale'};
	},
	scope: (): Scope => 'nodes',
	actions: ['nodes.down', 'nodes.up', 'nodes.open', 'pulses.timeframe'],
	minSize: PANE_MIN_SIZE.nodes,
	render: (p: PaneRenderProps) => <NodesBody frame={p} />,
	/** Its body and title are drawn from these (the node list, health and pulses, HA states, quorum, the connection). */
	deps: (s: AppState) => [s.nodes, s.nodeHealth, s.guests, s.clusterName, s.quorate, s.connection.status],
};

export const nodesPane: Pane = definition;
