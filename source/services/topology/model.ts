// The bridge topology as a pure function of what the store holds: each node's
// network config and every guest's NICs. It answers the incident questions —
// which guest is the gateway of which others, and what is wrong (a stopped or
// missing gateway and whom it cuts off, a bridge down or without a port, a NIC
// on a bridge that does not exist, duplicate IPs/MACs, the firewall off).

import type {NetworkIface} from '../../store/screen-types.js';
import type {GuestNic, GuestRow, NodeSummary} from '../../store/types.js';

export type Severity = 'error' | 'warn' | 'info';

export type AnomalyKind =
	| 'gateway-stopped'
	| 'gateway-missing'
	| 'bridge-down'
	| 'bridge-no-port'
	| 'missing-bridge'
	| 'duplicate-ip'
	| 'duplicate-mac'
	| 'firewall-off';

export interface Anomaly {
	kind: AnomalyKind;
	severity: Severity;
	text: string;
	/** The guests concerned (enter in the list filters the fleet to them). */
	vmids: number[];
	/** What it is about, where the problem rules raise it (the duplicated address): a stable part of the problem's id. */
	key?: string;
}

export interface TopoEntry {
	vmid: number;
	name: string;
	status: string;
	nic: GuestNic;
	/** Guests whose gateway is this NIC's address, on the same bridge. */
	dependents: TopoEntry[];
	/** This guest's route out is through a stopped or missing gateway. */
	cutOff: boolean;
	duplicateIp: boolean;
	duplicateMac: boolean;
}

export interface TopoBridge {
	name: string;
	/** False: a NIC names it but the node has no such bridge; undefined: node's network unknown. */
	exists: boolean | undefined;
	cidr?: string;
	gateway?: string;
	ports: string[];
	active: boolean;
	autostart: boolean;
	vlanAware: boolean;
	/** Top level: gateways (their dependents nested) and every other guest on the bridge. */
	entries: TopoEntry[];
}

export interface TopoNode {
	name: string;
	online: boolean;
	networkKnown: boolean;
	error?: string;
	/** The host's default route: its gateway and the bridge/ports carrying it. */
	uplink?: {gateway: string; bridge: string; ports: string[]};
	bridges: TopoBridge[];
}

export interface Topology {
	nodes: TopoNode[];
	anomalies: Anomaly[];
}

export interface TopologyInput {
	nodes: NodeSummary[];
	guests: ReadonlyMap<number, GuestRow>;
	nics: Map<number, GuestNic[]>;
	networks: Map<string, NetworkIface[]>;
	networkErrors?: Map<string, string>;
}

const BRIDGE_TYPES = new Set(['bridge', 'OVSBridge']);

/** The dependents of a guest nobody routes through (most): one shared empty list, replaced on the first dependent. */
const NO_DEPENDENTS: TopoEntry[] = Object.freeze([]) as unknown as TopoEntry[];

/** "10.10.10.1/24" → "10.10.10.1"; dhcp/manual/empty → undefined. */
export function addressOf(ip: string | undefined): string | undefined {
	if (!ip || ip === 'dhcp' || ip === 'manual' || ip === 'auto') return undefined;
	const slash = ip.indexOf('/');
	return slash === -1 ? ip : ip.slice(0, slash);
}

function guestLabel(e: {vmid: number; name: string}): string {
	return `${e.vmid} ${e.name}`;
}

/** "106 qbittorrent, 105 prowlarr" — at most `max` names, then "+N more". */
export function nameList(entries: Array<{vmid: number; name: string}>, max = 4): string {
	const shown = entries.slice(0, max).map(guestLabel).join(', ');
	return entries.length > max ? `${shown} +${entries.length - max} more` : shown;
}

/** Bridge ports with bonds expanded: "bond0 (eno1 eno2)". */
function portsOf(iface: NetworkIface, all: NetworkIface[]): string[] {
	const ports = String(iface.bridge_ports ?? '').split(/\s+/).filter(Boolean);
	return ports.map((p) => {
		const bond = all.find((i) => i.iface === p && i.type === 'bond');
		return bond?.slaves ? `${p} (${String(bond.slaves)})` : p;
	});
}

function bridgeFromIface(iface: NetworkIface, all: NetworkIface[]): TopoBridge {
	return {
		name: iface.iface,
		exists: true,
		cidr: typeof iface.cidr === 'string' ? iface.cidr : iface.address,
		gateway: typeof iface.gateway === 'string' ? iface.gateway : undefined,
		ports: portsOf(iface, all),
		active: iface.active === 1,
		autostart: iface.autostart === 1,
		vlanAware: iface.bridge_vlan_aware === 1,
		entries: [],
	};
}

function inferredBridge(name: string, exists: boolean | undefined): TopoBridge {
	return {name, exists, ports: [], active: exists === undefined, autostart: false, vlanAware: false, entries: []};
}

/**
 * Entries sharing a key, in the order each key was first seen. Most keys (an
 * address, a MAC) belong to one entry: those get no list of their own (at
 * 10,000 guests a list and a Set per key made each rebuild megabytes of garbage).
 */
function duplicates(entries: TopoEntry[], keyOf: (e: TopoEntry) => string | undefined): Map<string, TopoEntry[]> {
	const firstAt = new Map<string, number>();
	const groups = new Map<string, TopoEntry[]>();
	for (let i = 0; i < entries.length; i++) {
		const e = entries[i]!;
		const key = keyOf(e);
		if (key === undefined) continue;
		const first = firstAt.get(key);
		if (first === undefined) firstAt.set(key, i);
		else {
			const list = groups.get(key);
			if (list) list.push(e);
			else groups.set(key, [entries[first]!, e]);
		}
	}
	// The same guest listed twice (two NICs, one address) is not a conflict.
	const found = [...groups].filter(([, list]) => list.some((e) => e.vmid !== list[0]!.vmid));
	found.sort(([a], [b]) => firstAt.get(a)! - firstAt.get(b)!);
	return new Map(found);
}

/** Nests each guest under the guest whose address is its gateway, and flags who is cut off. */
function linkGateways(node: TopoNode, bridge: TopoBridge, flat: TopoEntry[], anomalies: Anomaly[]): void {
	const byAddress = new Map<string, TopoEntry>();
	for (const e of flat) {
		const address = addressOf(e.nic.ip);
		if (address !== undefined && !byAddress.has(address)) byAddress.set(address, e);
	}
	const hostAddress = addressOf(bridge.cidr);
	const missing = new Map<string, TopoEntry[]>();
	const nested = new Set<TopoEntry>();
	for (const e of flat) {
		const gw = e.nic.gw;
		if (!gw) continue;
		const gateway = byAddress.get(gw);
		if (gateway && gateway.vmid !== e.vmid) {
			if (gateway.dependents === NO_DEPENDENTS) gateway.dependents = [];
			gateway.dependents.push(e);
			nested.add(e);
			continue;
		}
		// Routed by the host itself, or by a router behind the bridge's ports.
		if (gw === hostAddress || gw === bridge.gateway || bridge.ports.length > 0 || bridge.exists !== true) continue;
		const cut = missing.get(gw);
		if (cut) cut.push(e);
		else missing.set(gw, [e]);
	}
	for (const [gw, cut] of missing) {
		for (const e of cut) e.cutOff = true;
		anomalies.push({
			kind: 'gateway-missing',
			severity: 'error',
			text: `gateway ${gw} on ${node.name}/${bridge.name} is missing — cuts off ${nameList(cut)}`,
			vmids: cut.map((e) => e.vmid),
		});
	}
	const gateways = flat.filter((e) => e.dependents.length > 0);
	for (const g of gateways) {
		g.dependents.sort((a, b) => a.vmid - b.vmid);
		if (g.status === 'running') continue;
		for (const d of g.dependents) d.cutOff = true;
		anomalies.push({
			kind: 'gateway-stopped',
			severity: 'error',
			text: `gateway ${guestLabel(g)} (${node.name}/${bridge.name} ${addressOf(g.nic.ip)}) is ${g.status} — cuts off ${nameList(g.dependents)}`,
			vmids: [g.vmid, ...g.dependents.map((d) => d.vmid)],
		});
	}
	bridge.entries = flat.filter((e) => !nested.has(e));
}

function bridgeAnomalies(node: TopoNode, bridge: TopoBridge, anomalies: Anomaly[]): void {
	const all = flatten(bridge.entries);
	const where = `${node.name}/${bridge.name}`;
	if (bridge.exists === false) {
		for (const e of all) {
			anomalies.push({
				kind: 'missing-bridge',
				severity: 'error',
				text: `${guestLabel(e)} ${e.nic.id} is on ${bridge.name}, which does not exist on ${node.name}`,
				vmids: [e.vmid],
			});
		}
		return;
	}
	if (bridge.exists !== true) return;
	if (!bridge.active) {
		anomalies.push({
			kind: 'bridge-down',
			severity: all.length > 0 ? 'error' : 'warn',
			text: all.length > 0 ? `${where} is down — ${all.length} guests on it: ${nameList(all)}` : `${where} is down`,
			vmids: all.map((e) => e.vmid),
		});
	}
	if (bridge.ports.length === 0) {
		const gateway = bridge.entries.find((e) => e.dependents.length > 0);
		if (gateway) {
			// An isolated bridge routed through a guest (the VPN bridge) is by design.
			anomalies.push({
				kind: 'bridge-no-port',
				severity: 'info',
				// Dependents first: at 80 columns the line answers "who depends on the VPN".
				text: `${where} routed via ${guestLabel(gateway)} (${gateway.status}) → ${nameList(gateway.dependents)}; no physical port: isolated by design`,
				vmids: all.map((e) => e.vmid),
			});
		} else if (all.length > 0) {
			anomalies.push({
				kind: 'bridge-no-port',
				severity: 'warn',
				text: `${where} has no port — its ${all.length === 1 ? 'guest reaches' : `${all.length} guests reach`} only the host and each other`,
				vmids: all.map((e) => e.vmid),
			});
		}
	}
}

/** Every entry of a bridge, gateways' dependents included (each before its dependents). */
export function flatten(entries: TopoEntry[], into: TopoEntry[] = []): TopoEntry[] {
	for (const e of entries) {
		into.push(e);
		if (e.dependents.length > 0) flatten(e.dependents, into);
	}
	return into;
}

function nodeTopology(input: TopologyInput, summary: NodeSummary, onNode: GuestRow[], anomalies: Anomaly[]): TopoNode {
	const network = input.networks.get(summary.name);
	const node: TopoNode = {
		name: summary.name,
		online: summary.status === 'online',
		networkKnown: network !== undefined,
		error: input.networkErrors?.get(summary.name),
		bridges: [],
	};
	const bridges = new Map<string, TopoBridge>();
	for (const iface of network ?? []) if (BRIDGE_TYPES.has(iface.type)) bridges.set(iface.iface, bridgeFromIface(iface, network!));
	const flat = new Map<string, TopoEntry[]>();
	const guests = onNode.filter(notTemplate).sort(byVmid);
	for (const guest of guests) {
		for (const nic of input.nics.get(guest.vmid) ?? []) {
			if (!nic.bridge) continue;
			if (!bridges.has(nic.bridge)) bridges.set(nic.bridge, inferredBridge(nic.bridge, network ? false : undefined));
			const entry: TopoEntry = {vmid: guest.vmid, name: guest.name, status: guest.status, nic, dependents: NO_DEPENDENTS, cutOff: false, duplicateIp: false, duplicateMac: false};
			const list = flat.get(nic.bridge);
			if (list) list.push(entry);
			else flat.set(nic.bridge, [entry]);
		}
	}
	for (const bridge of bridges.values()) {
		linkGateways(node, bridge, flat.get(bridge.name) ?? [], anomalies);
		bridgeAnomalies(node, bridge, anomalies);
	}
	node.bridges = [...bridges.values()].sort((a, b) => a.name.localeCompare(b.name, 'en', {numeric: true}));
	const uplink = node.bridges.find((b) => b.gateway !== undefined);
	if (uplink) node.uplink = {gateway: uplink.gateway!, bridge: uplink.name, ports: uplink.ports};
	return node;
}

// The callbacks a rebuild runs over every guest and NIC are module functions,
// not arrows written in place (README Design notes, "Per-poll callbacks are
// made once"; --trace-opt had each of these compiled ~7 times a minute).
const notTemplate = (g: GuestRow): boolean => !g.template;
const byVmid = (a: GuestRow, b: GuestRow): number => a.vmid - b.vmid;
const ipKey = (e: TopoEntry): string | undefined => addressOf(e.nic.ip);
const macKey = (e: TopoEntry): string | undefined => e.nic.hwaddr?.toUpperCase();
const vmidOf = (e: TopoEntry): number => e.vmid;
const firewallOff = (e: TopoEntry): boolean => !e.nic.firewall;

function crossChecks(nodes: TopoNode[], anomalies: Anomaly[]): void {
	const perNode = nodes.map((n) => {
		const entries: TopoEntry[] = [];
		for (const b of n.bridges) flatten(b.entries, entries);
		return entries;
	});
	const all = perNode.flat();
	for (const [address, list] of duplicates(all, ipKey)) {
		for (const e of list) e.duplicateIp = true;
		anomalies.push({kind: 'duplicate-ip', severity: 'error', text: `duplicate IP ${address}: ${nameList(list)}`, vmids: list.map(vmidOf), key: address});
	}
	for (const [mac, list] of duplicates(all, macKey)) {
		for (const e of list) e.duplicateMac = true;
		anomalies.push({kind: 'duplicate-mac', severity: 'error', text: `duplicate MAC ${mac}: ${nameList(list)}`, vmids: list.map(vmidOf), key: mac});
	}
	for (const [n, node] of nodes.entries()) {
		const off = perNode[n]!.filter(firewallOff);
		if (off.length === 0) continue;
		anomalies.push({
			kind: 'firewall-off',
			// A note, not a problem: a NIC made without firewall=1 (Proxmox's default for a
			// new container) is how most homelabs run. As a warning it made the pane's title
			// say "1 problem" that the ranked problems and the header never counted.
			severity: 'info',
			text: `firewall off on ${off.length} NIC${off.length === 1 ? '' : 's'} on ${node.name}: ${nameList(off, 6)}`,
			vmids: [...new Set(off.map((e) => e.vmid))],
		});
	}
}

const SEVERITY_ORDER: Record<Severity, number> = {error: 0, warn: 1, info: 2};

export function buildTopology(input: TopologyInput): Topology {
	const anomalies: Anomaly[] = [];
	// Nodes known only through guests (no summary yet) still get a tree.
	const summaries = [...input.nodes];
	// Guests grouped by node once: one pass over the fleet, not one per node (10,000 guests × 32 nodes).
	const byNode = new Map<string, GuestRow[]>(summaries.map((n) => [n.name, []]));
	for (const g of input.guests.values()) {
		let list = byNode.get(g.node);
		if (!list) {
			summaries.push({name: g.node, status: 'unknown', cpu: 0, maxcpu: 0, mem: 0, maxmem: 0, uptime: 0});
			byNode.set(g.node, (list = []));
		}
		list.push(g);
	}
	const nodes = summaries.sort((a, b) => a.name.localeCompare(b.name, 'en', {numeric: true})).map((n) => nodeTopology(input, n, byNode.get(n.name) ?? [], anomalies));
	crossChecks(nodes, anomalies);
	// Stable: errors first, then warnings, then information, each in discovery order.
	anomalies.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
	return {nodes, anomalies};
}
