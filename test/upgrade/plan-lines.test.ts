// Issue 10, safety on screen: the upgrade plan never cuts what explains a
// consequence. A skip reason or "no snapshot" reason is cut in its table cell,
// so the focused row's is shown whole below the table, and the confirm
// question wraps; at 60×20 and 160×50 alike, within the height given.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {UpgradeView} from '../../source/services/upgrade/controller.js';
import {DEFAULT_OPTIONS, type PlanEntry} from '../../source/services/upgrade/types.js';
import {upgradeLines} from '../../views/upgrade/upgrade-lines.js';

const REASON = 'no snapshot possible (snapshot feature is not available: mp0 is a bind mount /srv/media, which vzdump cannot snapshot)';

function entry(vmid: number, name: string, over: Partial<PlanEntry> = {}): PlanEntry {
	return {vmid, name, node: 'pve', tags: [], status: 'running', manager: 'apt', pending: 3, packages: [], reboot: false, snapshot: {possible: true}, action: 'upgrade', startStop: false, ...over};
}

const entries = [
	entry(100, 'plex'),
	entry(101, 'sonarr', {action: 'skip', skipReason: REASON, pending: undefined, snapshot: {possible: false, reason: 'mp0 is a bind mount'}}),
	entry(102, 'radarr', {snapshot: {possible: false, reason: 'mp0 is a bind mount /srv/media, which vzdump cannot snapshot'}}),
	...Array.from({length: 30}, (_, i) => entry(200 + i, `svc-${i}`)),
];

const planView = (cursor: number, confirm?: 'cancel' | 'ok'): UpgradeView => ({
	stage: 'plan',
	plan: {createdAt: 0, options: {...DEFAULT_OPTIONS, allowNoSnapshot: true}, entries},
	cursor,
	...(confirm ? {confirm} : {}),
});

/** A run in progress with 30 rows, as the run view reads it. */
function runView(ask: 'askQuit' | 'askStop'): UpgradeView {
	const rows = entries.map((e, i) => ({vmid: e.vmid, name: e.name, manager: e.manager, phase: i < 2 ? ('upgrade' as const) : ('queued' as const), packages: 3, lines: 0, ...(i < 2 ? {startedAt: 0} : {})}));
	const run = {
		id: 'up-1',
		rows: () => rows,
		status: () => ({concurrency: 2, running: 2, failures: 0, stopRequested: false, finished: false}),
		output: () => undefined,
	};
	return {stage: 'run', run, cursor: 0, [ask]: 'cancel'} as unknown as UpgradeView;
}

const prose = (lines: Array<{text: string}>) => lines.map((l) => l.text.trim()).join(' ');

for (const [width, rows] of [
	[60, 20],
	[160, 50],
] as const) {
	// The body the screen gets: the frame less the two header lines and the footer.
	const height = rows - 3;
	describe(`the upgrade plan at ${width}×${rows}`, () => {
		it("shows the focused row's skip reason whole", () => {
			const lines = upgradeLines(planView(1), width, height, 0);
			assert.ok(lines.length <= height);
			assert.ok(lines.every((l) => l.text.length <= width));
			assert.ok(prose(lines).includes(`101 sonarr: skip: ${REASON}`), prose(lines));
			assert.match(prose(lines), /Upgrade plan · 33 containers · concurrency 2 · rollback on · start-stopped off · without snapshot on/, 'the options read whole');
			assert.match(prose(lines), /upgrade 32 containers \(\d+ packages\), skip 1/);
		});

		it('the confirm question and its no-snapshot warning wrap, with the buttons on screen', () => {
			const lines = upgradeLines(planView(2, 'cancel'), width, height, 0);
			assert.ok(lines.length <= height);
			const text = prose(lines);
			assert.match(text, /Upgrade 32 containers \(\d+ packages\), at most 2 at once\? Each is snapshotted first and rolled back if it fails\./);
			assert.match(text, /1 cannot be snapshotted and will be upgraded WITHOUT a way back\./);
			assert.match(text, /102 radarr: upgrade WITHOUT snapshot \(mp0 is a bind mount \/srv\/media, which vzdump cannot snapshot\)/);
			assert.match(lines.at(-1)!.text, /\[▸Cancel◂\] {2}\[ Upgrade \]/);
		});

		it('the quit and stop questions during a run wrap and keep their buttons', () => {
			const quit = upgradeLines(runView('askQuit'), width, height, 1000);
			assert.ok(quit.length <= height);
			assert.match(prose(quit), /Quit while 2 containers are being upgraded\? The run stops where it stands\. The next start on this host offers to resume it: finished containers are kept, those caught mid-step are rolled back\./);
			assert.match(quit.at(-1)!.text, /\[▸Keep running◂\] {2}\[ Quit \]/);
			const stop = upgradeLines(runView('askStop'), width, height, 1000);
			assert.match(prose(stop), /Stop starting new containers\? The 2 in flight finish, rollbacks included\./);
			assert.match(stop.at(-1)!.text, /\[▸Keep going◂\] {2}\[ Stop new ones \]/);
		});
	});
}
