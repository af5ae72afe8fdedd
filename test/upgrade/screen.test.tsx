import '../views/force-color.js';
// The upgrade screen driven by keys over the simulator: `:mark tag=security`,
// `u` shows the plan (manager, pending, snapshot, skip reasons), the confirm
// dialog has Cancel focused, enter on Upgrade runs it with rows, progress and
// the focused container's output; `+` changes the concurrency; q asks whether
// to stop starting new ones. Every frame stays within rows − 1 lines.

import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import React from 'react';
import {after, before, test} from 'node:test';
import {loadKeymap} from '../../keymaps/index.js';
import {createUpgradeController, type UpgradeController} from '../../source/services/upgrade/controller.js';
import {attachUpgrades} from '../../source/services/upgrade/registry.js';
import {REAL_TICKER, type Ticker} from '../../source/sim/ssh/commands.js';
import {App} from '../../views/App.js';
import {KEYS, plain, press, type, keyClock} from '../views/harness.js';
import {startUpgradeRig, type UpgradeRig} from './helpers.js';

const ROWS = 40;
let rig: UpgradeRig;
let controller: UpgradeController;

/**
 * Real time for the package output, except that it can stand still: the run stays in
 * progress while the test looks at it, however slow or fast the machine is (on a
 * loaded one the whole run used to finish before the checks of a running run).
 */
function gatedTicker(): Ticker & {pause(): void; resume(): void} {
	let offset = 0;
	let pausedAt: number | undefined;
	const now = () => pausedAt ?? performance.now() - offset;
	return {
		now,
		every: (ms, fn) => REAL_TICKER.every(ms, fn),
		pause() {
			pausedAt ??= now();
		},
		resume() {
			if (pausedAt === undefined) return;
			offset = performance.now() - pausedAt;
			pausedAt = undefined;
		},
	};
}
const ticker = gatedTicker();

before(async () => {
	rig = await startUpgradeRig({packageSpeed: 20, ticker});
	// The engine's own dependencies (rig.deps) and the store: as the console wires it.
	controller = createUpgradeController({
		...rig.deps,
		store: rig.store,
		// Generous: no phase may time out, even while the package output stands still below.
		options: {phaseTimeoutMs: 120_000},
	});
	attachUpgrades(rig.store, controller);
});

after(async () => {
	cleanup();
	controller.stop();
	await rig.close();
});

async function waitForText(app: ReturnType<typeof render>, pattern: RegExp, ms = 20_000): Promise<string> {
	const until = Date.now() + ms;
	for (;;) {
		const text = plain(app.lastFrame() ?? '');
		assert.ok(text.split('\n').length <= ROWS - 1, `frame taller than rows − 1:\n${text}`);
		if (pattern.test(text)) return text;
		if (Date.now() > until) assert.fail(`frame never matched ${pattern}; last frame:\n${text}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

test('mark by tag, plan, confirm, run, change concurrency, ask to stop', async () => {
	const app = render(<App store={rig.store} keymap={loadKeymap()} size={{columns: 140, rows: ROWS}} onQuit={() => {}} tickMs={0} commands={rig.services.commands} inputClock={keyClock} now={rig.clock} />);
	await press(app, ':');
	await type(app, 'mark tag=media');
	await press(app, KEYS.enter);
	await waitForText(app, /marked 9 guests with tag=media/);
	assert.equal(rig.store.getState().marks.size, 9);

	await press(app, 'u');
	const plan = await waitForText(app, /Upgrade plan · 9 containers/);
	assert.match(plan, /100 +plex +apt +5 +yes +yes +upgrade/);
	assert.match(plan, /101 +sonarr +apt +\? +no +skip: no snapshot possible \(snapshot feature is not available: mp0 is a bind mount/);
	assert.match(plan, /108 +tautulli .*skip: up to date/);

	// Confirm: Cancel is focused; enter on it changes nothing.
	await press(app, KEYS.enter);
	let text = await waitForText(app, /\[▸Cancel◂\]/);
	assert.match(text, /Upgrade \d+ containers \(\d+ packages\), at most 2 at once\?/);
	await press(app, KEYS.enter);
	await waitForText(app, /enter confirm · S start-stopped/);
	assert.equal(rig.writes().length, 0);

	// The package output stands still until the checks of a running run are done.
	ticker.pause();
	await press(app, KEYS.enter, '\t', KEYS.enter);
	text = await waitForText(app, /Upgrade run up-\S+\n.*concurrency 2/);
	assert.match(text, /CT +NAME +MGR +PHASE +TIME +PKGS +RESULT/);
	await press(app, '+');
	await waitForText(app, /concurrency 3/);
	// The focused container's output streams below the table.
	await waitForText(app, /── output of 100 plex[\s\S]*\$ apt-get update/);

	await press(app, 'q');
	text = await waitForText(app, /Stop starting new containers\?/);
	assert.match(text, /\[▸Keep going◂\]/);
	await press(app, KEYS.esc);
	await waitForText(app, /q stop starting new ones/);
	ticker.resume();

	text = await waitForText(app, /finished[\s\S]*upgraded \d+ · rolled back 0 · failed 0/, 60_000);
	assert.match(text, /100 +plex +apt +done .*upgraded/);
	assert.match(text, /101 +sonarr +apt +skipped .*skipped: no snapshot possible/, 'a skipped row says skipped, not done');
	assert.match(text, /\nsummary \/\S+\.summary\.md\n/, 'the summary path on a line of its own');
	assert.equal(rig.sim.state.upgradeStats.peak <= 3, true);
	await press(app, KEYS.esc);
	await waitForText(app, /plex/);
	assert.equal(rig.store.getState().ui.screen, 'fleet');
});
