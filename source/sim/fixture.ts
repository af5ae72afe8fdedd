// Loads and checks simulator fixtures (format: ./fixture-types.ts, documented
// for users in fixtures/README.md).
//
// The checks are hand-written on purpose: a fixture author gets ONE line that
// names the file, the JSON path and what was expected, e.g.
//   fixtures/x.json: guests[3].vmid: expected an integer 100-999999999, got "abc"
// and the simulator can then trust the shapes it serves. We check what would
// make the simulator lie about Proxmox (wrong types, dangling references,
// configs Proxmox itself would reject), not every cosmetic detail.

import {readFileSync} from 'node:fs';
import {isIP} from 'node:net';
import type {Fixture} from './fixture-types.js';
import {packagePath} from '../util/package-root.js';

export class FixtureError extends Error {
	override name = 'FixtureError';
}

export const BUILTIN_FIXTURES: {homelab: string; cluster: string} = {
	homelab: packagePath('fixtures', 'homelab.json'),
	cluster: packagePath('fixtures', 'cluster.json'),
};

/** Reads a fixture file; every failure is a FixtureError naming the file. */
export function loadFixture(path: string): Fixture {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new FixtureError(oneLine(`${path}: cannot read fixture (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`));
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		// V8's message already says where ("… in JSON at position 12 (line 2 column 3)").
		throw new FixtureError(oneLine(`${path}: invalid JSON: ${(error as Error).message.split('\n')[0]}`));
	}
	return parseFixture(json, path);
}

/** Validates an already-parsed fixture document and returns it typed. */
export function parseFixture(json: unknown, source: string): Fixture {
	new FixtureChecker(source).fixture(json);
	return json as Fixture;
}

// ---------------------------------------------------------------------------
// Vocabulary Proxmox itself enforces (pve-common / pve-container / pve-access-control).

export const BUILTIN_ROLES: readonly string[] = [
	'Administrator', 'PVEAdmin', 'PVEAuditor', 'PVEVMAdmin', 'PVEVMUser', 'PVEDatastoreUser', 'PVEDatastoreAdmin',
	'PVEPoolUser', 'PVESysAdmin', 'PVEUserAdmin', 'PVEPoolAdmin', 'PVETemplateUser', 'PVESDNUser', 'PVESDNAdmin',
	'PVEMappingUser', 'PVEMappingAdmin', 'NoAccess',
];
const FAILURE_ACTIONS = ['start', 'stop', 'shutdown', 'reboot', 'snapshot', 'rollback', 'delsnapshot'];
const LXC_OSTYPES = ['debian', 'devuan', 'ubuntu', 'centos', 'fedora', 'opensuse', 'archlinux', 'alpine', 'gentoo', 'nixos', 'unmanaged'];
const QEMU_OSTYPES = ['other', 'wxp', 'w2k', 'w2k3', 'w2k8', 'wvista', 'win7', 'win8', 'win10', 'win11', 'l24', 'l26', 'solaris'];
const ZPOOL_HEALTH = ['ONLINE', 'DEGRADED', 'FAULTED', 'OFFLINE', 'UNAVAIL', 'REMOVED'];
const STORAGE_CONTENT = ['images', 'rootdir', 'vztmpl', 'iso', 'backup', 'snippets', 'import'];
/** Plain LXC config keys; netN/mpN/devN/unusedN are handled by pattern. */
const LXC_KEYS = new Set([
	'arch', 'cmode', 'console', 'cores', 'cpulimit', 'cpuunits', 'debug', 'description', 'entrypoint', 'env', 'features',
	'hookscript', 'hostname', 'lock', 'lxc', 'memory', 'nameserver', 'onboot', 'ostype', 'protection', 'rootfs',
	'searchdomain', 'startup', 'swap', 'tags', 'template', 'timezone', 'tty', 'unprivileged',
]);
const LXC_FLAGS = ['console', 'debug', 'onboot', 'protection', 'template', 'unprivileged'];
const NET_KEYS = ['name', 'bridge', 'firewall', 'gw', 'gw6', 'hwaddr', 'ip', 'ip6', 'link_down', 'mtu', 'rate', 'tag', 'trunks', 'type', 'host-managed'];
const FEATURE_KEYS = ['nesting', 'keyctl', 'fuse', 'mknod', 'force_rw_sys', 'mount'];
const MOUNT_KEYS = ['volume', 'size', 'acl', 'mountoptions', 'quota', 'replicate', 'ro', 'shared', 'mp', 'backup'];
const QEMU_DISK = /^(scsi|virtio|sata|ide)\d+$|^(efidisk0|tpmstate0)$/;

const TAG = /^[a-z0-9_][a-z0-9_\-+.]*$/i;
const NODE_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const STORAGE_ID = /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i;
const DNS_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/;
const SNAPSHOT_NAME = /^[a-z][a-z0-9_-]+$/i;
const USERID = /^[^\s:/@!]+@[A-Za-z][A-Za-z0-9._-]*$/;
const TOKEN_ID = /^[A-Za-z][A-Za-z0-9._-]*$/;
const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAC = /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/i;
const DISK_SIZE = /^\d+(\.\d+)?[KMGT]?$/;

/**
 * Splits a Proxmox property string (`name=eth0,bridge=vmbr0,…`). A bare first
 * item is the `defaultKey` value (`local-zfs:subvol-101-disk-0,size=8G`).
 * Returns an error text instead of throwing so the caller can add the path.
 */
export function parsePropertyString(text: string, defaultKey?: string): Map<string, string> | string {
	const result = new Map<string, string>();
	const items = text.split(',');
	for (const [index, item] of items.entries()) {
		const eq = item.indexOf('=');
		let key: string;
		let value: string;
		if (eq === -1) {
			if (index !== 0 || defaultKey === undefined) return `"${item}" is not key=value`;
			key = defaultKey;
			value = item;
		} else {
			key = item.slice(0, eq);
			value = item.slice(eq + 1);
		}
		if (key === '') return `"${item}" has an empty key`;
		if (result.has(key)) return `duplicate key "${key}"`;
		result.set(key, value);
	}
	return result;
}

// ---------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** A short rendering of a bad value for "got …". */
function describe(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	const text = JSON.stringify(value);
	return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Walks the document keeping the file name; `fail` throws the one-line error. */
class FixtureChecker {
	private readonly nodeNames = new Map<string, {storages: Set<string>; bridges: Set<string>}>();
	private readonly roles = new Set(BUILTIN_ROLES);
	private readonly userIds = new Set<string>();

	constructor(private readonly source: string) {}

	private fail(path: string, message: string): never {
		throw new FixtureError(oneLine(`${this.source}: ${path ? `${path}: ` : ''}${message}`));
	}

	// --- primitives -----------------------------------------------------------

	private object(value: unknown, path: string): Json {
		if (!isObject(value)) this.fail(path, `expected an object, got ${describe(value)}`);
		return value;
	}

	private array(value: unknown, path: string): unknown[] {
		if (!Array.isArray(value)) this.fail(path, `expected an array, got ${describe(value)}`);
		return value;
	}

	/** Rejects unknown keys (typos) and missing required ones. */
	private keys(object: Json, path: string, required: string[], optional: string[]): void {
		for (const key of required) {
			if (object[key] === undefined) this.fail(join(path, key), 'is missing');
		}
		for (const key of Object.keys(object)) {
			if (!required.includes(key) && !optional.includes(key)) {
				this.fail(join(path, key), `unknown key (expected one of: ${[...required, ...optional].join(', ')})`);
			}
		}
	}

	private string(value: unknown, path: string, pattern?: RegExp, what?: string): string {
		if (typeof value !== 'string') this.fail(path, `expected ${what ?? 'a string'}, got ${describe(value)}`);
		if (pattern && !pattern.test(value)) this.fail(path, `expected ${what ?? `a string matching ${pattern}`}, got ${describe(value)}`);
		return value;
	}

	private integer(value: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
		if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
			const range = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? 'a non-negative integer' : `an integer >= ${min}`) : `an integer ${min}-${max}`;
			this.fail(path, `expected ${range}, got ${describe(value)}`);
		}
		return value;
	}

	private number(value: unknown, path: string, min: number, max: number): number {
		if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
			this.fail(path, `expected a number ${min}-${max}, got ${describe(value)}`);
		}
		return value;
	}

	private boolean(value: unknown, path: string): boolean {
		if (typeof value !== 'boolean') this.fail(path, `expected true or false, got ${describe(value)}`);
		return value;
	}

	private oneOf(value: unknown, path: string, allowed: readonly string[]): string {
		if (typeof value !== 'string' || !allowed.includes(value)) this.fail(path, `expected one of ${allowed.join(', ')}, got ${describe(value)}`);
		return value;
	}

	private optional<T>(object: Json, key: string, path: string, check: (value: unknown, path: string) => T): T | undefined {
		return object[key] === undefined ? undefined : check(object[key], join(path, key));
	}

	// --- document ---------------------------------------------------------------

	fixture(json: unknown): void {
		const doc = this.object(json, '');
		this.keys(doc, '', ['version', 'seed', 'nodes', 'guests', 'users'], ['cluster', 'roles', 'taskHistory', 'failures', 'backups']);
		if (doc.cluster !== undefined) {
			const cluster = this.object(doc.cluster, 'cluster');
			this.keys(cluster, 'cluster', ['name'], ['configVersion']);
			this.string(cluster.name, 'cluster.name', NODE_NAME, 'a cluster name (letters, digits, -)');
			this.optional(cluster, 'configVersion', 'cluster', (v, p) => this.integer(v, p, 1));
		}
		const version = this.object(doc.version, 'version');
		this.keys(version, 'version', ['version', 'release', 'repoid'], []);
		this.string(version.version, 'version.version', /^\d+\.\d+(\.\d+)?(-\d+)?$/, 'a version like "9.1.5"');
		this.string(version.release, 'version.release', /^\d+\.\d+$/, 'a release like "9.1"');
		this.string(version.repoid, 'version.repoid', /^[0-9a-f]{8,40}$/, 'a git commit id like "80cf92a6"');
		this.integer(doc.seed, 'seed');

		const nodes = this.array(doc.nodes, 'nodes');
		if (nodes.length === 0) this.fail('nodes', 'expected at least one node');
		if (doc.cluster === undefined && nodes.length > 1) this.fail('nodes', `${nodes.length} nodes need a cluster (add the top-level "cluster" key)`);
		nodes.forEach((node, i) => this.node(node, `nodes[${i}]`));

		if (doc.roles !== undefined) this.customRoles(doc.roles);
		const users = this.array(doc.users, 'users');
		users.forEach((user, i) => this.user(user, `users[${i}]`));

		const guests = this.array(doc.guests, 'guests');
		const seen = new Map<number, number>();
		guests.forEach((guest, i) => {
			const vmid = this.guest(guest, `guests[${i}]`, doc.cluster !== undefined);
			const earlier = seen.get(vmid);
			if (earlier !== undefined) this.fail(`guests[${i}].vmid`, `duplicate vmid ${vmid} (also guests[${earlier}])`);
			seen.set(vmid, i);
		});

		if (doc.taskHistory !== undefined) {
			this.array(doc.taskHistory, 'taskHistory').forEach((task, i) => this.task(task, `taskHistory[${i}]`));
		}
		if (doc.failures !== undefined) {
			this.array(doc.failures, 'failures').forEach((failure, i) => this.failure(failure, `failures[${i}]`, seen, guests));
		}
		if (doc.backups !== undefined) this.backups(doc.backups);
	}

	// --- nodes ------------------------------------------------------------------

	private apt(value: unknown, path: string): void {
		const apt = this.object(value, path);
		this.keys(apt, path, [], ['pending', 'kernels']);
		if (apt.pending !== undefined) {
			const seen = new Set<string>();
			this.array(apt.pending, join(path, 'pending')).forEach((entry, i) => {
				const p = `${path}.pending[${i}]`;
				const pkg = this.object(entry, p);
				const keys = ['Package', 'Title', 'Description', 'Origin', 'Section', 'Priority', 'Arch', 'OldVersion', 'Version'];
				this.keys(pkg, p, keys, []);
				for (const key of keys) this.string(pkg[key], join(p, key));
				this.oneOf(pkg.Arch, join(p, 'Arch'), ['armhf', 'arm64', 'amd64', 'ppc64el', 'risc64', 's390x', 'all']);
				const name = String(pkg.Package);
				if (seen.has(name)) this.fail(join(p, 'Package'), `duplicate package "${name}"`);
				seen.add(name);
			});
		}
		if (apt.kernels !== undefined) this.array(apt.kernels, join(path, 'kernels')).forEach((k, i) => this.string(k, `${path}.kernels[${i}]`, /^\d+\.\d+\.\d+-\d+-pve$/, 'a kernel release like "6.14.11-1-pve"'));
	}

	private node(value: unknown, path: string): void {
		const node = this.object(value, path);
		this.keys(node, path, ['name', 'ip', 'online', 'cpuinfo', 'memory', 'swap', 'rootfs', 'uptime', 'kversion', 'pveversion', 'network', 'storages'], ['nodeid', 'cpuBase', 'zfs', 'apt']);
		const name = this.string(node.name, join(path, 'name'), NODE_NAME, 'a node name (letters, digits, -)');
		if (this.nodeNames.has(name)) this.fail(join(path, 'name'), `duplicate node name "${name}"`);
		const ip = this.string(node.ip, join(path, 'ip'));
		if (isIP(ip) === 0) this.fail(join(path, 'ip'), `expected an IP address, got ${describe(ip)}`);
		this.boolean(node.online, join(path, 'online'));
		this.optional(node, 'nodeid', path, (v, p) => this.integer(v, p, 1));
		this.optional(node, 'cpuBase', path, (v, p) => this.number(v, p, 0, 1));

		const cpu = this.object(node.cpuinfo, join(path, 'cpuinfo'));
		const cpuPath = join(path, 'cpuinfo');
		this.keys(cpu, cpuPath, ['model', 'sockets', 'cores', 'cpus', 'mhz'], []);
		this.string(cpu.model, join(cpuPath, 'model'));
		this.integer(cpu.sockets, join(cpuPath, 'sockets'), 1);
		this.integer(cpu.cores, join(cpuPath, 'cores'), 1);
		this.integer(cpu.cpus, join(cpuPath, 'cpus'), 1);
		this.string(cpu.mhz, join(cpuPath, 'mhz'), /^\d+(\.\d+)?$/, 'a string like "3800.000" (Proxmox sends mhz as a string)');

		this.integer(node.memory, join(path, 'memory'), 1);
		this.integer(node.swap, join(path, 'swap'));
		const rootfs = this.object(node.rootfs, join(path, 'rootfs'));
		this.keys(rootfs, join(path, 'rootfs'), ['total', 'used'], []);
		this.usedWithinTotal(rootfs, join(path, 'rootfs'));
		this.integer(node.uptime, join(path, 'uptime'));
		this.string(node.kversion, join(path, 'kversion'), /^Linux /, 'a kernel version like "Linux 6.14.8-2-pve #1 SMP …"');
		this.string(node.pveversion, join(path, 'pveversion'), /^pve-manager\/[^/]+\/[0-9a-f]+$/, 'a string like "pve-manager/9.1.5/80cf92a6"');

		const bridges = new Set<string>();
		const ifaces = new Set<string>();
		this.array(node.network, join(path, 'network')).forEach((entry, i) => {
			const p = `${path}.network[${i}]`;
			const iface = this.object(entry, p);
			const name = this.string(iface.iface, join(p, 'iface'), /^[a-zA-Z][a-zA-Z0-9_.:-]*$/, 'an interface name');
			if (name === 'lo') this.fail(join(p, 'iface'), 'Proxmox never lists "lo"; leave it out');
			if (ifaces.has(name)) this.fail(join(p, 'iface'), `duplicate interface "${name}"`);
			ifaces.add(name);
			const type = this.string(iface.type, join(p, 'type'));
			if (type === 'bridge' || type === 'OVSBridge') bridges.add(name);
		});

		const storages = new Set<string>();
		this.array(node.storages, join(path, 'storages')).forEach((entry, i) => {
			const id = this.storage(entry, `${path}.storages[${i}]`);
			if (storages.has(id)) this.fail(`${path}.storages[${i}].storage`, `duplicate storage "${id}" on node ${name}`);
			storages.add(id);
		});
		if (node.zfs !== undefined) this.zfs(node.zfs, join(path, 'zfs'));
		if (node.apt !== undefined) this.apt(node.apt, join(path, 'apt'));
		this.nodeNames.set(name, {storages, bridges});
	}

	private usedWithinTotal(object: Json, path: string): void {
		const total = this.integer(object.total, join(path, 'total'));
		const used = this.integer(object.used, join(path, 'used'));
		if (used > total) this.fail(join(path, 'used'), `used (${used}) is more than total (${total})`);
	}

	private storage(value: unknown, path: string): string {
		const storage = this.object(value, path);
		this.keys(storage, path, ['storage', 'type', 'content', 'total', 'used'], ['shared', 'enabled', 'active', 'pool', 'path', 'prune-backups', 'datastore', 'server']);
		const id = this.string(storage.storage, join(path, 'storage'), STORAGE_ID, 'a storage id like "local-zfs"');
		this.string(storage.type, join(path, 'type'), /^[a-z][a-z0-9]*$/, 'a storage type like "zfspool"');
		const content = this.string(storage.content, join(path, 'content'));
		for (const item of content.split(',')) {
			if (!STORAGE_CONTENT.includes(item)) this.fail(join(path, 'content'), `unknown content type "${item}" (expected a comma list of ${STORAGE_CONTENT.join(', ')})`);
		}
		this.usedWithinTotal(storage, path);
		for (const flag of ['shared', 'enabled', 'active']) this.optional(storage, flag, path, (v, p) => this.boolean(v, p));
		this.optional(storage, 'pool', path, (v, p) => this.string(v, p, /^[A-Za-z0-9][\w.:/-]*$/, 'a ZFS dataset name'));
		this.optional(storage, 'path', path, (v, p) => this.string(v, p, /^\//, 'an absolute path'));
		return id;
	}

	private zfs(value: unknown, path: string): void {
		const zfs = this.object(value, path);
		this.keys(zfs, path, ['pools', 'datasets'], []);
		const pools = new Set<string>();
		this.array(zfs.pools, join(path, 'pools')).forEach((entry, i) => {
			const p = `${path}.pools[${i}]`;
			const pool = this.object(entry, p);
			this.keys(pool, p, ['name', 'size', 'alloc', 'free', 'frag', 'dedup', 'health', 'vdevs'], ['scan', 'errors', 'status', 'action']);
			const name = this.string(pool.name, join(p, 'name'), /^[A-Za-z][\w.:-]*$/, 'a pool name');
			if (pools.has(name)) this.fail(join(p, 'name'), `duplicate pool "${name}"`);
			pools.add(name);
			const size = this.integer(pool.size, join(p, 'size'), 1);
			const alloc = this.integer(pool.alloc, join(p, 'alloc'));
			this.integer(pool.free, join(p, 'free'));
			if (alloc > size) this.fail(join(p, 'alloc'), `alloc (${alloc}) is more than size (${size})`);
			this.integer(pool.frag, join(p, 'frag'), 0, 100);
			this.number(pool.dedup, join(p, 'dedup'), 1, 1000);
			const health = this.oneOf(pool.health, join(p, 'health'), ZPOOL_HEALTH);
			for (const key of ['scan', 'errors', 'status', 'action']) this.optional(pool, key, p, (v, q) => this.string(v, q));
			if (health !== 'ONLINE' && (pool.status === undefined || pool.action === undefined)) {
				this.fail(p, `a ${health} pool needs "status" and "action" texts (zpool status prints them when a pool is unhealthy)`);
			}
			const vdevs = this.array(pool.vdevs, join(p, 'vdevs'));
			if (vdevs.length === 0) this.fail(join(p, 'vdevs'), 'expected at least one vdev');
			vdevs.forEach((vdev, j) => this.vdev(vdev, `${p}.vdevs[${j}]`));
		});
		this.array(zfs.datasets, join(path, 'datasets')).forEach((entry, i) => {
			const p = `${path}.datasets[${i}]`;
			const dataset = this.object(entry, p);
			this.keys(dataset, p, ['name', 'type', 'used', 'avail', 'refer', 'usedbysnapshots', 'compressratio', 'mountpoint'], ['quota']);
			const name = this.string(dataset.name, join(p, 'name'));
			const pool = name.split('/')[0] ?? '';
			if (!pools.has(pool)) this.fail(join(p, 'name'), `dataset "${name}" is not in any pool of this node (${[...pools].join(', ') || 'none'})`);
			this.oneOf(dataset.type, join(p, 'type'), ['filesystem', 'volume']);
			for (const key of ['used', 'avail', 'refer', 'usedbysnapshots']) this.integer(dataset[key], join(p, key));
			this.string(dataset.compressratio, join(p, 'compressratio'), /^\d+\.\d{2}x?$/, 'a ratio like "1.85" or "1.85x"');
			this.string(dataset.mountpoint, join(p, 'mountpoint'), /^(\/.*|-|none|legacy)$/, 'an absolute path, "-", "none" or "legacy"');
			this.optional(dataset, 'quota', p, (v, q) => this.integer(v, q, 1));
		});
	}

	private vdev(value: unknown, path: string): void {
		const vdev = this.object(value, path);
		this.keys(vdev, path, ['name', 'state'], ['read', 'write', 'cksum', 'msg', 'children']);
		this.string(vdev.name, join(path, 'name'), /./, 'a device name');
		this.string(vdev.state, join(path, 'state'), /^[A-Z]+$/, 'a state like "ONLINE"');
		for (const key of ['read', 'write', 'cksum']) this.optional(vdev, key, path, (v, p) => this.integer(v, p));
		this.optional(vdev, 'msg', path, (v, p) => this.string(v, p));
		if (vdev.children !== undefined) {
			this.array(vdev.children, join(path, 'children')).forEach((child, i) => this.vdev(child, `${path}.children[${i}]`));
		}
	}

	// --- access -------------------------------------------------------------------

	private customRoles(value: unknown): void {
		const roles = this.object(value, 'roles');
		for (const [name, privileges] of Object.entries(roles)) {
			const p = join('roles', name);
			if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(name)) this.fail(p, 'expected a role name of letters, digits, _ . -');
			if (BUILTIN_ROLES.includes(name)) this.fail(p, `"${name}" is a built-in Proxmox role and cannot be redefined`);
			this.array(privileges, p).forEach((privilege, i) => this.string(privilege, `${p}[${i}]`, /^[A-Z][A-Za-z]*(\.[A-Z][A-Za-z]*)+$/, 'a privilege like "VM.Audit"'));
			this.roles.add(name);
		}
	}

	private user(value: unknown, path: string): void {
		const user = this.object(value, path);
		this.keys(user, path, ['userid', 'acl'], ['password', 'enable', 'tokens', 'tfa']);
		const userid = this.string(user.userid, join(path, 'userid'), USERID, 'a user id like "root@pam"');
		if (this.userIds.has(userid)) this.fail(join(path, 'userid'), `duplicate user "${userid}"`);
		this.userIds.add(userid);
		this.optional(user, 'password', path, (v, p) => this.string(v, p, /./, 'a non-empty demo password'));
		this.optional(user, 'enable', path, (v, p) => this.boolean(v, p));
		this.acl(user.acl, join(path, 'acl'));
		if (user.tfa !== undefined) this.tfa(user.tfa, join(path, 'tfa'));
		if (user.tokens === undefined) return;
		const tokenIds = new Set<string>();
		this.array(user.tokens, join(path, 'tokens')).forEach((entry, i) => {
			const p = `${path}.tokens[${i}]`;
			const token = this.object(entry, p);
			this.keys(token, p, ['tokenid', 'secret'], ['privsep', 'acl', 'expire']);
			const id = this.string(token.tokenid, join(p, 'tokenid'), TOKEN_ID, 'a token id (the part after "!") like "proxdeck"');
			if (tokenIds.has(id)) this.fail(join(p, 'tokenid'), `duplicate token "${userid}!${id}"`);
			tokenIds.add(id);
			// proxmox-api (and Proxmox) only accept lowercase UUID secrets.
			this.string(token.secret, join(p, 'secret'), LOWER_UUID, 'a lowercase UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)');
			this.optional(token, 'privsep', p, (v, q) => this.boolean(v, q));
			this.optional(token, 'expire', p, (v, q) => this.integer(v, q));
			if (token.acl !== undefined) this.acl(token.acl, join(p, 'acl'));
		});
	}

	private tfa(value: unknown, path: string): void {
		const tfa = this.object(value, path);
		this.keys(tfa, path, [], ['totp', 'recovery', 'webauthn']);
		this.optional(tfa, 'totp', path, (v, p) => this.string(v, p, /^[A-Z2-7]{16,}=*$/, 'a base32 TOTP secret (A-Z, 2-7, at least 16 characters)'));
		if (tfa.recovery !== undefined) {
			this.array(tfa.recovery, join(path, 'recovery')).forEach((key, i) => this.string(key, `${path}.recovery[${i}]`, /^[0-9a-f]{4}(-[0-9a-f]{4}){3}$/, 'a recovery key like "1a2b-3c4d-5e6f-7a8b"'));
		}
		this.optional(tfa, 'webauthn', path, (v, p) => this.boolean(v, p));
	}

	private acl(value: unknown, path: string): void {
		this.array(value, path).forEach((entry, i) => {
			const p = `${path}[${i}]`;
			const acl = this.object(entry, p);
			this.keys(acl, p, ['path', 'role'], ['propagate']);
			this.string(acl.path, join(p, 'path'), /^\/([\w.:@-]+(\/[\w.:@-]+)*)?$/, 'an ACL path like "/" or "/vms/101"');
			const role = this.string(acl.role, join(p, 'role'));
			if (!this.roles.has(role)) this.fail(join(p, 'role'), `unknown role "${role}" (built-in roles: ${BUILTIN_ROLES.join(', ')}; add others under "roles")`);
			this.optional(acl, 'propagate', p, (v, q) => this.boolean(v, q));
		});
	}

	// --- guests -------------------------------------------------------------------

	/** Returns the vmid so the caller can check uniqueness. */
	private guest(value: unknown, path: string, clustered: boolean): number {
		const guest = this.object(value, path);
		this.keys(guest, path, ['vmid', 'type', 'node', 'status', 'config', 'usage'], ['uptime', 'snapshots', 'ha', 'pool', 'packages', 'guestAgent']);
		const vmid = this.integer(guest.vmid, join(path, 'vmid'), 100, 999999999);
		const type = this.oneOf(guest.type, join(path, 'type'), ['lxc', 'qemu']);
		const nodeName = this.string(guest.node, join(path, 'node'));
		const node = this.nodeNames.get(nodeName);
		if (!node) this.fail(join(path, 'node'), `no node named "${nodeName}" (nodes: ${[...this.nodeNames.keys()].join(', ')})`);
		const status = this.oneOf(guest.status, join(path, 'status'), ['running', 'stopped']);

		const usage = this.object(guest.usage, join(path, 'usage'));
		this.keys(usage, join(path, 'usage'), ['cpu', 'mem', 'disk'], ['netRate']);
		for (const key of ['cpu', 'mem', 'disk']) this.number(usage[key], join(path, 'usage', key), 0, 1);
		this.optional(usage, 'netRate', join(path, 'usage'), (v, p) => this.number(v, p, 0, Number.MAX_SAFE_INTEGER));

		const uptime = this.optional(guest, 'uptime', path, (v, p) => this.integer(v, p));
		if (status === 'stopped' && uptime !== undefined && uptime > 0) this.fail(join(path, 'uptime'), 'a stopped guest has no uptime (use 0 or leave it out)');
		this.optional(guest, 'pool', path, (v, p) => this.string(v, p, /^[A-Za-z0-9_.-]+$/, 'a pool id'));
		if (guest.ha !== undefined) {
			if (!clustered) this.fail(join(path, 'ha'), 'HA needs a cluster (add the top-level "cluster" key)');
			const ha = this.object(guest.ha, join(path, 'ha'));
			this.keys(ha, join(path, 'ha'), ['state'], ['group', 'max_restart', 'max_relocate', 'crm']);
			this.optional(ha, 'crm', join(path, 'ha'), (v, p) => this.oneOf(v, p, ['error', 'fence', 'recovery', 'freeze']));
			this.oneOf(ha.state, join(path, 'ha', 'state'), ['started', 'stopped', 'ignored', 'disabled']);
			this.optional(ha, 'group', join(path, 'ha'), (v, p) => this.string(v, p, /^[A-Za-z][A-Za-z0-9_.-]*$/, 'an HA group name'));
			this.optional(ha, 'max_restart', join(path, 'ha'), (v, p) => this.integer(v, p, 0, 10));
			this.optional(ha, 'max_relocate', join(path, 'ha'), (v, p) => this.integer(v, p, 0, 10));
		}
		if (guest.snapshots !== undefined) this.snapshots(guest.snapshots, join(path, 'snapshots'));
		if (guest.packages !== undefined) {
			if (type !== 'lxc') this.fail(join(path, 'packages'), 'package state is simulated for containers only (pct exec)');
			this.packages(guest.packages, join(path, 'packages'));
		}

		if (guest.guestAgent !== undefined) {
			if (type !== 'qemu') this.fail(join(path, 'guestAgent'), 'the QEMU guest agent runs in VMs only');
			this.guestAgent(guest.guestAgent, join(path, 'guestAgent'));
		}

		const config = this.object(guest.config, join(path, 'config'));
		if (type === 'lxc') this.lxcConfig(config, join(path, 'config'), vmid, nodeName, node);
		else this.qemuConfig(config, join(path, 'config'), nodeName, node);
		return vmid;
	}

	/** A VM's `guestAgent`: the interfaces the agent reports (name, MAC, addresses with prefix). */
	private guestAgent(value: unknown, path: string): void {
		const agent = this.object(value, path);
		this.keys(agent, path, ['interfaces'], []);
		this.array(agent.interfaces, join(path, 'interfaces')).forEach((entry, i) => {
			const p = `${path}.interfaces[${i}]`;
			const nic = this.object(entry, p);
			this.keys(nic, p, ['name', 'hwaddr', 'ips'], []);
			this.string(nic.name, join(p, 'name'), /^[\w.@-]{1,32}$/, 'an interface name like "eth0"');
			this.string(nic.hwaddr, join(p, 'hwaddr'), /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/, 'a MAC address');
			this.array(nic.ips, join(p, 'ips')).forEach((ip, j) => this.string(ip, `${p}.ips[${j}]`, /^[0-9A-Fa-f.:]+\/\d{1,3}$/, 'an address with prefix like "10.0.20.50/24"'));
		});
	}

	/** A container's `packages`: pending upgrades, an injected failure, the reboot flag, a fixed upgrade duration. */
	private packages(value: unknown, path: string): void {
		const packages = this.object(value, path);
		this.keys(packages, path, [], ['pending', 'failure', 'rebootRequired', 'upgradeSeconds']);
		if (Array.isArray(packages.pending)) {
			const seen = new Set<string>();
			packages.pending.forEach((entry, i) => {
				const p = `${path}.pending[${i}]`;
				const upgrade = this.object(entry, p);
				this.keys(upgrade, p, ['name', 'from', 'to'], []);
				const name = this.string(upgrade.name, join(p, 'name'), /^[a-z0-9][a-z0-9+._-]*$/, 'a package name (lowercase letters, digits, + . _ -)');
				if (seen.has(name)) this.fail(join(p, 'name'), `duplicate package "${name}"`);
				seen.add(name);
				const from = this.string(upgrade.from, join(p, 'from'), /^\S+$/, 'a version');
				const to = this.string(upgrade.to, join(p, 'to'), /^\S+$/, 'a version');
				if (from === to) this.fail(join(p, 'to'), `same as "from" (${from}): not an upgrade`);
			});
		} else {
			this.optional(packages, 'pending', path, (v, p) => this.integer(v, p, 0, 1000));
		}
		this.optional(packages, 'failure', path, (v, p) => this.oneOf(v, p, ['dpkg-error', 'hang', 'break-service', 'drop-channel', 'index-error']));
		this.optional(packages, 'rebootRequired', path, (v, p) => this.boolean(v, p));
		this.optional(packages, 'upgradeSeconds', path, (v, p) => this.number(v, p, 0, 86_400));
	}

	private snapshots(value: unknown, path: string): void {
		const entries = this.array(value, path);
		const names = new Map<string, string | undefined>();
		entries.forEach((entry, i) => {
			const p = `${path}[${i}]`;
			const snapshot = this.object(entry, p);
			this.keys(snapshot, p, ['name', 'snaptime'], ['description', 'parent']);
			const name = this.string(snapshot.name, join(p, 'name'), SNAPSHOT_NAME, 'a snapshot name (a letter, then letters, digits, _ or -)');
			if (name === 'current') this.fail(join(p, 'name'), '"current" is reserved by Proxmox');
			if (names.has(name)) this.fail(join(p, 'name'), `duplicate snapshot "${name}"`);
			this.integer(snapshot.snaptime, join(p, 'snaptime'), Number.MIN_SAFE_INTEGER);
			this.optional(snapshot, 'description', p, (v, q) => this.string(v, q));
			names.set(name, this.optional(snapshot, 'parent', p, (v, q) => this.string(v, q)));
		});
		entries.forEach((_, i) => {
			const name = (entries[i] as Json).name as string;
			const parent = names.get(name);
			if (parent !== undefined && !names.has(parent)) this.fail(`${path}[${i}].parent`, `no snapshot named "${parent}" in this guest`);
			// A parent loop would make the snapshot tree infinite.
			const visited = new Set([name]);
			for (let at = parent; at !== undefined; at = names.get(at)) {
				if (visited.has(at)) this.fail(`${path}[${i}].parent`, `snapshot parents form a loop through "${at}"`);
				visited.add(at);
			}
		});
	}

	private lxcConfig(config: Json, path: string, vmid: number, nodeName: string, node: {storages: Set<string>}): void {
		for (const [key, value] of Object.entries(config)) {
			const p = join(path, key);
			if (key === 'digest') this.fail(p, 'leave "digest" out: the simulator computes it');
			if (/^net\d+$/.test(key)) this.lxcNet(value, p, Number(key.slice(3)));
			else if (key === 'rootfs' || /^mp\d+$/.test(key)) this.mount(value, p, key, nodeName, node);
			else if (/^(dev|unused)\d+$/.test(key)) this.string(value, p, /./, 'a non-empty string');
			else if (!LXC_KEYS.has(key)) this.fail(p, `not an LXC config key (see /etc/pve/lxc/${vmid}.conf keys in pct.conf(5))`);
			else if (LXC_FLAGS.includes(key)) this.flag(value, p);
			else this.lxcScalar(key, value, p);
		}
		for (const key of ['hostname', 'ostype', 'rootfs']) {
			if (config[key] === undefined) this.fail(join(path, key), 'is missing');
		}
	}

	/** 0/1 as Proxmox sends booleans. */
	private flag(value: unknown, path: string): void {
		if (value !== 0 && value !== 1) this.fail(path, `expected 0 or 1 (Proxmox booleans are integers), got ${describe(value)}`);
	}

	private lxcScalar(key: string, value: unknown, path: string): void {
		switch (key) {
			case 'hostname': this.string(value, path, DNS_NAME, 'a DNS host name'); return;
			case 'ostype': this.oneOf(value, path, LXC_OSTYPES); return;
			case 'memory': this.integer(value, path, 16); return;
			case 'swap': this.integer(value, path); return;
			case 'cores': this.integer(value, path, 1, 8192); return;
			case 'cpulimit': this.number(value, path, 0, 8192); return;
			case 'cpuunits': this.integer(value, path, 0, 500000); return;
			case 'tty': this.integer(value, path, 0, 6); return;
			case 'arch': this.oneOf(value, path, ['amd64', 'i386', 'arm64', 'armhf', 'riscv32', 'riscv64']); return;
			case 'cmode': this.oneOf(value, path, ['shell', 'console', 'tty']); return;
			case 'tags': this.tags(value, path); return;
			case 'features': this.features(value, path); return;
			case 'startup': this.string(value, path, /^((order=)?\d+)?(,?(up|down)=\d+)*$/, 'a startup string like "order=1,up=30"'); return;
			case 'lxc': this.rawLxc(value, path); return;
			default: this.string(value, path);
		}
	}

	private tags(value: unknown, path: string): void {
		const text = this.string(value, path);
		for (const tag of text.split(';')) {
			if (!TAG.test(tag)) this.fail(path, `invalid tag ${describe(tag)} (tags are ";"-separated; letters, digits, _ - + .)`);
		}
	}

	private features(value: unknown, path: string): void {
		const parsed = this.property(value, path);
		for (const [key, flag] of parsed) {
			if (!FEATURE_KEYS.includes(key)) this.fail(path, `unknown feature "${key}" (expected ${FEATURE_KEYS.join(', ')})`);
			if (key !== 'mount' && flag !== '0' && flag !== '1') this.fail(path, `feature ${key} must be 0 or 1, got ${describe(flag)}`);
		}
	}

	private rawLxc(value: unknown, path: string): void {
		this.array(value, path).forEach((pair, i) => {
			const p = `${path}[${i}]`;
			if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
				this.fail(p, `expected a [key, value] pair of strings, got ${describe(pair)}`);
			}
			if (!pair[0].startsWith('lxc.')) this.fail(p, `raw LXC keys start with "lxc.", got ${describe(pair[0])}`);
		});
	}

	private property(value: unknown, path: string, defaultKey?: string): Map<string, string> {
		const parsed = parsePropertyString(this.string(value, path), defaultKey);
		if (typeof parsed === 'string') this.fail(path, `not a Proxmox property string: ${parsed}`);
		return parsed;
	}

	private lxcNet(value: unknown, path: string, index: number): void {
		if (index > 31) this.fail(path, 'LXC has net0 to net31');
		const net = this.property(value, path);
		for (const key of net.keys()) {
			if (!NET_KEYS.includes(key)) this.fail(path, `unknown network option "${key}" (expected ${NET_KEYS.join(', ')})`);
		}
		if (!net.get('name')) this.fail(path, 'needs name= (the interface name inside the container, e.g. name=eth0)');
		this.netCommon(net, path);
		const ip = net.get('ip');
		if (ip !== undefined && ip !== 'dhcp' && ip !== 'manual' && !isCidr(ip, 4)) this.fail(path, `ip must be an IPv4 CIDR, dhcp or manual, got ${describe(ip)}`);
		const gw = net.get('gw');
		if (gw !== undefined && isIP(gw) !== 4) this.fail(path, `gw must be an IPv4 address, got ${describe(gw)}`);
		for (const flag of ['firewall', 'link_down', 'host-managed']) {
			const v = net.get(flag);
			if (v !== undefined && v !== '0' && v !== '1') this.fail(path, `${flag} must be 0 or 1, got ${describe(v)}`);
		}
	}

	/** Options LXC and QEMU NICs share: MAC, VLAN tag, bridge name. */
	private netCommon(net: Map<string, string>, path: string): void {
		const hwaddr = net.get('hwaddr');
		if (hwaddr !== undefined && !MAC.test(hwaddr)) this.fail(path, `hwaddr must be a MAC like BC:24:11:AA:BB:CC, got ${describe(hwaddr)}`);
		const tag = net.get('tag');
		if (tag !== undefined && !(/^\d+$/.test(tag) && Number(tag) >= 1 && Number(tag) <= 4094)) this.fail(path, `tag must be a VLAN id 1-4094, got ${describe(tag)}`);
		// The bridge is deliberately not required to exist: a NIC on a missing
		// bridge is a real misconfiguration the topology view must show.
		const bridge = net.get('bridge');
		if (bridge !== undefined && !/^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(bridge)) this.fail(path, `bridge must be an interface name, got ${describe(bridge)}`);
	}

	private mount(value: unknown, path: string, key: string, nodeName: string, node: {storages: Set<string>}): void {
		const mount = this.property(value, path, 'volume');
		for (const option of mount.keys()) {
			if (!MOUNT_KEYS.includes(option) || (key === 'rootfs' && (option === 'mp' || option === 'backup'))) {
				this.fail(path, `unknown ${key === 'rootfs' ? 'rootfs' : 'mount point'} option "${option}"`);
			}
		}
		const volume = mount.get('volume');
		if (!volume) this.fail(path, 'needs a volume (e.g. "local-zfs:subvol-101-disk-0,size=8G")');
		if (key !== 'rootfs') {
			const target = mount.get('mp');
			if (!target?.startsWith('/')) this.fail(path, 'needs mp=<absolute path inside the container>');
		}
		const size = mount.get('size');
		if (size !== undefined && !DISK_SIZE.test(size)) this.fail(path, `size must look like 8G or 512M, got ${describe(size)}`);
		if (volume.startsWith('/')) {
			if (key === 'rootfs') this.fail(path, 'rootfs cannot be a bind mount; use a storage volume');
			return; // bind mount of a host directory
		}
		const storage = volume.split(':')[0] ?? '';
		if (!volume.includes(':')) this.fail(path, `volume must be "<storage>:<volume>" or a host path, got ${describe(volume)}`);
		if (!node.storages.has(storage)) this.fail(path, `storage "${storage}" does not exist on node ${nodeName} (storages: ${[...node.storages].join(', ')})`);
		if (size === undefined) this.fail(path, 'needs size= for a storage volume (e.g. size=8G)');
	}

	private qemuConfig(config: Json, path: string, nodeName: string, node: {storages: Set<string>}): void {
		// QEMU has far more keys than LXC; check the ones the console reads and
		// the references that can dangle, and accept other scalar keys as-is.
		for (const [key, value] of Object.entries(config)) {
			const p = join(path, key);
			if (key === 'digest') this.fail(p, 'leave "digest" out: the simulator computes it');
			if (!/^[a-z][a-z0-9_-]*$/.test(key)) this.fail(p, 'not a QEMU config key');
			if (key === 'name') this.string(value, p, DNS_NAME, 'a DNS name');
			else if (key === 'ostype') this.oneOf(value, p, QEMU_OSTYPES);
			else if (key === 'memory') this.qemuMemory(value, p);
			else if (key === 'cores' || key === 'sockets') this.integer(value, p, 1);
			else if (key === 'onboot' || key === 'template' || key === 'protection') this.flag(value, p);
			else if (key === 'tags') this.tags(value, p);
			else if (/^net\d+$/.test(key)) this.qemuNet(value, p);
			else if (QEMU_DISK.test(key)) this.qemuDisk(value, p, nodeName, node);
			else if (typeof value !== 'string' && typeof value !== 'number') this.fail(p, `expected a string or number, got ${describe(value)}`);
		}
		if (config.name === undefined) this.fail(join(path, 'name'), 'is missing');
	}

	private qemuMemory(value: unknown, path: string): void {
		// PVE >= 8.1 returns memory as a property string ("4096" or "current=4096").
		const text = typeof value === 'number' ? String(value) : this.string(value, path);
		if (!/^(current=)?\d+$/.test(text) || Number(text.replace('current=', '')) < 16) this.fail(path, `expected MiB as "4096" (at least 16), got ${describe(value)}`);
	}

	private qemuNet(value: unknown, path: string): void {
		const net = this.property(value, path);
		const model = [...net.keys()][0];
		if (!model || !['virtio', 'e1000', 'e1000e', 'rtl8139', 'vmxnet3'].includes(model)) {
			this.fail(path, 'must start with the NIC model and MAC, e.g. "virtio=BC:24:11:AA:BB:CC,bridge=vmbr0"');
		}
		const mac = net.get(model) ?? '';
		if (mac !== '' && !MAC.test(mac)) this.fail(path, `MAC must look like BC:24:11:AA:BB:CC, got ${describe(mac)}`);
		this.netCommon(net, path);
	}

	private qemuDisk(value: unknown, path: string, nodeName: string, node: {storages: Set<string>}): void {
		const disk = this.property(value, path, 'file');
		const file = disk.get('file') ?? '';
		if (file === 'none' || file === 'cdrom' || disk.get('media') === 'cdrom') return;
		const storage = file.split(':')[0] ?? '';
		if (!file.includes(':')) this.fail(path, `expected "<storage>:<volume>,…", got ${describe(file)}`);
		if (!node.storages.has(storage)) this.fail(path, `storage "${storage}" does not exist on node ${nodeName} (storages: ${[...node.storages].join(', ')})`);
	}

	// --- failure injection -------------------------------------------------------

	private failure(value: unknown, path: string, vmids: Map<number, number>, guests: unknown[]): void {
		const failure = this.object(value, path);
		this.keys(failure, path, ['vmid', 'action', 'error'], ['times']);
		const vmid = this.integer(failure.vmid, join(path, 'vmid'), 100, 999999999);
		const index = vmids.get(vmid);
		if (index === undefined) this.fail(join(path, 'vmid'), `no guest with vmid ${vmid}`);
		this.oneOf(failure.action, join(path, 'action'), FAILURE_ACTIONS);
		// One line, as a task exit status is: a newline would break the task log and the reason phrase.
		this.string(failure.error, join(path, 'error'), /^[^\n\r]+$/, 'a one-line error text');
		this.optional(failure, 'times', path, (v, p) => this.integer(v, p, 1));
	}

	// --- tasks --------------------------------------------------------------------

	/** Backups name storages and nodes; a typo there would only show as an empty list, so say it here. */
	private backups(value: unknown): void {
		const backups = this.object(value, 'backups');
		this.keys(backups, 'backups', [], ['jobs', 'archives', 'nightly']);
		const storageOn = (entry: Json, p: string) => {
			const node = this.string(entry.node, join(p, 'node'));
			const storages = this.nodeNames.get(node)?.storages;
			if (!storages) this.fail(join(p, 'node'), `no node named "${node}"`);
			else if (!storages.has(this.string(entry.storage, join(p, 'storage')))) this.fail(join(p, 'storage'), `storage "${String(entry.storage)}" does not exist on node ${node}`);
		};
		if (backups.jobs !== undefined) {
			this.array(backups.jobs, 'backups.jobs').forEach((job, i) => {
				const p = `backups.jobs[${i}]`;
				const entry = this.object(job, p);
				this.keys(entry, p, ['id', 'schedule', 'storage', 'mode'], ['enabled', 'vmid', 'all', 'exclude', 'node', 'compress', 'notes-template', 'prune-backups', 'mailnotification', 'comment', 'nextRunIn']);
			});
		}
		if (backups.archives !== undefined) {
			this.array(backups.archives, 'backups.archives').forEach((archive, i) => {
				const p = `backups.archives[${i}]`;
				const entry = this.object(archive, p);
				this.keys(entry, p, ['storage', 'node', 'vmid', 'ago', 'size'], ['notes', 'protected', 'verification']);
				storageOn(entry, p);
			});
		}
		if (backups.nightly !== undefined) {
			this.array(backups.nightly, 'backups.nightly').forEach((nightly, i) => {
				const p = `backups.nightly[${i}]`;
				const entry = this.object(nightly, p);
				this.keys(entry, p, ['storage', 'node', 'vmids', 'days', 'firstAgo'], ['notes', 'verification']);
				storageOn(entry, p);
			});
		}
	}

	private task(value: unknown, path: string): void {
		const task = this.object(value, path);
		this.keys(task, path, ['type', 'id', 'node', 'user', 'startedAgo', 'duration', 'status', 'log'], []);
		this.string(task.type, join(path, 'type'), /^[A-Za-z][\w-]*$/, 'a task type like "vzdump"');
		// UPIDs are colon-separated, so the id may not contain ":" or "/".
		this.string(task.id, join(path, 'id'), /^[^:\s/]*$/, 'a task id without ":" or spaces (a vmid or "")');
		const node = this.string(task.node, join(path, 'node'));
		if (!this.nodeNames.has(node)) this.fail(join(path, 'node'), `no node named "${node}"`);
		const user = this.string(task.user, join(path, 'user'), /^[^\s:/@!]+@[A-Za-z][A-Za-z0-9._-]*(![A-Za-z][A-Za-z0-9._-]*)?$/, 'a user or token id like "root@pam" or "root@pam!proxdeck"');
		const userid = user.split('!')[0] ?? '';
		if (!this.userIds.has(userid)) this.fail(join(path, 'user'), `no user "${userid}" in users`);
		this.number(task.startedAgo, join(path, 'startedAgo'), 0, Number.MAX_SAFE_INTEGER);
		this.number(task.duration, join(path, 'duration'), 0, Number.MAX_SAFE_INTEGER);
		if (task.duration as number > (task.startedAgo as number)) this.fail(join(path, 'duration'), 'a finished task cannot run longer than startedAgo');
		this.string(task.status, join(path, 'status'), /./, 'an exit status like "OK", "WARNINGS: 1" or the error text');
		this.array(task.log, join(path, 'log')).forEach((line, i) => this.string(line, `${path}.log[${i}]`));
	}
}

/** Escapes control characters (newlines, ESC) so an error is always one safe terminal line. */
function oneLine(text: string): string {
	return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

function join(path: string, ...keys: string[]): string {
	let out = path;
	for (const key of keys) {
		const safe = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
		out = out === '' ? safe : /^[A-Za-z_$]/.test(safe) ? `${out}.${safe}` : `${out}[${safe}]`;
	}
	return out;
}

function isCidr(text: string, family: 4 | 6): boolean {
	const [address, bits, extra] = text.split('/');
	if (extra !== undefined || address === undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
	return isIP(address) === family && Number(bits) <= (family === 4 ? 32 : 128);
}
