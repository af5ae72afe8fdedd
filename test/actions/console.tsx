// The console as a user drives it in the action tests: the real App over a
// rig's store and command interface, the dialog guard's clock stepped by the
// harness (keyClock), and a guest selected the way a user would: `/name` enter.

import {render} from 'ink-testing-library';
import React from 'react';
import {loadKeymap} from '../../keymaps/index.js';
import {App} from '../../views/App.js';
import assert from 'node:assert/strict';
import {KEYS, keyClock, plain, press, settle, type} from '../views/harness.js';
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

/** The last frame as plain text. */
export const frame = (app: Console): string => plain(app.lastFrame() ?? '');

/** Polls the frame until it matches (a task's notice arrives when the task ends). */
export async function waitForText(app: Console, pattern: RegExp, ms = 20_000): Promise<string> {
	const until = Date.now() + ms;
	for (;;) {
		const text = frame(app);
		if (pattern.test(text)) return text;
		if (Date.now() > until) assert.fail(`frame never matched ${pattern}; last frame:\n${text}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
