// A pane whose content did not change is not redrawn (issue 11's performance
// item, issue 12's guard): an idle fleet poll — every guest's CPU moved, no
// name, state or NIC changed — redraws the fleet pane and no other; a change a
// pane draws from redraws that pane. And the header draws nothing between
// polls while the data is live.

import '../views/force-color.js';
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup, render} from 'ink-testing-library';
import React, {Profiler} from 'react';
import {loadKeymap} from '../../keymaps/index.js';
import type {NetworkIface} from '../../source/store/screen-types.js';
import {createAppStore} from '../../source/store/store.js';
import type {GuestRow} from '../../source/store/types.js';
import {listNics} from '../../source/util/pve-config.js';
import {App} from '../../views/App.js';
import {paneRenderCounts, resetPaneRenderCounts} from '../../views/deck/pane-renders.js';
import {fixtureNamed, guestRowsOf, nodeSummariesOf} from '../topology/fixture-input.js';
import {keyClock, plain, settle, waitForFrame} from '../views/harness.js';
import {NOW, renderApp} from '../views/render.js';

afterEach(() => cleanup());

function homelab() {
	const fixture = fixtureNamed('homelab');
	const store = createAppStore({target: 'sim', demo: true, readOnly: false});
	const rows = guestRowsOf(fixture);
	const nodes = nodeSummariesOf(fixture);
	const a = store.getState().actions;
	a.fleetReceived({guests: rows, nodes, receivedAt: NOW - 12_000});
	a.topologyNics(fixture.guests.map((g) => [g.vmid, listNics(g.config as Record<string, unknown>, g.type)]), undefined);
	a.topologyNetworks(new Map(fixture.nodes.filter((n) => n.online).map((n) => [n.name, n.network as NetworkIface[]])), new Map(), NOW - 3000);
	return {store, rows, nodes};
}

/** The next poll of an idle fleet: the same guests, each one's CPU and memory a little different. */
function drift(rows: GuestRow[], step: number): GuestRow[] {
	return rows.map((r) => (r.status === 'running' ? {...r, cpu: (r.cpu + 0.013 * step) % 1, mem: r.mem + step * 4096} : r));
}

test('an idle fleet poll redraws the fleet pane, not topology, ZFS, logs, problems or tasks', async () => {
	const {store, rows, nodes} = homelab();
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	const drawn = [...paneRenderCounts().keys()];
	assert.ok(['fleet', 'topology', 'zfs', 'problems'].every((id) => drawn.some((d) => d.startsWith(id))), `panes drawn: ${drawn.join(', ')}`);
	const before = plain(app.lastFrame() ?? '');
	resetPaneRenderCounts();
	for (let step = 1; step <= 5; step++) {
		store.getState().actions.fleetReceived({guests: drift(rows, step), nodes, receivedAt: NOW - 12_000 + step});
		await settle();
	}
	const counts = paneRenderCounts();
	const fleet = [...counts].filter(([id]) => id.startsWith('fleet')).reduce((n, [, c]) => n + c, 0);
	assert.ok(fleet >= 5, `the fleet pane redraws once per poll (${fleet})`);
	const others = [...counts].filter(([id]) => !id.startsWith('fleet'));
	assert.deepEqual(others, [], `no other pane redraws on an idle poll: ${others.map(([id, n]) => `${id}×${n}`).join(', ')}`);
	assert.notEqual(plain(app.lastFrame() ?? ''), before, 'the fleet really changed on screen');
});

test('a change a pane draws from redraws that pane: a guest stopping redraws the topology pane', async () => {
	const {store, rows, nodes} = homelab();
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	resetPaneRenderCounts();
	const stopped = rows.map((r) => (r.vmid === 300 ? {...r, status: 'stopped'} : r));
	store.getState().actions.fleetReceived({guests: stopped, nodes, receivedAt: NOW});
	await settle();
	assert.ok([...paneRenderCounts().keys()].some((id) => id.startsWith('topology')), 'topology redrawn');
	await waitForFrame(app, (f) => /gateway/i.test(plain(f)) && /stopped|down/.test(plain(f)));
});

test('the header draws nothing between polls while the data is live, and counts its age once it is 10 s old', async () => {
	const {store, rows, nodes} = homelab();
	let now = NOW;
	store.getState().actions.fleetReceived({guests: rows, nodes, receivedAt: now});
	const app = render(<App store={store} keymap={loadKeymap()} size={{columns: 160, rows: 50}} onQuit={() => {}} now={() => now} tickMs={20} inputClock={keyClock} />);
	await waitForFrame(app, (f) => /│ live/.test(plain(f)));
	const frames = app.frames.length;
	// Eight seconds pass (the header looks at the clock 20 times): nothing to redraw.
	for (let i = 0; i < 20; i++) {
		now += 400;
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	assert.equal(app.frames.length, frames, 'no frame while "live" stays "live"');
	now = NOW + 12_000;
	const frame = await waitForFrame(app, (f) => plain(f).includes('refreshed 12s ago'));
	assert.match(plain(frame), /refreshed 12s ago/);
});

test('a poll that changes nothing on screen draws no frame; one that does, draws one', async () => {
	const {store, rows, nodes} = homelab();
	store.getState().actions.fleetReceived({guests: rows, nodes, receivedAt: NOW - 3000});
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	await waitForFrame(app, (f) => /│ live/.test(plain(f)));
	await settle();
	const frames = app.frames.length;
	// The same guests a moment later (the header stays "live"), then each running guest's CPU moved by less than its shown percent.
	store.getState().actions.fleetReceived({guests: rows, nodes, receivedAt: NOW - 2000});
	await settle();
	store.getState().actions.fleetReceived({guests: rows.map((r) => (r.status === 'running' ? {...r, cpu: r.cpu + 1e-7} : r)), nodes, receivedAt: NOW - 1000});
	await settle();
	assert.equal(app.frames.length, frames, 'React re-rendered, but no node changed: no frame laid out or written');
	store.getState().actions.fleetReceived({guests: drift(rows, 3), nodes, receivedAt: NOW - 500});
	await settle();
	assert.ok(app.frames.length > frames, 'a figure that changed on screen draws a frame');
});

test('an unchanged poll re-renders nothing, and the header still reads live from the polls that keep coming', async () => {
	const {store, rows, nodes} = homelab();
	let now = NOW;
	store.getState().actions.fleetReceived({guests: rows, nodes, receivedAt: now});
	let commits = 0;
	const app = render(
		<Profiler id="console" onRender={() => commits++}>
			<App store={store} keymap={loadKeymap()} size={{columns: 160, rows: 50}} onQuit={() => {}} now={() => now} tickMs={20} inputClock={keyClock} />
		</Profiler>,
	);
	await waitForFrame(app, (f) => /│ live/.test(plain(f)));
	await settle();
	commits = 0;
	resetPaneRenderCounts();
	// Twenty seconds of 2-s polls that find the fleet as it was: only the poll's time moves.
	for (let i = 0; i < 10; i++) {
		now += 2000;
		store.getState().actions.fleetReceived({guests: rows, nodes, receivedAt: now});
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	assert.deepEqual([...paneRenderCounts()], [], 'no pane redrawn');
	assert.equal(commits, 0, 'no component re-rendered for a poll that changed nothing but its time');
	assert.match(plain(app.lastFrame() ?? ''), /│ live/, 'the header reads the newest poll time, so the data is live, not 20 s old');
	// Polls stop: the header's clock finds the last poll's time and counts its age.
	now += 12_000;
	await waitForFrame(app, (f) => plain(f).includes('refreshed 12s ago'));
});
