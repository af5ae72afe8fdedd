import '../views/force-color.js';
// Issue 10: guests on an offline node take no action. Every action key is
// dimmed with the reason in the footer and refused with one line that names
// the node; nothing opens and nothing is sent (which would only fail with
// "No route to host" after a dialog the user answered).

import assert from 'node:assert/strict';
import {cleanup} from 'ink-testing-library';
import {after, before, describe, it} from 'node:test';
import {plain, press} from '../views/harness.js';
import {renderConsole, selectByFilter, type Console} from './console.js';
import {startRig, type ActionRig} from './helpers.js';

describe('a guest on an offline node', () => {
	let rig: ActionRig;
	let app: Console;
	before(async () => {
		rig = await startRig({fixtureName: 'cluster'});
		app = await renderConsole(rig, {columns: 200, rows: 40});
		assert.equal(rig.store.getState().nodes.find((n) => n.name === 'pve3')?.status, 'offline', 'the cluster fixture has pve3 offline');
		await selectByFilter(app, '120');
		assert.equal(rig.store.getState().guests.get(rig.store.getState().ui.selectedVmid!)?.node, 'pve3');
	});
	after(async () => {
		cleanup();
		await rig.close();
	});

	it('the footer says why its action keys are off', () => {
		assert.match(plain(app.lastFrame() ?? ''), /\[node pve3 is offline\] s snapshot, r reboot, b roll back, u upgrade, d back up\b/);
	});

	it('each action key gives one line naming the node; nothing opens, nothing is sent', async () => {
		for (const [key, what] of [['s', 'snapshot'], ['r', 'reboot'], ['+', 'start'], ['-', 'shutdown'], ['x', 'stop'], ['b', 'rollback'], ['P', 'prune'], ['u', 'upgrade']] as const) {
			await press(app, key);
			assert.equal(rig.store.getState().dialog, undefined, key);
			assert.equal(rig.store.getState().ui.screen, 'fleet', key);
			assert.equal(rig.store.getState().notice?.text, `${what} is disabled (node pve3 is offline)`, key);
		}
		assert.deepEqual(rig.writes(), []);
	});

	it('the dispatcher refuses it too, whatever asks', async () => {
		const [outcome] = await rig.services.dispatcher.dispatch({action: 'start', targets: [120], params: {}}, {confirmed: true});
		assert.equal(outcome?.refused, true);
		assert.match(outcome?.result ?? '', /node pve3 is offline/);
		assert.deepEqual(rig.writes(), []);
	});
});
