import assert from 'node:assert/strict';
import {test} from 'node:test';
import {listMountPoints, listNics, parseMountPoint, parseNic, parsePropertyString, parseTags} from '../../source/util/pve-config.js';
import {readSample} from '../samples.js';

const sample = JSON.parse(readSample('api-lxc-config.json')).data as Record<string, unknown>;

test('parsePropertyString splits key=value pairs and files a bare part under the default key', () => {
	assert.deepEqual(parsePropertyString('vmstore:subvol-101-disk-0,size=30G', 'volume'), {volume: 'vmstore:subvol-101-disk-0', size: '30G'});
	assert.deepEqual(parsePropertyString('fuse=1,mknod=1,nesting=1'), {fuse: '1', mknod: '1', nesting: '1'});
	// A value may itself contain "=" (only the first one splits).
	assert.deepEqual(parsePropertyString('a=b=c'), {a: 'b=c'});
	assert.deepEqual(parsePropertyString(''), {});
});

test('parseNic reads the recorded LXC net0 line', () => {
	assert.deepEqual(parseNic('net0', sample.net0 as string), {
		id: 'net0',
		name: 'eth0',
		bridge: 'vmbr0',
		ip: 'dhcp',
		firewall: true,
		hwaddr: '5D:CF:BD:B2:C5:39',
		linkDown: false,
	});
});

test('parseNic reads a static address, VLAN tag, link_down and a QEMU model MAC', () => {
	const lxc = parseNic('net1', 'name=eth1,bridge=vmbr1,ip=10.10.10.5/24,gw=10.10.10.1,tag=30,link_down=1,firewall=0');
	assert.equal(lxc.ip, '10.10.10.5/24');
	assert.equal(lxc.gw, '10.10.10.1');
	assert.equal(lxc.tag, 30);
	assert.equal(lxc.linkDown, true);
	assert.equal(lxc.firewall, false);
	const qemu = parseNic('net0', 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,firewall=1');
	assert.equal(qemu.hwaddr, 'BC:24:11:AA:BB:CC');
	assert.equal(qemu.bridge, 'vmbr0');
});

test('listNics orders numerically and merges a QEMU ipconfigN address', () => {
	const config = {net10: 'name=eth10,bridge=vmbr2', net2: 'name=eth2,bridge=vmbr1', net0: 'name=eth0,bridge=vmbr0', netx: 'junk', hostname: 'x'};
	assert.deepEqual(
		listNics(config).map((n) => n.id),
		['net0', 'net2', 'net10'],
	);
	const vm = listNics({net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0', ipconfig0: 'ip=10.0.0.9/24,gw=10.0.0.1'}, 'qemu');
	assert.equal(vm[0]?.ip, '10.0.0.9/24');
	assert.equal(vm[0]?.gw, '10.0.0.1');
	assert.deepEqual(listNics(sample).length, 1);
});

test('parseMountPoint and listMountPoints read rootfs and mpN', () => {
	assert.deepEqual(parseMountPoint('rootfs', sample.rootfs as string), {
		id: 'rootfs',
		volume: 'vmstore:subvol-101-disk-0',
		path: '/',
		size: '30G',
		options: {volume: 'vmstore:subvol-101-disk-0', size: '30G'},
	});
	const mps = listMountPoints({...sample, mp1: 'local-zfs:subvol-101-disk-1,mp=/data,size=8G,backup=1'});
	assert.deepEqual(
		mps.map((m) => [m.id, m.volume, m.path, m.size]),
		[
			['mp0', '/mnt/foo/bar', '/storage', undefined],
			['mp1', 'local-zfs:subvol-101-disk-1', '/data', '8G'],
		],
	);
});

test('parseTags accepts ; , and spaces, drops empties and duplicates', () => {
	assert.deepEqual(parseTags(sample.tags as string), ['tag1', 'tag2']);
	assert.deepEqual(parseTags('a;b, c  a;;'), ['a', 'b', 'c']);
	assert.deepEqual(parseTags(undefined), []);
	assert.deepEqual(parseTags(''), []);
});
