// The console as a user drives it in the action tests: the real App over a
// rig's store and command interface, the dialog guard's clock stepped by the
// harness (keyClock), and a guest selected the way a user would: `/name` enter.

import {render} from 'ink-testing-library';
import React from 'react';
import {loadKeymap} from '../../keymaps/index.js';
import {App} from '../../views/App.js';
import {KEYS, keyClock, press, settle, type} from '../views/harness.js';
import type {ActionRig} from './helpers.js';

export type Console = ReturnType<typeof render>;

export async function renderConsole(rig: ActionRig, size: {columns: number; rows: number} = {columns: 150, rows: 40}): Promise<Console> {
	const app = render(<App store={rig.store} keymap={loadKeymap()} size={size} onQuit={() => {}} tickMs={0} commands={rig.services.commands} inputClock={keyClock} now={rig.clock} />);
	await settle();
	return app;
}

export async function selectByFilter(app: Console, text: string): Promise<void> {
	await press(app, '/');
	await type(app, text);
	await press(app, KEYS.enter);
}
