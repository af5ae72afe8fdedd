// qmrestore over HTTPS (POST /nodes/{node}/qemu with `archive`): over a
// stopped VM (lock: create while the task runs, then the archive's config
// with fresh disks; disks the archive did not hold stay as unusedN), the
// refusals with qemu-server's wording (running, no force, a container's
// archive, a VMID on another node), to a new VMID, and the privileges.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {readSample} from '../samples.js';
import {AUDIT_TOKEN, miniFixture} from './helpers.js';
import {upidPattern, writeSim, type WriteSim} from './write-helpers.js';

const DAY = 86400;
const QM = '/nodes/pve1/qemu';

/** The mini fixture plus a stopped VM 300 on pve1 (EFI disk, a system disk, a scratch disk left out of backups), a `backups` storage with its archive and one of CT 101. */
function vmFixture(): Fixture {
	const fixture = miniFixture();
	fixture.nodes[0]!.storages.push({storage: 'backups', type: 'dir', content: 'backup', path: '/backups', total: 4_000_000_000_000, used: 1_000_000_000_000});
	fixture.nodes[0]!.storages.push({storage: 'vmdata', type: 'lvmthin', content: 'images,rootdir', total: 1_000_000_000_000, used: 100_000_000_000});
	fixture.guests.push({
		vmid: 300,
		type: 'qemu',
		node: 'pve1',
		status: 'stopped',
		config: {
			name: 'gitlab',
			memory: '8192',
			cores: 4,
			ostype: 'l26',
			bios: 'ovmf',
			efidisk0: 'local-zfs:vm-300-disk-0,efitype=4m,size=528K',
			scsi0: 'local-zfs:vm-300-disk-1,iothread=1,size=32G',
			scsi1: 'local-zfs:vm-300-disk-2,backup=0,size=100G',
			ide2: 'none,media=cdrom',
			net0: 'virtio=BC:24:11:30:30:30,bridge=vmbr0',
			vmgenid: '3f0b7a52-1c1e-4d2a-9d55-0123456789ab',
			scsihw: 'virtio-scsi-single',
			boot: 'order=scsi0',
		},
		usage: {cpu: 0, mem: 0, disk: 0.3},
	} as Fixture['guests'][number]);
	fixture.nodes[0]!.storages.push({storage: 'zssd', type: 'zfspool', content: 'images', pool: 'zssd', total: 2_000_000_000_000, used: 100_000_000_000});
	// Two VMs shaped as the recorded qmrestore logs' (test/samples/qmrestore-task-log-*): one virtio disk on ZFS; an EFI disk and an unaligned SCSI disk on LVM-thin.
	const vm = (vmid: number, name: string, disks: Record<string, string>) =>
		fixture.guests.push({vmid, type: 'qemu', node: 'pve1', status: 'stopped', config: {name, memory: '2048', cores: 2, ...disks}, usage: {cpu: 0, mem: 0, disk: 0.2}} as Fixture['guests'][number]);
	vm(400, 'nixos', {virtio0: 'zssd:vm-400-disk-0,size=3010560K'});
	vm(401, 'win', {efidisk0: 'vmdata:vm-401-disk-0,efitype=4m,size=528K', scsi0: 'vmdata:vm-401-disk-1,size=20971528K'});
	fixture.nodes[0]!.storages.push({storage: 'pbs', type: 'pbs', content: 'backup', shared: true, server: 'pbs.lan', datastore: 'store1', total: 8_000_000_000_000, used: 2_000_000_000_000});
	// May restore over VM 300 (VM.Backup) onto local-zfs, and create VM 105 (VM.Allocate); no privilege on the backup storages.
	fixture.users.push({
		userid: 'restorer@pve',
		acl: [
			{path: '/vms/300', role: 'PVEVMUser'},
			{path: '/vms/105', role: 'PVEVMAdmin'},
			{path: '/storage/local-zfs', role: 'PVEDatastoreUser'},
		],
		tokens: [{tokenid: 'rt', secret: '7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', privsep: false}],
	} as Fixture['users'][number]);
	fixture.backups = {
		archives: [
			{storage: 'pbs', node: 'pve1', vmid: 300, ago: 2 * DAY, size: 6_000_000_000},
			{storage: 'backups', node: 'pve1', vmid: 300, ago: 1 * DAY, size: 4_000_000_000},
			{storage: 'backups', node: 'pve1', vmid: 101, ago: 1 * DAY, size: 300_000_000},
			{storage: 'backups', node: 'pve1', vmid: 400, ago: 1 * DAY, size: 900_000_000},
			{storage: 'backups', node: 'pve1', vmid: 401, ago: 1 * DAY, size: 6_000_000_000},
		],
	};
	return fixture;
}

async function withSim(run: (w: WriteSim) => Promise<void>): Promise<void> {
	const w = await writeSim(vmFixture());
	try {
		await run(w);
	} finally {
		await w.close();
	}
}

async function archiveOf(w: WriteSim, vmid: number): Promise<string> {
	const res = await w.api('GET', `/nodes/pve1/storage/backups/content?content=backup&vmid=${vmid}`);
	assert.equal(res.status, 200, `${res.status} ${res.reason}`);
	return String(res.json.data[0].volid);
}

const RESTORER = 'PVEAPIToken=restorer@pve!rt=7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

const FAILED = (vmid: number) => `error before or during data restore, some or all disks were not completely restored. VM ${vmid} state is NOT cleaned up.`;

describe('qmrestore', () => {
	it('over a stopped VM: lock create while it runs, then the archived config with fresh disks; a disk left out of the backup stays as unused0', () =>
		withSim(async (w) => {
			const vm = w.sim.state.guests.get(300)!;
			vm.config.memory = '16384'; // changed after the backup
			vm.snapshots.push({name: 'later', snaptime: Math.floor(w.clock.now() / 1000), config: {...vm.config}});
			const volid = await archiveOf(w, 300);
			const res = await w.api('POST', QM, {form: {vmid: '300', archive: volid, force: '1'}});
			assert.equal(res.status, 200, `${res.status} ${res.reason}`);
			const upid = res.json.data as string;
			assert.match(upid, upidPattern('pve1', 'qmrestore', 300, 'root@pam!full'));
			assert.equal((await w.api('GET', `${QM}/300/config`)).json.data.lock, 'create');
			const busy = await w.api('POST', `${QM}/300/status/start`);
			assert.equal((await w.finish(busy.json.data as string)).exitstatus, 'VM is locked (create)');
			assert.equal((await w.finish(upid, 300)).exitstatus, 'OK');
			const config = (await w.api('GET', `${QM}/300/config`)).json.data;
			assert.equal(config.memory, '8192');
			assert.equal(config.lock, undefined);
			assert.equal(config.efidisk0, 'local-zfs:vm-300-disk-0,efitype=4m,size=528K');
			assert.equal(config.scsi0, 'local-zfs:vm-300-disk-1,iothread=1,size=32G');
			assert.equal(config.scsi1, undefined);
			assert.equal(config.unused0, 'local-zfs:vm-300-disk-2');
			assert.match(String(config.description), /^scsi1: local-zfs:vm-300-disk-2,backup=0,size=100G$/m);
			assert.notEqual(config.vmgenid, '3f0b7a52-1c1e-4d2a-9d55-0123456789ab');
			assert.equal(config.net0, 'virtio=BC:24:11:30:30:30,bridge=vmbr0');
			const snaps = (await w.api('GET', `${QM}/300/snapshot`)).json.data as Array<{name: string}>;
			assert.deepEqual(snaps.map((s) => s.name), ['current']);
			// The lines of the recorded qmrestore-task-log-vma-zst-zfs.txt, in its order.
			const log = await w.log(upid);
			const pid = upid.split(':')[2]!;
			assert.equal(log[0], `restore vma archive: zstd -q -d -c /backups/dump/${volid.split('/')[1]} | vma extract -v -r /var/tmp/vzdumptmp${parseInt(pid, 16)}.fifo - /var/tmp/vzdumptmp${parseInt(pid, 16)}`);
			assert.match(log[1]!, /^CFG: size: \d+ name: qemu-server\.conf$/);
			assert.equal(log[2], 'DEV: dev_id=1 size: 540672 devname: drive-efidisk0');
			assert.equal(log[3], 'DEV: dev_id=2 size: 34359738368 devname: drive-scsi0');
			assert.match(log[4]!, /^CTIME: (Sun|Mon|Tue|Wed|Thu|Fri|Sat) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
			assert.deepEqual(log.slice(5, 9), [
				"new volume ID is 'local-zfs:vm-300-disk-0'",
				"new volume ID is 'local-zfs:vm-300-disk-1'",
				"map 'drive-efidisk0' to '/dev/zvol/rpool/data/vm-300-disk-0' (write zeros = 0)",
				"map 'drive-scsi0' to '/dev/zvol/rpool/data/vm-300-disk-1' (write zeros = 0)",
			]);
			assert.equal(log[9], 'progress 1% (read 343605248 bytes, duration 0 sec)');
			// 32 GiB at 40 % read at 150 MiB/s: 87 simulated seconds.
			assert.equal(log[108], 'progress 100% (read 34360279040 bytes, duration 87 sec)');
			assert.match(log[109]!, /^total bytes read 34360279040, sparse bytes \d+ \([\d.]+%\)$/);
			assert.match(log[110]!, /^space reduction due to 4K zero blocks [\d.]+%$/);
			assert.deepEqual(log.slice(111), ['rescan volumes...', "VM 300 add unreferenced volume 'local-zfs:vm-300-disk-2' as 'unused0' to config", 'TASK OK']);
		}));

	it('over a running VM the worker fails as qemu-server does, and the lock goes again', () =>
		withSim(async (w) => {
			const vm = w.sim.state.guests.get(300)!;
			vm.status = 'running';
			const before = structuredClone(vm.config);
			const res = await w.api('POST', QM, {form: {vmid: '300', archive: await archiveOf(w, 300), force: '1'}});
			assert.equal(res.status, 200, `${res.status} ${res.reason}`);
			const upid = res.json.data as string;
			assert.equal((await w.finish(upid)).exitstatus, 'unable to restore VM 300 - vm is running');
			assert.deepEqual(await w.log(upid), [FAILED(300), 'TASK ERROR: unable to restore VM 300 - vm is running']);
			assert.deepEqual((await w.api('GET', `${QM}/300/config`)).json.data.scsi0, before.scsi0);
			assert.equal(vm.lock, undefined);
		}));

	it('without force an existing VMID is refused before any task; a VMID on another node too, force or not', () =>
		withSim(async (w) => {
			const volid = await archiveOf(w, 300);
			const res = await w.api('POST', QM, {form: {vmid: '300', archive: volid}});
			assert.equal(res.status, 500);
			assert.equal(res.reason, "unable to restore VM 300 - VM 300 already exists on node 'pve1'");
			const elsewhere = await w.api('POST', QM, {form: {vmid: '200', archive: volid, force: '1'}});
			assert.equal(elsewhere.reason, "unable to restore VM 200 - VM 200 already exists on node 'pve2'");
			const ct = await w.api('POST', QM, {form: {vmid: '102', archive: volid, force: '1'}});
			assert.equal(ct.reason, "unable to restore VM 102 - CT 102 already exists on node 'pve1'");
			assert.equal(w.sim.state.tasks.filter((t) => t.type === 'qmrestore').length, 0);
		}));

	it("a container's archive: the worker warns about the keys a VM cannot have and fails on the tar archive; the new VM is left as it is", () =>
		withSim(async (w) => {
			const volid = await archiveOf(w, 101);
			const res = await w.api('POST', QM, {form: {vmid: '100', archive: volid}});
			assert.equal(res.status, 200, `${res.status} ${res.reason}`);
			const upid = res.json.data as string;
			const error = `ERROR: file '/backups/dump/${volid.split('/')[1]}' does not look like a QemuServer vzdump backup`;
			assert.equal((await w.finish(upid)).exitstatus, error);
			const log = await w.log(upid);
			assert.ok(log.includes("vm 100 - unable to parse value of 'hostname' - unknown setting 'hostname'"), log.join('\n'));
			assert.ok(log.includes("vm 100 - unable to parse value of 'rootfs' - unknown setting 'rootfs'"));
			assert.deepEqual(log.slice(-2), [FAILED(100), `TASK ERROR: ${error}`]);
			// "state is NOT cleaned up": VM 100 exists, unlocked, with nothing restored.
			const config = (await w.api('GET', `${QM}/100/config`)).json.data;
			assert.equal(config.lock, undefined);
			assert.equal(config.scsi0, undefined);
		}));

	it('to a new VMID from /cluster/nextid on an LVM-thin storage, with new MACs (unique): listed while locked, then restored', () =>
		withSim(async (w) => {
			assert.equal((await w.api('GET', '/cluster/nextid')).json.data, '100');
			const res = await w.api('POST', QM, {form: {vmid: '100', archive: await archiveOf(w, 300), storage: 'vmdata', unique: '1'}});
			assert.equal(res.status, 200, `${res.status} ${res.reason}`);
			const upid = res.json.data as string;
			const listed = ((await w.api('GET', '/nodes/pve1/qemu')).json.data as Array<{vmid: number; lock?: string}>).find((g) => Number(g.vmid) === 100);
			assert.equal(listed?.lock, 'create');
			assert.equal((await w.finish(upid, 300)).exitstatus, 'OK');
			const config = (await w.api('GET', `${QM}/100/config`)).json.data;
			assert.equal(config.name, 'gitlab');
			assert.equal(config.efidisk0, 'vmdata:vm-100-disk-0,efitype=4m,size=528K');
			assert.equal(config.scsi0, 'vmdata:vm-100-disk-1,iothread=1,size=32G');
			assert.equal(config.unused0, undefined);
			assert.match(String(config.net0), /^virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0$/);
			assert.notEqual(config.net0, 'virtio=BC:24:11:30:30:30,bridge=vmbr0');
			const log = await w.log(upid);
			assert.deepEqual(log.slice(5, 11), [
				'  Rounding up size to full physical extent 4.00 MiB',
				'  Logical volume "vm-100-disk-0" created.',
				"new volume ID is 'vmdata:vm-100-disk-0'",
				'  Logical volume "vm-100-disk-1" created.',
				"new volume ID is 'vmdata:vm-100-disk-1'",
				"map 'drive-efidisk0' to '/dev/pve/vm-100-disk-0' (write zeros = 0)",
			]);
			const resources = (await w.api('GET', '/cluster/resources?type=vm')).json.data as Array<{vmid: number; name: string; type: string; status: string}>;
			assert.deepEqual(resources.filter((r) => r.vmid === 100).map((r) => [r.type, r.name, r.status]), [['qemu', 'gitlab', 'stopped']]);
			// The source VM is untouched.
			assert.equal((await w.api('GET', `${QM}/300/config`)).json.data.scsi0, 'local-zfs:vm-300-disk-1,iothread=1,size=32G');
		}));

	it('a storage without images content fails in the worker; live-restore needs PBS', () =>
		withSim(async (w) => {
			const volid = await archiveOf(w, 300);
			const upid = (await w.api('POST', QM, {form: {vmid: '100', archive: volid, storage: 'backups'}})).json.data as string;
			assert.equal((await w.finish(upid)).exitstatus, "Content type 'images' is not available on storage 'backups'");
			const live = (await w.api('POST', QM, {form: {vmid: '301', archive: volid, 'live-restore': '1'}})).json.data as string;
			assert.equal((await w.finish(live)).exitstatus, 'live-restore is only compatible with backup images from a Proxmox Backup Server');
		}));

	it('an audit token may not restore; an unknown archive is refused', () =>
		withSim(async (w) => {
			const volid = await archiveOf(w, 300);
			const denied = await w.api('POST', QM, {form: {vmid: '300', archive: volid, force: '1'}, auth: AUDIT_TOKEN});
			assert.equal(denied.status, 403);
			assert.equal(denied.reason, 'Permission check failed');
			const missing = await w.api('POST', QM, {form: {vmid: '100', archive: 'backups:backup/vzdump-qemu-300-2020_01_01-00_00_00.vma.zst'}});
			assert.equal(missing.reason, "can't find file 'backups:backup/vzdump-qemu-300-2020_01_01-00_00_00.vma.zst'");
		}));

	it('VM.Backup restores over the VM it is granted on; a new VMID needs VM.Allocate, and another guest\'s archive the backup storage too', () =>
		withSim(async (w) => {
			const volid = await archiveOf(w, 300);
			const over = await w.api('POST', QM, {form: {vmid: '300', archive: volid, force: '1'}, auth: RESTORER});
			assert.equal(over.status, 200, `${over.status} ${over.reason}`);
			const upid = over.json.data as string;
			assert.match(upid, upidPattern('pve1', 'qmrestore', 300, 'restorer@pve!rt'));
			assert.equal((await w.finish(upid, 300)).exitstatus, 'OK');
			const noAllocate = await w.api('POST', QM, {form: {vmid: '106', archive: volid}, auth: RESTORER});
			assert.equal(noAllocate.status, 403);
			assert.equal(noAllocate.reason, 'Permission check failed');
			const notOwner = await w.api('POST', QM, {form: {vmid: '105', archive: volid}, auth: RESTORER});
			assert.equal(notOwner.status, 403);
			assert.equal(notOwner.reason, 'Permission check failed (/storage/backups, Datastore.AllocateSpace)');
			// pct restore checks the archive the same way (PVE::Storage::check_volume_access).
			const ct = await w.api('POST', '/nodes/pve1/lxc', {form: {vmid: '105', ostemplate: await archiveOf(w, 101), restore: '1'}, auth: RESTORER});
			assert.equal(ct.status, 403);
			assert.equal(ct.reason, 'Permission check failed (/storage/backups, Datastore.AllocateSpace)');
			// The storage parameter needs Datastore.AllocateSpace there before anything else.
			const elsewhere = await w.api('POST', QM, {form: {vmid: '300', archive: volid, force: '1', storage: 'vmdata'}, auth: RESTORER});
			assert.equal(elsewhere.status, 403);
			assert.equal(elsewhere.reason, 'Permission check failed (/storage/vmdata, Datastore.AllocateSpace)');
		}));

	it('from Proxmox Backup Server: pbs-restore per disk; a locked or protected VM is refused', () =>
		withSim(async (w) => {
			const res = await w.api('GET', '/nodes/pve1/storage/pbs/content?content=backup&vmid=300');
			const volid = String(res.json.data[0].volid);
			assert.match(volid, /^pbs:backup\/vm\/300\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
			const vm = w.sim.state.guests.get(300)!;
			vm.lock = 'backup';
			vm.config.lock = 'backup';
			const locked = await w.api('POST', QM, {form: {vmid: '300', archive: volid, force: '1'}});
			assert.equal(locked.reason, 'unable to restore VM 300 - VM is locked (backup)');
			delete vm.lock;
			delete vm.config.lock;
			vm.config.protection = 1;
			const protectedRun = (await w.api('POST', QM, {form: {vmid: '300', archive: volid, force: '1'}})).json.data as string;
			// qemu-server's message carries the dash twice (its prefix ends in " -", check_protection adds " - ").
			assert.equal((await w.finish(protectedRun)).exitstatus, 'unable to restore VM 300 - - protection mode enabled');
			delete vm.config.protection;
			const upid = (await w.api('POST', QM, {form: {vmid: '300', archive: volid, force: '1', start: '1'}})).json.data as string;
			assert.equal((await w.finish(upid, 300)).exitstatus, 'OK');
			const log = await w.log(upid);
			const snapshot = volid.slice('pbs:backup/'.length);
			assert.deepEqual(log.slice(0, 2), ["new volume ID is 'local-zfs:vm-300-disk-0'", "new volume ID is 'local-zfs:vm-300-disk-1'"]);
			assert.equal(log[2], `restore proxmox backup image: /usr/bin/pbs-restore --repository root@pam@pbs.lan:store1 ${snapshot} drive-efidisk0.img.fidx /dev/zvol/rpool/data/vm-300-disk-0 --verbose --format raw --skip-zero`);
			assert.deepEqual(log.slice(3, 7), ["connecting to repository 'root@pam@pbs.lan:store1'", "open block backend for target '/dev/zvol/rpool/data/vm-300-disk-0'", `starting to restore snapshot '${snapshot}'`, 'download and verify backup index']);
			// 1 % of the 32 GiB disk, in pbs-restore's 4 MiB chunks.
			assert.ok(log.some((l) => /^progress 1% \(read 343932928 bytes, zeroes = \d+% \(\d+ bytes\), duration \d+ sec\)$/.test(l)), log.join('\n'));
			assert.ok(log.some((l) => /^restore image complete \(bytes=34359738368, duration=\d+\.00s, speed=[\d.]+MB\/s\)$/.test(l)), log.join('\n'));
			assert.deepEqual(log.slice(-3), ["VM 300 add unreferenced volume 'local-zfs:vm-300-disk-2' as 'unused0' to config", 'Execute autostart', 'TASK OK']);
			assert.equal(w.sim.state.guests.get(300)!.status, 'running');
		}));

	it('bwlimit: the archive is read through cstream at that rate, and the restore takes as long as that needs', () =>
		withSim(async (w) => {
			const volid = await archiveOf(w, 300);
			const upid = (await w.api('POST', QM, {form: {vmid: '300', archive: volid, force: '1', bwlimit: '10240'}})).json.data as string;
			assert.equal((await w.finish(upid, 600)).exitstatus, 'OK');
			const log = await w.log(upid);
			const pid = parseInt(upid.split(':')[2]!, 16);
			assert.equal(log[0], 'applying read rate limit: 10240');
			assert.equal(log[1], `restore vma archive: cstream -t 10485760 -- /backups/dump/${volid.split('/')[1]} | zstd -q -d -c - | vma extract -v -r /var/tmp/vzdumptmp${pid}.fifo - /var/tmp/vzdumptmp${pid}`);
			assert.ok(log.includes('rate limit for storage local-zfs: 10240 KiB/s'));
			// 4 GB of archive at 10 MiB/s: 381 s, longer than the 87 s the disks take unthrottled.
			assert.ok(log.includes('progress 100% (read 34360279040 bytes, duration 381 sec)'), log.filter((l) => l.startsWith('progress 100')).join());
		}));

	it('live-restore from PBS: the VM runs (still locked) while its disks stream in; only the EFI disk is copied first', () =>
		withSim(async (w) => {
			const volid = String((await w.api('GET', '/nodes/pve1/storage/pbs/content?content=backup&vmid=300')).json.data[0].volid);
			const upid = (await w.api('POST', QM, {form: {vmid: '300', archive: volid, force: '1', 'live-restore': '1'}})).json.data as string;
			const during = (await w.api('GET', `${QM}/300/status/current`)).json.data;
			assert.equal(during.status, 'running');
			assert.equal(during.lock, 'create');
			assert.equal((await w.finish(upid, 300)).exitstatus, 'OK');
			const log = await w.log(upid);
			assert.deepEqual(log.filter((l) => l.startsWith('restore proxmox backup image:')).map((l) => l.split(' ')[8]), ['drive-efidisk0.img.fidx']);
			const started = log.indexOf('starting VM for live-restore');
			assert.ok(started > log.indexOf('rescan volumes...'));
			assert.equal(log[started + 1], `repository: 'root@pam@pbs.lan:store1', snapshot: '${volid.slice('pbs:backup/'.length)}'`);
			assert.equal(log[started + 2], "restoring 'drive-scsi0' to 'local-zfs:vm-300-disk-1'");
			assert.match(log[started + 3]!, /^restore-drive-scsi0: transferred [\d.]+ (MiB|GiB) of 32\.0 GiB \([\d.]+%\) in \d+s$/);
			assert.deepEqual(log.slice(-4), [
				'restore-drive-scsi0: transferred 32.0 GiB of 32.0 GiB (100.00%) in 1m 27s',
				'restore-drive-scsi0: stream-job finished',
				'restore-drive jobs finished successfully, removing all tracking block devices to disconnect from Proxmox Backup Server',
				'TASK OK',
			]);
			const after = (await w.api('GET', `${QM}/300/status/current`)).json.data;
			assert.equal(after.status, 'running');
			assert.equal(after.lock, undefined);
		}));

	it('the task log has the lines of the recorded qmrestore logs, in their order (ZFS, LVM-thin, an error)', () =>
		withSim(async (w) => {
			/** A line with its values blanked: quoted strings, paths, numbers, day and month names, runs of blanks. */
			const shape = (line: string) =>
				line
					.replace(/'[^']*'|"[^"]*"/g, 'Q')
					.replace(/\/\S+/g, 'P')
					.replace(/\d+(\.\d+)?/g, 'N')
					.replace(/\b[A-Z][a-z]{2}\b/g, 'W')
					.replace(/\s+/g, ' ')
					.trim();
			const restore = async (vmid: number) => {
				const upid = (await w.api('POST', QM, {form: {vmid: String(vmid), archive: await archiveOf(w, vmid), force: '1'}})).json.data as string;
				assert.equal((await w.finish(upid, 300)).exitstatus, 'OK');
				return (await w.log(upid)).map(shape);
			};
			// The ZFS sample starts with the shell prompt of `qmrestore`; the task log starts at its second line.
			const zfs = readSample('qmrestore-task-log-vma-zst-zfs.txt').trimEnd().split('\n').slice(1).map(shape);
			assert.deepEqual((await restore(400)).slice(0, zfs.length), zfs);
			// The LVM-thin sample lost its first line (the command) in the index it came from.
			const lvm = readSample('qmrestore-task-log-vma-lvmthin.txt').trimEnd().split('\n').map(shape);
			assert.deepEqual((await restore(401)).slice(1, 1 + lvm.length), lvm);
			// A failed worker prints the sample's first line before its error.
			const [failedLine] = readSample('qmrestore-error-archive-info.txt').trimEnd().split('\n').slice(1);
			w.sim.state.guests.get(400)!.status = 'running';
			const upid = (await w.api('POST', QM, {form: {vmid: '400', archive: await archiveOf(w, 400), force: '1'}})).json.data as string;
			await w.finish(upid);
			assert.deepEqual((await w.log(upid)).map(shape), [shape(failedLine!), shape('TASK ERROR: unable to restore VM 400 - vm is running')]);
		}));
});
