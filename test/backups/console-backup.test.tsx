import '../views/force-color.js';
// Issue 14 in the console, against the simulator: the LAST BACKUP column from
// the homelab's archives (ages, `never`, colours, the sort), the detail
// panel's backup list, and back up now (d): the form offers backup storages
// only, Enter confirms, OK sends one vzdump per node; a paste never confirms.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {useBackupConsole} from './console-rig.js';
import {KEYS, keyClock, press, settle, type} from '../views/harness.js';
import {frame, selectByFilter, waitForText, type Console} from '../actions/console.js';
import {guestByName, waitFor} from '../actions/helpers.js';

/** The plain text of the fleet row of `name`. */
function rowOf(app: Console, name: string): string {
	const line = frame(app).split('\n').find((l) => new RegExp(`\\b${name}\\b`).test(l) && /running|stopped/.test(l));
	assert.ok(line, `no row for ${name} in\n${frame(app)}`);
	return line;
}

describe('LAST BACKUP and back up now (homelab)', () => {
	const t = useBackupConsole();

	it('shows each guest\'s newest backup age: plex 6h, the bind-mounted *arr stack never (red)', async () => {
		await waitForText(t.app, /LAST BACKUP/);
		assert.match(rowOf(t.app, 'plex'), /\b6h\b/);
		assert.match(rowOf(t.app, 'sonarr'), /\bnever\b/);
		const raw = t.app.lastFrame() ?? '';
		const sonarrLine = raw.split('\n').find((l) => l.includes('sonarr'))!;
		assert.match(sonarrLine, /\u001B\[31mnever|\u001B\[31m\s*never/, 'never is drawn red');
	});

	it('K sorts by last backup: the never-backed-up guests first, then the oldest', async () => {
		await press(t.app, 'K');
		const state = t.rig.store.getState();
		assert.equal(state.ui.sortKey, 'backup');
		const lines = frame(t.app).split('\n');
		const header = lines.findIndex((l) => l.includes('LAST BACKUP'));
		const first = lines.slice(header + 1, header + 6).join('\n');
		for (const name of ['sonarr', 'radarr']) assert.match(first, new RegExp(name), `${name} among the first rows`);
		const firstVmid = Number(/^\s*●?\s*(\d+)/.exec(lines[header + 1]!)?.[1]);
		assert.equal(state.backups.newest.get(firstVmid), undefined, 'the first row has no backup');
		await press(t.app, 'I');
	});

	it('the detail panel lists plex\'s backups, the protected one marked', async () => {
		await selectByFilter(t.app, 'plex');
		await press(t.app, KEYS.enter);
		const text = await waitForText(t.app, /backups 9/);
		assert.match(text, /backups 9 · e lists them to restore/);
		assert.match(text, /\d{4}-\d\d-\d\d \d\d:\d\d {2}backups {2}[\d.]+\w? /);
		await press(t.app, KEYS.esc);
	});

	it('d on plex: the form offers the backup storages only; enter shows the confirm with the vzdump command; OK backs it up, tracked and audited', async () => {
		const plex = guestByName(t.rig.store, 'plex');
		await press(t.app, 'd');
		let text = frame(t.app);
		assert.match(text, /back up plex \(\d+\) now/, text);
		const dialog = t.rig.store.getState().dialog;
		assert.equal(dialog?.kind, 'backup');
		assert.deepEqual(dialog.kind === 'backup' && [...dialog.storages].sort(), ['backups', 'local'], 'backup storages only (not local-zfs)');
		// Pick the storage `backups`, stop mode, protected, a note.
		while ((t.rig.store.getState().dialog as {storages: string[]; storage: number}).storages[(t.rig.store.getState().dialog as {storage: number}).storage] !== 'backups') await press(t.app, KEYS.down);
		await press(t.app, '\t');
		await press(t.app, KEYS.down);
		await press(t.app, '\t');
		for (let i = 0; i < 13; i++) await press(t.app, KEYS.backspace);
		await type(t.app, 'before 1.42');
		await press(t.app, '\t', ' ');
		text = frame(t.app);
		assert.match(text, /vzdump \d+ --storage backups --mode suspend --compress zstd --notes-template 'before 1.42' --protected 1/);
		await press(t.app, KEYS.enter);
		text = frame(t.app);
		assert.match(text, /back up plex \(\d+\) to backups \(suspend, protected\)\?/);
		assert.deepEqual(t.rig.writes(), [], 'nothing is sent before the confirm');
		// A pasted Tab+Enter never confirms.
		keyClock.advance(1000);
		t.app.stdin.write('\t\r');
		await settle();
		assert.equal(t.rig.store.getState().dialog?.kind, 'confirm');
		assert.deepEqual(t.rig.writes(), []);
		await press(t.app, '\t', KEYS.enter);
		await waitForText(t.app, /✓ back up plex \(\d+\) to backups OK/);
		const posts = t.rig.writes().filter((w) => w.path.endsWith('/vzdump'));
		assert.deepEqual(posts.map((p) => [p.path, p.body.vmid, p.body.storage, p.body.mode, p.body.compress, p.body['notes-template'], p.body.protected]), [
			['/nodes/pve/vzdump', String(plex), 'backups', 'suspend', 'zstd', 'before 1.42', '1'],
		]);
		const begin = t.rig.auditLines().find((l) => l.phase === 'begin' && l.action === 'backup')!;
		assert.deepEqual(begin.targets, [plex]);
		assert.equal(t.rig.auditLines().find((l) => l.phase === 'end' && l.id === begin.id)?.result, 'OK');
		const task = t.rig.store.getState().tasks.find((t) => t.type === 'vzdump' && t.ours && t.state === 'ok');
		assert.ok(task, 'the vzdump task is tracked');
		// The simulated duration, as the vzdump log states it (Proxmox's own wording).
		const took = /Finished Backup of VM \d+ \((\d\d):(\d\d):(\d\d)\)/.exec(task.logTail.join('\n'));
		assert.ok(took, task.logTail.join('\n'));
		console.log(`# measured: back up plex (suspend) took ${Number(took[1]) * 3600 + Number(took[2]) * 60 + Number(took[3])} simulated s`);
		// The column catches up: the new archive is a minute old at most.
		await waitFor('the re-read', () => (t.rig.store.getState().backups.newest.get(plex)?.notes ?? '') === 'before 1.42');
		await waitForText(t.app, /plex\b.*\b1m\b/);
	});
});

describe('back up now, marked guests on two nodes (cluster)', () => {
	const t = useBackupConsole({fixtureName: 'cluster'});

	it('the storage picker offers only the storages both nodes see; OK sends one vzdump to each node with its own guests', async () => {
		const pve1 = [...t.rig.store.getState().guests.values()].find((g) => g.node === 'pve1' && g.kind === 'lxc')!;
		const pve2 = [...t.rig.store.getState().guests.values()].find((g) => g.node === 'pve2' && g.kind === 'lxc')!;
		for (const g of [pve1, pve2]) {
			await press(t.app, KEYS.esc);
			await selectByFilter(t.app, g.name);
			await press(t.app, ' ');
		}
		await press(t.app, 'd');
		const text = frame(t.app);
		assert.match(text, /back up 2 containers now/);
		assert.match(text, /2 marked/);
		const dialog = t.rig.store.getState().dialog;
		// A storage name both nodes have: a shared one, or a local one on each (each node writes to its own).
		const {storages} = t.rig.store.getState().backups;
		const onBoth = [...new Set(storages.map((s) => s.storage))].filter((name) => ['pve1', 'pve2'].every((node) => storages.some((s) => s.storage === name && s.nodes.includes(node))));
		assert.deepEqual(dialog?.kind === 'backup' && dialog.storages, onBoth);
		assert.deepEqual(onBoth, ['local', 'nas-backup', 'pbs-offsite']);
		const storage = 'nas-backup';
		await press(t.app, KEYS.down);
		await press(t.app, KEYS.enter);
		assert.match(frame(t.app), new RegExp(`back up 2 containers to ${storage} \\(snapshot\\)\\?`));
		await press(t.app, '\t', KEYS.enter);
		await waitFor('both vzdump tasks', () => t.rig.auditLines().filter((l) => l.phase === 'end').length === 2);
		const posts = t.rig.writes().filter((w) => w.path.endsWith('/vzdump'));
		assert.deepEqual(posts.map((p) => [p.path, p.body.vmid, p.body.storage]).sort(), [
			['/nodes/pve1/vzdump', String(pve1.vmid), storage],
			['/nodes/pve2/vzdump', String(pve2.vmid), storage],
		]);
		assert.ok(t.rig.auditLines().filter((l) => l.phase === 'end').every((l) => l.result === 'OK'));
	});
});
