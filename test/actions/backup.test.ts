// Back up now through the one action dispatcher, against the simulator: one
// vzdump request per node holding the targets, the task tracked, begin and end
// audited, refused in read-only mode; and the backup reads the store slice is
// filled from (newest backup per guest, jobs, guests no job covers, prune dry run).

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {backupAgeLevel, backupAgeSeconds, formatBackupAge, newestByGuest} from '../../source/services/backups/model.js';
import {pruneDryRun, readNextId} from '../../source/services/backups/reader.js';
import {createBackupService, readBackupOverview} from '../../source/services/backups/service.js';
import {selectGuestBackups} from '../../source/store/backups-slice.js';
import {hostCommands} from '../../source/services/actions/catalog.js';
import {startRig, type ActionRig} from './helpers.js';

describe('back up now (cluster fixture)', () => {
	let rig: ActionRig;
	before(async () => {
		rig = await startRig({fixtureName: 'cluster'});
	});
	after(() => rig.close());

	it('marked guests on two nodes: one vzdump per node with its own guests, tracked, audited, the new archive newest', async () => {
		const outcomes = await rig.services.dispatcher.dispatch({action: 'backup', targets: [110, 101, 102], params: {storage: 'nas-backup'}}, {confirmed: true});
		assert.deepEqual(
			outcomes.map((o) => [o.vmid, o.ok, o.result]).sort((x, y) => Number(x[0]) - Number(y[0])),
			[
				[101, true, 'OK'],
				[102, true, 'OK'],
				[110, true, 'OK'],
			],
		);
		const posts = rig.writes().filter((r) => r.path.endsWith('/vzdump'));
		assert.deepEqual(posts.map((p) => [p.path, p.body.vmid, p.body.storage, p.body.mode, p.body.compress, p.body['notes-template']]).sort(), [
			['/nodes/pve1/vzdump', '101,102', 'nas-backup', 'snapshot', 'zstd', '{{guestname}}'],
			['/nodes/pve2/vzdump', '110', 'nas-backup', 'snapshot', 'zstd', '{{guestname}}'],
		]);
		const tasks = rig.store.getState().tasks.filter((t) => t.type === 'vzdump' && outcomes.some((o) => o.upid === t.upid));
		assert.deepEqual(tasks.map((t) => [t.node, t.id, t.state]).sort(), [
			['pve1', '', 'ok'],
			['pve2', '110', 'ok'],
		]);
		const begins = rig.auditLines().filter((l) => l.phase === 'begin' && l.action === 'backup');
		assert.deepEqual(begins.map((b) => b.targets).sort(), [[101, 102], [110]]);
		const ends = rig.auditLines().filter((l) => l.phase === 'end' && begins.some((b) => b.id === l.id));
		assert.deepEqual(ends.map((e) => e.result), ['OK', 'OK']);

		const overview = await readBackupOverview(rig.client, ['pve1', 'pve2']);
		const newest = newestByGuest(overview.entries).get(101)!;
		assert.equal(newest.storage, 'nas-backup');
		assert.equal(newest.notes, 'proxy');
		assert.ok(Math.abs(newest.ctime - rig.clock() / 1000) < 120, 'the new archive is the newest of CT 101');
	});

	it('the dialog shows the vzdump command that does the same', () => {
		assert.deepEqual(hostCommands('backup', 'lxc', 101, {storage: 'nas-backup'}), ["vzdump 101 --storage nas-backup --mode snapshot --compress zstd --notes-template '{{guestname}}'"]);
	});

	it('without a storage nothing is sent', async () => {
		const before = rig.writes().length;
		const [outcome] = await rig.services.dispatcher.dispatch({action: 'backup', targets: [101], params: {}}, {confirmed: true});
		assert.equal(outcome?.refused, true);
		assert.equal(outcome?.result, 'no backup storage chosen');
		assert.equal(rig.writes().length, before);
	});

	it("a container's archive never replaces a VM: refused before anything is sent (a new VMID is its way)", async () => {
		const before = rig.writes().length;
		const ctArchive = rig.sim.state.backups.find((b) => b.subtype === 'lxc')!.volid;
		const [outcome] = await rig.services.dispatcher.dispatch({action: 'restore', targets: [150], params: {volid: ctArchive, kind: 'lxc'}}, {confirmed: true});
		assert.equal(outcome?.refused, true);
		assert.equal(outcome?.result, 'a container backup cannot replace a VM: restore it to a new VMID');
		assert.equal(rig.writes().length, before);
	});

	it('the restore dialog shows qm stop and qmrestore for a VM', () => {
		assert.deepEqual(hostCommands('restore', 'qemu', 150, {volid: 'nas-backup:backup/vzdump-qemu-150-2026_11_30-01_00_05.vma.zst', storage: 'local-zfs'}), [
			'qm stop 150',
			'qmrestore nas-backup:backup/vzdump-qemu-150-2026_11_30-01_00_05.vma.zst 150 --storage local-zfs --force 1',
		]);
		assert.deepEqual(hostCommands('restore', 'qemu', 150, {volid: 'nas-backup:backup/vzdump-qemu-150-2026_11_30-01_00_05.vma.zst', newVmid: 160}), [
			'qmrestore nas-backup:backup/vzdump-qemu-150-2026_11_30-01_00_05.vma.zst 160 --unique 1',
		]);
	});
});

describe('back up now in read-only mode', () => {
	let rig: ActionRig;
	before(async () => {
		rig = await startRig({readOnly: true});
	});
	after(() => rig.close());

	it('restore is refused too', async () => {
		const outcomes = await rig.services.dispatcher.dispatch({action: 'restore', targets: [100], params: {volid: 'backups:backup/vzdump-lxc-100-2026_11_20-03_30_09.tar.zst'}}, {confirmed: true});
		assert.equal(outcomes[0]?.result, 'refused: read-only mode, nothing was sent');
		assert.deepEqual(rig.writes(), []);
	});

	it('is refused before anything is sent', async () => {
		const outcomes = await rig.services.dispatcher.dispatch({action: 'backup', targets: [100, 105], params: {storage: 'backups'}}, {confirmed: true});
		assert.ok(outcomes.every((o) => o.refused && o.result === 'refused: read-only mode, nothing was sent'));
		assert.deepEqual(rig.writes(), []);
		assert.match(rig.store.getState().notice!.text, /^✗ back up: refused: read-only mode/);
	});
});

describe('backup reads (homelab fixture)', () => {
	let rig: ActionRig;
	before(async () => {
		rig = await startRig();
	});
	after(() => rig.close());

	it('newest backup per guest across storages, `never` for the bind-mounted *arr stack, jobs and uncovered guests', async () => {
		const service = createBackupService({api: rig.client, store: rig.store, clock: rig.clock});
		await service.refresh();
		const {backups} = rig.store.getState();
		assert.equal(backups.error, undefined);
		assert.deepEqual(backups.storages.map((s) => `${s.storage}:${s.type}`).sort(), ['backups:dir', 'local:dir']);
		// The fixture's nightly series: the newest of plex (100) on /backups 22191 s before start.
		const start = rig.sim.state.startedAt;
		const plex = backups.newest.get(100)!;
		assert.equal(plex.storage, 'backups');
		assert.equal(plex.ctime, Math.floor(start / 1000) - 22191);
		assert.equal(formatBackupAge(backupAgeSeconds(plex, start)), '6h');
		assert.equal(backupAgeLevel(backupAgeSeconds(plex, start), 86400), 'ok');
		assert.equal(formatBackupAge(backupAgeSeconds(backups.newest.get(300), start + 9 * 86400_000)), '9d');
		for (const vmid of [101, 102, 103, 104, 106]) assert.equal(formatBackupAge(backupAgeSeconds(backups.newest.get(vmid), start)), 'never');
		assert.deepEqual(backups.notBackedUp.map((g) => g.vmid), [101, 102, 103, 104, 106]);

		const plexList = selectGuestBackups(rig.store.getState(), 100);
		assert.equal(plexList.length, 9);
		const kept = plexList.find((b) => b.protected)!;
		assert.equal(kept.notes, 'plex before the PMS 1.41 migration', 'only the first line of the notes is listed');
		const job = backups.jobs.find((j) => j.id === 'backup-3f1a2b4c-7d10')!;
		assert.deepEqual(job.retention, {'keep-daily': 7});
		assert.equal(job.vmids.length, 10);
		assert.equal(backups.jobs.find((j) => j.id === 'backup-0b7e6f21-c9d3')!.enabled, false);
	});

	it('a prune dry run marks what the retention would remove and keeps the protected backup', async () => {
		const marks = await pruneDryRun(rig.client, 'pve', 'backups', {vmid: 100});
		assert.equal(marks.filter((m) => m.mark === 'protected').length, 1);
		assert.equal(marks.filter((m) => m.mark === 'keep').length, 8, 'seven days plus one older week');
		assert.deepEqual(marks.filter((m) => m.mark === 'remove'), []);
		const tight = await pruneDryRun(rig.client, 'pve', 'backups', {vmid: 100, retention: 'keep-last=2'});
		assert.deepEqual(tight.map((m) => m.mark), ['keep', 'keep', 'remove', 'remove', 'remove', 'remove', 'remove', 'protected', 'remove']);
		assert.equal(await readNextId(rig.client), 109);
	});

	it('restore over a running CT: not without confirmation; then stopped first, restored over, audited', async () => {
		const [newest] = selectGuestBackups(rig.store.getState(), 100);
		const volid = newest!.volid;
		const unconfirmed = await rig.services.dispatcher.dispatch({action: 'restore', targets: [100], params: {volid}});
		assert.equal(unconfirmed[0]?.result, 'refused: not confirmed');
		assert.deepEqual(rig.writes(), []);

		const [outcome] = await rig.services.dispatcher.dispatch({action: 'restore', targets: [100], params: {volid}}, {confirmed: true});
		assert.equal(outcome?.ok, true, outcome?.result);
		const writes = rig.writes().map((r) => [r.method, r.path, r.body.vmid, r.body.force, r.body.restore, r.body.ostemplate]);
		assert.deepEqual(writes, [
			['POST', '/nodes/pve/lxc/100/status/stop', undefined, undefined, undefined, undefined],
			['POST', '/nodes/pve/lxc', '100', '1', '1', volid],
		]);
		const task = rig.store.getState().tasks.find((t) => t.upid === outcome!.upid)!;
		assert.equal(task.type, 'vzrestore');
		assert.ok(task.logTail.includes('TASK OK'), task.logTail.join('|'));
		const restoreAudit = rig.auditLines().find((l) => l.phase === 'begin' && l.action === 'restore')!;
		assert.deepEqual(restoreAudit.targets, [100]);
		assert.equal(rig.sim.state.guests.get(100)!.status, 'stopped');
		assert.equal(rig.sim.state.guests.get(100)!.lock, undefined);
	});

	it('restore to a new VMID leaves the original alone', async () => {
		const [newest] = selectGuestBackups(rig.store.getState(), 108);
		const next = await readNextId(rig.client);
		const before = rig.writes().length;
		const [outcome] = await rig.services.dispatcher.dispatch({action: 'restore', targets: [108], params: {volid: newest!.volid, newVmid: next}}, {confirmed: true});
		assert.equal(outcome?.ok, true, outcome?.result);
		const sent = rig.writes().slice(before);
		assert.deepEqual(sent.map((r) => [r.path, r.body.vmid, r.body.force]), [['/nodes/pve/lxc', String(next), undefined]]);
		assert.equal(rig.sim.state.guests.get(108)!.status, 'running');
		const copy = rig.sim.state.guests.get(next)!;
		assert.equal(copy.config.hostname, 'tautulli');
		assert.equal(String(copy.config.rootfs).split(',')[0], `local-zfs:subvol-${next}-disk-0`);
	});

	it('prune backups: the dry run, then on confirm only what it marked remove is deleted; the protected archive stays', async () => {
		const dry = await pruneDryRun(rig.client, 'pve', 'backups', {vmid: 100, retention: 'keep-last=3'});
		const doomed = dry.filter((m) => m.mark === 'remove').map((m) => m.volid);
		const protectedOne = dry.find((m) => m.mark === 'protected')!.volid;
		assert.equal(doomed.length, dry.length - 4);
		const refused = await rig.services.dispatcher.dispatch({action: 'prunebackups', targets: [100], params: {storage: 'backups', retention: 'keep-last=3'}});
		assert.equal(refused[0]?.result, 'refused: not confirmed');

		const [outcome] = await rig.services.dispatcher.dispatch({action: 'prunebackups', targets: [100], params: {storage: 'backups', retention: 'keep-last=3'}}, {confirmed: true});
		assert.equal(outcome?.ok, true, outcome?.result);
		const sent = rig.writes().at(-1)!;
		assert.equal(sent.method, 'DELETE');
		assert.equal(sent.path, '/nodes/pve/storage/backups/prunebackups');
		const left = rig.sim.state.backups.filter((b) => b.vmid === 100 && b.storage === 'backups').map((b) => b.volid);
		assert.equal(left.length, 4);
		assert.ok(left.includes(protectedOne));
		assert.ok(doomed.every((v) => !left.includes(v)));
		const task = rig.store.getState().tasks.find((t) => t.upid === outcome!.upid)!;
		assert.equal(task.type, 'prunebackups');
		assert.equal(task.id, '100@backups');
		assert.ok(rig.auditLines().some((l) => l.phase === 'begin' && l.action === 'prunebackups'));
	});
});
