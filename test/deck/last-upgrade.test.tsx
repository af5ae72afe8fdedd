import '../views/force-color.js';
// "What was the last upgrade of X" and "roll X back to before it": the detail
// line from the run journals, and R from the fleet straight to the rollback
// confirm (Cancel focused) — over the simulator with the real commands.

import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {render} from 'ink-testing-library';
import React from 'react';
import {loadKeymap} from '../../keymaps/index.js';
import {createUpgradeController, type ControllerOptions} from '../../source/services/upgrade/controller.js';
import {openJournal} from '../../source/services/upgrade/journal.js';
import {lastUpgradeOf} from '../../source/services/upgrade/last-upgrade.js';
import {attachUpgrades} from '../../source/services/upgrade/registry.js';
import {App} from '../../views/App.js';
import {guestByName, startRig, waitFor} from '../actions/helpers.js';
import {KEYS, plain, press, settle} from '../views/harness.js';

function writeRun(dir: string, id: string, host: string, vmid: number, snapname: string) {
	const j = openJournal(dir, id);
	j.append({t: 'run', id, host, at: Date.parse('2026-11-20T10:00:00Z'), plan: {} as never});
	j.append({t: 'step', vmid, step: 'snapshot', at: 2, snapname});
	j.append({t: 'step', vmid, step: 'upgrade', at: 3});
	j.append({t: 'done', vmid, outcome: 'upgraded' as never, at: 4, packages: 12, snapname});
	j.append({t: 'end', at: 5});
}

test('the run journals name the last upgrade of a guest and its pre-upgrade snapshot (this host only)', () => {
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-last-upgrade-'));
	writeRun(dir, 'up-20261120-100000-aaaa', 'pve.lab:8006', 100, 'proxdeck-pre-upgrade-1');
	writeRun(dir, 'up-20261121-100000-bbbb', 'pve.lab:8006', 100, 'proxdeck-pre-upgrade-2');
	writeRun(dir, 'up-20261122-100000-cccc', 'other:8006', 100, 'elsewhere');
	assert.equal(lastUpgradeOf(dir, 100, {host: 'pve.lab:8006'})?.snapname, 'proxdeck-pre-upgrade-2');
	assert.equal(lastUpgradeOf(dir, 100, {host: 'pve.lab:8006'})?.runId, 'up-20261121-100000-bbbb');
	assert.equal(lastUpgradeOf(dir, 101, {host: 'pve.lab:8006'}), undefined);
	assert.equal(lastUpgradeOf(join(dir, 'missing'), 100, {host: 'pve.lab:8006'}), undefined);
});

test('R on a guest opens the rollback to its pre-upgrade snapshot with Cancel focused; a blocked one says why', async () => {
	const rig = await startRig();
	try {
		const dir = mkdtempSync(join(tmpdir(), 'proxdeck-last-upgrade-app-'));
		writeRun(dir, 'up-20261120-100000-aaaa', rig.client.target, 100, 'pre-upgrade-pms');
		writeRun(dir, 'up-20261121-100000-bbbb', rig.client.target, 401, 'pre-upgrade-v2');
		const controller = createUpgradeController({store: rig.store, host: rig.client.target, runsDir: dir, identity: 'root@pam!proxdeck'} as unknown as ControllerOptions);
		attachUpgrades(rig.store, controller);
		const app = render(<App store={rig.store} keymap={loadKeymap()} size={{columns: 160, rows: 50}} onQuit={() => {}} tickMs={0} commands={rig.services.commands} />);
		await settle();
		assert.equal(rig.store.getState().ui.selectedVmid, guestByName(rig.store, 'plex'));
		// The detail answers "what was the last upgrade of plex".
		await press(app, KEYS.enter);
		assert.match(plain(app.lastFrame()!), /last upgrade up-20261120-100000-aaaa \d+d ago upgraded · pre-upgrade snapshot pre-upgrade-pms \(R\)/);
		await press(app, KEYS.esc, 'R');
		await waitFor('the confirm', () => rig.store.getState().dialog?.kind === 'confirm');
		await settle();
		const text = plain(app.lastFrame()!);
		assert.match(text, /roll back plex \(100\) to 'pre-upgrade-pms' \(before upgrade up-20261120-100000-aaaa\)\?/);
		assert.equal((rig.store.getState().dialog as {focus?: string}).focus, 'cancel');
		await press(app, KEYS.esc);
		assert.equal(rig.writes().length, 0, 'nothing rolled back without the confirm');
		// immich's pre-upgrade snapshot has newer ones above it: ZFS cannot roll back to it, and R says so.
		await press(app, 'G');
		for (let i = 0; i < 30 && rig.store.getState().ui.selectedVmid !== 401; i++) await press(app, 'k');
		await press(app, 'R');
		await waitFor('the reason', () => /pre-upgrade-v2/.test(rig.store.getState().notice?.text ?? ''));
		assert.match(rig.store.getState().notice!.text, /rollback to 'pre-upgrade-v2': /);
		app.unmount();
		controller.stop();
	} finally {
		await rig.close();
	}
});
