import '../views/force-color.js';
// Issue 10: read-only acts as it looks on the upgrade side too. With the real
// upgrade controller attached (as the console wires it), `u` and `:upgrade`
// on marked containers are dimmed in the footer, say one line, and do not
// open the upgrade screen; nothing is run over SSH or the API.

import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import React from 'react';
import {test} from 'node:test';
import {loadKeymap} from '../../keymaps/index.js';
import {createUpgradeController} from '../../source/services/upgrade/controller.js';
import {attachUpgrades} from '../../source/services/upgrade/registry.js';
import {App} from '../../views/App.js';
import {KEYS, keyClock, plain, press, settle, type} from '../views/harness.js';
import {startUpgradeRig} from './helpers.js';

test('read-only: u and :upgrade say why in one line and open nothing', async () => {
	const rig = await startUpgradeRig({readOnly: true});
	const controller = createUpgradeController({...rig.deps, store: rig.store});
	attachUpgrades(rig.store, controller);
	try {
		const app = render(<App store={rig.store} keymap={loadKeymap()} size={{columns: 200, rows: 40}} onQuit={() => {}} tickMs={0} commands={rig.services.commands} inputClock={keyClock} now={rig.clock} />);
		await settle();
		assert.match(plain(app.lastFrame() ?? ''), /\[read-only\] [^[]*\bu upgrade\b/);
		await press(app, 'u');
		assert.equal(rig.store.getState().ui.screen, 'fleet');
		assert.equal(rig.store.getState().notice?.text, 'upgrade is disabled (read-only)');
		await press(app, ' ', ' ', ':');
		await type(app, 'upgrade');
		await press(app, KEYS.enter);
		assert.equal(rig.store.getState().ui.screen, 'fleet', ':upgrade with marks opens nothing either');
		assert.equal(rig.store.getState().notice?.text, 'upgrade is disabled (read-only)');
		assert.equal(controller.view().stage, 'idle');
		assert.deepEqual(rig.writes(), []);
	} finally {
		controller.stop();
		cleanup();
		await rig.close();
	}
});
