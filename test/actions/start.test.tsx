import '../views/force-color.js';
// + starts the selected container at once and says its pct equivalent; with
// several marked it asks first (OK / Cancel, Cancel focused).

import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import React from 'react';
import {after, before, test} from 'node:test';
import {loadKeymap} from '../../keymaps/index.js';
import {App} from '../../views/App.js';
import {KEYS, plain, press, settle, type, keyClock} from '../views/harness.js';
import {startRig, waitFor, type ActionRig} from './helpers.js';

let rig: ActionRig;
before(async () => {
	rig = await startRig();
});
after(async () => {
	cleanup();
	await rig.close();
});

test('+ on one stopped container starts it and shows `pct start`; on two marked it asks first', async () => {
	const app = render(<App store={rig.store} keymap={loadKeymap()} size={{columns: 150, rows: 40}} onQuit={() => {}} tickMs={0} commands={rig.services.commands} inputClock={keyClock} />);
	await settle();
	await press(app, '/');
	await type(app, 'immich-backup');
	await press(app, KEYS.enter);
	await press(app, '+');
	assert.match(plain(app.lastFrame() ?? ''), /starting immich-backup \(402\) · \$ pct start 402/);
	await waitFor('the start request', () => rig.writes().some((r) => r.path === '/nodes/pve/lxc/402/status/start'));

	await press(app, KEYS.esc, KEYS.esc); // clear the filter
	await press(app, ' ', ' '); // mark two rows
	const before = rig.writes().length;
	await press(app, '+');
	const text = plain(app.lastFrame() ?? '');
	assert.match(text, /start 2 containers\?/);
	assert.match(text, /\$ pct start \d+/);
	assert.match(text, /\[?▸?\s*Cancel/);
	await press(app, KEYS.enter); // Cancel is focused
	assert.equal(rig.store.getState().dialog, undefined);
	assert.equal(rig.writes().length, before, 'nothing was sent');
	app.unmount();
});
