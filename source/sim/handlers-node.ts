// Node-scoped read endpoints: status, network, storage, ZFS.

import {hasPriv} from './acl.js';
import {nodeMetrics} from './drift.js';
import {handlerError} from './errors.js';
import {compareReleases} from '../util/kernel-release.js';
import type {Json} from './guest-view.js';
import type {Handler, HandlerContext} from './handler-types.js';
import {principalOf} from './handler-types.js';
import type {FixtureVdev, FixtureZpool} from './fixture-types.js';
import type {SimNode} from './state.js';

/** The router has already refused unknown/offline nodes; this just fetches it. */
export function nodeOf(ctx: HandlerContext): SimNode {
	const node = ctx.state.nodes.get(ctx.params.node ?? '');
	if (!node) throw handlerError(`no such node '${ctx.params.node}'`);
	return node;
}

/** "Linux 6.14.8-2-pve #1 SMP … x86_64" → uname fields. */
function kernelInfo(kversion: string): Json {
	const parts = kversion.split(' ');
	return {sysname: parts[0] ?? 'Linux', release: parts[1] ?? '', version: parts.slice(2, -1).join(' '), machine: parts[parts.length - 1] ?? 'x86_64'};
}

export const getNodeStatus: Handler = (ctx) => {
	const node = nodeOf(ctx);
	const m = nodeMetrics(ctx.state, node);
	const cached = Math.floor((node.memory - m.mem) * 0.3);
	return {
		data: {
			uptime: m.uptime,
			loadavg: m.loadavg,
			cpu: m.cpu,
			wait: m.wait,
			idle: 0,
			cpuinfo: {...node.cpuinfo, hvm: '1', user_hz: 100},
			memory: {total: node.memory, used: m.mem, free: node.memory - m.mem, available: node.memory - m.mem + cached},
			swap: {total: node.swap, used: 0, free: node.swap},
			rootfs: {total: node.rootfs.total, used: node.rootfs.used, avail: node.rootfs.total - node.rootfs.used, free: node.rootfs.total - node.rootfs.used},
			ksm: {shared: 0},
			pveversion: node.pveversion,
			kversion: node.kversion,
			'current-kernel': kernelInfo(node.kversion),
			'boot-info': {mode: 'efi', secureboot: 0},
		},
	};
};

const BRIDGE_TYPES = new Set(['bridge', 'OVSBridge']);

export const getNetwork: Handler = (ctx) => {
	const node = nodeOf(ctx);
	const type = ctx.params.type;
	const entries = node.network.filter((e) => {
		if (type === undefined) return true;
		if (type === 'any_bridge' || type === 'any_local_bridge') return BRIDGE_TYPES.has(e.type);
		return e.type === type;
	});
	return {data: structuredClone(entries)};
};

export const getNodeStorage: Handler = (ctx) => {
	const node = nodeOf(ctx);
	const principal = principalOf(ctx);
	const {params, state} = ctx;
	const wanted = params.content?.split(',').filter(Boolean);
	const out: Json[] = [];
	for (const s of node.storages) {
		const path = `/storage/${s.storage}`;
		if (!hasPriv(state, principal, path, 'Datastore.Audit') && !hasPriv(state, principal, path, 'Datastore.AllocateSpace')) continue;
		if (params.storage !== undefined && params.storage !== s.storage) continue;
		const enabled = s.enabled !== false;
		if (params.enabled === '1' && !enabled) continue;
		if (wanted && !wanted.some((c) => s.content.split(',').includes(c))) continue;
		const active = enabled && s.active !== false;
		const entry: Json = {storage: s.storage, type: s.type, content: s.content, active: active ? 1 : 0, enabled: enabled ? 1 : 0, shared: s.shared ? 1 : 0};
		// An inactive storage cannot be queried: PVE leaves its sizes out.
		if (active) Object.assign(entry, {total: s.total, used: s.used, avail: s.total - s.used, used_fraction: s.total > 0 ? s.used / s.total : 0});
		out.push(entry);
	}
	return {data: out};
};

function zfsOf(node: SimNode): FixtureZpool[] {
	if (!node.zfs) throw handlerError('zfsutils-linux not installed');
	return node.zfs.pools;
}

export const getZfsPools: Handler = (ctx) => ({
	data: zfsOf(nodeOf(ctx)).map((p) => ({name: p.name, size: p.size, alloc: p.alloc, free: p.free, frag: p.frag, dedup: p.dedup, health: p.health})),
});

function vdevTree(v: FixtureVdev): Json {
	const children = v.children ?? [];
	const out: Json = {name: v.name, state: v.state, read: v.read ?? 0, write: v.write ?? 0, cksum: v.cksum ?? 0, msg: v.msg ?? '', leaf: children.length === 0 ? 1 : 0};
	if (children.length > 0) out.children = children.map(vdevTree);
	return out;
}

export const getZfsPool: Handler = (ctx) => {
	const pool = zfsOf(nodeOf(ctx)).find((p) => p.name === ctx.params.name);
	if (!pool) throw handlerError(`cannot open '${ctx.params.name}': no such pool`);
	// The fixture may give the tree with or without the pool's own root row.
	const [first] = pool.vdevs;
	const root: FixtureVdev = pool.vdevs.length === 1 && first?.name === pool.name ? first : {name: pool.name, state: pool.health, children: pool.vdevs};
	const data: Json = {name: pool.name, state: pool.health, leaf: 0, children: [vdevTree(root)], errors: pool.errors ?? 'No known data errors'};
	if (pool.scan) data.scan = pool.scan;
	if (pool.status) data.status = pool.status;
	if (pool.action) data.action = pool.action;
	return {data};
};

/** GET /nodes/{node}/apt/update: the package list the last `apt-get update` left (the fixture's `apt.pending`). */
export const getAptUpdate: Handler = (ctx) => ({data: structuredClone(nodeOf(ctx).apt?.pending ?? [])});

/**
 * GET /nodes/{node}/apt/versions, the packages `pveversion -v` lists: proxmox-ve
 * (with the running kernel), pve-manager (with the running API server's
 * version) and one proxmox-kernel-* per installed kernel.
 */
export const getAptVersions: Handler = (ctx) => {
	const node = nodeOf(ctx);
	const running = kernelInfo(node.kversion).release as string;
	const manager = node.pveversion.split('/')[1] ?? '';
	const base = {Arch: 'all', CurrentState: 'Installed', Origin: 'Proxmox', Priority: 'optional'};
	const kernels = [...new Set([running, ...(node.apt?.kernels ?? [])])].sort(compareReleases);
	return {
		data: [
			{...base, Package: 'proxmox-ve', Title: 'Proxmox Virtual Environment', Description: 'The Proxmox Virtual Environment is an easy to use Open Source virtualization platform.', Section: 'admin', Version: manager, RunningKernel: running},
			{...base, Package: 'pve-manager', Title: 'Proxmox Virtual Environment Management Tools', Description: 'This package contains the Proxmox Virtual Environment management tools.', Section: 'admin', Version: manager, ManagerVersion: manager},
			...kernels.map((release) => ({...base, Arch: 'amd64', Package: `proxmox-kernel-${release}-signed`, Title: 'Proxmox Kernel Image (signed)', Description: `This package contains the Linux kernel ${release}.`, Section: 'kernel', Version: release.replace(/-pve$/, '')})),
		],
	};
};
