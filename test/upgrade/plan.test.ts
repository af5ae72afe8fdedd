// The plan's pure parts: which manager an ostype means, when a snapshot is
// possible (storage type, bind mount, lock, a nearly full pool), and which
// containers are skipped and why.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {managerForOstype, MANAGERS} from '../../source/services/upgrade/managers.js';
import {buildPlanEntry, type PlanInput} from '../../source/services/upgrade/plan.js';
import {snapshotVerdict, type NodeStorage} from '../../source/services/upgrade/snapshot-check.js';

const STORAGES: NodeStorage[] = [
	{storage: 'local', type: 'dir'},
	{storage: 'local-zfs', type: 'zfspool', used: 50, total: 100},
	{storage: 'full', type: 'zfspool', used: 93, total: 100},
	{storage: 'thin', type: 'lvmthin'},
];

test('ostype → package manager', () => {
	const got = ['debian', 'ubuntu', 'devuan', 'alpine', 'fedora', 'centos', 'archlinux', 'opensuse', 'gentoo', 'nixos', 'unmanaged', undefined].map(managerForOstype);
	assert.deepEqual(got, ['apt', 'apt', 'apt', 'apk', 'dnf', 'dnf', 'pacman', 'zypper', undefined, undefined, undefined, undefined]);
});

test('snapshot verdicts follow the storage, bind mounts, locks and the red fill threshold', () => {
	assert.deepEqual(snapshotVerdict({rootfs: 'local-zfs:subvol-1-disk-0,size=8G', mp0: 'thin:vm-1-disk-1,mp=/x'}, STORAGES), {possible: true});
	assert.equal(snapshotVerdict({rootfs: 'local:1/vm-1-disk-0.raw'}, STORAGES).reason, "snapshot feature is not available: rootfs is on 'local' (dir)");
	assert.equal(snapshotVerdict({rootfs: 'local-zfs:subvol-1-disk-0', mp0: '/tank/data,mp=/data'}, STORAGES).reason, 'snapshot feature is not available: mp0 is a bind mount (/tank/data)');
	assert.equal(snapshotVerdict({rootfs: 'local-zfs:subvol-1-disk-0', lock: 'backup'}, STORAGES).reason, 'locked (backup)');
	assert.equal(snapshotVerdict({rootfs: 'full:subvol-1-disk-0'}, STORAGES).reason, "storage 'full' is 93 % full");
});

test('skip reasons, and the opt-ins that include stopped and unsnapshottable containers', () => {
	const base: PlanInput = {vmid: 101, name: 'sonarr', node: 'pve', kind: 'lxc', status: 'running', tags: ['media'], template: false, config: {ostype: 'debian', rootfs: 'local-zfs:subvol-101-disk-0', mp0: '/tank/data,mp=/data'}, storages: STORAGES, probe: {pending: [{name: 'libc6'}], rebootFlagged: false}};
	const off = {startStopped: false, allowNoSnapshot: false};
	assert.match(buildPlanEntry(base, off).skipReason!, /^no snapshot possible/);
	const forced = buildPlanEntry(base, {...off, allowNoSnapshot: true});
	assert.deepEqual([forced.action, forced.reboot, forced.pending], ['upgrade', true, 1]);
	const stopped = {...base, status: 'stopped', config: {ostype: 'alpine', rootfs: 'local-zfs:subvol-101-disk-0'}, probe: undefined};
	assert.equal(buildPlanEntry(stopped, off).skipReason, 'stopped (choose start-upgrade-stop to include it)');
	assert.deepEqual([buildPlanEntry(stopped, {...off, startStopped: true}).action, buildPlanEntry(stopped, {...off, startStopped: true}).startStop], ['upgrade', true]);
	assert.equal(buildPlanEntry({...base, kind: 'qemu'}, off).skipReason, 'a VM: proxdeck upgrades containers only');
	assert.equal(buildPlanEntry({...base, config: {ostype: 'nixos', rootfs: 'local-zfs:x'}}, off).skipReason, "no package manager for ostype 'nixos'");
	assert.equal(buildPlanEntry({...base, probe: {error: 'index refresh failed: apt-get exited 100'}}, off).skipReason, 'index refresh failed: apt-get exited 100');
});

test('pending-list parsers read each manager\'s own output', () => {
	assert.deepEqual(MANAGERS.dnf.parseCount('curl.x86_64    8.11.1-6.fc42    updates\nopenssl-libs.x86_64   1:3.2.4-4.fc42   updates\n'), [{name: 'curl', to: '8.11.1-6.fc42'}, {name: 'openssl-libs', to: '1:3.2.4-4.fc42'}]);
	assert.deepEqual(MANAGERS.pacman.parseCount('glibc 2.41-1 -> 2.42-1\n'), [{name: 'glibc', to: '2.42-1'}]);
	assert.deepEqual(MANAGERS.zypper.parseCount('S | Repository | Name | Current Version | Available Version | Arch\n--+--\nv | Main Update Repository | curl | 8.6.0-1 | 8.6.0-2 | x86_64\n'), [{name: 'curl', to: '8.6.0-2'}]);
	assert.deepEqual(MANAGERS.apk.parseCount('musl-1.2.5-r11 x86_64 {musl} (MIT) [upgradable from: musl-1.2.5-r10]\n'), [{name: 'musl', to: '1.2.5-r11'}]);
});
