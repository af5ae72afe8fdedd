// The compact renderings of the topology and ZFS panes: what an incident asks
// of them, in as few lines as a deck pane has, following the fleet's selected
// guest. Pure and built from the same models as the full screens
// (topology-lines.ts, zfs-lines.ts); each line says what Enter does on it.

import {addressOf, flatten, nameList, type TopoEntry, type Topology} from '../../source/services/topology/model.js';
import {poolFraction, type Consumer, type FillInputs, type PoolFigures} from '../../source/services/zfs/model.js';
import type {VmidFilter, ZfsState} from '../../source/store/screen-types.js';
import type {AppState} from '../../source/store/types.js';
import {sanitize} from '../../source/util/sanitize.js';
import {formatBytes, formatPercent} from '../format.js';
import type {Tone} from '../theme.js';
import {problemLines, selectTopology} from '../topology-lines.js';
import {figureTexts, poolTone, selectConsumers, selectFillInputs, selectPoolFigures, storageLines, usageBar, usageTone} from '../zfs-lines.js';

export interface CompactLine {
	text: string;
	tone?: Tone;
	bold?: boolean;
	/** Enter: show the fleet filtered to these guests. */
	filter?: VmidFilter;
	/** Enter: select this guest in the fleet. */
	vmid?: number;
}

/** Marks the lines on the selected guest's path. */
export const PATH_MARK = '▸';

interface Placed {
	node: string;
	bridge: string;
	entry: TopoEntry;
	/** The gateway this guest routes through, when it is a dependent. */
	via?: TopoEntry;
}

function placements(topology: Topology): Placed[] {
	const out: Placed[] = [];
	for (const node of topology.nodes) {
		for (const bridge of node.bridges) {
			const walk = (e: TopoEntry, via: TopoEntry | undefined) => {
				out.push({node: node.name, bridge: bridge.name, entry: e, ...(via ? {via} : {})});
				for (const d of e.dependents) walk(d, e);
			};
			for (const e of bridge.entries) walk(e, undefined);
		}
	}
	return out;
}

function gatewayState(e: TopoEntry): {text: string; tone?: Tone} {
	return e.status === 'running' ? {text: 'up', tone: 'ok'} : {text: `DOWN (${e.status})`, tone: 'danger'};
}

/**
 * What does not depend on the selection, once per topology: every placement, the problem lines
 * and each bridge's guests. Rebuilding them on every cursor move cost ~20 ms a key at 5,000
 * guests (the full tree's lines were built only to keep the first few).
 */
const perTopology = new WeakMap<Topology, {all: Placed[]; head: CompactLine[]; bridgeVmids: Map<string, number[]>}>();

function topologyParts(topology: Topology) {
	let parts = perTopology.get(topology);
	if (!parts) {
		const bridgeVmids = new Map<string, number[]>();
		for (const node of topology.nodes) for (const bridge of node.bridges) bridgeVmids.set(`${node.name}/${bridge.name}`, [...new Set(flatten(bridge.entries).map((e) => e.vmid))]);
		parts = {all: placements(topology), head: problemLines(topology), bridgeVmids};
		perTopology.set(topology, parts);
	}
	return parts;
}

const hasDependents = (p: {entry: {dependents: readonly unknown[]}}): boolean => p.entry.dependents.length > 0;

/** Problems, the selected guest's path, each gateway with its state and dependents, then the bridges with guest counts. */
export function compactTopologyLines(topology: Topology, selectedVmid: number | undefined): CompactLine[] {
	const {all, head, bridgeVmids} = topologyParts(topology);
	// A loop and a module predicate, not arrows written in place: this runs over
	// every placed NIC at each redraw (README Design notes, "Per-poll callbacks
	// are made once").
	const mine: typeof all = [];
	if (selectedVmid !== undefined) for (const p of all) if (p.entry.vmid === selectedVmid) mine.push(p);
	const onPath = new Set(mine.flatMap((p) => [`${p.node}/${p.bridge}`, ...(p.via ? [`gw ${p.via.vmid}`] : [])]));
	// The full view's first lines are the problems; the compact pane keeps them word for word.
	const lines: CompactLine[] = [...head];
	for (const p of mine) {
		const node = topology.nodes.find((n) => n.name === p.node);
		const bridge = node?.bridges.find((b) => b.name === p.bridge);
		const hops = [`${PATH_MARK} ${p.entry.vmid} ${sanitize(p.entry.name)}`, `${sanitize(p.node)}/${sanitize(p.bridge)}${p.entry.nic.tag !== undefined ? ` tag ${p.entry.nic.tag}` : ''}`];
		if (p.via) hops.push(`gateway ${p.via.vmid} ${sanitize(p.via.name)} ${gatewayState(p.via).text}`);
		if (bridge?.exists === false) hops.push('bridge MISSING');
		else if (node?.uplink && node.uplink.bridge === p.bridge) hops.push(`uplink ${sanitize(node.uplink.gateway)}`);
		const cut = p.entry.cutOff || bridge?.exists === false || (bridge?.exists === true && !bridge.active);
		lines.push({text: hops.join(' → '), tone: cut ? 'danger' : 'accent', bold: true, vmid: p.entry.vmid});
	}
	const gateways = all.filter(hasDependents);
	if (gateways.length > 0) lines.push({text: 'Gateways', bold: true});
	for (const g of gateways) {
		const state = gatewayState(g.entry);
		const deps = flatten(g.entry.dependents);
		const marked = onPath.has(`gw ${g.entry.vmid}`) || selectedVmid === g.entry.vmid;
		lines.push({
			// State and dependents first: a narrow pane cuts the address, not the answer.
			text: `${marked ? PATH_MARK : ' '} ${g.entry.vmid} ${sanitize(g.entry.name)} ${state.text} → ${sanitize(nameList(deps))}${addressOf(g.entry.nic.ip) ? ` · ${addressOf(g.entry.nic.ip)}` : ''}`,
			tone: state.tone === 'danger' ? 'danger' : marked ? 'accent' : undefined,
			bold: marked,
			filter: {label: `gateway ${g.entry.vmid} ${g.entry.name} on ${g.node}/${g.bridge}`, vmids: new Set([g.entry.vmid, ...deps.map((d) => d.vmid)])},
		});
	}
	lines.push({text: 'Bridges', bold: true});
	for (const node of topology.nodes) {
		if (!node.networkKnown && node.bridges.length === 0) {
			lines.push({text: `  ${sanitize(node.name)}: ${sanitize(node.error ?? 'network not read yet')}`, tone: 'muted'});
			continue;
		}
		for (const bridge of node.bridges) {
			const vmids = bridgeVmids.get(`${node.name}/${bridge.name}`) ?? [];
			const marked = onPath.has(`${node.name}/${bridge.name}`);
			const state = bridge.exists === false ? 'MISSING' : bridge.exists === true ? (bridge.active ? 'active' : 'DOWN') : '';
			const bad = bridge.exists === false || (bridge.exists === true && !bridge.active);
			lines.push({
				text: `${marked ? PATH_MARK : ' '} ${sanitize(node.name)}/${sanitize(bridge.name)} ${state} · ${vmids.length} guest${vmids.length === 1 ? '' : 's'}${bridge.vlanAware ? ' · VLAN-aware' : ''}`.replace(/ {2,}/g, ' '),
				tone: bad ? 'danger' : marked ? 'accent' : undefined,
				bold: marked,
				filter: {label: `bridge ${node.name}/${bridge.name}`, vmids: new Set(vmids)},
			});
		}
	}
	return lines;
}

let topoCache: {topology: Topology; vmid: number | undefined; lines: CompactLine[]} | undefined;

/** The compact topology lines for this state (memoised on the topology and the selection). */
export function selectCompactTopology(state: AppState): CompactLine[] {
	const topology = selectTopology(state);
	const vmid = state.ui.selectedVmid;
	if (topoCache && topoCache.topology === topology && topoCache.vmid === vmid) return topoCache.lines;
	topoCache = {topology, vmid, lines: compactTopologyLines(topology, vmid)};
	return topoCache.lines;
}

/** Snapshot bytes per pool ("node/pool"), summed over every dataset's usedbysnapshots. */
function snapshotSpace(zfs: ZfsState): Map<string, number> {
	const sums = new Map<string, number>();
	for (const c of zfs.sample?.datasets ?? []) {
		const pool = c.name.split('/')[0]!;
		const key = `${c.node}/${pool}`;
		sums.set(key, (sums.get(key) ?? 0) + (c.usedbysnapshots ?? 0));
	}
	return sums;
}

function consumerText(c: Consumer, mark: string): string {
	const snaps = c.snapshots > 0 ? ` snaps ${formatBytes(c.snapshots)}${c.snapshotCount > 0 ? ` (${c.snapshotCount})` : ''}` : '';
	return `${mark} ${sanitize(c.label)} ${formatBytes(c.used)} ${formatPercent(c.fill)} full${snaps} · ${sanitize(`${c.node}/${c.pool}`)}`;
}

/**
 * Pool bars with zpool's raw fill and the fill of the storage allocating in
 * the pool (each marked as the problems pane marks it) and their snapshot
 * space, the selected guest's datasets, then the top consumers. A narrow pane
 * loses the bar, then the labels' words, never the figures or their marks.
 */
export function compactZfsLines(zfs: ZfsState, consumers: Consumer[], selectedVmid: number | undefined, width: number, top = 5, marks: {figures?: ReadonlyMap<string, PoolFigures>; fill?: FillInputs} = {}): CompactLine[] {
	const figures = marks.figures ?? new Map<string, PoolFigures>();
	const lines: CompactLine[] = [];
	const pools = zfs.sample?.pools ?? [];
	const snaps = snapshotSpace(zfs);
	if (pools.length === 0 && !(zfs.sample && zfs.sample.source !== 'ssh')) lines.push({text: zfs.error ? `failed: ${sanitize(zfs.error)}` : zfs.sample ? 'no ZFS pools' : 'reading pools…', tone: zfs.error ? 'danger' : 'muted'});
	// Each pool line in the same layout: bar 16 or 8 with full labels, then short labels, bar 4, no bar.
	const layouts: Array<[number, boolean]> = [[width >= 70 ? 16 : 8, false], [8, false], [8, true], [4, true], [0, true]];
	const rows = pools.map((p) => {
		const fraction = poolFraction(p);
		const fig = figures.get(`${p.node}/${p.name}`);
		const snap = snaps.get(`${p.node}/${p.name}`);
		const name = sanitize(`${p.node}/${p.name}`);
		const health = p.health === 'ONLINE' ? '' : ` ${sanitize(p.health)}`;
		const heads = layouts.map(([bar, short]) => {
			const t = figureTexts(p, fig, short);
			return `${name}${bar > 0 ? ` ${usageBar(fraction, bar)}` : ''} ${t.raw}${t.storage ? ` · ${t.storage}` : ''}${health}`;
		});
		const tail = ` ${formatBytes(p.alloc)}/${formatBytes(p.size)}${snap !== undefined ? ` · snapshots ${formatBytes(snap)}` : ''}`;
		return {p, fig, heads, tail};
	});
	// The first layout in which every line fits whole; else the first in which every line's figures fit (the sizes are cut).
	const fitsWhole = layouts.findIndex((_, i) => rows.every((r) => r.heads[i]!.length + r.tail.length <= width));
	const fitsFigures = layouts.findIndex((_, i) => rows.every((r) => r.heads[i]!.length <= width));
	const chosen = fitsWhole >= 0 ? fitsWhole : fitsFigures >= 0 ? fitsFigures : layouts.length - 1;
	for (const {p, fig, heads, tail} of rows) lines.push({text: `${heads[chosen]}${tail}`, tone: poolTone(p.health, fig), bold: p.health !== 'ONLINE'});
	if (zfs.sample && zfs.sample.source !== 'ssh') {
		// Without SSH: the API's storage usage (the full screen's fallback), one bar each.
		lines.push(...storageLines(zfs, width >= 100 ? width : 60, marks.fill).map((l) => ({...l, text: l.text.replace(/ {2,}/g, ' ')})));
		lines.push({text: 'datasets need SSH (--ssh …)', tone: 'muted'});
	}
	const mine = selectedVmid === undefined ? [] : consumers.filter((c) => c.vmid === selectedVmid);
	for (const c of mine) lines.push({text: consumerText(c, PATH_MARK), tone: 'accent', bold: true, vmid: c.vmid});
	if (mine.length === 0 && selectedVmid !== undefined && zfs.sample?.source === 'ssh') lines.push({text: `${PATH_MARK} ${selectedVmid}: no ZFS dataset`, tone: 'muted'});
	if (consumers.length > 0) lines.push({text: 'Top consumers', bold: true});
	for (const c of consumers.slice(0, top)) {
		lines.push({text: consumerText(c, ' '), tone: usageTone(c.fill), ...(c.vmid !== undefined ? {vmid: c.vmid} : {})});
	}
	return lines;
}

let zfsCache: {zfs: ZfsState; consumers: Consumer[]; figures: ReadonlyMap<string, PoolFigures>; fill: FillInputs; vmid: number | undefined; width: number; lines: CompactLine[]} | undefined;

export function selectCompactZfs(state: AppState, width: number): CompactLine[] {
	const consumers = selectConsumers(state);
	const figures = selectPoolFigures(state);
	const fill = selectFillInputs(state);
	const vmid = state.ui.selectedVmid;
	if (zfsCache && zfsCache.zfs === state.zfs && zfsCache.consumers === consumers && zfsCache.figures === figures && zfsCache.fill === fill && zfsCache.vmid === vmid && zfsCache.width === width) return zfsCache.lines;
	zfsCache = {zfs: state.zfs, consumers, figures, fill, vmid, width, lines: compactZfsLines(state.zfs, consumers, vmid, width, 5, {figures, fill})};
	return zfsCache.lines;
}
