// The fleet pane's columns in the default deck once the backups were read
// (issue 11 item 8): LAST BACKUP arrives and takes its place by the declared
// ranking (views/columns.ts) — after TAGS, before BRIDGE/IP and UPTIME — so
// at 160×50 a guest's roles and its last backup's age are both on screen,
// and at 120×40 what is left is what ranks highest.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {COLUMNS} from '../../views/columns.js';
import {frame, renderConsole, waitForText, type Console} from '../actions/console.js';
import {startRig, waitFor, type ActionRig} from '../actions/helpers.js';

/** The fleet pane's column titles: its header line (the frame's 4th) up to the pane beside it. */
function fleetTitles(app: Console): string[] {
	const header = frame(app).split('\n')[3]!;
	const known = new Set(COLUMNS.flatMap((c) => [c.title, c.shortTitle]));
	const titles: string[] = [];
	// Titles are single words but LAST BACKUP; the pane beside starts with a word no column has.
	for (const word of header.replace('LAST BACKUP', 'LAST_BACKUP').trim().split(/\s+/)) {
		const title = word.replace('_', ' ').replace(/[▲▼]$/, '');
		if (!known.has(title)) break;
		titles.push(title);
	}
	return titles;
}

/** A guest's frame line: its fleet row (the line starting with its VMID) and whatever pane is beside it. */
function rowOf(app: Console, vmid: number): string {
	const line = frame(app).split('\n').find((l) => new RegExp(`^[ ●]+${vmid} `).test(l));
	assert.ok(line, `no row for ${vmid} in\n${frame(app)}`);
	return line;
}

describe('the default deck\'s fleet pane with the backups read (homelab)', () => {
	let rig: ActionRig;
	before(async () => {
		rig = await startRig();
		await waitFor('the backups read', () => rig.store.getState().backups.readAt !== undefined);
	});
	after(async () => {
		cleanup();
		await rig?.close();
	});

	it('160×50: TAGS whole and LAST BACKUP beside it; BRIDGE/IP gives way (the topology pane has the selected guest\'s)', async () => {
		const app = await renderConsole(rig, {columns: 160, rows: 50});
		await waitForText(app, /LAST BACKUP/);
		assert.deepEqual(fleetTitles(app), ['VMID', 'NAME', 'STATUS', 'CPU%', 'MEM', 'DISK', 'LAST BACKUP', 'UPTIME', 'TAGS']);
		// plex: backed up 6 h ago, tags whole; the widest tags on screen whole too; sonarr never backed up.
		assert.match(rowOf(app, 100), /100 plex +running .* 6h +\d+d \d+h gpu,media(\s|$)/);
		assert.match(rowOf(app, 201), /201 prometheus +running .* 6h +\d+d \d+h db,monitoring(\s|$)/);
		assert.match(rowOf(app, 300), /300 wireguard +running .* \d+h +\d+d \d+h security,vpn(\s|$)/);
		assert.match(rowOf(app, 101), /101 sonarr .* never .* media(\s|$)/);
		// The topology pane beside it still names plex's bridge and uplink.
		assert.match(frame(app), /▸ 100 plex → pve\/vmbr0 → uplink 192\.168\.0\.1/);
		cleanup();
	});

	it('120×40: the resources and TAGS, whole; LAST BACKUP (ranked after TAGS) does not fit beside them', async () => {
		const app = await renderConsole(rig, {columns: 120, rows: 40});
		await waitForText(app, /fleet · guests 28/);
		assert.deepEqual(fleetTitles(app), ['VMID', 'NAME', 'STATUS', 'CPU%', 'MEM', 'DISK', 'TAGS']);
		assert.match(rowOf(app, 201), /201 prometheus .* db,monitoring(\s|$)/);
		assert.match(rowOf(app, 105), /105 prowlarr .* media,vpn(\s|$)/);
		cleanup();
	});

	it('80 columns (the fleet pane alone in width): TAGS and the narrow BACKUP both fit, the age right-aligned under it', async () => {
		const app = await renderConsole(rig, {columns: 80, rows: 24});
		await waitForText(app, /fleet · guests 28/);
		assert.deepEqual(fleetTitles(app), ['VMID', 'NAME', 'STATUS', 'CPU%', 'MEM', 'DISK', 'BACKUP', 'TAGS']);
		assert.match(rowOf(app, 100), /100 plex .* +6h gpu,media/);
		assert.match(rowOf(app, 101), /101 sonarr .* never media/);
		cleanup();
	});
});
