// The pure parts of the action side: UPIDs, snapshot names, the picker tree,
// privilege checks, the audit file's pairing of begin and end lines.

import assert from 'node:assert/strict';
import {appendFileSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {apiCallFor, effectFor, hostCommands} from '../../source/services/actions/catalog.js';
import {vmDiskVolumes} from '../../source/services/actions/dispatcher.js';
import {defaultSnapshotName, snapshotNameError} from '../../source/services/actions/snapshot-name.js';
import {buildPickerEntries, isZfsRootfs, olderThan} from '../../source/services/actions/snapshot-tree.js';
import {createAuditLog, defaultAuditPath} from '../../source/services/audit.js';
import {hasAnyPrivilege, hasPrivilege} from '../../source/services/permissions.js';
import {parseUpid} from '../../source/api/upid.js';
import {isTaskSuccess} from '../../source/services/tasks/exit-status.js';

test('a UPID decodes into node, type, target and user (a token user too); junk is undefined', () => {
	assert.deepEqual(parseUpid('UPID:pve1:000A1B2C:0098F1E2:66F1A2B3:vzstart:101:root@pam!proxdeck:'), {
		node: 'pve1',
		pid: 0xa1b2c,
		pstart: 0x98f1e2,
		starttime: 0x66f1a2b3,
		type: 'vzstart',
		id: '101',
		user: 'root@pam!proxdeck',
	});
	assert.equal(parseUpid('UPID:pve1:zz:0:0:vzstart:101:root@pam:'), undefined);
	assert.equal(parseUpid('UPID:pve1:000A1B2C:0098F1E2:66F1A2B3:vzstart:101:root@pam'), undefined, 'the trailing colon is part of the format');
	assert.ok(isTaskSuccess('OK') && isTaskSuccess('WARNINGS: 2') && !isTaskSuccess('CT is locked (snapshot)') && !isTaskSuccess(undefined));
});

test('the default snapshot name is proxdeck-YYYYMMDD-HHMMSS in local time and passes Proxmox\'s rules', () => {
	const name = defaultSnapshotName(new Date(2026, 10, 3, 4, 5, 6));
	assert.equal(name, 'proxdeck-20261103-040506');
	assert.equal(snapshotNameError(name), undefined);
	assert.match(snapshotNameError('current')!, /reserved name/);
	assert.match(snapshotNameError('1st')!, /a letter first/);
	assert.match(snapshotNameError('a'.repeat(41))!, /40/);
	assert.equal(snapshotNameError(''), 'a name is required');
});

test('the picker tree: depth by parent, newest = parent of current, ZFS blocks the others with Proxmox\'s wording', () => {
	const list = [
		{name: 'b', description: 'second', snaptime: 200, parent: 'a'},
		{name: 'current', description: 'You are here!', parent: 'c'},
		{name: 'a', description: 'first', snaptime: 100},
		{name: 'c', description: 'branch', snaptime: 300, parent: 'a'},
	];
	const entries = buildPickerEntries(list, {zfs: true, rootfsVolume: 'local-zfs:subvol-101-disk-0'});
	assert.deepEqual(entries.map((e) => `${e.depth}:${e.snapshot.name}${e.newest ? '*' : ''}`), ['0:a', '1:b', '1:c*']);
	assert.equal(entries[0]!.rollbackBlocked, "can't rollback, 'a' is not most recent snapshot on 'local-zfs:subvol-101-disk-0'");
	assert.equal(entries[2]!.rollbackBlocked, undefined);
	assert.ok(buildPickerEntries(list, {zfs: false}).every((e) => e.rollbackBlocked === undefined));
	assert.ok(isZfsRootfs('local-zfs:subvol-101-disk-0,size=8G'));
	assert.ok(!isZfsRootfs('local-lvm:vm-101-disk-0,size=8G'));
	assert.deepEqual(olderThan(list, 7, (150 + 7 * 86_400) * 1000).map((s) => s.name), ['a'], 'only a is more than 7 days before now');
});

test('the pct equivalents quote what the shell would split', () => {
	assert.deepEqual(hostCommands('snapshot', 'lxc', 105, {snapname: 'x1', description: "it's new"}), [`pct snapshot 105 x1 --description 'it'\\''s new'`]);
	assert.deepEqual(hostCommands('rollback', 'lxc', 105, {snapname: 'x1', start: 1}), ['pct rollback 105 x1 --start 1']);
	assert.deepEqual(hostCommands('reboot', 'lxc', 105, {}), ['pct reboot 105']);
});

test('a VM gets the qm equivalent of every action, include RAM as --vmstate 1', () => {
	assert.deepEqual(hostCommands('reboot', 'qemu', 150, {}), ['qm reboot 150']);
	assert.deepEqual(hostCommands('shutdown', 'qemu', 150, {}), ['qm shutdown 150']);
	assert.deepEqual(hostCommands('stop', 'qemu', 150, {}), ['qm stop 150']);
	assert.deepEqual(hostCommands('start', 'qemu', 150, {}), ['qm start 150']);
	assert.deepEqual(hostCommands('snapshot', 'qemu', 150, {snapname: 'pre', vmstate: 1}), ['qm snapshot 150 pre --vmstate 1']);
	assert.deepEqual(hostCommands('snapshot', 'lxc', 105, {snapname: 'pre', vmstate: 1}), ['pct snapshot 105 pre'], 'containers have no RAM snapshot');
	assert.deepEqual(hostCommands('rollback', 'qemu', 150, {snapname: 'pre'}), ['qm rollback 150 pre']);
	assert.deepEqual(hostCommands('delsnapshot', 'qemu', 150, {snapname: 'pre'}), ['qm delsnapshot 150 pre']);
	assert.deepEqual(apiCallFor('snapshot', {snapname: 'pre', vmstate: 1}).params, {snapname: 'pre', vmstate: 1});
	assert.deepEqual(effectFor('reboot', ['qemu']), 'reboots the VM: its services go down for a moment');
	assert.deepEqual(effectFor('stop', ['qemu', 'lxc']), 'stops the guest at once (like pulling the plug)');
});

test('a VM\'s disks: CD-ROMs and host paths are not volumes', () => {
	assert.deepEqual(vmDiskVolumes({scsi0: 'local-zfs:vm-150-disk-0,size=80G', ide2: 'none,media=cdrom', ide0: 'local:iso/x.iso,media=cdrom', efidisk0: 'local-zfs:vm-150-disk-1,size=1M', net0: 'virtio=AA,bridge=vmbr0'}), ['local-zfs:vm-150-disk-0', 'local-zfs:vm-150-disk-1']);
});

test('privileges: the most specific listed path decides; an ancestor counts only when it propagates', () => {
	const tree = {'/': {'VM.Audit': 1 as const, 'VM.PowerMgmt': 0 as const}, '/vms/101': {'VM.Snapshot.Rollback': 1 as const}};
	assert.ok(hasPrivilege(tree, '/vms/100', 'VM.Audit'));
	assert.ok(!hasPrivilege(tree, '/vms/100', 'VM.PowerMgmt'), 'not propagated from /');
	assert.ok(hasPrivilege(tree, '/', 'VM.PowerMgmt'));
	assert.ok(hasAnyPrivilege(tree, '/vms/101', ['VM.Snapshot', 'VM.Snapshot.Rollback']));
	assert.ok(!hasPrivilege(tree, '/vms/101', 'VM.Audit'), '/vms/101 is listed: it decides');
});

test('the audit log pairs begin and end by id; a begin without an end is an unknown outcome', () => {
	const path = join(mkdtempSync(join(tmpdir(), 'proxdeck-audit-')), 'x', 'audit.log');
	const audit = createAuditLog({path, clock: () => Date.parse('2026-11-23T12:00:00Z')});
	const done = audit.begin({host: 'h', identity: 'root@pam!t', action: 'reboot', targets: [101], params: {}});
	audit.end(done, {upid: 'UPID:x', result: 'OK', durationMs: 1200});
	audit.begin({host: 'h', identity: 'root@pam!t', action: 'stop', targets: [102], params: {}});
	appendFileSync(path, 'not json\n');
	const [stop, reboot] = audit.recent();
	assert.deepEqual({action: stop!.action, ended: stop!.ended, result: stop!.result}, {action: 'stop', ended: false, result: undefined});
	assert.deepEqual({action: reboot!.action, ended: reboot!.ended, result: reboot!.result, upid: reboot!.upid}, {action: 'reboot', ended: true, result: 'OK', upid: 'UPID:x'});
	assert.equal(defaultAuditPath({XDG_STATE_HOME: '/s', HOME: '/h'}), '/s/proxdeck/audit.log');
	assert.equal(defaultAuditPath({HOME: '/h'}), '/h/.local/state/proxdeck/audit.log');
});
