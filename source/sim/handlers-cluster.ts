// Cluster-wide read endpoints: /version, /cluster/status, /cluster/resources,
// /nodes, HA and /access/permissions.

import {hasPriv, PermissionDenied, permissionTree} from './acl.js';
import {nodeBroadcastAt, nodeMetrics, noise} from './drift.js';
import {guestResource, lastBroadcast, type BroadcastGuest, type Json} from './guest-view.js';
import type {Handler} from './handler-types.js';
import {principalOf} from './handler-types.js';
import {createHash} from 'node:crypto';
import type {SimGuest, SimNode, SimState} from './state.js';
import {isQuorate} from './state.js';
import {handlerError} from './errors.js';
import {haCarryOut} from './lxc-power.js';

function localNode(state: SimState): SimNode | undefined {
	return [...state.nodes.values()].find((n) => n.online) ?? [...state.nodes.values()][0];
}

export const getVersion: Handler = ({state}) => ({data: {version: state.version.version, release: state.version.release, repoid: state.version.repoid}});

export const getClusterStatus: Handler = ({state}) => {
	const local = localNode(state);
	const nodes = [...state.nodes.values()];
	const nodeEntry = (n: SimNode, i: number): Json => ({
		type: 'node',
		id: `node/${n.name}`,
		name: n.name,
		ip: n.ip,
		level: '',
		local: n === local ? 1 : 0,
		nodeid: n.nodeid ?? (state.clusterName ? i + 1 : 0),
		online: n.online ? 1 : 0,
	});
	if (!state.clusterName) return {data: local ? [nodeEntry(local, 0)] : []};
	return {
		data: [
			{type: 'cluster', id: 'cluster', name: state.clusterName, nodes: nodes.length, quorate: isQuorate(state) ? 1 : 0, version: state.configVersion},
			...nodes.map(nodeEntry),
		],
	};
};

/**
 * pve-manager's extract_node_stats: every node is listed; its numbers only
 * for a caller with Sys.Audit on /nodes/{node} (`exclude_stats` otherwise).
 */
function nodeStats(state: SimState, node: SimNode, canAudit: boolean, broadcasts: Broadcasts): Json {
	const base: Json = {id: `node/${node.name}`, type: 'node', node: node.name, status: node.online ? 'online' : 'offline', level: ''};
	if (!node.online || !canAudit) return base;
	const m = nodeMetrics(state, node, nodeBroadcastAt(state, node.name), {guests: broadcasts.guestsOf(node.name), measure: broadcasts.of});
	return {...base, cpu: m.cpu, maxcpu: node.cpuinfo.cpus, mem: m.mem, maxmem: node.memory, disk: node.rootfs.used, maxdisk: node.rootfs.total, uptime: m.uptime};
}

/** One answer's view of the nodes' last broadcasts. */
interface Broadcasts {
	/** What the guest's node last broadcast about it (lastBroadcast), worked out once per answer. */
	of(guest: SimGuest): BroadcastGuest | null;
	guestsOf(node: string): readonly SimGuest[];
}

/**
 * A node's entry sums what its guests' entries list: each guest measured once
 * per answer for both, and the guests grouped by node once, not scanned for
 * every node (a 10,000-guest answer measured every guest twice and scanned
 * 32 × 10,000: ~30 % of its ~80 ms; its own CPU competes with the console's on
 * the bench's 2-core machine, issue 12).
 */
function answerBroadcasts(state: SimState): Broadcasts {
	const measured = new Map<SimGuest, BroadcastGuest | null>();
	let byNode: Map<string, SimGuest[]> | undefined;
	return {
		of(guest) {
			let known = measured.get(guest);
			if (known === undefined) {
				known = lastBroadcast(state, guest);
				measured.set(guest, known);
			}
			return known;
		},
		guestsOf(node) {
			if (!byNode) {
				byNode = new Map();
				for (const guest of state.guests.values()) {
					const list = byNode.get(guest.node);
					if (list) list.push(guest);
					else byNode.set(guest.node, [guest]);
				}
			}
			return byNode.get(node) ?? [];
		},
	};
}

/**
 * The SDN zones pvestatd broadcasts per node: without any SDN configured,
 * the built-in `localnetwork` zone (samples/api-cluster-resources-…-sdn.json).
 * A node that is down broadcasts nothing.
 */
function sdnResources(state: SimState, principal: ReturnType<typeof principalOf>): Json[] {
	if (!hasPriv(state, principal, '/sdn/zones/localnetwork', 'SDN.Audit')) return [];
	return [...state.nodes.values()]
		.filter((n) => n.online)
		.sort((a, b) => a.name.localeCompare(b.name))
		.map((n) => ({id: `sdn/${n.name}/localnetwork`, sdn: 'localnetwork', node: n.name, type: 'sdn', status: 'ok'}));
}

function storageResources(state: SimState, node: SimNode): Json[] {
	return node.storages.map((s) => ({
		id: `storage/${node.name}/${s.storage}`,
		type: 'storage',
		node: node.name,
		storage: s.storage,
		status: node.online && s.active !== false ? 'available' : 'unknown',
		plugintype: s.type,
		content: s.content,
		shared: s.shared ? 1 : 0,
		...(node.online ? {disk: s.used, maxdisk: s.total} : {}),
	}));
}

export const getClusterResources: Handler = (ctx) => {
	const {state, params} = ctx;
	const principal = principalOf(ctx);
	const type = params.type;
	const out: Json[] = [];
	const broadcasts = answerBroadcasts(state);
	if (type === undefined || type === 'node') {
		// cgroup-mode comes from the node's static info, listed whatever the caller may audit.
		for (const n of state.nodes.values()) out.push({...nodeStats(state, n, hasPriv(state, principal, `/nodes/${n.name}`, 'Sys.Audit'), broadcasts), ...(n.online ? {'cgroup-mode': 2} : {})});
	}
	if (type === undefined || type === 'vm') {
		const guests = [...state.guests.values()].sort((a, b) => a.vmid - b.vmid);
		for (const g of guests) if (hasPriv(state, principal, `/vms/${g.vmid}`, 'VM.Audit')) out.push(guestResource(state, g, broadcasts.of));
	}
	if (type === undefined || type === 'storage') {
		for (const n of state.nodes.values()) {
			for (const s of storageResources(state, n)) if (hasPriv(state, principal, `/storage/${s.storage}`, 'Datastore.Audit')) out.push(s);
		}
	}
	if (type === undefined || type === 'sdn') out.push(...sdnResources(state, principal));
	const answer = (answersGiven.get(state) ?? 0) + 1;
	answersGiven.set(state, answer);
	return {data: out.map((entry, i) => perlKeyOrder(entry, noise(state.seed, i, answer, 7)))};
};

/** /cluster/resources answers given per state: each orders its keys anew. */
const answersGiven = new WeakMap<SimState, number>();

/**
 * The entry with its keys in one of 2n orders, picked by `random` ∈ [0, 1).
 * pveproxy encodes answers with JSON::XS without `canonical`, so keys come in
 * Perl's hash order, which is randomised per hash: two entries of one answer,
 * and the same guest in two answers, list their keys differently
 * (samples/api-cluster-resources-vm-pve9-http.txt). A client cannot tell an
 * unchanged answer by its bytes.
 */
function perlKeyOrder(entry: Json, random: number): Json {
	const keys = Object.keys(entry);
	const n = keys.length;
	const pick = Math.floor(random * 2 * n);
	const shift = pick % n;
	const reversed = pick >= n;
	const ordered: Json = {};
	for (let k = 0; k < n; k++) {
		const key = keys[reversed ? (n - 1 - ((k + shift) % n)) : (k + shift) % n]!;
		ordered[key] = entry[key];
	}
	return ordered;
}

/** GET /nodes is open to every user; like /cluster/resources it leaves out the numbers of nodes the caller may not audit. */
export const getNodes: Handler = (ctx) => {
	const {state} = ctx;
	const principal = principalOf(ctx);
	const broadcasts = answerBroadcasts(state);
	return {
		data: [...state.nodes.values()].map((n) => ({...nodeStats(state, n, hasPriv(state, principal, `/nodes/${n.name}`, 'Sys.Audit'), broadcasts), ssl_fingerprint: state.nodeFingerprints[n.name] ?? state.fingerprint})),
	};
};

function haSid(type: string, vmid: number): string {
	return `${type === 'lxc' ? 'ct' : 'vm'}:${vmid}`;
}

/** The CRM's view of a service: a fixture's error/fence wins; otherwise what the request and the guest's state imply. */
export function crmState(guest: SimGuest): string {
	const ha = guest.ha!;
	if (ha.crm) return ha.crm;
	if (ha.state === 'started') return guest.status === 'running' ? 'started' : 'starting';
	if (ha.state === 'stopped' || ha.state === 'disabled') return 'stopped';
	return ha.state;
}

function haResourceEntry(g: SimGuest): Json {
	const type = g.type === 'lxc' ? 'ct' : 'vm';
	const entry: Json = {sid: haSid(g.type, g.vmid), type, state: g.ha!.state, max_restart: g.ha!.max_restart ?? 1, max_relocate: g.ha!.max_relocate ?? 1, failback: 1};
	if (g.ha!.group) entry.group = g.ha!.group;
	entry.digest = createHash('sha1').update(JSON.stringify(entry)).digest('hex');
	return entry;
}

/** `ct:101`, `vm:150` or a bare vmid (pve-ha-resource-or-vm-id), to the guest it names if HA manages it. */
function haGuest(state: SimState, sid: string): SimGuest {
	const m = /^(?:(ct|vm):)?(\d+)$/.exec(sid);
	const guest = m ? state.guests.get(Number(m[2])) : undefined;
	const typeOk = !m?.[1] || (m[1] === 'ct') === (guest?.type === 'lxc');
	if (!guest?.ha || !typeOk) throw handlerError(`no such resource '${sid}'`);
	return guest;
}

export const getHaResource: Handler = ({state, params}) => ({data: haResourceEntry(haGuest(state, params.sid ?? ''))});

/**
 * ha-manager set: records the requested state; the CRM then acts on it (a new
 * request also clears a service out of `error`, as `disabled` is meant to).
 */
export const putHaResource: Handler = ({state, params}) => {
	const guest = haGuest(state, params.sid ?? '');
	const ha = guest.ha!;
	if (params.digest !== undefined && params.digest !== haResourceEntry(guest).digest) throw handlerError('detected modified configuration - file changed by other user? Try again.');
	if (params.state !== undefined) {
		const requested = params.state === 'enabled' ? 'started' : (params.state as NonNullable<SimGuest['ha']>['state']);
		// The request is recorded; but only `disabled` moves a service out of `error` (ha-manager(1)
		// "Error Recovery"): any other request leaves the CRM in error. Fence ends when the node is back.
		if (ha.crm === 'error' && requested === 'disabled') delete ha.crm;
		ha.state = requested;
		if (!ha.crm) haCarryOut(state, guest, requested);
	}
	if (params.group !== undefined) ha.group = params.group;
	if (params.max_restart !== undefined) ha.max_restart = Number(params.max_restart);
	if (params.max_relocate !== undefined) ha.max_relocate = Number(params.max_relocate);
	return {data: null};
};

export const getHaResources: Handler = ({state, params}) => {
	const out: Json[] = [];
	for (const g of [...state.guests.values()].sort((a, b) => a.vmid - b.vmid)) {
		if (!g.ha) continue;
		if (params.type !== undefined && params.type !== (g.type === 'lxc' ? 'ct' : 'vm')) continue;
		out.push(haResourceEntry(g));
	}
	return {data: out};
};

/** `Mon Nov 23 16:48:05 2026`, Perl's scalar localtime (UTC here). */
function perlDate(epochS: number): string {
	const d = new Date(epochS * 1000);
	const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
	const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
	const pad = (v: number) => String(v).padStart(2, '0');
	return `${day} ${mon} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export const getHaStatus: Handler = ({state}) => {
	const local = localNode(state);
	const nowS = Math.floor(state.clock() / 1000);
	const quorate = isQuorate(state);
	const out: Json[] = [{id: 'quorum', type: 'quorum', node: local?.name ?? '', status: quorate ? 'OK' : `No quorum on node '${local?.name ?? ''}'!`, quorate: quorate ? 1 : 0}];
	const managed = [...state.guests.values()].filter((g) => g.ha).sort((a, b) => a.vmid - b.vmid);
	if (managed.length === 0) return {data: out};
	out.push({id: 'master', type: 'master', node: local?.name ?? '', status: `${local?.name} (active, ${perlDate(nowS)})`, timestamp: nowS});
	for (const n of state.nodes.values()) {
		const ts = n.online ? nowS : Math.floor(state.startedAt / 1000) - 600;
		const mode = n.online ? (managed.some((g) => g.node === n.name) ? 'active' : 'idle') : 'old timestamp - dead?';
		out.push({id: `lrm:${n.name}`, type: 'lrm', node: n.name, status: `${n.name} (${mode}, ${perlDate(ts)})`, timestamp: ts});
	}
	for (const g of managed) {
		const sid = haSid(g.type, g.vmid);
		const requested = g.ha!.state;
		const crm = crmState(g);
		out.push({
			id: `service:${sid}`,
			type: 'service',
			sid,
			node: g.node,
			crm_state: crm,
			state: crm,
			request_state: requested,
			status: `${sid} (${g.node}, ${crm})`,
			max_restart: g.ha!.max_restart ?? 1,
			max_relocate: g.ha!.max_relocate ?? 1,
		});
	}
	return {data: out};
};

export const getAccessPermissions: Handler = (ctx) => {
	const principal = principalOf(ctx);
	const {state, params} = ctx;
	let target = principal;
	if (params.userid !== undefined) {
		const [userid, tokenid] = params.userid.split('!');
		target = {userid: userid!, ...(tokenid !== undefined ? {tokenid} : {})};
		const own = target.userid === principal.userid && (principal.tokenid === undefined || principal.tokenid === target.tokenid);
		if (!own && !hasPriv(state, principal, '/access', 'Sys.Audit')) {
			throw new PermissionDenied('Permission check failed (/access, Sys.Audit)');
		}
	}
	return {data: permissionTree(state, target, params.path)};
};

/** The storage.cfg keys a fixture storage carries besides its sizes and state (pve-storage's plugin properties). */
const STORAGE_CONFIG_KEYS = ['pool', 'path', 'prune-backups', 'datastore', 'server'] as const;

/**
 * GET /storage: storage.cfg, cluster-wide — one entry per storage id with its
 * configured properties (a zfspool storage's `pool` is the dataset it
 * allocates in), `nodes` when only some nodes have it, and the file's digest
 * (pve-storage's API2::Storage::Config index). Listed for Datastore.Audit or
 * Datastore.AllocateSpace on /storage/{id}; `type` filters by plugin type.
 */
export const getStorageConfig: Handler = (ctx) => {
	const {state, params} = ctx;
	const principal = principalOf(ctx);
	const byId = new Map<string, {config: SimNode['storages'][number]; nodes: string[]}>();
	for (const n of state.nodes.values()) {
		for (const s of n.storages) {
			const entry = byId.get(s.storage);
			if (entry) entry.nodes.push(n.name);
			else byId.set(s.storage, {config: s, nodes: [n.name]});
		}
	}
	const entries = [...byId.entries()].sort(([a], [b]) => a.localeCompare(b));
	const digest = createHash('sha1').update(JSON.stringify(entries.map(([id, e]) => [id, e.config.type, e.config.pool ?? e.config.path ?? '', e.nodes]))).digest('hex');
	const out: Json[] = [];
	for (const [id, {config, nodes}] of entries) {
		const path = `/storage/${id}`;
		if (!hasPriv(state, principal, path, 'Datastore.Audit') && !hasPriv(state, principal, path, 'Datastore.AllocateSpace')) continue;
		if (params.type !== undefined && params.type !== config.type) continue;
		const entry: Json = {storage: id, type: config.type, content: config.content, digest};
		for (const key of STORAGE_CONFIG_KEYS) if (config[key] !== undefined) entry[key] = config[key];
		if (config.shared) entry.shared = 1;
		if (config.enabled === false) entry.disable = 1;
		if (nodes.length < state.nodes.size) entry.nodes = nodes.join(',');
		out.push(entry);
	}
	return {data: out};
};
