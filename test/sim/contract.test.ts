// Contract test: every route the simulator implements exists in the official
// PVE schema (pve-apidoc.json) with that method, and what the simulator
// answers over real HTTPS matches the schema's `returns`: types (booleans as
// 0/1), required keys present, no null where none is allowed, and no key the
// schema does not declare, except the documented extras below.

import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {after, before, describe, it} from 'node:test';
import {loadFixture} from '../../source/sim/fixture.js';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {IMPLEMENTED_ROUTES} from '../../source/sim/router.js';
import {schemaRoute, type ParamSchema} from '../../source/sim/schema.js';
import {lookupProperty} from '../../source/sim/validate.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {call, miniFixture} from './helpers.js';

/** A root token without privilege separation, so every route answers in full. */
function rootToken(fixture: Fixture): string {
	const root = fixture.users.find((u) => u.userid === 'root@pam');
	const token = root?.tokens?.find((t) => t.privsep === false);
	assert.ok(token, 'fixture needs a root@pam token with privsep false');
	return `PVEAPIToken=root@pam!${token.tokenid}=${token.secret}`;
}

/**
 * Keys real Proxmox sends that the schema does not declare. Each one is
 * either listed in pve-api.md §7 ("the schema leaves some things out") or
 * seen in a recorded real response under /work/shared/samples.
 */
const PRESSURE = ['pressurecpusome', 'pressurecpufull', 'pressureiosome', 'pressureiofull', 'pressurememorysome', 'pressurememoryfull'];
// samples/api-qemu-rrddata-stopped-vm.json (a stopped guest: limits only) and pve-api.md §3 RRD (PVE 9 adds memhost and pressure*).
const GUEST_RRD = ['time', 'cpu', 'maxcpu', 'mem', 'maxmem', 'memhost', 'disk', 'maxdisk', 'netin', 'netout', 'diskread', 'diskwrite', ...PRESSURE];

const ALLOWED_EXTRAS: Record<string, string[]> = {
	// §7: the `current` pseudo snapshot carries running + digest; snapstate during operations.
	'GET /nodes/{node}/lxc/{vmid}/snapshot': ['running', 'digest', 'snapstate'],
	// qemu-server's snapshot_list does the same (API2/Qemu.pm builds `current` with running + digest).
	'GET /nodes/{node}/qemu/{vmid}/snapshot': ['running', 'digest', 'snapstate'],
	// §7: task APIs split token users into user + tokenid.
	'GET /nodes/{node}/tasks': ['tokenid'],
	'GET /nodes/{node}/tasks/{upid}/status': ['tokenid'],
	'GET /cluster/tasks': ['node', 'pid', 'pstart', 'starttime', 'type', 'id', 'user', 'tokenid', 'endtime', 'status'], // schema declares only upid; pve-api.md §3 lists the rest
	// samples/api-nodes.json: real /nodes entries carry id, type, disk, maxdisk.
	'GET /nodes': ['id', 'type', 'disk', 'maxdisk'],
	// samples/api-nodes-lxc.json: real CT list entries carry type, swap, pid.
	// pve-container's vmstatus (src/PVE/LXC.pm) also sets pressurecpufull, which its return schema leaves out.
	'GET /nodes/{node}/lxc': ['type', 'swap', 'pid', 'pressurecpufull'],
	'GET /nodes/{node}/lxc/{vmid}/status/current': ['type', 'swap', 'pid', 'pressurecpufull'],
	// pve-guest-common keeps `parent` (the snapshot `current` descends from) in the config; load_current_config does not drop it.
	'GET /nodes/{node}/lxc/{vmid}/config': ['parent'],
	// Bridge entries from ifupdown2 carry bridge_stp/bridge_fd (fixtures serve network entries verbatim).
	'GET /nodes/{node}/network': ['bridge_stp', 'bridge_fd'],
	// samples/api-node-status.json: real cpuinfo also has mhz, hvm, user_hz (the schema's cpuinfo omits them).
	'GET /nodes/{node}/status': ['mhz', 'hvm', 'user_hz', 'flags'],
	// pve-manager Disks/ZFS.pm marks every vdev with `leaf` (pve-api.md §3 ZFS detail).
	// Nested vdevs: the schema declares `children` only at the top although its description says "may be nested".
	'GET /nodes/{node}/disks/zfs/{name}': ['leaf', 'children'],
	// schema declares only sid; pve-api.md §3 lists the real keys.
	'GET /cluster/ha/resources': ['type', 'state', 'group', 'max_restart', 'max_relocate', 'comment', 'digest', 'failback'],
	// pve-api.md §3 HA status: master/lrm entries carry a timestamp.
	'GET /cluster/ha/status/current': ['timestamp'],
	// samples/api-storage-content-backup-pbs.json: real backup entries carry content and subtype.
	'GET /nodes/{node}/storage/{storage}/content': ['content', 'subtype'],
	// pve-storage API2/Storage/Config.pm: the index answers api_storage_config, the whole storage.cfg
	// section (each plugin's properties) plus storage, digest, content; the schema declares only `storage`.
	'GET /storage': ['type', 'content', 'digest', 'pool', 'path', 'prune-backups', 'datastore', 'server', 'shared', 'disable', 'nodes'],
	// samples/api-cluster-backup*.json: every job carries type=vzdump.
	'GET /cluster/backup': ['type'],
	// The schema's rrddata items declare no properties; pve-api.md §3 RRD and samples/api-node-rrddata-hour-entry.json list the real keys.
	'GET /nodes/{node}/rrddata': ['time', 'cpu', 'maxcpu', 'iowait', 'loadavg', 'memtotal', 'memused', 'memavailable', 'arcsize', 'swaptotal', 'swapused', 'roottotal', 'rootused', 'netin', 'netout', ...PRESSURE],
	'GET /nodes/{node}/lxc/{vmid}/rrddata': GUEST_RRD,
	'GET /nodes/{node}/qemu/{vmid}/rrddata': GUEST_RRD,
};

/** samples/api-cluster-backup-pvesh.json: jobs.cfg keeps retention counts as strings ("keep-last" : "4"); check them as the integers they are. */
function numericRetention(data: unknown): unknown {
	if (!Array.isArray(data)) return data;
	return data.map((job: Record<string, unknown>) => {
		const prune = job['prune-backups'] as Record<string, string> | undefined;
		if (!prune) return job;
		for (const value of Object.values(prune)) assert.match(value, /^\d+$/, 'retention counts are digit strings');
		return {...job, 'prune-backups': Object.fromEntries(Object.entries(prune).map(([k, v]) => [k, Number(v)]))};
	});
}

/**
 * Routes whose integer answer Perl serialises as a JSON string: /cluster/nextid
 * answers {"data":"104"} (clients unmarshal it into a string, e.g. proxmox-api-go).
 */
const STRING_INTEGER_ROUTES = new Set(['GET /cluster/nextid']);

const JOURNAL = '/nodes/{node}/journal';

/** Envelope keys besides `data` (§7: total/changes are not in `returns`). */
const ENVELOPE_EXTRAS = new Set(['total', 'changes']);

function typeOk(value: unknown, type: string | undefined): boolean {
	switch (type) {
		case undefined:
		case 'any':
			return true;
		case 'integer':
			return Number.isInteger(value);
		case 'number':
			return typeof value === 'number' && Number.isFinite(value);
		case 'string':
			return typeof value === 'string';
		case 'boolean':
			return value === 0 || value === 1; // PVE booleans are integers on the wire
		case 'array':
			return Array.isArray(value);
		case 'object':
			return typeof value === 'object' && value !== null && !Array.isArray(value);
		case 'null':
			return value === null;
		default:
			return true;
	}
}

function checkValue(value: unknown, schema: ParamSchema | undefined, where: string, extras: Set<string>, problems: string[]): void {
	if (!schema) return;
	if (value === null && schema.type !== 'null') {
		problems.push(`${where}: null where the schema says ${schema.type ?? 'anything'}`);
		return;
	}
	if (!typeOk(value, schema.type)) {
		problems.push(`${where}: expected ${schema.type}, got ${JSON.stringify(value)?.slice(0, 60)}`);
		return;
	}
	if (Array.isArray(value)) {
		value.forEach((item, i) => checkValue(item, schema.items, `${where}[${i}]`, extras, problems));
		return;
	}
	if (typeof value === 'object' && value !== null && schema.properties) {
		const record = value as Record<string, unknown>;
		for (const [key, prop] of Object.entries(schema.properties)) {
			if (key.endsWith('[n]')) continue; // net[n] & co. are matched per key below
			if (!prop.optional && !(key in record)) problems.push(`${where}.${key}: required key missing`);
		}
		for (const [key, item] of Object.entries(record)) {
			const prop = lookupProperty(schema.properties, key);
			if (prop) checkValue(item, prop, `${where}.${key}`, extras, problems);
			else if (schema.additionalProperties !== 1 && schema.additionalProperties !== true && !extras.has(key)) problems.push(`${where}.${key}: not in the schema`);
		}
	}
}

/** Concrete request paths for a template, from the simulator's own state. */
function samplePaths(sim: RunningSimulator, template: string): string[] {
	const state = sim.state;
	let paths = [template];
	const expand = (name: string, values: (path: string) => string[]) => {
		paths = paths.flatMap((p) => (p.includes(`{${name}}`) ? values(p).map((v) => p.replace(`{${name}}`, encodeURIComponent(v))) : [p]));
	};
	// Nodes without ZFS answer `zfsutils-linux not installed` (500) on purpose; asserted in node tests.
	const needsZfs = template.includes('/disks/zfs');
	expand('node', () => [...state.nodes.values()].filter((n) => n.online && (!needsZfs || n.zfs)).map((n) => n.name));
	expand('vmid', (p) => {
		const node = p.split('/')[2];
		const type = p.includes('/qemu/') ? 'qemu' : 'lxc';
		// The agent answers only in a running VM whose agent runs (the others' 500 is asserted in writes-qemu).
		const agent = p.includes('/agent/');
		return [...state.guests.values()].filter((g) => g.node === node && g.type === type && (!agent || (g.guestAgent && g.status === 'running'))).map((g) => String(g.vmid));
	});
	expand('sid', () => [...state.guests.values()].filter((g) => g.ha).map((g) => `${g.type === 'lxc' ? 'ct' : 'vm'}:${g.vmid}`));
	// rrddata needs its timeframe (both archives the console reads).
	if (template.endsWith('/rrddata')) paths = paths.flatMap((p) => [`${p}?timeframe=hour&cf=AVERAGE`, `${p}?timeframe=day&cf=AVERAGE`]);
	expand('upid', (p) => state.tasks.filter((t) => t.node === p.split('/')[2]).map((t) => t.upid));
	expand('snapname', (p) => state.guests.get(Number(p.split('/')[4]))?.snapshots.map((snap) => snap.name) ?? []);
	expand('name', (p) => state.nodes.get(p.split('/')[2] ?? '')?.zfs?.pools.map((z) => z.name) ?? []);
	// Backup storages only: content and prune listings are what proxdeck reads there.
	expand('storage', (p) => state.nodes.get(p.split('/')[2] ?? '')?.storages.filter((s) => s.content.split(',').includes('backup')).map((s) => s.storage) ?? []);
	return paths;
}

// The shipped fixtures when present (homelab is standalone, cluster has an offline node),
// and always the test fixture, which adds a qemu guest and HA.
const fixtures: Array<[string, () => Fixture]> = [['mini fixture', miniFixture]];
for (const name of ['cluster', 'homelab']) {
	const path = new URL(`../../fixtures/${name}.json`, import.meta.url).pathname;
	if (existsSync(path)) fixtures.unshift([`${name} fixture`, () => loadFixture(path)]);
}

describe('routes exist in pve-apidoc.json', () => {
	for (const route of IMPLEMENTED_ROUTES) {
		it(`${route.method} ${route.template}`, () => {
			assert.ok(schemaRoute(route.method, route.template), `${route.method} ${route.template} is not in the official schema`);
		});
	}
});

for (const [label, load] of fixtures) {
	describe(`live responses match the schema (${label})`, () => {
		let sim: RunningSimulator;
		let auth: string;
		before(async () => {
			const fixture = load();
			auth = rootToken(fixture);
			sim = await startSimulator({fixture, authFailureDelayMs: 0});
		});
		after(() => sim.close());

		for (const route of IMPLEMENTED_ROUTES) {
			// Login and task stop change state / need a password; covered in auth and task tests.
			if (route.method !== 'GET') continue;
			it(`${route.method} ${route.template}`, async () => {
				const schema = schemaRoute(route.method, route.template)!;
				const extras = new Set(ALLOWED_EXTRAS[`${route.method} ${route.template}`] ?? []);
				const paths = samplePaths(sim, route.template);
				const problems: string[] = [];
				for (const path of paths) {
					const res = await call(sim, route.method, path, {auth});
					assert.equal(res.status, 200, `${path}: ${res.status} ${res.reason}`);
					if (route.template === JOURNAL) {
						// pve-api.md §3: the journal is a gzip download of plain application/json, cursors first and last.
						assert.equal(res.headers['content-type'], 'application/json');
						assert.equal(res.headers['content-encoding'], 'gzip');
						const data = res.json.data as string[];
						assert.ok(data.length >= 2);
						for (const cursor of [data[0]!, data[data.length - 1]!]) assert.match(cursor, /^s=[0-9a-f]{32};i=[0-9a-f]+;b=[0-9a-f]{32};m=[0-9a-f]+;t=[0-9a-f]+;x=[0-9a-f]+$/);
						for (const line of data.slice(1, -1)) assert.match(line, /^[A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \S+ \S+: /);
					} else {
						assert.equal(res.headers['content-type'], 'application/json;charset=UTF-8');
					}
					for (const key of Object.keys(res.json)) if (key !== 'data' && !ENVELOPE_EXTRAS.has(key)) problems.push(`${path}: envelope key ${key}`);
					const returns = STRING_INTEGER_ROUTES.has(`${route.method} ${route.template}`) ? {...schema.info.returns, type: 'string'} : schema.info.returns;
					const data = route.template === '/cluster/backup' ? numericRetention(res.json.data) : res.json.data;
					checkValue(data, returns, path, extras, problems);
				}
				assert.deepEqual(problems, []);
			});
		}
	});
}

/**
 * A request for a write route that passes the checks before the fork, so the
 * answer is the UPID the schema promises; undefined when this fixture has no
 * container to try it on (e.g. no snapshots).
 */
function writeRequest(sim: RunningSimulator, template: string): {path: string; form?: Record<string, string>} | undefined {
	const type = template.includes('/qemu/') ? 'qemu' : 'lxc';
	const cts = [...sim.state.guests.values()].filter((g) => g.type === type && sim.state.nodes.get(g.node)?.online);
	const want = template.endsWith('/status/start') ? cts.find((g) => g.status === 'stopped') : template.includes('{snapname}') ? cts.find((g) => g.snapshots.length > 0) : template.endsWith('/snapshot') ? cts[0] : cts.find((g) => g.status === 'running');
	if (!want) return undefined;
	const path = template.replace('{node}', want.node).replace('{vmid}', String(want.vmid)).replace('{snapname}', want.snapshots[0]?.name ?? '');
	return template.endsWith('/snapshot') ? {path, form: {snapname: 'contract'}} : {path};
}

for (const [label, load] of fixtures) {
	describe(`write routes answer what the schema returns (${label})`, () => {
		let sim: RunningSimulator;
		let auth: string;
		before(async () => {
			const fixture = load();
			auth = rootToken(fixture);
			// A frozen clock: each task keeps running, so one write never changes what the next one sees.
			sim = await startSimulator({fixture, authFailureDelayMs: 0, clock: () => Date.UTC(2026, 10, 23, 12)});
		});
		after(() => sim.close());

		for (const route of IMPLEMENTED_ROUTES) {
			if (route.method === 'GET' || !(route.template.includes('/lxc/') || route.template.includes('/qemu/'))) continue;
			it(`${route.method} ${route.template}`, async (t) => {
				const request = writeRequest(sim, route.template);
				if (!request) return t.skip('no container this route applies to');
				const schema = schemaRoute(route.method, route.template)!;
				const res = await call(sim, route.method, request.path, {auth, ...(request.form ? {form: request.form} : {})});
				assert.equal(res.status, 200, `${request.path}: ${res.status} ${res.reason}`);
				assert.deepEqual(Object.keys(res.json), ['data']);
				const problems: string[] = [];
				checkValue(res.json.data, schema.info.returns, request.path, new Set(), problems);
				assert.deepEqual(problems, []);
				assert.match(res.json.data, /^UPID:/);
			});
		}
	});
}

describe('the contract checker itself', () => {
	it('flags a wrong type, a missing key, a null and an undeclared key', () => {
		const schema: ParamSchema = {type: 'object', properties: {a: {type: 'integer'}, b: {type: 'boolean', optional: 1}, c: {type: 'string'}}};
		const problems: string[] = [];
		checkValue({a: 1.5, b: null, x: 1}, schema, 'v', new Set(), problems);
		assert.deepEqual(problems.sort(), ['v.a: expected integer, got 1.5', 'v.b: null where the schema says boolean', 'v.c: required key missing', 'v.x: not in the schema'].sort());
	});
	it('treats booleans as 0/1 only', () => {
		const problems: string[] = [];
		checkValue(true, {type: 'boolean'}, 'v', new Set(), problems);
		assert.equal(problems.length, 1);
	});
});
