// Backups over HTTPS: storage content listings, vzdump tasks and their logs,
// restore over a guest and to a new VMID, prune (dry run and for real), the
// cluster's backup jobs, the guests no job covers and the next free VMID.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {restoreState, serializeState} from '../../source/sim/persist.js';
import {markBackups, parseRetention} from '../../source/sim/prune.js';
import {buildState} from '../../source/sim/state.js';
import {AUDIT_TOKEN, miniFixture} from './helpers.js';
import {CT, upidPattern, writeSim, type WriteSim} from './write-helpers.js';

const DAY = 86400;
const STORE = '/nodes/pve1/storage/backups';

/** The mini fixture with a `backups` directory storage on pve1 (keep-last=2), three archives of CT 101 (the oldest protected) and a job for 101. */
function backupFixture(): Fixture {
	const fixture = miniFixture();
	fixture.nodes[0]!.storages.push({storage: 'backups', type: 'dir', content: 'backup', path: '/backups', total: 4_000_000_000_000, used: 1_000_000_000_000, 'prune-backups': 'keep-last=2'});
	fixture.nodes[1]!.storages.push({storage: 'pbs', type: 'pbs', content: 'backup', shared: true, total: 8_000_000_000_000, used: 2_000_000_000_000});
	fixture.nodes[0]!.storages.push({storage: 'pbs', type: 'pbs', content: 'backup', shared: true, total: 8_000_000_000_000, used: 2_000_000_000_000});
	fixture.backups = {
		jobs: [{id: 'backup-1a2b3c4d-5e6f', schedule: '02:00', storage: 'backups', mode: 'snapshot', vmid: '101', 'prune-backups': 'keep-last=2', compress: 'zstd'}],
		archives: [
			{storage: 'backups', node: 'pve1', vmid: 101, ago: 3 * DAY, size: 300_000_000, notes: 'before the TLS rotation\nsecond line', protected: true},
			{storage: 'backups', node: 'pve1', vmid: 101, ago: 2 * DAY, size: 310_000_000, notes: 'web'},
			{storage: 'backups', node: 'pve1', vmid: 101, ago: 1 * DAY, size: 320_000_000, notes: 'web'},
			{storage: 'local', node: 'pve1', vmid: 102, ago: 1 * DAY, size: 900_000_000},
			{storage: 'pbs', node: 'pve2', vmid: 103, ago: 1 * DAY, size: 2_000_000_000, verification: 'ok'},
		],
	};
	return fixture;
}

async function withSim(run: (w: WriteSim) => Promise<void>, fixture: Fixture = backupFixture()): Promise<void> {
	const w = await writeSim(fixture);
	try {
		await run(w);
	} finally {
		await w.close();
	}
}

async function content(w: WriteSim, path = `${STORE}/content?content=backup`): Promise<Array<Record<string, unknown>>> {
	const res = await w.api('GET', path);
	assert.equal(res.status, 200, `${res.status} ${res.reason}`);
	return res.json.data;
}

describe('storage content', () => {
	it('lists backups newest first with volid, ctime, size, format, notes (first line), protected, subtype, vmid', () =>
		withSim(async (w) => {
			const list = await content(w);
			assert.equal(list.length, 3);
			const start = Math.floor(w.clock.now() / 1000);
			assert.deepEqual(list[0], {volid: `backups:backup/vzdump-lxc-101-2026_11_22-12_00_00.tar.zst`, content: 'backup', ctime: start - DAY, format: 'tar.zst', size: 320_000_000, subtype: 'lxc', vmid: 101, notes: 'web'});
			assert.deepEqual(list[2], {volid: `backups:backup/vzdump-lxc-101-2026_11_20-12_00_00.tar.zst`, content: 'backup', ctime: start - 3 * DAY, format: 'tar.zst', size: 300_000_000, subtype: 'lxc', vmid: 101, notes: 'before the TLS rotation', protected: 1});
			assert.deepEqual(await content(w, `${STORE}/content?content=backup&vmid=102`), []);
		}));

	it('shows a PBS snapshot with its verification state on every node', () =>
		withSim(async (w) => {
			for (const node of ['pve1', 'pve2']) {
				const [entry] = await content(w, `/nodes/${node}/storage/pbs/content?content=backup`);
				assert.equal(entry!.volid, 'pbs:backup/ct/103/2026-11-22T12:00:00Z');
				assert.equal(entry!.format, 'pbs-ct');
				assert.equal((entry!.verification as {state: string}).state, 'ok');
			}
		}));

	it('refuses a storage the node does not have', () =>
		withSim(async (w) => {
			const res = await w.api('GET', '/nodes/pve2/storage/backups/content');
			assert.equal(res.status, 500);
			assert.equal(res.reason, "storage 'backups' does not exist");
		}));
});

describe('vzdump', () => {
	it('backs up one CT: a vzdump task for the vmid, lock backup while it runs, the archive and a log like the samples', () =>
		withSim(async (w) => {
			const res = await w.api('POST', '/nodes/pve1/vzdump', {form: {vmid: '101', storage: 'backups', mode: 'snapshot', compress: 'zstd', 'notes-template': '{{guestname}} on {{node}}', remove: '0'}});
			assert.equal(res.status, 200, `${res.status} ${res.reason}`);
			const upid = res.json.data as string;
			assert.match(upid, upidPattern('pve1', 'vzdump', 101, 'root@pam!full'));
			assert.equal((await w.api('GET', `${CT}/101/config`)).json.data.lock, 'backup');
			assert.equal((await w.finish(upid)).exitstatus, 'OK');
			assert.equal((await w.api('GET', `${CT}/101/config`)).json.data.lock, undefined);

			const list = await content(w);
			assert.equal(list.length, 4);
			const made = list[0]!;
			assert.match(String(made.volid), /^backups:backup\/vzdump-lxc-101-2026_11_23-12_00_01\.tar\.zst$/);
			assert.equal(made.notes, 'web on pve1');
			const log = await w.log(upid);
			assert.equal(log[0], "INFO: starting new backup job: vzdump 101 --mode snapshot --compress zstd --storage backups --node pve1 --notes-template '{{guestname}} on {{node}}' --remove 0");
			assert.deepEqual(log.slice(1, 9), [
				'INFO: Starting Backup of VM 101 (lxc)',
				'INFO: Backup started at 2026-11-23 12:00:01',
				'INFO: status = running',
				'INFO: CT Name: web',
				"INFO: including mount point rootfs ('/') in backup",
				'INFO: backup mode: snapshot',
				'INFO: ionice priority: 7',
				"INFO: create storage snapshot 'vzdump'",
			]);
			assert.ok(log.includes(`INFO: creating vzdump archive '/backups/dump/vzdump-lxc-101-2026_11_23-12_00_01.tar.zst'`));
			assert.ok(log.includes('INFO: adding notes to backup'));
			assert.equal(log.at(-2), 'INFO: Backup job finished successfully');
			assert.equal(log.at(-1), 'TASK OK');
		}));

	it('prunes by the storage retention after the backup unless remove=0, never the protected one', () =>
		withSim(async (w) => {
			const before = await content(w);
			const upid = (await w.api('POST', '/nodes/pve1/vzdump', {form: {vmid: '101', storage: 'backups', compress: 'zstd'}})).json.data as string;
			await w.finish(upid);
			const log = await w.log(upid);
			assert.ok(log.includes('INFO: prune older backups with retention: keep-last=2'));
			assert.ok(log.includes(`INFO: removing backup '${before[1]!.volid}'`));
			assert.ok(log.includes('INFO: pruned 1 backup(s) not covered by keep-retention policy'));
			const after = (await content(w)).map((e) => e.volid);
			assert.equal(after.length, 3);
			assert.ok(after.includes(before[2]!.volid), 'the protected backup is kept');
			assert.ok(!after.includes(before[1]!.volid));
		}));

	it('backs up several guests in one task (id empty) and skips guests on other nodes as external', () =>
		withSim(async (w) => {
			const upid = (await w.api('POST', '/nodes/pve1/vzdump', {form: {vmid: '103,102,101', storage: 'backups', remove: '0'}})).json.data as string;
			assert.match(upid, /:vzdump::root@pam!full:$/);
			await w.finish(upid);
			const log = await w.log(upid);
			assert.equal(log[1], 'INFO: skip external VMs: 103');
			// The stopped CT is backed up in stop mode, uncompressed without `compress`.
			const stopped = log.indexOf('INFO: Starting Backup of VM 102 (lxc)');
			assert.ok(stopped > log.indexOf('INFO: Starting Backup of VM 101 (lxc)'));
			assert.equal(log[stopped + 2], 'INFO: status = stopped');
			assert.ok(log.slice(stopped).includes('INFO: backup mode: stop'));
			const vmids = (await content(w)).map((e) => `${e.vmid}:${e.format}`);
			assert.ok(vmids.includes('102:tar'));
		}));

	it('refuses a request without guests, and vmid with all, before any task', () =>
		withSim(async (w) => {
			const none = await w.api('POST', '/nodes/pve1/vzdump', {form: {storage: 'backups'}});
			assert.equal(none.status, 400);
			assert.deepEqual(none.json.errors, {vmid: 'property is missing'});
			const both = await w.api('POST', '/nodes/pve1/vzdump', {form: {vmid: '101', all: '1', storage: 'backups'}});
			assert.deepEqual(both.json.errors, {all: "option conflicts with option 'vmid'"});
			const mode = await w.api('POST', '/nodes/pve1/vzdump', {form: {vmid: '101', mode: 'fast'}});
			assert.equal(mode.status, 400);
		}));

	it('fails the task on a storage without backup content', () =>
		withSim(async (w) => {
			const upid = (await w.api('POST', '/nodes/pve1/vzdump', {form: {vmid: '101', storage: 'local-zfs'}})).json.data as string;
			assert.equal((await w.finish(upid)).exitstatus, "can't use storage 'local-zfs' for backups - wrong content type");
		}));

	it('is refused to an auditor', () =>
		withSim(async (w) => {
			const res = await w.api('POST', '/nodes/pve1/vzdump', {form: {vmid: '101', storage: 'backups'}, auth: AUDIT_TOKEN});
			assert.equal(res.status, 403);
			assert.equal(res.reason, 'Permission check failed (/vms/101, VM.Backup)');
		}));
});

describe('restore', () => {
	it('over a running CT fails as pve-container does', () =>
		withSim(async (w) => {
			const [newest] = await content(w);
			const res = await w.api('POST', '/nodes/pve1/lxc', {form: {vmid: '101', ostemplate: String(newest!.volid), restore: '1', force: '1'}});
			assert.equal(res.status, 500);
			assert.equal(res.reason, "can't overwrite running container");
		}));

	it('without force, an existing VMID is refused', () =>
		withSim(async (w) => {
			const [newest] = await content(w);
			const res = await w.api('POST', '/nodes/pve1/lxc', {form: {vmid: '101', ostemplate: String(newest!.volid), restore: '1'}});
			assert.equal(res.reason, "CT 101 already exists on node 'pve1'");
		}));

	it('over a stopped CT: lock create while it runs, then the archived config and fresh disks (snapshots gone)', () =>
		withSim(async (w) => {
			const ct = w.sim.state.guests.get(102)!;
			const archived = ct.config.memory;
			ct.config.memory = 4096; // changed after the backup
			ct.snapshots.push({name: 'later', snaptime: Math.floor(w.clock.now() / 1000), config: {...ct.config}});
			const [newest] = await content(w, '/nodes/pve1/storage/local/content?content=backup&vmid=102');
			const res = await w.api('POST', '/nodes/pve1/lxc', {form: {vmid: '102', ostemplate: String(newest!.volid), restore: '1', force: '1'}});
			assert.equal(res.status, 200, `${res.status} ${res.reason}`);
			const upid = res.json.data as string;
			assert.match(upid, upidPattern('pve1', 'vzrestore', 102, 'root@pam!full'));
			assert.equal((await w.api('GET', `${CT}/102/config`)).json.data.lock, 'create');
			assert.equal((await w.finish(upid)).exitstatus, 'OK');
			const config = (await w.api('GET', `${CT}/102/config`)).json.data;
			assert.equal(config.memory, archived);
			assert.equal(config.lock, undefined);
			assert.equal(config.rootfs, 'local-zfs:subvol-102-disk-0,size=16G');
			const snaps = (await w.api('GET', `${CT}/102/snapshot`)).json.data as Array<{name: string}>;
			assert.deepEqual(snaps.map((s) => s.name), ['current']);
			const log = await w.log(upid);
			assert.equal(log[0], `recovering backed-up configuration from '${newest!.volid}'`);
			// As a real `pct restore` prints it (no extraction line of its own).
			assert.equal(log[1], `restoring '${newest!.volid}' now..`);
			assert.match(log[2]!, /^Total bytes read: \d+ \(\d+\.\dGiB, 150MiB\/s\)$/);
			assert.equal(log[3], 'Detected container architecture: amd64');
			assert.equal(log.at(-1), 'TASK OK');
		}));

	it('to a new VMID from /cluster/nextid, on another storage', () =>
		withSim(async (w) => {
			const next = await w.api('GET', '/cluster/nextid');
			assert.equal(next.json.data, '100');
			const [newest] = await content(w);
			const upid = (await w.api('POST', '/nodes/pve1/lxc', {form: {vmid: '100', ostemplate: String(newest!.volid), restore: '1', storage: 'local'}})).json.data as string;
			assert.equal((await w.finish(upid)).exitstatus, 'OK');
			const config = (await w.api('GET', `${CT}/100/config`)).json.data;
			assert.equal(config.hostname, 'web');
			assert.equal(config.rootfs, 'local:100/vm-100-disk-0.raw,size=8G');
			assert.equal((await w.api('GET', '/cluster/nextid')).json.data, '104');
			const taken = await w.api('GET', '/cluster/nextid?vmid=101');
			assert.equal(taken.status, 400);
			assert.deepEqual(taken.json.errors, {vmid: 'VM 101 already exists'});
		}));
});

describe('prunebackups', () => {
	it('GET is a dry run marking keep/remove/protected; DELETE removes only the removable', () =>
		withSim(async (w) => {
			const dry = await w.api('GET', `${STORE}/prunebackups?prune-backups=${encodeURIComponent('keep-last=1')}`);
			assert.equal(dry.status, 200);
			const marks = (dry.json.data as Array<{mark: string; vmid: number; type: string}>).map((e) => `${e.type}/${e.vmid}:${e.mark}`);
			assert.deepEqual(marks, ['lxc/101:keep', 'lxc/101:remove', 'lxc/101:protected']);
			assert.equal((await content(w)).length, 3, 'a dry run removes nothing');

			const res = await w.api('DELETE', `${STORE}/prunebackups?prune-backups=${encodeURIComponent('keep-last=1')}`);
			const upid = res.json.data as string;
			assert.match(upid, /:prunebackups:backups:root@pam!full:$/);
			await w.finish(upid);
			const left = await content(w);
			assert.deepEqual(left.map((e) => e.protected ?? 0), [0, 1]);
			const log = await w.log(upid);
			assert.equal(log.length, 2);
			assert.match(log[0]!, /^removing backup 'backups:backup\/vzdump-lxc-101-.*\.tar\.zst'$/);
		}));

	it('keep-daily / keep-weekly keep the newest of each period, protected never counted', () => {
		const at = (iso: string) => Date.parse(iso) / 1000;
		const entries = [
			['a', '2026-11-23T02:00:00Z'],
			['b', '2026-11-23T01:00:00Z'], // same day as a
			['c', '2026-11-22T02:00:00Z'],
			['d', '2026-11-21T02:00:00Z', true], // protected
			['e', '2026-11-15T02:00:00Z'], // previous ISO week
			['f', '2026-11-08T02:00:00Z'],
		].map(([volid, time, prot]) => ({volid: volid as string, ctime: at(time as string), vmid: 101, type: 'lxc', protected: prot === true}));
		const marks = markBackups(entries, parseRetention('keep-daily=2,keep-weekly=2'));
		// Weekly counts only weeks not already kept by the daily rule: e and f are the two new weeks.
		assert.deepEqual(Object.fromEntries(marks.map((m) => [m.volid, m.mark])), {a: 'keep', b: 'remove', c: 'keep', d: 'protected', e: 'keep', f: 'keep'});
		const fewer = markBackups(entries, parseRetention('keep-daily=2,keep-weekly=1'));
		assert.equal(fewer.find((m) => m.volid === 'f')!.mark, 'remove');
		assert.deepEqual(markBackups(entries, {}).map((m) => m.mark), ['keep', 'keep', 'keep', 'protected', 'keep', 'keep']);
	});
});

describe('backup jobs', () => {
	it('/cluster/backup lists jobs with next-run and retention as an object; not-backed-up lists the guests no job covers', () =>
		withSim(async (w) => {
			const jobs = (await w.api('GET', '/cluster/backup')).json.data;
			assert.deepEqual(jobs, [
				{type: 'vzdump', id: 'backup-1a2b3c4d-5e6f', schedule: '02:00', storage: 'backups', mode: 'snapshot', vmid: '101', compress: 'zstd', enabled: 1, 'prune-backups': {'keep-last': '2'}, 'next-run': Date.UTC(2026, 10, 24, 2, 0) / 1000},
			]);
			const missing = (await w.api('GET', '/cluster/backup-info/not-backed-up')).json.data;
			assert.deepEqual(missing, [
				{vmid: 102, type: 'lxc', name: 'db'},
				{vmid: 103, type: 'lxc', name: missing[1].name},
				{vmid: 200, type: 'qemu', name: missing[2].name},
			]);
		}));
});

describe('demo state file', () => {
	it('keeps the archives a vzdump wrote (and the ones a prune removed stay gone)', () =>
		withSim(async (w) => {
			const upid = (await w.api('POST', '/nodes/pve1/vzdump', {form: {vmid: '101', storage: 'backups'}})).json.data as string;
			await w.finish(upid);
			const volids = w.sim.state.backups.map((b) => b.volid).sort();
			const fresh = buildState(backupFixture(), {clock: w.clock.now, taskSpeed: 1, fingerprint: 'x'});
			assert.notDeepEqual(fresh.backups.map((b) => b.volid).sort(), volids);
			assert.deepEqual(restoreState(fresh, serializeState(w.sim.state, 'test', 'h'), 'test', 'h'), {ok: true});
			assert.deepEqual(fresh.backups.map((b) => b.volid).sort(), volids);
		}));
});
