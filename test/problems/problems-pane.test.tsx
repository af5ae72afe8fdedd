import '../views/force-color.js';
// The problems pane in the default deck, driven as a user would against the
// simulator in the incident scenario: the header's counts, the ranked and
// correlated lines, Enter jumping to each problem's place, and S starting the
// down gateway behind the usual confirm (refused in read-only).

import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import React from 'react';
import {after, afterEach, test} from 'node:test';
import {loadKeymap} from '../../keymaps/index.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {applyScenario} from '../../source/sim/scenarios.js';
import {App} from '../../views/App.js';
import {KEYS, keyClock, plain, press, settle} from '../views/harness.js';
import {startRig, waitFor, type ActionRig} from '../actions/helpers.js';

const rigs: ActionRig[] = [];
afterEach(() => cleanup());
after(async () => {
	for (const rig of rigs) await rig.close();
});

async function incident(options: {readOnly?: boolean} = {}) {
	const rig = await startRig({fixture: applyScenario(loadFixture(BUILTIN_FIXTURES.homelab), 'incident'), ...options});
	rigs.push(rig);
	await waitFor('the problems', () => rig.store.getState().problems.list.find((p) => p.id === 'gateway-down:300')?.details?.length === 2);
	await waitFor('the pools', () => rig.store.getState().problems.list.some((p) => p.id === 'pool-health:pve/tank'));
	const app = render(<App store={rig.store} keymap={loadKeymap()} size={{columns: 160, rows: 50}} onQuit={() => {}} tickMs={0} commands={rig.services.commands} inputClock={keyClock} now={rig.clock} />);
	Object.defineProperty(app.stdout, 'columns', {value: 160, configurable: true});
	app.stdout.emit('resize');
	await settle();
	return {rig, app, frame: () => plain(app.lastFrame() ?? '')};
}

test('the default deck answers "what is wrong?" with no key: header counts and the ranked, correlated problems', async () => {
	const {rig, frame} = await incident();
	const {counts} = rig.store.getState().problems;
	const text = frame();
	const lines = text.split('\n');
	// The header's second line starts with the counts.
	assert.match(lines[1]!, new RegExp(`^✖ ${counts.critical} critical · ▲ ${counts.warning} warning │`));
	assert.match(text, new RegExp(`\\[7\\] problems · ✖ ${counts.critical} critical · ▲ ${counts.warning} warning`));
	// Worst first, with the gateway's dependents under it and its fix offered.
	const first = lines.findIndex((l) => /✖ pool tank on pve is DEGRADED/.test(l));
	const gateway = lines.findIndex((l) => /✖ gateway 300 wireguard is stopped — cuts off 2 guests \[S\] +now$/.test(l));
	assert.ok(first > 0 && gateway > first, text);
	assert.match(lines[gateway + 1]!, /↳ 105 prowlarr \(running, routes through wireguard\)/);
	assert.match(lines[gateway + 2]!, /↳ 106 qbittorrent \(running, routes through wireguard\)/);
	assert.match(text, /✖ 201 prometheus: disk 95 % \(≥ 90 %\)/);
});

test('7 focuses the problems (zoomed); Enter goes to each problem\'s place', async () => {
	const {rig, app, frame} = await incident();
	const state = () => rig.store.getState();
	const cursorTo = async (id: string) => {
		await press(app, 'g');
		const index = state().problems.list.findIndex((p) => p.id === id);
		assert.ok(index >= 0, id);
		for (let i = 0; i < index; i++) await press(app, 'j');
		assert.equal(state().problems.list[state().problems.cursor]!.id, id);
	};
	await press(app, '7');
	assert.equal(state().ui.screen, 'problems');
	assert.match(frame(), /▶\[7\] problems/);
	assert.match(frame().split('\n').at(-1)!, /enter go to it/);

	// The gateway: the fleet shows it and the guests it cuts off.
	await cursorTo('gateway-down:300');
	await press(app, KEYS.enter);
	assert.equal(state().ui.vmidFilter?.label, 'gateway 300 and dependents');
	assert.deepEqual([...state().ui.vmidFilter!.vmids].sort(), [105, 106, 300]);
	assert.equal(state().ui.selectedVmid, 300, 'the cursor is on the gateway itself, not a dependent');
	await press(app, KEYS.esc);

	// A guest's disk: the fleet with that guest selected.
	await press(app, '7');
	await cursorTo('guest-disk:201');
	await press(app, KEYS.enter);
	assert.equal(state().ui.screen, 'fleet');
	assert.equal(state().ui.selectedVmid, 201);

	// The pool: the ZFS pane, zoomed.
	await press(app, '7');
	await cursorTo('pool-health:pve/tank');
	await press(app, KEYS.enter);
	assert.equal(state().ui.screen, 'zfs');
	assert.equal(state().deck.zoomed, true);

	// The failed backup: the tasks pane with the cursor on it.
	await press(app, '7');
	const task = state().problems.list.find((p) => p.rule === 'task-failed' && /vzdump 401/.test(p.text))!;
	await cursorTo(task.id);
	await press(app, KEYS.enter);
	assert.equal(state().ui.screen, 'tasks');
	const upid = (task.target as {upid: string}).upid;
	assert.equal(state().tasks[state().taskCursor]!.upid, upid);
});

test('S starts the down gateway behind a confirm (Cancel focused), audited; read-only refuses it in one line', async () => {
	const {rig, app, frame} = await incident();
	await press(app, '!');
	await press(app, 'S');
	assert.match(frame(), /start wireguard \(300\) — they should be running \(problems\)\?/);
	assert.match(frame(), /\$ pct start 300/);
	await press(app, KEYS.enter); // Cancel has the focus
	assert.equal(rig.writes().length, 0);
	await press(app, 'S');
	await press(app, '\t');
	await press(app, KEYS.enter);
	await waitFor('the start', () => rig.writes().some((r) => r.path === '/nodes/pve/lxc/300/status/start'));
	await waitFor('the audit entry', () => rig.auditLines().some((l) => l.action === 'start' && JSON.stringify(l.targets) === '[300]'));

	cleanup();
	const ro = await incident({readOnly: true});
	await press(ro.app, '7');
	await press(ro.app, 'S');
	assert.doesNotMatch(ro.frame(), /should be running \(problems\)\?/);
	// One line on the pane's title, not only the footer's dimmed hint.
	assert.match(ro.frame(), /\[7\] problems · .*is disabled \(read-only\)/);
	assert.equal(ro.rig.writes().length, 0);
});

test('before the rules have run once, the pane says it is evaluating, not that there are no problems', async () => {
	const {createAppStore} = await import('../../source/store/store.js');
	const {fixtureNamed, guestRowsOf, nodeSummariesOf} = await import('../topology/fixture-input.js');
	const {NOW, renderApp} = await import('../views/render.js');
	// The first fleet is drawn before the rules run on it (problems-service.ts).
	const fixture = fixtureNamed('homelab');
	const store = createAppStore({target: 'sim', demo: true, readOnly: false});
	store.getState().actions.fleetReceived({guests: guestRowsOf(fixture), nodes: nodeSummariesOf(fixture), receivedAt: NOW - 2000});
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	const before = plain(app.lastFrame() ?? '');
	assert.match(before, /\[7\] problems · evaluating…/);
	assert.doesNotMatch(before, /no problems/);
	store.getState().actions.problemsEvaluated([], {critical: 0, warning: 0, info: 0}, NOW);
	await settle();
	assert.match(plain(app.lastFrame() ?? ''), /\[7\] problems · no problems/);
});
