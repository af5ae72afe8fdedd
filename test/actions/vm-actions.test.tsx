import '../views/force-color.js';
// VMs on the cluster fixture, driven from the keyboard like a user would:
// every action's dialog names the VM and the `qm` command, the request goes
// to the qemu path, the qm task ends and the notice says so; snapshots offer
// include RAM for a running VM; the table shows TYPE and `-` for a VM's
// unknown disk use; the detail shows memory and the guest agent's addresses
// (or "no guest agent").

import assert from 'node:assert/strict';
import {cleanup} from 'ink-testing-library';
import {after, before, describe, it} from 'node:test';
import {KEYS, press, type} from '../views/harness.js';
import {frame, renderConsole, selectByFilter, waitForText, type Console} from './console.js';
import {startRig, waitFor, type ActionRig} from './helpers.js';

const TAB = '\t';

/** The newest write the simulator received on this path. */
function lastWrite(rig: ActionRig, method: string, path: string) {
	return rig.writes().filter((r) => r.method === method && r.path === path).at(-1);
}

/** A fresh filter, as a user types it: esc clears the old one first (`/` would edit it). */
async function filterTo(app: Console, text: string): Promise<void> {
	await press(app, KEYS.esc);
	await selectByFilter(app, text);
}

/** The fleet table's rows in the current frame (VMID, NAME, TYPE; other panes' lines left out). */
function tableRows(app: Console): string[] {
	return frame(app).split('\n').filter((l) => /^\s*\d{3} \S+ +(ct|vm) /.test(l));
}

/** The table row of a guest (by name) in the current frame. */
function rowOf(app: Console, name: string): string {
	const line = frame(app).split('\n').find((l) => l.includes(` ${name} `));
	assert.ok(line, `no row for ${name} in\n${frame(app)}`);
	return line;
}

let rig: ActionRig;
let app: Console;
before(async () => {
	rig = await startRig({fixtureName: 'cluster'});
	app = await renderConsole(rig, {columns: 160, rows: 44});
});
after(async () => {
	cleanup();
	await rig.close();
});

describe('VM actions on the cluster fixture', () => {

	it('the fleet shows TYPE ct/vm, `-` for a VM\'s disk use Proxmox does not know, and filters with type=vm', async () => {
		assert.match(frame(app), /VMID▲ +NAME +TYPE +NODE/);
		assert.match(rowOf(app, 'win-jump'), /^\s*150 win-jump +vm +pve1 +running .* -(\s|$)/);
		assert.doesNotMatch(rowOf(app, 'win-jump'), / 0% /, 'never 0 % for a VM');
		assert.match(rowOf(app, 'k3s-agent'), / vm /);
		await filterTo(app, 'type=vm');
		assert.deepEqual(tableRows(app).map((l) => l.trim().split(/\s+/)[0]), ['150', '151', '152', '153'], frame(app));
		await filterTo(app, 'type=ct');
		assert.match(frame(app), /guests 17\/21 shown {2}filter \/type=ct/);
		const cts = tableRows(app);
		assert.ok(cts.length > 0 && cts.every((l) => / ct /.test(l)), 'type=ct keeps only containers');
		await press(app, KEYS.esc);
		await press(app, ':');
		await type(app, 'ct type=vm');
		await press(app, KEYS.enter);
		assert.deepEqual(tableRows(app).map((l) => l.trim().split(/\s+/)[0]), ['150', '151', '152', '153'], `:ct type=vm filters too\n${frame(app)}`);
	});

	it('r on VM 150: "reboot win-jump (150)?", "This reboots the VM", `$ qm reboot 150`; OK posts to the qemu path and the qmreboot task ends OK', async () => {
		await filterTo(app, 'win-jump');
		await press(app, 'r');
		const text = frame(app);
		assert.match(text, /reboot win-jump \(150\)\?/);
		assert.match(text, /This reboots the VM: its services go down for a moment\./);
		assert.match(text, /\$ qm reboot 150/);
		assert.doesNotMatch(text, /container|pct /);
		await press(app, TAB, KEYS.enter);
		await waitForText(app, /✓ reboot win-jump \(150\) OK/);
		assert.ok(lastWrite(rig, 'POST', '/nodes/pve1/qemu/150/status/reboot'));
		assert.equal(rig.store.getState().tasks.find((t) => t.ours && t.id === '150')?.type, 'qmreboot', 'the newest task of ours');
	});

	it('s offers include RAM for the running VM; space ticks it; the prompt shows `qm snapshot 150 NAME --vmstate 1` and the request carries vmstate=1', async () => {
		await press(app, 's');
		let text = frame(app);
		assert.match(text, /snapshot win-jump \(150\)/);
		assert.match(text, /\[ \] include RAM/);
		const name = /name: (proxdeck-\d{8}-\d{6})/.exec(text)?.[1];
		assert.ok(name, text);
		assert.match(text, new RegExp(`\\$ qm snapshot 150 ${name}(?! --vmstate)`));
		await press(app, TAB, TAB);
		await type(app, ' ');
		text = frame(app);
		assert.match(text, /\[x\] include RAM/);
		assert.match(text, new RegExp(`\\$ qm snapshot 150 ${name} --vmstate 1`));
		await press(app, KEYS.enter);
		await waitForText(app, /✓ snapshot win-jump \(150\) OK/);
		const post = lastWrite(rig, 'POST', '/nodes/pve1/qemu/150/snapshot');
		assert.deepEqual([post?.body.snapname, post?.body.vmstate], [name, '1']);
		assert.equal(rig.sim.state.guests.get(150)!.snapshots.find((s) => s.name === name)?.config.vmstate, `local-zfs:vm-150-state-${name}`);
	});

	it('b on the ZFS VM: older snapshots are blocked with the storage\'s words; the newest (with RAM) rolls back with `qm rollback` and the VM runs again', async () => {
		await press(app, 'b');
		await waitForText(app, /\(newest\)/);
		await press(app, 'k', KEYS.enter);
		assert.match(frame(app), /✗ can't rollback, 'after-kb5044284' is not most recent snapshot on 'local-zfs:vm-150-disk-0'/);
		await press(app, 'j', KEYS.enter);
		const text = frame(app);
		assert.match(text, /roll back win-jump \(150\) to 'proxdeck-\d{8}-\d{6}'\?/);
		assert.match(text, /This rolls the VM back/);
		assert.match(text, /the snapshot includes RAM: win-jump \(150\) runs again from that moment after the rollback\./);
		assert.match(text, /\$ qm rollback 150 proxdeck-\d{8}-\d{6}/);
		await press(app, TAB, KEYS.enter);
		await waitForText(app, /✓ rollback win-jump \(150\) 'proxdeck-\d{8}-\d{6}' OK/);
		assert.ok(rig.writes().some((r) => /^\/nodes\/pve1\/qemu\/150\/snapshot\/proxdeck-\d{8}-\d{6}\/rollback$/.test(r.path)));
		assert.equal(rig.sim.state.guests.get(150)!.status, 'running');
	});

	it('d in the picker: `qm delsnapshot`, DELETE on the qemu path, qmdelsnapshot OK', async () => {
		await press(app, 'b');
		await waitForText(app, /\(newest\)/);
		await press(app, 'd');
		assert.match(frame(app), /delete snapshot 'proxdeck-\d{8}-\d{6}' of win-jump \(150\)\?/);
		assert.match(frame(app), /\$ qm delsnapshot 150 proxdeck-\d{8}-\d{6}/);
		await press(app, TAB, KEYS.enter);
		await waitForText(app, /✓ delete snapshot win-jump \(150\) 'proxdeck-\d{8}-\d{6}' OK/);
		assert.equal(rig.store.getState().tasks.find((t) => t.ours && t.id === '150')?.type, 'qmdelsnapshot', 'the newest task of ours');
	});

	it('- shuts down with `qm shutdown 150`; + starts it again saying `qm start 150`; x stops it with `qm stop 150`', async () => {
		await press(app, '-');
		assert.match(frame(app), /This shuts the VM down cleanly/);
		assert.match(frame(app), /\$ qm shutdown 150/);
		await press(app, TAB, KEYS.enter);
		await waitForText(app, /✓ shutdown win-jump \(150\) OK/);
		assert.ok(lastWrite(rig, 'POST', '/nodes/pve1/qemu/150/status/shutdown'));
		await waitFor('the fleet to show 150 stopped', () => rig.store.getState().guests.get(150)?.status === 'stopped');

		await press(app, '+');
		assert.match(frame(app), /starting win-jump \(150\) · \$ qm start 150/);
		await waitForText(app, /✓ start win-jump \(150\) OK/);
		assert.ok(lastWrite(rig, 'POST', '/nodes/pve1/qemu/150/status/start'));
		await waitFor('the fleet to show 150 running', () => rig.store.getState().guests.get(150)?.status === 'running');

		await press(app, 'x');
		assert.match(frame(app), /This stops the VM at once/);
		assert.match(frame(app), /\$ qm stop 150/);
		await press(app, TAB, KEYS.enter);
		await waitForText(app, /✓ stop win-jump \(150\) OK/);
		assert.equal(rig.store.getState().tasks.find((t) => t.ours && t.id === '150')?.type, 'qmstop', 'the newest task of ours');
	});
});

describe('VM detail', () => {

	it('shows memory, the disks, and the addresses the guest agent reports', async () => {
		await filterTo(app, 'k3s-server');
		await press(app, KEYS.enter);
		const text = await waitForText(app, /ip eth0/);
		assert.match(text, /cores 4 · memory 8G · onboot yes/);
		assert.doesNotMatch(text, /memory -/);
		assert.match(text, /scsi0 local-zfs:vm-151-disk-0 size 64G/);
		assert.match(text, /ip eth0 10\.0\.30\.11\/24 · cni0 10\.42\.0\.1\/24 \(guest agent\)/);
		assert.ok(rig.sim.requests.some((r) => r.path === '/nodes/pve2/qemu/151/agent/network-get-interfaces'));
		await press(app, KEYS.esc);
	});

	it('a VM whose agent does not run says "no guest agent" with Proxmox\'s reason', async () => {
		await filterTo(app, 'k3s-agent');
		await press(app, KEYS.enter);
		const text = await waitForText(app, /no guest agent/);
		assert.match(text, /ip no guest agent \(.*QEMU guest agent is not running\)/);
		await press(app, KEYS.esc);
	});
});
