// VM (QEMU) writes and the guest agent over HTTPS against the cluster fixture:
// qemu-server's task types (qmstart … qmdelsnapshot, qmpause, qmresume), its
// wording (pre-fork 500s, in-task failures), snapshots with the RAM
// (vmstate), ZFS rollback to the newest snapshot only, and
// agent/network-get-interfaces with the agent-not-running error.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {resource, statusNow, upidPattern, writeSim, type WriteSim} from './write-helpers.js';

const ROOT = 'PVEAPIToken=root@pam!proxdeck=8c1c7a4e-1d2b-4f3e-9a6b-5d0e2f7c9b31';
const VM150 = '/nodes/pve1/qemu/150';
const VM152 = '/nodes/pve2/qemu/152';

/** VM 150 powered off the way a test may (the state is the simulator's truth); pve3 with VM 153 is offline in this fixture. */
function powerOff(w: WriteSim, vmid = 150): void {
	const guest = w.sim.state.guests.get(vmid)!;
	guest.status = 'stopped';
	delete guest.runningSince;
}

async function snapshots(w: WriteSim, path: string): Promise<Array<Record<string, unknown>>> {
	const res = await w.api('GET', `${path}/snapshot`);
	assert.equal(res.status, 200);
	return res.json.data;
}

async function withSim(run: (w: WriteSim) => Promise<void>): Promise<void> {
	const w = await writeSim(loadFixture(BUILTIN_FIXTURES.cluster), ROOT);
	try {
		await run(w);
	} finally {
		await w.close();
	}
}

async function post(w: WriteSim, path: string, body?: Record<string, string | number>): Promise<string> {
	const res = await w.api('POST', path, body ? {form: Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)]))} : {});
	assert.equal(res.status, 200, `${path}: ${res.status} ${res.reason}`);
	return res.json.data as string;
}

describe('VM power', () => {
	it('reboot, shutdown, stop and start fork qmreboot, qmshutdown, qmstop, qmstart and change the state at the end', () =>
		withSim(async (w) => {
			// Each in turn, with the status the fleet shows once the task has ended.
			const steps: Array<[string, string, string]> = [['reboot', 'qmreboot', 'running'], ['shutdown', 'qmshutdown', 'stopped'], ['start', 'qmstart', 'running'], ['stop', 'qmstop', 'stopped']];
			for (const [action, type, after] of steps) {
				const upid = await post(w, `${VM150}/status/${action}`);
				assert.match(upid, upidPattern('pve1', type, 150, 'root@pam!proxdeck'));
				assert.equal((await w.finish(upid)).exitstatus, 'OK', action);
				assert.equal((await statusNow(w, 150)).status, after, action);
			}
		}));

	it('speaks qemu-server: "already running" fails the qmstart task, stop of a stopped VM ends OK, reboot of one is a 500', () =>
		withSim(async (w) => {
			const again = await post(w, `${VM150}/status/start`);
			assert.equal((await w.finish(again)).exitstatus, 'VM 150 already running');
			powerOff(w);
			const idle = await post(w, `${VM150}/status/stop`);
			assert.match(idle, upidPattern('pve1', 'qmstop', 150, 'root@pam!proxdeck'));
			assert.equal((await w.finish(idle)).exitstatus, 'OK');
			const res = await w.api('POST', `${VM150}/status/reboot`);
			assert.deepEqual([res.status, res.reason, res.json], [500, 'VM 150 not running', {data: null, message: 'VM 150 not running\n'}]);
		}));

	it('an HA-managed VM is only asked: hastop with "Requesting HA stop for VM 151"', () =>
		withSim(async (w) => {
			const upid = await post(w, '/nodes/pve2/qemu/151/status/shutdown');
			assert.match(upid, upidPattern('pve2', 'hastop', 151, 'root@pam!proxdeck'));
			await w.finish(upid);
			assert.deepEqual(await w.log(upid), ['Requesting HA stop for VM 151', 'TASK OK']);
		}));

	it('suspend pauses (qmpause, qmpstatus paused, shutdown refused), resume continues (qmresume)', () =>
		withSim(async (w) => {
			const pause = await post(w, `${VM150}/status/suspend`);
			assert.match(pause, upidPattern('pve1', 'qmpause', 150, 'root@pam!proxdeck'));
			await w.finish(pause);
			assert.equal((await w.api('GET', `${VM150}/status/current`)).json.data.qmpstatus, 'paused');
			const refused = await w.api('POST', `${VM150}/status/shutdown`);
			assert.deepEqual([refused.status, refused.reason], [500, 'VM is paused - cannot shutdown']);
			const resume = await post(w, `${VM150}/status/resume`);
			assert.match(resume, upidPattern('pve1', 'qmresume', 150, 'root@pam!proxdeck'));
			await w.finish(resume);
			assert.equal((await w.api('GET', `${VM150}/status/current`)).json.data.qmpstatus, 'running');
		}));

	it('a suspend issued while a short reboot holds the lock file waits for it (lock_config) and pauses; a resume behind a resume waits too', () =>
		withSim(async (w) => {
			const reboot = await post(w, `${VM150}/status/reboot`);
			const pause = await post(w, `${VM150}/status/suspend`);
			assert.equal((await w.finish(reboot)).exitstatus, 'OK');
			assert.equal((await w.finish(pause)).exitstatus, 'OK');
			assert.deepEqual(await w.log(pause), ['trying to acquire lock...', ' OK', 'TASK OK']);
			assert.equal((await w.api('GET', `${VM150}/status/current`)).json.data.qmpstatus, 'paused');
			// A paused VM refuses a reboot ("VM is paused"); a second resume queued behind the first waits for it.
			const resume = await post(w, `${VM150}/status/resume`);
			const again = await post(w, `${VM150}/status/resume`);
			assert.equal((await w.finish(resume)).exitstatus, 'OK');
			assert.equal((await w.finish(again)).exitstatus, 'OK');
			assert.deepEqual(await w.log(again), ['trying to acquire lock...', ' OK', 'TASK OK']);
			assert.equal((await w.api('GET', `${VM150}/status/current`)).json.data.qmpstatus, 'running');
		}));

	it('suspend to disk stops the VM under lock suspended (qmsuspend); resume starts it again', () =>
		withSim(async (w) => {
			const suspend = await post(w, `${VM150}/status/suspend`, {todisk: 1});
			assert.match(suspend, upidPattern('pve1', 'qmsuspend', 150, 'root@pam!proxdeck'));
			await w.finish(suspend);
			assert.deepEqual([(await statusNow(w, 150)).status, (await resource(w, 150)).lock], ['stopped', 'suspended']);
			await w.finish(await post(w, `${VM150}/status/resume`));
			const after = await statusNow(w, 150);
			assert.deepEqual([after.status, after.lock], ['running', undefined]);
		}));
});

describe('VM snapshots', () => {
	it('qmsnapshot with vmstate saves the RAM of the running VM; the list says vmstate 1', () =>
		withSim(async (w) => {
			const upid = await post(w, `${VM150}/snapshot`, {snapname: 'ram1', vmstate: 1, description: 'with RAM'});
			assert.match(upid, upidPattern('pve1', 'qmsnapshot', 150, 'root@pam!proxdeck'));
			assert.equal((await w.finish(upid)).exitstatus, 'OK');
			const log = await w.log(upid);
			assert.equal(log[0], "saving VM state and RAM using storage 'local-zfs'");
			assert.match(log[1]!, /^completed saving the VM state in \d+s, saved [\d.]+ GiB$/);
			assert.ok(log.includes("snapshotting 'drive-scsi0' (local-zfs:vm-150-disk-0)"), log.join('\n'));
			assert.ok(!log.some((l) => l.includes('ide2')), 'the CD-ROM is no volume');
			const list = await snapshots(w, VM150);
			assert.deepEqual(list.find((s) => s.name === 'ram1'), {name: 'ram1', description: 'with RAM', snaptime: list.find((s) => s.name === 'ram1')!.snaptime, vmstate: 1, parent: 'after-kb5044284'});
			assert.equal(list.find((s) => s.name === 'before-kb5044284')!.vmstate, 0);
			const config = await w.api('GET', `${VM150}/snapshot/ram1/config`);
			assert.equal(config.json.data.vmstate, 'local-zfs:vm-150-state-ram1');
		}));

	it('vmstate of a stopped VM is ignored (no RAM to save); "pending" is a reserved name', () =>
		withSim(async (w) => {
			powerOff(w);
			const upid = await post(w, `${VM150}/snapshot`, {snapname: 'cold', vmstate: 1});
			await w.finish(upid);
			assert.deepEqual(await w.log(upid), ["snapshotting 'drive-scsi0' (local-zfs:vm-150-disk-0)", "snapshotting 'drive-efidisk0' (local-zfs:vm-150-disk-1)", "snapshotting 'drive-tpmstate0' (local-zfs:vm-150-disk-2)", 'TASK OK']);
			assert.equal((await snapshots(w, VM150)).find((s) => s.name === 'cold')!.vmstate, 0);
			const res = await w.api('POST', `${VM150}/snapshot`, {form: {snapname: 'Pending'}});
			assert.deepEqual([res.status, res.reason], [500, "unable to use snapshot name 'Pending' (reserved name)"]);
		}));

	it('rollback on ZFS: only the newest snapshot (qmrollback fails with the storage\'s words); a RAM snapshot resumes the VM', () =>
		withSim(async (w) => {
			const old = await post(w, `${VM150}/snapshot/before-kb5044284/rollback`);
			assert.match(old, upidPattern('pve1', 'qmrollback', 150, 'root@pam!proxdeck'));
			assert.equal((await w.finish(old)).exitstatus, "can't rollback, 'before-kb5044284' is not most recent snapshot on 'local-zfs:vm-150-disk-0'");

			await w.finish(await post(w, `${VM150}/snapshot`, {snapname: 'ram2', vmstate: 1}));
			const back = await post(w, `${VM150}/snapshot/ram2/rollback`);
			assert.equal((await statusNow(w, 150)).status, 'stopped', 'stopped while rolling back');
			assert.equal((await w.finish(back)).exitstatus, 'OK');
			assert.equal((await statusNow(w, 150)).status, 'running', 'resumed from the saved RAM');
			assert.equal((await w.api('GET', `${VM150}/config`)).json.data.vmstate, undefined, 'the state is not left in the config');
		}));

	it('a rollback without RAM leaves the VM stopped; delete forks qmdelsnapshot', () =>
		withSim(async (w) => {
			const back = await post(w, `${VM150}/snapshot/after-kb5044284/rollback`);
			assert.equal((await w.finish(back)).exitstatus, 'OK');
			assert.equal((await statusNow(w, 150)).status, 'stopped');
			const del = await w.api('DELETE', `${VM150}/snapshot/after-kb5044284`);
			assert.match(del.json.data, upidPattern('pve1', 'qmdelsnapshot', 150, 'root@pam!proxdeck'));
			assert.equal((await w.finish(del.json.data)).exitstatus, 'OK');
			assert.deepEqual((await snapshots(w, VM150)).map((s) => s.name), ['before-kb5044284', 'current']);
		}));
});

describe('guest agent', () => {
	it('network-get-interfaces answers the agent\'s interfaces in `result`', () =>
		withSim(async (w) => {
			const res = await w.api('GET', `${VM150}/agent/network-get-interfaces`);
			assert.equal(res.status, 200);
			const result = res.json.data.result as Array<{name: string; 'hardware-address': string; 'ip-addresses': Array<Record<string, unknown>>}>;
			assert.deepEqual(result.map((i) => i.name), ['lo', 'Ethernet']);
			assert.deepEqual(result[1]!['ip-addresses'][0], {'ip-address-type': 'ipv4', 'ip-address': '10.0.20.50', prefix: 24});
		}));

	it('a VM whose agent does not run: 500 "QEMU guest agent is not running" (the recorded answer); a stopped VM: "VM 150 is not running"', () =>
		withSim(async (w) => {
			const res = await w.api('GET', `${VM152}/agent/network-get-interfaces`);
			assert.deepEqual([res.status, res.reason, res.json], [500, 'QEMU guest agent is not running', {data: null, message: 'QEMU guest agent is not running\n'}]);
			powerOff(w);
			const stopped = await w.api('GET', `${VM150}/agent/network-get-interfaces`);
			assert.deepEqual([stopped.status, stopped.reason], [500, 'VM 150 is not running']);
		}));
});
