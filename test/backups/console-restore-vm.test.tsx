// Restoring a VM in the console, against the simulator's cluster fixture:
// from win-jump's backup list (e) over itself (type its VMID; it runs, so it
// is stopped first; then qmrestore replaces its disks) and k3s-server's backup
// to a new VMID (/cluster/nextid, new MAC addresses); both POST /nodes/{node}/qemu
// with `archive`, audited and tracked. Read-only refuses before anything opens.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {useBackupConsole} from './console-rig.js';
import {KEYS, press, type} from '../views/harness.js';
import {frame, selectByFilter, waitForText} from '../actions/console.js';
import {guestByName, waitFor} from '../actions/helpers.js';

describe('restoring a VM in the console (cluster)', () => {
	const t = useBackupConsole({fixtureName: 'cluster'});

	it('e on win-jump → enter: over itself only after typing its VMID; stopped first, qmrestore, audited and tracked', async () => {
		const vmid = guestByName(t.rig.store, 'win-jump');
		const node = t.rig.store.getState().guests.get(vmid)!.node;
		await selectByFilter(t.app, 'win-jump');
		await press(t.app, 'e');
		assert.match(frame(t.app), /backups of win-jump \(\d+\) \(\d+\), newest first/);
		const newest = t.rig.store.getState().backups.entries.find((e) => e.vmid === vmid)!;
		assert.equal(newest.subtype, 'qemu');
		await press(t.app, KEYS.enter);
		let text = await waitForText(t.app, /target storage: .*local-zfs/);
		assert.doesNotMatch(text, /not supported/);
		assert.match(text, /restore: .*over \d+ \(stops it, replaces its disks\)/);
		assert.match(text, new RegExp(`\\$ qm stop ${vmid}`));
		assert.match(text, new RegExp(`\\$ qmrestore ${newest.volid.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ${vmid} --storage local-zfs --force 1`));
		await press(t.app, KEYS.enter);
		text = frame(t.app);
		assert.match(text, /restore win-jump \(\d+\) over itself from this backup\?/);
		assert.match(text, /win-jump \(\d+\) is running: it is stopped first\. Its disks are replaced/);
		assert.match(text, /stops the VM and replaces its disks and config/);
		assert.match(text, new RegExp(`Type ${vmid} to confirm`));
		await press(t.app, '\t', KEYS.enter);
		assert.equal(t.rig.store.getState().dialog?.kind, 'confirm', 'OK without the VMID typed does nothing');
		assert.deepEqual(t.rig.writes(), []);
		await type(t.app, String(vmid));
		await press(t.app, KEYS.enter);
		await waitForText(t.app, /✓ restore win-jump \(\d+\) OK/, 30_000);
		assert.deepEqual(
			t.rig.writes().map((w) => [w.method, w.path, w.body.vmid, w.body.force, w.body.archive, w.body.storage, w.body.ostemplate]),
			[
				['POST', `/nodes/${node}/qemu/${vmid}/status/stop`, undefined, undefined, undefined, undefined, undefined],
				['POST', `/nodes/${node}/qemu`, String(vmid), '1', newest.volid, 'local-zfs', undefined],
			],
		);
		const guest = t.rig.sim.state.guests.get(vmid)!;
		assert.equal(guest.status, 'stopped');
		assert.equal(guest.lock, undefined);
		assert.match(String(guest.config.scsi0), new RegExp(`^local-zfs:vm-${vmid}-disk-\\d,`));
		const begin = t.rig.auditLines().find((l) => l.phase === 'begin' && l.action === 'restore')!;
		assert.deepEqual(begin.targets, [vmid]);
		assert.equal((begin.params as Record<string, unknown>).archive, newest.volid);
		assert.equal(t.rig.auditLines().find((l) => l.phase === 'end' && l.id === begin.id)?.result, 'OK');
		const task = t.rig.store.getState().tasks.find((x) => x.type === 'qmrestore')!;
		assert.ok(task.logTail.includes('TASK OK'));
		console.log(`# measured: restore win-jump (80 GiB) over itself took ${t.rig.sim.state.tasks.find((x) => x.upid === task.upid)!.durationSec} simulated s`);
	});

	it("e on k3s-server → space → a new VMID: the original keeps running, the copy appears with new MAC addresses", async () => {
		const source = guestByName(t.rig.store, 'k3s-server');
		const node = t.rig.store.getState().guests.get(source)!.node;
		const next = Number((await t.rig.client.request<string>('GET', '/cluster/nextid')));
		const before = t.rig.writes().length;
		await press(t.app, KEYS.esc);
		await selectByFilter(t.app, 'k3s-server');
		await press(t.app, 'e', KEYS.enter);
		await waitForText(t.app, new RegExp(`to a new VMID ${next}`));
		await press(t.app, ' ');
		let text = frame(t.app);
		assert.match(text, new RegExp(`\\$ qmrestore \\S+ ${next} --storage local-zfs --unique 1`));
		assert.doesNotMatch(text, /\$ qm stop/);
		await press(t.app, KEYS.enter);
		text = frame(t.app);
		assert.match(text, new RegExp(`restore k3s-server \\(\\d+\\)'s backup as a new VM ${next}\\?`));
		assert.match(text, /new MAC addresses/);
		assert.doesNotMatch(text, /Type \d+ to confirm/);
		await press(t.app, '\t', KEYS.enter);
		await waitForText(t.app, new RegExp(`✓ restore k3s-server \\(\\d+\\) as ${next} OK`), 30_000);
		assert.deepEqual(t.rig.writes().slice(before).map((w) => [w.path, w.body.vmid, w.body.force, w.body.unique]), [[`/nodes/${node}/qemu`, String(next), undefined, '1']]);
		assert.equal(t.rig.sim.state.guests.get(source)!.status, 'running');
		const copy = t.rig.sim.state.guests.get(next)!;
		assert.equal(copy.type, 'qemu');
		assert.equal(copy.config.name, 'k3s-server');
		assert.notEqual(copy.config.net0, t.rig.sim.state.guests.get(source)!.config.net0);
		await waitFor('the copy in the fleet', () => t.rig.store.getState().guests.get(next)?.kind === 'qemu');
	});
});

describe('restoring a VM in read-only mode', () => {
	const t = useBackupConsole({fixtureName: 'cluster', readOnly: true});

	it('e is refused with one line; nothing opens, nothing is sent', async () => {
		await selectByFilter(t.app, 'win-jump');
		await press(t.app, 'e');
		assert.match(frame(t.app), /restore is disabled \(read-only\)/);
		assert.equal(t.rig.store.getState().dialog, undefined);
		assert.deepEqual(t.rig.writes(), []);
	});
});
