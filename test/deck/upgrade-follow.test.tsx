import '../views/force-color.js';
// The `upgrade` layout: the plan beside the journal of the container under
// the plan's cursor — the log pane follows the upgrade pane's cursor while it
// has the keys (after the cursor rests, as in the fleet).

import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import React from 'react';
import {test} from 'node:test';
import {loadKeymap} from '../../keymaps/index.js';
import {createFollowController} from '../../source/services/logs/follow.js';
import {createLogsService} from '../../source/services/logs/panes.js';
import {createUpgradeController} from '../../source/services/upgrade/controller.js';
import {attachUpgrades} from '../../source/services/upgrade/registry.js';
import {App} from '../../views/App.js';
import {manualSources} from '../logs/helpers.js';
import {startUpgradeRig} from '../upgrade/helpers.js';
import {waitFor} from '../actions/helpers.js';
import {KEYS, plain, press, type, waitForFrame} from '../views/harness.js';

test('in the upgrade layout the log pane follows the plan cursor', async () => {
	const rig = await startUpgradeRig({packageSpeed: 20});
	const controller = createUpgradeController({...rig.deps, store: rig.store});
	attachUpgrades(rig.store, controller);
	const manual = manualSources();
	const logs = createLogsService({store: rig.store, renderIntervalMs: 5, sourceFor: manual.sourceFor});
	const pending: Array<() => void> = [];
	const follow = createFollowController({store: rig.store, logs, timers: {set: (fn) => (pending.push(fn), fn), clear: (fn) => pending.splice(pending.indexOf(fn as () => void) >>> 0, 1)}});
	follow.start();
	const rest = () => pending.splice(0).forEach((fn) => fn());
	const app = render(<App store={rig.store} keymap={loadKeymap()} size={{columns: 160, rows: 40}} onQuit={() => {}} tickMs={0} commands={rig.services.commands} now={rig.clock} />);
	try {
		await press(app, ':');
		await type(app, 'mark tag=media');
		await press(app, KEYS.enter, 'u');
		await waitForFrame(app, (f) => /Upgrade plan · 9 containers/.test(plain(f)));
		// u shows the plan zoomed; the upgrade layout puts it beside the log pane.
		await press(app, ':');
		await type(app, 'layout upgrade');
		await press(app, KEYS.enter);
		assert.match(plain(app.lastFrame()!), /▶\[5\] upgrade .*\[4\] logs/);
		rest();
		await press(app);
		assert.deepEqual(manual.sources.map((s) => s.spec), [{kind: 'guest', vmid: 100, node: 'pve', name: 'plex'}]);
		await press(app, 'j', 'j');
		assert.equal(manual.sources.length, 1, 'nothing opens per key');
		// Polled: on a loaded machine the second key may be handled a tick later; then the cursor rests.
		const cursor = () => {
			const view = controller.view();
			return view.stage === 'plan' ? view.plan.entries[view.cursor]?.vmid : undefined;
		};
		await waitFor('the plan cursor on 102 with its resting timer set', () => cursor() === 102 && pending.length > 0);
		rest();
		await waitForFrame(app, (f) => /\[4\] logs · journal 102 /.test(plain(f)));
		assert.equal(manual.sources.length, 2, 'one journal opened for the two keys');
		assert.equal((manual.sources[1]!.spec as {vmid: number}).vmid, 102);
		assert.match(plain(app.lastFrame()!), /\[4\] logs · journal 102 /);
	} finally {
		app.unmount();
		cleanup();
		follow.stop();
		logs.stop();
		controller.stop();
		await rig.close();
	}
});
