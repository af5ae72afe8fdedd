// Properties of the guest-config parsers (netN, ipconfigN, rootfs, mpN, tags)
// and of what the detail panel draws from them. Model-based: a NIC or mount
// point is generated as a value, written the way PVE writes it (any key order:
// PVE reads hand-edited configs too), parsed back and compared.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {guestVolumes, snapshotVerdict} from '../../source/services/upgrade/snapshot-check.js';
import {guestPath} from '../../source/services/guest-path.js';
import type {GuestNic, GuestRow} from '../../source/store/types.js';
import {listMountPoints, listNics, parseMountPoint, parseNic, parsePropertyString, parseTags} from '../../source/util/pve-config.js';
import {detailLines} from '../../views/DetailPanel.js';
import {cpuMs, hasControl, hostileText, longLine, runs} from './arbitraries.js';

const hex2 = fc.integer({min: 0, max: 255}).map((n) => n.toString(16).toUpperCase().padStart(2, '0'));
const mac = fc.array(hex2, {minLength: 6, maxLength: 6}).map((p) => p.join(':'));
const ipv4 = fc.tuple(fc.ipV4(), fc.integer({min: 8, max: 32})).map(([ip, bits]) => `${ip}/${bits}`);
const ipv6 = fc.tuple(fc.ipV6(), fc.integer({min: 48, max: 128})).map(([ip, bits]) => `${ip}/${bits}`);
const bridge = fc.integer({min: 0, max: 4094}).map((n) => `vmbr${n}`);

/** A NIC as the panel should show it, before PVE writes it. */
const nicModel = fc.record(
	{
		name: fc.integer({min: 0, max: 9}).map((n) => `eth${n}`),
		bridge,
		ip: fc.oneof(ipv4, fc.constantFrom('dhcp', 'manual')),
		gw: fc.ipV4(),
		ip6: fc.oneof(ipv6, fc.constantFrom('auto', 'dhcp', 'manual')),
		tag: fc.integer({min: 1, max: 4094}),
		firewall: fc.boolean(),
		hwaddr: mac,
		linkDown: fc.boolean(),
	},
	{requiredKeys: ['firewall', 'linkDown']},
);

type NicModel = Omit<GuestNic, 'id'>;

/** PVE's LXC form: `name=eth0,bridge=vmbr0,firewall=1,hwaddr=…,ip=…,type=veth`, keys in any order. */
function writeLxcNic(nic: NicModel, order: number[]): string {
	const parts: string[] = [];
	if (nic.name) parts.push(`name=${nic.name}`);
	if (nic.bridge) parts.push(`bridge=${nic.bridge}`);
	if (nic.firewall) parts.push('firewall=1');
	if (nic.gw) parts.push(`gw=${nic.gw}`);
	if (nic.hwaddr) parts.push(`hwaddr=${nic.hwaddr}`);
	if (nic.ip) parts.push(`ip=${nic.ip}`);
	if (nic.ip6) parts.push(`ip6=${nic.ip6}`);
	if (nic.linkDown) parts.push('link_down=1');
	if (nic.tag !== undefined) parts.push(`tag=${nic.tag}`);
	parts.push('type=veth');
	return shuffle(parts, order).join(',');
}

function shuffle<T>(items: T[], order: number[]): T[] {
	const out = items.slice();
	order.forEach((o, i) => {
		const j = o % out.length;
		const k = i % out.length;
		[out[j], out[k]] = [out[k]!, out[j]!];
	});
	return out;
}

const order = fc.array(fc.nat(), {maxLength: 12});

test('an LXC netN written by PVE parses back to the same NIC', () => {
	fc.assert(
		fc.property(nicModel, order, (nic, o) => {
			assert.deepEqual(parseNic('net0', writeLxcNic(nic, o)), {id: 'net0', ...nic});
		}),
		runs(),
	);
});

const qemuModel = fc.constantFrom('virtio', 'e1000', 'e1000e', 'rtl8139', 'vmxnet3');

test('a QEMU netN (MAC under the model key) with its ipconfigN parses back to the same NIC', () => {
	fc.assert(
		fc.property(qemuModel, mac, bridge, fc.boolean(), fc.option(fc.integer({min: 1, max: 4094}), {nil: undefined}), fc.option(ipv4, {nil: undefined}), fc.option(fc.ipV4(), {nil: undefined}), order, (model, hw, br, firewall, tag, ip, gw, o) => {
			const net = shuffle([`${model}=${hw}`, `bridge=${br}`, ...(firewall ? ['firewall=1'] : []), ...(tag !== undefined ? [`tag=${tag}`] : []), 'queues=4'], o).join(',');
			const ipconfig = [ip ? `ip=${ip}` : '', gw ? `gw=${gw}` : ''].filter(Boolean).join(',');
			const config: Record<string, unknown> = {net3: net, ...(ipconfig ? {ipconfig3: ipconfig} : {})};
			const expected: GuestNic = {id: 'net3', bridge: br, firewall, linkDown: false, hwaddr: hw, ...(tag !== undefined ? {tag} : {}), ...(ip ? {ip} : {}), ...(gw ? {gw} : {})};
			assert.deepEqual(listNics(config, 'qemu'), [expected]);
		}),
		runs(),
	);
});

test('NICs come out in numeric order whatever order the config keys have', () => {
	fc.assert(
		fc.property(fc.uniqueArray(fc.integer({min: 0, max: 31}), {minLength: 1, maxLength: 10}), (ids) => {
			const config = Object.fromEntries(ids.map((n) => [`net${n}`, `name=eth${n},bridge=vmbr0`]));
			assert.deepEqual(
				listNics(config).map((n) => n.id),
				ids.slice().sort((a, b) => a - b).map((n) => `net${n}`),
			);
		}),
		runs(),
	);
});

// rootfs / mpN: `volume,mp=/path,size=8G,…`; PVE takes the bare part as the volume wherever it stands.
const storageVolume = fc.tuple(fc.constantFrom('local-zfs', 'local-lvm', 'vmstore', 'tank', 'ceph-pool'), fc.integer({min: 100, max: 999999}), fc.integer({min: 0, max: 9})).map(([s, id, d]) => `${s}:subvol-${id}-disk-${d}`);
const bindVolume = fc.array(fc.stringMatching(/^[a-z0-9_.-]{1,8}$/), {minLength: 1, maxLength: 4}).map((p) => `/${p.join('/')}`);
const mountModel = fc.record({
	volume: fc.oneof(storageVolume, bindVolume),
	path: fc.array(fc.stringMatching(/^[a-z0-9_-]{1,8}$/), {minLength: 1, maxLength: 3}).map((p) => `/${p.join('/')}`),
	size: fc.option(fc.tuple(fc.integer({min: 1, max: 4096}), fc.constantFrom('G', 'M', 'T')).map(([n, u]) => `${n}${u}`), {nil: undefined}),
	extra: fc.subarray(['backup=1', 'acl=0', 'ro=1', 'quota=1', 'replicate=0', 'shared=1', 'mountoptions=noatime;nodev']),
	explicitKey: fc.boolean(),
});

function writeMount(m: {volume: string; path: string; size?: string; extra: string[]; explicitKey: boolean}, o: number[]): string {
	const volume = m.explicitKey ? `volume=${m.volume}` : m.volume;
	return shuffle([volume, `mp=${m.path}`, ...(m.size ? [`size=${m.size}`] : []), ...m.extra], o).join(',');
}

test('an mpN parses back to its volume, path and size whatever the option order', () => {
	fc.assert(
		fc.property(mountModel, order, (m, o) => {
			const parsed = parseMountPoint('mp0', writeMount(m, o));
			assert.equal(parsed.volume, m.volume);
			assert.equal(parsed.path, m.path);
			assert.equal(parsed.size, m.size);
			const [mp] = listMountPoints({mp0: writeMount(m, o)});
			assert.equal(mp?.volume, m.volume);
		}),
		runs(),
	);
});

// Found by this property: the snapshot check took "the part before the first
// comma" as the volume, so `mp=/data,tank:subvol-101-disk-0` (valid PVE syntax)
// was judged a bind mount named "mp=/data", and `volume=` anywhere but first
// was missed. It now reads the volume as parseMountPoint does.
test('the snapshot check reads the same volume as the mount parser', () => {
	fc.assert(
		fc.property(mountModel, order, (m, o) => {
			const [volume] = guestVolumes({mp0: writeMount(m, o)});
			assert.deepEqual(volume, {key: 'mp0', volume: m.volume});
		}),
		runs(),
	);
});

test('regression: a volume after mp= is still the volume (snapshot check)', () => {
	const config = {rootfs: 'tank:subvol-101-disk-0,size=8G', mp0: 'mp=/data,tank:subvol-101-disk-1,size=4G'};
	assert.deepEqual(guestVolumes(config), [
		{key: 'rootfs', volume: 'tank:subvol-101-disk-0'},
		{key: 'mp0', volume: 'tank:subvol-101-disk-1'},
	]);
	assert.deepEqual(snapshotVerdict(config, [{storage: 'tank', type: 'zfspool'}]), {possible: true});
	assert.match(snapshotVerdict({rootfs: 'tank:subvol-101-disk-0', mp0: 'mp=/data,volume=/srv/data'}, [{storage: 'tank', type: 'zfspool'}]).reason ?? '', /mp0 is a bind mount \(\/srv\/data\)/);
});

test('tags: every separator PVE accepts, no empties, no duplicates, order kept', () => {
	const tag = fc.stringMatching(/^[a-z0-9_][a-z0-9_+.-]{0,9}$/);
	fc.assert(
		fc.property(fc.array(tag, {maxLength: 8}), fc.array(fc.constantFrom(';', ',', ' ', ';;', ' ; '), {minLength: 1}), (tags, seps) => {
			const text = tags.map((t, i) => `${t}${seps[i % seps.length]}`).join('');
			assert.deepEqual(parseTags(text), [...new Set(tags)]);
		}),
		runs(),
	);
});

test('the property-string parsers never throw on arbitrary text and keep keys free of separators', () => {
	fc.assert(
		fc.property(fc.oneof(hostileText, fc.constantFrom('__proto__=x', 'constructor=1,toString=2', 'hasOwnProperty=1,name=eth0', ',,,=,=', '=')), (text) => {
			const props = parsePropertyString(text, 'volume');
			for (const key of Object.keys(props)) assert.ok(!key.includes(','), key);
			parseNic('net0', text);
			parseMountPoint('mp0', text);
			parseTags(text);
			listNics({net0: text, ipconfig0: text}, 'qemu');
		}),
		runs(),
	);
});

test('a very long netN value is parsed in linear time', () => {
	fc.assert(
		fc.property(longLine, (text) => {
			const took = cpuMs(() => {
				parseNic('net0', text);
				parseMountPoint('mp0', text);
			});
			assert.ok(took < 1000, `took ${Math.round(took)} ms of CPU`);
		}),
		runs(10),
	);
});

const row: GuestRow = {vmid: 101, name: 'ct', node: 'pve', kind: 'lxc', status: 'running'} as GuestRow;

test('the detail panel shows no control character whatever the config strings hold', () => {
	const configKey = fc.constantFrom('net0', 'net1', 'ipconfig0', 'rootfs', 'mp0', 'mp7', 'tags', 'lock', 'ostype', 'arch', 'description', 'features', 'hostname', 'cores');
	fc.assert(
		fc.property(fc.dictionary(configKey, hostileText), fc.constantFrom<'lxc' | 'qemu'>('lxc', 'qemu'), (config, kind) => {
			const lines = detailLines({...row, kind}, {vmid: 101, config, loading: false} as never, undefined, Date.now());
			for (const line of lines) for (const seg of line) assert.ok(!hasControl(seg.text), JSON.stringify(seg.text));
		}),
		runs(),
	);
});

// A node named "." or ".." (never a valid PVE node name) would still be
// resolved away by URL parsing whatever the encoding (%2E%2E is a dot segment
// too); that is for the response validation at the client boundary to refuse.
test('a guest path has exactly its four segments whatever the node is called', () => {
	fc.assert(
		fc.property(hostileText.filter((n) => n !== '.' && n !== '..'), fc.constantFrom<'lxc' | 'qemu'>('lxc', 'qemu'), fc.integer({min: 100, max: 999_999_999}), (node, kind, vmid) => {
			const path = guestPath(node, kind, vmid);
			const segments = path.split('/');
			assert.equal(segments.length, 5, path);
			assert.equal(segments[1], 'nodes');
			assert.equal(decodeURIComponent(segments[2]!), node);
			assert.deepEqual(segments.slice(3), [kind, String(vmid)]);
		}),
		runs(),
	);
});


test('guest-config readers take any JSON an API answers without throwing', () => {
	fc.assert(
		fc.property(fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom('net0', 'net1', 'mp0', 'rootfs', 'ipconfig0', 'tags'), fc.jsonValue())), fc.constantFrom<'lxc' | 'qemu'>('lxc', 'qemu'), (config, kind) => {
			const nics = listNics(config as Record<string, unknown>, kind);
			const mounts = listMountPoints(config as Record<string, unknown>);
			assert.ok(Array.isArray(nics) && Array.isArray(mounts));
		}),
		runs(),
	);
});
