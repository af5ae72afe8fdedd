// A console over the simulator for the backup tests: the action rig, its
// backups read once, the real App rendered at 190×50 with the fleet zoomed.
// Call inside a describe(): it registers the before/after hooks.

import {cleanup} from 'ink-testing-library';
import {after, before} from 'node:test';
import {press} from '../views/harness.js';
import {renderConsole, type Console} from '../actions/console.js';
import {startRig, waitFor, type ActionRig} from '../actions/helpers.js';

export interface BackupConsole {
	rig: ActionRig;
	app: Console;
}

/** Filled in before the describe's tests run. */
export function useBackupConsole(options: Parameters<typeof startRig>[0] = {}): BackupConsole {
	const t = {} as BackupConsole;
	before(async () => {
		t.rig = await startRig(options);
		await waitFor('the backups read', () => t.rig.store.getState().backups.readAt !== undefined);
		t.app = await renderConsole(t.rig, {columns: 190, rows: 50});
		await press(t.app, '1');
	});
	after(async () => {
		cleanup();
		await t.rig?.close();
	});
	return t;
}
