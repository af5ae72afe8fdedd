import '../views/force-color.js';
// Actions from the keyboard: the App with the real command interface over the
// simulator. What the user sees in the frame, what the simulator received,
// and what the audit file says.

import assert from 'node:assert/strict';
import {render, cleanup} from 'ink-testing-library';
import React from 'react';
import {after, afterEach, before, describe, it} from 'node:test';
import {loadKeymap} from '../../keymaps/index.js';
import {App} from '../../views/App.js';
import {KEYS, press, settle, type, keyClock} from '../views/harness.js';
import {guestByName, snapshotNames, startRig, waitFor, type ActionRig} from './helpers.js';
import {frame, waitForText} from './console.js';

async function renderWith(rig: ActionRig, rows = 40, columns = 150) {
	const app = render(<App store={rig.store} keymap={loadKeymap()} size={{columns, rows}} onQuit={() => {}} tickMs={0} commands={rig.services.commands} inputClock={keyClock} />);
	await settle();
	return app;
}

type Instance = Awaited<ReturnType<typeof renderWith>>;


/** Selects a guest the way a user would: `/name` enter. */
async function selectByFilter(app: Instance, name: string): Promise<void> {
	await press(app, '/');
	await type(app, name);
	await press(app, KEYS.enter);
}

const TAB = '\t';

describe('a new user snapshots, reboots, rolls back and deletes the snapshot with the keyboard', () => {
	let rig: ActionRig;
	let app: Instance;
	before(async () => {
		rig = await startRig();
		app = await renderWith(rig);
		await selectByFilter(app, 'plex');
	});
	after(async () => {
		cleanup();
		await rig.close();
	});

	it('s opens the prompt with the default name; enter takes the snapshot; the task, notice and audit follow', async () => {
		await press(app, 's');
		const prompt = frame(app);
		assert.match(prompt, /snapshot plex \(100\)/);
		const name = /name: (proxdeck-\d{8}-\d{6})/.exec(prompt)?.[1];
		assert.ok(name, prompt);
		assert.match(prompt, new RegExp(`\\$ pct snapshot 100 ${name}`));
		await press(app, KEYS.enter);
		await waitForText(app, /✓ snapshot plex \(100\) OK in \d+\.\ds/);
		const post = rig.writes().find((r) => r.path === '/nodes/pve/lxc/100/snapshot');
		assert.equal(post?.body.snapname, name);

		await press(app, 't');
		const pane = await waitForText(app, /vzsnapshot/);
		assert.match(pane, /\* +\d\d:\d\d vzsnapshot +plex \(100\) +OK \(.+\) +root@pam!proxdeck/);
		assert.match(pane, /TASK OK/);
		assert.ok(pane.split('\n').length <= 39, 'the frame with the tasks pane stays within rows − 1');
		await press(app, 't');

		const lines = rig.auditLines();
		assert.deepEqual(lines.map((l) => l.phase), ['begin', 'end']);
		assert.equal(lines[0]!.id, lines[1]!.id);
		assert.equal(lines[1]!.upid, rig.store.getState().tasks.find((t) => t.ours)?.upid);
		await press(app, 'A');
		assert.match(frame(app), /audit log \(1 recent actions\)/);
		assert.match(frame(app), /root@pam!proxdeck {2}snapshot 100 {2}OK/);
		await press(app, 'A');
	});

	it('r asks first with Cancel focused: enter on the default sends nothing; tab then enter reboots', async () => {
		const before = rig.writes().length;
		await press(app, 'r');
		let text = frame(app);
		assert.match(text, /reboot plex \(100\)\?/);
		assert.match(text, /This reboots the container/);
		assert.match(text, /\$ pct reboot 100/);
		assert.ok(text.split('\n').length <= 39, 'the frame with a dialog stays within rows − 1');
		await press(app, KEYS.enter);
		assert.equal(rig.store.getState().dialog, undefined);
		assert.equal(rig.writes().length, before, 'Cancel is the default: nothing was sent');
		await press(app, 'r', TAB, KEYS.enter);
		text = await waitForText(app, /✓ reboot plex \(100\) OK/);
		assert.ok(rig.writes().some((r) => r.path === '/nodes/pve/lxc/100/status/reboot'));
	});

	it('b shows the snapshot tree with the newest marked; enter, tab, enter rolls back to it', async () => {
		await press(app, 'b');
		const picker = await waitForText(app, /\(newest\)/);
		assert.match(picker, /snapshots of plex \(100\)/);
		assert.match(picker, /proxdeck-\d{8}-\d{6} \(newest\)/);
		assert.match(picker, /\[ \] start after rollback/);
		await press(app, KEYS.enter);
		assert.match(frame(app), /roll back plex \(100\) to 'proxdeck-/);
		assert.match(frame(app), /plex \(100\) is running: the rollback stops it and it stays stopped \(space in the snapshot picker: start after\)\./);
		assert.match(frame(app), /\$ pct rollback 100 proxdeck-/);
		await press(app, TAB, KEYS.enter);
		await waitForText(app, /✓ rollback plex \(100\) 'proxdeck-\d{8}-\d{6}' OK/);
	});

	it('d in the picker deletes the snapshot after a confirmation', async () => {
		await press(app, 'b');
		await waitForText(app, /\(newest\)/);
		await press(app, 'd');
		assert.match(frame(app), /delete snapshot 'proxdeck-\d{8}-\d{6}' of plex \(100\)\?/);
		await press(app, TAB, KEYS.enter);
		await waitForText(app, /✓ delete snapshot plex \(100\) 'proxdeck-\d{8}-\d{6}' OK/);
		const {snapshots} = await rig.services.dispatcher.loadSnapshots(100);
		assert.deepEqual(snapshots.map((s) => s.name), ['pre-upgrade-pms', 'current'], 'only the new snapshot is gone; Plex keeps its pre-upgrade one');
	});
});

describe('the picker on a ZFS container', () => {
	it('greys out non-latest snapshots and says why when one is chosen', async () => {
		const rig = await startRig();
		try {
			const app = await renderWith(rig);
			await selectByFilter(app, 'vaultwarden');
			await press(app, 'b');
			const names = snapshotNames(rig, 302);
			await waitForText(app, new RegExp(`${names.at(-1)!} \\(newest\\)`));
			await press(app, 'k', KEYS.enter);
			assert.match(frame(app), new RegExp(`✗ can't rollback, '${names.at(-2)!}' is not most recent snapshot on 'local-zfs:subvol-302-disk-0'`));
			assert.equal(rig.writes().length, 0);
			await press(app, KEYS.esc);
			assert.equal(rig.store.getState().dialog, undefined);
		} finally {
			cleanup();
			await rig.close();
		}
	});
});

describe('read-only', () => {
	it('every mutating key is refused with the reason; the simulator receives no write', async () => {
		const rig = await startRig({readOnly: true});
		try {
			// Wide enough for the footer to reach the action hints.
			const app = await renderWith(rig, 40, 260);
			// Every disabled hint reads as disabled in plain text: the hints that share a reason say it once, first.
			assert.match(frame(app), /\[read-only\] s snapshot, r reboot, u upgrade, d back up {2}\[browse only: read-only\] b roll back {2}/);
			for (const key of ['s', 'r', '+', '-', 'x', 'P', 'u']) {
				await press(app, key);
				assert.equal(rig.store.getState().dialog, undefined, key);
				assert.equal(rig.store.getState().ui.screen, 'fleet', `${key} opens nothing`);
				assert.match(rig.store.getState().notice?.text ?? '', /is disabled \(read-only\)/, key);
			}
			// The last key's refusal, in the footer before the hints.
			assert.match(frame(app), /upgrade is disabled \(read-only\) {2}\[read-only\] s snapshot/);
			// b still lists the snapshots ("what snapshots does X have" is an incident question), browse only.
			await press(app, 'b');
			await waitForText(app, /snapshots of pihole \(100\)|snapshots of \S+ \(\d+\)/);
			assert.match(frame(app), /browse only: roll back and delete are off \(read-only\)/);
			await waitFor('the snapshot list', () => {
				const dialog = rig.store.getState().dialog;
				return dialog?.kind === 'picker' && !dialog.loading;
			});
			// The picker's footer dims the keys it offers, and each says why when pressed.
			assert.match(frame(app), /\[browse only: read-only\] enter roll back, Space then start, d delete/);
			await press(app, KEYS.enter);
			assert.match(frame(app), /rollback is disabled \(read-only\)/);
			await press(app, 'd');
			assert.match(frame(app), /delete is disabled \(read-only\)/);
			await press(app, KEYS.esc);
			assert.equal(rig.store.getState().dialog, undefined);
			assert.deepEqual(rig.writes(), []);
		} finally {
			cleanup();
			await rig.close();
		}
	});
});

describe('an auditor token', () => {
	it('shows the action keys disabled with the privilege they need', async () => {
		const rig = await startRig({user: 'monitor@pve', tokenid: 'readonly'});
		try {
			const app = await renderWith(rig, 40, 260);
			await selectByFilter(app, 'prowlarr');
			assert.match(frame(app), /\[needs VM\.Snapshot on \/vms\/105\] s snapshot/);
			await press(app, 'r');
			assert.match(frame(app), /reboot is disabled \(needs VM\.PowerMgmt on \/vms\/105\)/);
			assert.deepEqual(rig.writes(), []);
		} finally {
			cleanup();
			await rig.close();
		}
	});
});

describe('marks and bulk actions', () => {
	let rig: ActionRig;
	let app: Instance;
	before(async () => {
		rig = await startRig();
		app = await renderWith(rig);
	});
	after(async () => {
		cleanup();
		await rig.close();
	});
	afterEach(() => rig.store.getState().actions.clearMarks());

	it('space marks and moves down; marks survive a refresh and a filter; the header counts them', async () => {
		await selectByFilter(app, 'auto'); // no guest: clear it below
		await press(app, KEYS.esc, KEYS.esc);
		await press(app, KEYS.home);
		await press(app, ' ', ' ');
		assert.deepEqual([...rig.store.getState().marks].sort(), [100, 101]);
		assert.match(frame(app), /2 marked/);
		assert.match(frame(app), /● +100 /);
		await rig.session.refreshNow();
		await selectByFilter(app, 'sonarr');
		assert.deepEqual([...rig.store.getState().marks].sort(), [100, 101]);
		assert.match(frame(app), /2 marked/);
		await press(app, 'r');
		const dialog = frame(app);
		assert.match(dialog, /reboot 2 containers\?/);
		assert.match(dialog, /2 marked \(1 hidden by the filter\)/);
		assert.match(dialog, /plex \(100\)/);
		await press(app, KEYS.esc, KEYS.esc, KEYS.esc);
		assert.equal(rig.store.getState().dialog, undefined);
		assert.equal(rig.writes().length, 0);
	});

	it('rolling back 2 marked containers requires typing 2', async () => {
		const a = guestByName(rig.store, 'vaultwarden');
		const b = guestByName(rig.store, 'postgresql');
		rig.store.getState().actions.markAll([a, b]);
		await press(app, 'b');
		await waitForText(app, /Type 2 to confirm/);
		const newestA = snapshotNames(rig, a).at(-1)!;
		const newestB = snapshotNames(rig, b).at(-1)!;
		assert.match(frame(app), new RegExp(`vaultwarden \\(302\\) → ${newestA}`));
		await press(app, TAB, KEYS.enter);
		assert.equal(rig.store.getState().dialog?.kind, 'confirm', 'OK does nothing until the count is typed');
		await type(app, '2');
		await press(app, KEYS.enter);
		await waitFor('both rollbacks', () => rig.store.getState().tasks.filter((t) => t.ours && t.type === 'vzrollback' && t.state === 'ok').length === 2);
		assert.deepEqual(
			rig.writes().map((r) => r.path).sort(),
			[`/nodes/pve/lxc/${a}/snapshot/${newestA}/rollback`, `/nodes/pve/lxc/${b}/snapshot/${newestB}/rollback`].sort(),
		);
	});
});

describe('the cluster fixture', () => {
	it('a failing snapshot task (CT 112) is shown failed in the tasks pane and the notice', async () => {
		const rig = await startRig({fixtureName: 'cluster'});
		try {
			const app = await renderWith(rig);
			await selectByFilter(app, '112');
			await press(app, 's', KEYS.enter, 't');
			const text = await waitForText(app, /✗ snapshot .*\(112\) failed: zfs error: cannot create snapshot/);
			assert.match(text, /vzsnapshot .*failed: zfs error/);
			assert.match(text, /TASK ERROR: zfs error/);
			assert.match(app.lastFrame() ?? '', /\u001B\[31m/, 'failed is drawn in red');
		} finally {
			cleanup();
			await rig.close();
		}
	});
});

describe('help in read-only mode', () => {
	it('? says on each mutating key that it is off, and why', async () => {
		const rig = await startRig({readOnly: true});
		try {
			const app = await renderWith(rig, 60, 120);
			await press(app, '?');
			const text = frame(app);
			assert.match(text, /\n +s +snapshot +— off: read-only/);
			assert.match(text, /\n +r +reboot +\(dangerous\) +— off: read-only/);
			assert.match(text, /\n +\/ +filter\n/, 'keys that change nothing stay on');
			// The deck's keys come first: u is a page down.
			await press(app, KEYS.pgDn);
			assert.match(frame(app), /\n +u +upgrade \(plan first\) +— off: read-only/, 'u is off like every other key that changes a host');
		} finally {
			cleanup();
			await rig.close();
		}
	});
});
