// B in the upgrade plan (issue 14): the bind-mounted *arr containers are
// skipped (no snapshot possible) until B, which plans them with a backup
// first to the backup storage with the most room; the confirm says so. Keys
// over the real App and controller against the simulator.

import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import React from 'react';
import {after, before, test} from 'node:test';
import {loadKeymap} from '../../keymaps/index.js';
import {createUpgradeController, type UpgradeController} from '../../source/services/upgrade/controller.js';
import {attachUpgrades} from '../../source/services/upgrade/registry.js';
import {App} from '../../views/App.js';
import {KEYS, keyClock, plain, press, type} from '../views/harness.js';
import {waitFor} from '../actions/helpers.js';
import {waitForText} from '../actions/console.js';
import {startUpgradeRig, type UpgradeRig} from './helpers.js';

let rig: UpgradeRig;
let controller: UpgradeController;

before(async () => {
	rig = await startUpgradeRig();
	controller = createUpgradeController({...rig.deps, store: rig.store, options: {phaseTimeoutMs: 120_000}});
	attachUpgrades(rig.store, controller);
	await waitFor('the backups read', () => rig.store.getState().backups.readAt !== undefined);
});

after(async () => {
	cleanup();
	controller.stop();
	await rig.close();
});

test('B plans the bind-mounted containers with a backup first; the confirm says they are restored from it if they fail', async () => {
	const app = render(<App store={rig.store} keymap={loadKeymap()} size={{columns: 150, rows: 40}} onQuit={() => {}} tickMs={0} inputClock={keyClock} now={rig.clock} />);
	await press(app, '1', ':');
	await type(app, 'mark tag=media');
	await press(app, KEYS.enter, 'u');
	let text = await waitForText(app, /Upgrade plan · /);
	assert.match(text, /101 +sonarr .* no +skip: no snapshot possible/);
	await press(app, 'B');
	text = await waitForText(app, /backup first → backups/);
	assert.match(text, /101 +sonarr +apt +\d+ +(yes)? *B +back up first, upgrade, restore the backup if it fails/);
	assert.match(text, /\d+ backed up first to backups/);
	await press(app, KEYS.enter);
	text = plain(app.lastFrame() ?? '');
	assert.match(text, /\d+ cannot be snapshotted: each is backed up to backups first and restored from it if its upgrade fails\./);
	assert.deepEqual(rig.writes(), [], 'nothing is sent before the confirm');
	await press(app, KEYS.esc, 'B');
	text = await waitForText(app, /backup first off/);
	assert.match(text, /101 +sonarr .* no +skip: no snapshot possible/);
});
