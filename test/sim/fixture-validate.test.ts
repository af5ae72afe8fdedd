// A broken fixture must stop the simulator with ONE line naming the file, the
// JSON path and the problem, and never with anything but a FixtureError.

import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, it} from 'node:test';
import fc from 'fast-check';
import {BUILTIN_FIXTURES, FixtureError, loadFixture, parseFixture} from '../../source/sim/fixture.js';

const homelab = loadFixture(BUILTIN_FIXTURES.homelab);
const cluster = loadFixture(BUILTIN_FIXTURES.cluster);
const SOURCE = 'fixtures/x.json';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A fresh copy of a built-in fixture for one mutation. */
function copy(which: 'homelab' | 'cluster' = 'homelab'): Doc {
	return structuredClone(which === 'homelab' ? homelab : cluster) as Doc;
}

/** Runs parseFixture on the mutated document and returns the error line. */
function errorOf(doc: Doc): string {
	try {
		parseFixture(doc, SOURCE);
	} catch (error) {
		assert.ok(error instanceof FixtureError, `expected a FixtureError, got ${String(error)}`);
		assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
		return error.message;
	}
	assert.fail('the fixture was accepted');
}

function guestIndex(doc: Doc, hostname: string): number {
	const index = (doc.guests as Doc[]).findIndex((g) => g.config.hostname === hostname);
	assert.ok(index >= 0);
	return index;
}

describe('parseFixture', () => {
	it('accepts the built-in fixtures unchanged', () => {
		assert.doesNotThrow(() => parseFixture(copy(), SOURCE));
		assert.doesNotThrow(() => parseFixture(copy('cluster'), SOURCE));
	});

	it('names the file, the path and the expectation for a bad vmid', () => {
		const doc = copy();
		doc.guests[3].vmid = 'abc';
		assert.equal(errorOf(doc), 'fixtures/x.json: guests[3].vmid: expected an integer 100-999999999, got "abc"');
		doc.guests[3].vmid = 99;
		assert.equal(errorOf(doc), 'fixtures/x.json: guests[3].vmid: expected an integer 100-999999999, got 99');
	});

	it('rejects duplicate vmids, naming both entries', () => {
		const doc = copy();
		doc.guests[5].vmid = doc.guests[2].vmid;
		assert.equal(errorOf(doc), `fixtures/x.json: guests[5].vmid: duplicate vmid ${doc.guests[2].vmid} (also guests[2])`);
	});

	it('rejects a guest on a node that does not exist', () => {
		const doc = copy();
		doc.guests[0].node = 'pve9';
		assert.equal(errorOf(doc), 'fixtures/x.json: guests[0].node: no node named "pve9" (nodes: pve)');
	});

	it('rejects unknown top-level keys and missing required ones', () => {
		const doc = copy();
		doc.gueests = [];
		assert.match(errorOf(doc), /^fixtures\/x\.json: gueests: unknown key \(expected one of: version, seed, nodes, guests, users/);
		const missing = copy();
		delete missing.users;
		assert.equal(errorOf(missing), 'fixtures/x.json: users: is missing');
		assert.equal(errorOf([] as unknown as Doc), 'fixtures/x.json: expected an object, got an array');
	});

	it('checks LXC config keys and values', () => {
		const cases: Array<[string, unknown, RegExp]> = [
			['ostype', 'windows', /config\.ostype: expected one of debian, devuan, ubuntu, .*got "windows"$/],
			['memory', '4096', /config\.memory: expected an integer >= 16, got "4096"$/],
			['cores', 0, /config\.cores: expected an integer 1-8192, got 0$/],
			['onboot', true, /config\.onboot: expected 0 or 1 \(Proxmox booleans are integers\), got true$/],
			['hostnmae', 'plex', /config\.hostnmae: not an LXC config key/],
			['digest', 'abc', /config\.digest: leave "digest" out/],
			['tags', 'media;bad tag', /config\.tags: invalid tag "bad tag"/],
			['features', 'nesting=1,turbo=1', /config\.features: unknown feature "turbo"/],
			['lxc', [['mount.entry', '/dev/dri']], /config\.lxc\[0\]: raw LXC keys start with "lxc\."/],
		];
		for (const [key, value, expected] of cases) {
			const doc = copy();
			doc.guests[0].config[key] = value;
			assert.match(errorOf(doc), expected, key);
			assert.ok(errorOf(doc).startsWith(`fixtures/x.json: guests[0].config.${key}`), key);
		}
		const noHostname = copy();
		delete noHostname.guests[1].config.hostname;
		assert.equal(errorOf(noHostname), 'fixtures/x.json: guests[1].config.hostname: is missing');
	});

	it('parses netN property strings and requires name=', () => {
		const bad: Array<[string, RegExp]> = [
			['bridge=vmbr0,ip=dhcp', /needs name=/],
			['name=eth0,bridge', /not a Proxmox property string: "bridge" is not key=value/],
			['name=eth0,ip=192.168.0.5', /ip must be an IPv4 CIDR, dhcp or manual/],
			['name=eth0,hwaddr=BC:24:11:XX:00:01', /hwaddr must be a MAC/],
			['name=eth0,tag=5000', /tag must be a VLAN id 1-4094/],
			['name=eth0,colour=blue', /unknown network option "colour"/],
		];
		for (const [value, expected] of bad) {
			const doc = copy();
			doc.guests[2].config.net0 = value;
			const message = errorOf(doc);
			assert.ok(message.startsWith('fixtures/x.json: guests[2].config.net0: '), message);
			assert.match(message, expected);
		}
		const ok = copy();
		ok.guests[2].config.net0 = 'name=eth0,bridge=vmbr9,ip=dhcp'; // a missing bridge is an anomaly to show, not an error
		assert.doesNotThrow(() => parseFixture(ok, SOURCE));
	});

	it('checks rootfs and mount points against the storages of the guest node', () => {
		const doc = copy();
		doc.guests[0].config.rootfs = 'nvme-fast:subvol-100-disk-0,size=8G';
		assert.equal(errorOf(doc), 'fixtures/x.json: guests[0].config.rootfs: storage "nvme-fast" does not exist on node pve (storages: local, local-zfs, tank, tank-docker, tank-monitoring, backups)');
		const noMp = copy();
		noMp.guests[0].config.mp0 = 'tank:subvol-100-disk-1,size=10G';
		assert.match(errorOf(noMp), /guests\[0\]\.config\.mp0: needs mp=<absolute path/);
		const noSize = copy();
		noSize.guests[0].config.mp1 = 'tank:subvol-100-disk-1,mp=/srv';
		assert.match(errorOf(noSize), /guests\[0\]\.config\.mp1: needs size=/);
		const bindRoot = copy();
		bindRoot.guests[0].config.rootfs = '/tank/root';
		assert.match(errorOf(bindRoot), /config\.rootfs: rootfs cannot be a bind mount/);
		const bind = copy();
		bind.guests[0].config.mp3 = '/srv/anything,mp=/anything';
		assert.doesNotThrow(() => parseFixture(bind, SOURCE));
	});

	it('checks QEMU disks and NICs in the cluster fixture', () => {
		const doc = copy('cluster');
		const vm = (doc.guests as Doc[]).findIndex((g) => g.type === 'qemu');
		doc.guests[vm].config.scsi0 = 'ceph-pool:vm-150-disk-0,size=80G';
		assert.match(errorOf(doc), new RegExp(`^fixtures/x\\.json: guests\\[${vm}\\]\\.config\\.scsi0: storage "ceph-pool" does not exist on node pve1`));
		const nicDoc = copy('cluster');
		nicDoc.guests[vm].config.net0 = 'bridge=vmbr0';
		assert.match(errorOf(nicDoc), /config\.net0: must start with the NIC model and MAC/);
	});

	it('checks ACL roles against built-in and custom roles', () => {
		const doc = copy();
		doc.users[2].acl[0].role = 'PVEVMOperator';
		assert.match(errorOf(doc), /^fixtures\/x\.json: users\[2\]\.acl\[0\]\.role: unknown role "PVEVMOperator" \(built-in roles: Administrator, /);
		doc.roles = {PVEVMOperator: ['VM.PowerMgmt', 'VM.Audit']};
		assert.doesNotThrow(() => parseFixture(doc, SOURCE));
		doc.roles = {Administrator: ['VM.Audit']};
		assert.match(errorOf(doc), /roles\.Administrator: "Administrator" is a built-in Proxmox role/);
	});

	it('requires token secrets to be lowercase UUIDs', () => {
		const doc = copy();
		doc.users[0].tokens[0].secret = '8C1C7A4E-1D2B-4F3E-9A6B-5D0E2F7C9B31';
		assert.match(errorOf(doc), /^fixtures\/x\.json: users\[0\]\.tokens\[0\]\.secret: expected a lowercase UUID/);
	});

	it('requires snapshot parents to exist and to form no loop', () => {
		const doc = copy();
		const g = guestIndex(doc, 'immich');
		doc.guests[g].snapshots[0].parent = 'auto-20251231';
		assert.equal(errorOf(doc), `fixtures/x.json: guests[${g}].snapshots[0].parent: no snapshot named "auto-20251231" in this guest`);
		const loop = copy();
		const snaps = loop.guests[g].snapshots as Doc[];
		snaps[0]!.parent = snaps.at(-1)!.name;
		assert.match(errorOf(loop), /snapshots\[0\]\.parent: snapshot parents form a loop/);
		const reserved = copy();
		reserved.guests[g].snapshots[1].name = 'current';
		assert.match(errorOf(reserved), /snapshots\[1\]\.name: "current" is reserved by Proxmox/);
	});

	it('checks cluster-only features and the shape of nodes, ZFS and tasks', () => {
		const ha = copy();
		ha.guests[0].ha = {state: 'started'};
		assert.equal(errorOf(ha), 'fixtures/x.json: guests[0].ha: HA needs a cluster (add the top-level "cluster" key)');
		const twoNodes = copy('cluster');
		delete twoNodes.cluster;
		assert.match(errorOf(twoNodes), /^fixtures\/x\.json: nodes: 3 nodes need a cluster/);
		const pool = copy('cluster');
		delete pool.nodes[1].zfs.pools[1].status;
		assert.match(errorOf(pool), /^fixtures\/x\.json: nodes\[1\]\.zfs\.pools\[1\]: a DEGRADED pool needs "status" and "action"/);
		const dataset = copy();
		dataset.nodes[0].zfs.datasets[0].name = 'bpool/ROOT';
		assert.match(errorOf(dataset), /nodes\[0\]\.zfs\.datasets\[0\]\.name: dataset "bpool\/ROOT" is not in any pool of this node \(rpool, tank\)/);
		const mhz = copy();
		mhz.nodes[0].cpuinfo.mhz = 3800;
		assert.match(errorOf(mhz), /nodes\[0\]\.cpuinfo\.mhz: expected a string like "3800\.000"/);
		const task = copy();
		task.taskHistory[0].user = 'backup@pbs';
		assert.equal(errorOf(task), 'fixtures/x.json: taskHistory[0].user: no user "backup@pbs" in users');
	});

	it('keeps every error on one line, even for values holding newlines or escapes', () => {
		const doc = copy();
		doc.guests[0].node = 'pve\n\u001b[31mred';
		const message = errorOf(doc);
		assert.ok(!message.includes('\u001b'));
		assert.match(message, /no node named "pve\\n\\u001b\[31mred"/);
	});

	it('never throws anything but FixtureError on arbitrary JSON', () => {
		fc.assert(fc.property(fc.jsonValue({maxDepth: 3}), (value) => {
			try {
				parseFixture(value, SOURCE);
			} catch (error) {
				return error instanceof FixtureError && !error.message.includes('\n') && error.message.startsWith(`${SOURCE}: `);
			}
			return true;
		}), {numRuns: 300});
	});

	it('never throws anything but FixtureError when one value of a real fixture is replaced', () => {
		// Walk the homelab to list every path, then overwrite one with arbitrary JSON.
		const paths: Array<Array<string | number>> = [];
		const walk = (value: unknown, path: Array<string | number>) => {
			paths.push(path);
			if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i]));
			else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
		};
		walk(homelab, []);
		fc.assert(fc.property(fc.nat(paths.length - 1), fc.jsonValue({maxDepth: 2}), (index, replacement) => {
			const doc = copy();
			const path = paths[index] ?? [];
			if (path.length === 0) return true;
			let parent: any = doc; // eslint-disable-line @typescript-eslint/no-explicit-any
			for (const key of path.slice(0, -1)) parent = parent[key];
			parent[path.at(-1)!] = replacement;
			try {
				parseFixture(doc, SOURCE);
			} catch (error) {
				return error instanceof FixtureError && !error.message.includes('\n');
			}
			return true;
		}), {numRuns: 400});
	});
});

describe('loadFixture', () => {
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-fixture-'));
	after(() => rmSync(dir, {recursive: true, force: true}));

	it('reports a JSON syntax error in one line naming the file', () => {
		const file = join(dir, 'broken.json');
		writeFileSync(file, '{\n  "version": {,\n}');
		assert.throws(() => loadFixture(file), (error: unknown) => {
			assert.ok(error instanceof FixtureError);
			assert.ok(error.message.startsWith(`${file}: invalid JSON: `), error.message);
			assert.ok(!error.message.includes('\n'));
			return true;
		});
	});

	it('reports a missing file', () => {
		const file = join(dir, 'nope.json');
		assert.throws(() => loadFixture(file), new FixtureError(`${file}: cannot read fixture (no such file)`));
	});

	it('validates what it reads, naming the file', () => {
		const file = join(dir, 'bad.json');
		const doc = copy();
		doc.seed = 1.5;
		writeFileSync(file, JSON.stringify(doc));
		assert.throws(() => loadFixture(file), {message: `${file}: seed: expected a non-negative integer, got 1.5`});
	});

	it('resolves the built-in fixtures to absolute paths', () => {
		assert.match(BUILTIN_FIXTURES.homelab, /^\/.*\/fixtures\/homelab\.json$/);
		assert.match(BUILTIN_FIXTURES.cluster, /^\/.*\/fixtures\/cluster\.json$/);
	});
});
