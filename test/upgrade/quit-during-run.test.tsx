import '../views/force-color.js';
// Quitting while an upgrade run is active: q in the fleet (or Ctrl+C anywhere)
// shows the upgrade screen asking first, with "Keep running" focused; Ctrl+C
// again, or choosing Quit, quits. Closing the console abandons the run where it
// stands (no half-done rollback after SSH closes) and its journal is offered
// for resuming at the next start on the same host.

import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import React from 'react';
import {after, before, test} from 'node:test';
import {loadKeymap} from '../../keymaps/index.js';
import {createUpgradeController, type UpgradeController} from '../../source/services/upgrade/controller.js';
import {unfinishedRuns} from '../../source/services/upgrade/journal.js';
import {attachUpgrades} from '../../source/services/upgrade/registry.js';
import {App} from '../../views/App.js';
import {waitFor} from '../actions/helpers.js';
import {KEYS, plain, press, waitForFrame, keyClock} from '../views/harness.js';
import {startUpgradeRig, type UpgradeRig} from './helpers.js';

let rig: UpgradeRig;
let controller: UpgradeController;

before(async () => {
	// Slow package output: the run is still going when the test ends.
	rig = await startUpgradeRig({packageSpeed: 1});
	// The engine's own dependencies (rig.deps) and the store: as the console wires it.
	controller = createUpgradeController({
		...rig.deps,
		store: rig.store,
		options: {phaseTimeoutMs: 300_000},
	});
	attachUpgrades(rig.store, controller);
});

after(async () => {
	cleanup();
	controller.stop();
	await rig.close();
});

test('q during a run asks first (Keep running focused); Ctrl+C twice quits; stop() leaves the run resumable', async () => {
	controller.plan([200, 204]);
	await waitFor('the plan', () => controller.view().stage === 'plan', 60_000);
	controller.activate(); // confirm dialog, Cancel focused
	controller.switchFocus();
	controller.activate(); // Upgrade
	assert.equal(controller.view().stage, 'run');
	rig.store.getState().actions.setScreen('fleet');

	let quits = 0;
	const app = render(<App store={rig.store} keymap={loadKeymap()} size={{columns: 140, rows: 40}} onQuit={() => quits++} tickMs={0} commands={rig.services.commands} inputClock={keyClock} now={rig.clock} />);
	await waitForFrame(app, (f) => /pihole|plex/.test(plain(f)));

	await press(app, 'q');
	let text = plain(await waitForFrame(app, (f) => /Quit while/.test(plain(f))));
	assert.match(text, /\[▸Keep running◂\] +\[ Quit \]/);
	assert.match(text, /next start on this host offers to resume it/);
	assert.equal(quits, 0, 'q did not quit');
	assert.equal(rig.store.getState().ui.screen, 'upgrade');

	await press(app, KEYS.enter); // Keep running
	text = plain(await waitForFrame(app, (f) => !/Quit while/.test(plain(f))));
	assert.equal(quits, 0);
	assert.equal(controller.view().stage, 'run');

	await press(app, KEYS.ctrlC);
	await waitForFrame(app, (f) => /Quit while/.test(plain(f)));
	assert.equal(quits, 0, 'the first Ctrl+C asks');
	await press(app, KEYS.ctrlC);
	assert.equal(quits, 1, 'Ctrl+C while asking quits');

	// What the console does on the way out: the run stops where it stands, unfinished, and is offered again.
	controller.stop();
	const run = controller.view();
	assert.equal(run.stage, 'run');
	await assert.rejects(run.stage === 'run' ? run.run.done : Promise.resolve(), /abandoned/);
	assert.equal(unfinishedRuns(rig.runsDir, rig.client.target).length, 1);
	app.unmount();
});
