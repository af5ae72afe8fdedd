// The deck inside the App, as a user sees and drives it: the default deck at
// every size, focus and zoom, layouts, the log pane following the selection
// once the cursor rests, and the compact topology/ZFS panes following it too.

import '../views/force-color.js';
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {createFollowController, type FollowTimers} from '../../source/services/logs/follow.js';
import {createLogsService} from '../../source/services/logs/panes.js';
import {attachLayouts} from '../../views/deck/layout-registry.js';
import {allLayouts, parseUserLayouts} from '../../views/deck/layouts.js';
import {manualSources} from '../logs/helpers.js';
import {homelabStore} from './homelab-store.js';
import {DECK_NOTICE_MS} from '../../views/deck/DeckView.js';
import {keyLabel, loadKeymap} from '../../keymaps/index.js';
import {COMMANDS} from '../../views/commands.js';
import {KEYS, plain, press, selectedLine, type, waitForFrame} from '../views/harness.js';
import {NOW, renderApp} from '../views/render.js';

afterEach(() => cleanup());

const frameOf = (app: {lastFrame(): string | undefined}) => plain(app.lastFrame() ?? '');

/** The text of every inverse run but the focused pane's title: the fleet's selected row and a focused pane's cursor line. */
function cursorLines(frame: string): string[] {
	return [...frame.matchAll(/\u001B\[7m(.*?)\u001B\[27m/g)].map((m) => plain(m[1]!)).filter((t) => !t.startsWith('▶') && t.trim() !== '');
}
const titles = (frame: string) => [...frame.matchAll(/[▶ ]\[([\d()])\] (\w+)/g)].map((m) => m[2]);

function assertFits(frame: string, size: {columns: number; rows: number}) {
	const lines = frame.split('\n');
	assert.ok(lines.length <= size.rows - 1, `${lines.length} lines at ${size.columns}×${size.rows}`);
	for (const line of lines) assert.ok([...line].length <= size.columns, `wider than ${size.columns}: ${line}`);
}

for (const size of [
	{columns: 200, rows: 60},
	{columns: 160, rows: 50},
	{columns: 120, rows: 40},
]) {
	test(`the default deck at ${size.columns}×${size.rows}: fleet, topology, ZFS, logs, problems and tasks at once`, async () => {
		const app = await renderApp(homelabStore({stopped: [300]}), {size});
		const frame = frameOf(app);
		assertFits(frame, size);
		assert.deepEqual(titles(frame), ['fleet', 'topology', 'ZFS', 'logs', 'problems', 'tasks']);
		assert.match(frame, /▶\[1\] fleet · guests 28/, 'the fleet has the keys and is marked');
		// Topology, without a key: the WireGuard gateway is down and who it cuts off.
		assert.match(frame, /300 wireguard DOWN \(stopped\) → 105 prowlarr/);
		assert.match(frame, /✗ gateway 300 wireguard/);
		// ZFS, without a key: the tank pool's bar and its snapshot space, then what fills it.
		assert.match(frame, /pve\/tank █+░+ (pool )?62% raw .*· snapshots 206G/);
		assert.match(frame, /Top consumers/);
		assert.match(frame, /100 plex 900G .*snaps 120G/);
		// Tasks: relative times and the failed one first.
		assert.match(frame, /\[6\] tasks · 3 · 1 failed in the last hour/);
		assert.match(frame, /✗ +12m ago +vzsnapshot/);
		assert.match(frame, /\? help$/, 'help is always in the footer');
	});
}

test('80×24 drops ZFS and topology first; 60×20 keeps fleet and logs; 60×12 shows one pane under a tab bar', async () => {
	let app = await renderApp(homelabStore(), {size: {columns: 80, rows: 24}});
	let frame = frameOf(app);
	assertFits(frame, {columns: 80, rows: 24});
	assert.deepEqual(titles(frame), ['fleet', 'logs', 'problems', 'tasks']);
	// A dropped pane is still a digit away.
	await press(app, '2');
	assert.match(frameOf(app), /▶\[2\] topology · .*\[Z\]/);
	assert.match(frameOf(app), /Bridge topology · networks read/);
	cleanup();
	app = await renderApp(homelabStore(), {size: {columns: 60, rows: 20}});
	frame = frameOf(app);
	assertFits(frame, {columns: 60, rows: 20});
	assert.deepEqual(titles(frame), ['fleet', 'logs']);
	cleanup();
	app = await renderApp(homelabStore(), {size: {columns: 60, rows: 12}});
	frame = frameOf(app);
	assertFits(frame, {columns: 60, rows: 12});
	assert.match(frame.split('\n')[2]!, /^\[1\] fleet │\[2\] topology │\[3\] ZFS │\[4\] logs │\[7\] problems │/);
	assert.match(frame, /▶\[1\] fleet/);
	// Under the tab bar, Tab shows the next pane in the same place.
	await press(app, '\t');
	assert.match(frameOf(app), /▶\[2\] topology/);
	assert.doesNotMatch(frameOf(app), /▶\[1\] fleet/);
});

test('Tab and Shift+Tab move the focus; z zooms the focused pane and back; the footer shows its keys', async () => {
	const store = homelabStore();
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	const footer = () => frameOf(app).split('\n').at(-1)!;
	// Without a connection the action keys are grouped under their reason, still first.
	assert.match(footer(), /^\[no connection\] s snapshot/);
	await press(app, '\t');
	assert.match(frameOf(app), /▶\[2\] topology/);
	assert.equal(store.getState().ui.screen, 'topology');
	assert.match(footer(), /j\/↓ down .*enter its guests/);
	await press(app, '\t', '\t', '\t', '\t');
	assert.match(frameOf(app), /▶\[6\] tasks/);
	assert.match(footer(), /f failed \/ all/);
	await press(app, '\u001B[Z');
	assert.match(frameOf(app), /▶\[7\] problems/);
	await press(app, '\u001B[Z');
	assert.match(frameOf(app), /▶\[4\] logs/);
	await press(app, '\u001B[Z', '\u001B[Z');
	assert.match(frameOf(app), /▶\[2\] topology/);
	await press(app, 'z');
	let frame = frameOf(app);
	assert.deepEqual(titles(frame), ['topology']);
	assert.match(frame, /\[Z\] z: back to the deck/);
	assert.match(frame, /Bridge topology · networks read/, 'zoomed, the pane is the full screen it was');
	await press(app, 'z');
	frame = frameOf(app);
	assert.deepEqual(titles(frame), ['fleet', 'topology', 'ZFS', 'logs', 'problems', 'tasks']);
	assert.match(frame, /▶\[2\] topology/, 'unzoomed, the focus stays');
	// 1–5 focus and zoom that pane (the old screens); the same digit again goes back to the deck.
	await press(app, '3');
	assert.equal(store.getState().ui.screen, 'zfs');
	assert.match(frameOf(app), /ZFS usage · datasets over ssh root@pve:22/);
	await press(app, '3');
	assert.deepEqual(titles(frameOf(app)), ['fleet', 'topology', 'ZFS', 'logs', 'problems', 'tasks']);
	// esc goes back to the fleet.
	await press(app, KEYS.esc);
	assert.match(frameOf(app), /▶\[1\] fleet/);
});

test('> and < resize the focused pane; a key that cannot apply says why', async () => {
	const store = homelabStore();
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	// Where the right-hand column starts (the ZFS title sits beside fleet rows, in fixed-width boxes).
	const topologyColumn = () => frameOf(app).split('\n').find((l) => l.includes('[3] ZFS'))!.indexOf('[3] ZFS');
	const before = topologyColumn();
	await press(app, '>', '>');
	assert.equal(topologyColumn(), before + 8, 'the fleet grew by two steps');
	await press(app, '<');
	assert.equal(topologyColumn(), before + 4);
	await press(app, ':');
	await type(app, 'layout fleet');
	await press(app, KEYS.enter);
	assert.deepEqual(titles(frameOf(app)), ['fleet']);
	await press(app, '>');
	assert.match(frameOf(app), /▶\[1\] fleet .*nothing to resize: this pane has the whole body/);
});

test(':layout switches between the built-ins; an unknown one is one line naming the known ones', async () => {
	const store = homelabStore();
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	await press(app, ':');
	await type(app, 'layout logs');
	await press(app, KEYS.enter);
	assert.deepEqual(titles(frameOf(app)), ['logs', 'logs', 'logs', 'logs']);
	await press(app, ':');
	await type(app, 'layout nope');
	await press(app, KEYS.enter);
	assert.match(frameOf(app).split('\n').at(-1)!, /unknown layout "nope" — known: backups, cluster, fleet, logs, triage, upgrade/);
	await press(app, ':');
	await type(app, 'layout triage');
	await press(app, KEYS.enter);
	assert.deepEqual(titles(frameOf(app)), ['fleet', 'topology', 'ZFS', 'logs', 'problems', 'tasks']);
	// The help lists the : commands, :layout among them, and pages.
	await press(app, '?');
	await press(app, KEYS.end);
	assert.match(frameOf(app), /:layout NAME \(:deck\) {2}switch the deck layout/);
	await press(app, 'g');
	assert.match(frameOf(app), /Guest table/);
});

test(':layout logs numbers its four log panes apart, and each number goes to its own pane', async () => {
	const store = homelabStore();
	const app = await renderApp(store, {size: {columns: 160, rows: 50}, layout: 'logs'});
	const numbers = () => [...frameOf(app).matchAll(/[▶ ]\[([\d()])\] logs/g)].map((m) => m[1]);
	assert.deepEqual(numbers(), ['4', '0', ')', '(']);
	assert.match(frameOf(app), /\[0\] logs · host journal/);
	// 0 focuses (and zooms) the host journal's pane; again, back to the deck with the focus kept there.
	await press(app, '0');
	assert.deepEqual([store.getState().deck.focus, store.getState().deck.zoomed], ['logs-2', true]);
	await press(app, '0');
	assert.deepEqual([store.getState().deck.focus, store.getState().deck.zoomed], ['logs-2', false]);
	assert.match(frameOf(app), /▶\[0\] logs/);
	await press(app, '(', '(');
	assert.match(frameOf(app), /▶\[\(\] logs/);
	assert.equal(store.getState().deck.focus, 'logs-4');
	// In a layout without repeated panes, 0 says so.
	await press(app, ':');
	await type(app, 'layout triage');
	await press(app, KEYS.enter, '0');
	assert.match(frameOf(app), /no such pane in layout triage/);
});

test('help lists the deck keys first and every : command with the layout names, pages with PgDn/PgUp/g/G', async () => {
	const keymap = loadKeymap();
	const store = homelabStore();
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	await press(app, '?');
	let frame = frameOf(app);
	assert.match(frame.split('\n')[2]!, /^The deck: every pane/);
	// Every deck key, as the keymap binds it (Tab, Shift+Tab, z, 1–7, !, <, >, F, :, the extra pane keys).
	for (const b of keymap.bindings.filter((x) => x.scope === 'deck')) {
		assert.ok(frame.includes(`  ${b.keys.map(keyLabel).join('/').padEnd(14)} ${b.description}`), `help lists ${b.keys.join('/')} ${b.description}`);
	}
	const first = frame.split('\n')[2];
	await press(app, KEYS.pgDn);
	assert.notEqual(frameOf(app).split('\n')[2], first, 'PgDn pages');
	await press(app, KEYS.pgUp);
	assert.equal(frameOf(app).split('\n')[2], first, 'PgUp pages back');
	await press(app, 'G');
	frame = frameOf(app);
	for (const command of COMMANDS) assert.ok(frame.includes(`  :${command.name}`), `help lists :${command.name}`);
	// :layout's names come from the layout data, with their descriptions.
	for (const layout of allLayouts()) assert.match(frame, new RegExp(`^ {6}${layout.name} +${layout.description.slice(0, 20).replace(/[()]/g, '.')}`, 'm'));
	assert.match(frame, /:fleet \[filter, e\.g\. type=vm\] \(:ct :vm :guests\)/);
	await press(app, 'g');
	assert.equal(frameOf(app).split('\n')[2], first, 'g goes back to the first page');
});

test('"? help" is at the footer\'s right end at every width from 60 to 220, whatever pane has the keys', async () => {
	for (let columns = 60; columns <= 220; columns += 8) {
		const app = await renderApp(homelabStore(), {size: {columns, rows: 30}});
		const footer = () => frameOf(app).split('\n').at(-1)!;
		assert.match(footer(), /  \? help$/, `fleet at ${columns}`);
		await press(app, '\t');
		assert.match(footer(), /  \? help$/, `next pane at ${columns}`);
		await press(app, '4');
		assert.match(footer(), /  \? help$/, `logs zoomed at ${columns}`);
		assert.ok(footer().length <= columns);
		cleanup();
	}
});

test('a footer result line stays on the pane it came on and expires by itself', async () => {
	const store = homelabStore();
	// A clock that runs: the line's 8 s are mostly spent already.
	const start = Date.now();
	const app = await renderApp(store, {size: {columns: 160, rows: 50}, now: () => NOW + (Date.now() - start)});
	const footer = () => frameOf(app).split('\n').at(-1)!;
	// esc without a filter: one line in the fleet's footer.
	await press(app, KEYS.esc);
	assert.match(footer(), /^no filter to clear/);
	// Another pane has the keys: its footer does not carry the fleet's line; back on the fleet, it is there again.
	await press(app, '\t');
	assert.doesNotMatch(footer(), /no filter to clear/);
	await press(app, '\u001B[Z');
	assert.match(footer(), /^no filter to clear/);
	// It expires with no key pressed and nothing else changing. A second of life left: with less (150 ms), a
	// loaded machine's event loop stalled past it before the line was first drawn, and the wait below timed out.
	store.getState().actions.showNotice({text: 'short-lived', tone: 'info', at: NOW + (Date.now() - start) - DECK_NOTICE_MS + 1000});
	await waitForFrame(app, (f) => plain(f).split('\n').at(-1)!.startsWith('short-lived'));
	await waitForFrame(app, (f) => !plain(f).includes('short-lived'), 5000);
});

test('the first press of a sort key puts problems first: stopped, locked, highest', async () => {
	const store = homelabStore({stopped: [402], lock: {404: 'backup'}});
	const guests = [...store.getState().guests.values()].map((g) => (g.vmid === 201 ? {...g, disk: 0.91, maxdisk: 1, mem: 0.5, maxmem: 1, cpu: 0.8} : g));
	store.getState().actions.fleetReceived({guests, nodes: store.getState().nodes, receivedAt: NOW});
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	const firstRow = () => frameOf(app).split('\n').find((l) => /^ +\d+ \w/.test(l))!.trim().split(/\s+/).slice(0, 2).join(' ');
	const cases: Array<[string, string]> = [['S', '402 immich-backup'], ['L', '404 postgresql'], ['D', '201 prometheus'], ['M', '201 prometheus'], ['C', '201 prometheus']];
	for (const [key, first] of cases) {
		await press(app, key);
		assert.equal(firstRow(), first, `${key} once`);
	}
});

test('a user layout from the config is drawn; a broken one is one line naming the key', async () => {
	const mine = parseUserLayouts({side: {description: 'fleet beside its journal', root: {split: 'row', children: [{pane: 'fleet', size: '70%'}, {pane: 'logs', source: 'follow'}]}}});
	const store = homelabStore();
	attachLayouts(store, allLayouts(mine));
	store.getState().actions.deckLayout('side', {id: 'fleet', kind: 'fleet'});
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	const frame = frameOf(app);
	assert.deepEqual(titles(frame), ['fleet', 'logs']);
	assert.match(frame.split('\n')[2]!, /^▶\[1\] fleet .* \[4\] logs/);
	assert.throws(
		() => parseUserLayouts({side: {root: {split: 'row', children: [{pane: 'fleet', size: '170%'}, {pane: 'logs'}]}}}),
		(e: Error) => e.message === 'layouts.side.root.children[0].size: expected rows/columns (a whole number) or a percent like "40%" (got "170%")',
	);
});

function manualTimers() {
	const pending: Array<{fn: () => void; cleared: boolean}> = [];
	const timers: FollowTimers = {
		set(fn) {
			const handle = {fn, cleared: false};
			pending.push(handle);
			return handle;
		},
		clear(handle) {
			(handle as {cleared: boolean}).cleared = true;
		},
	};
	return {
		timers,
		live: () => pending.filter((h) => !h.cleared).length,
		/** The rest period ends: every timer still set fires. */
		rest() {
			const due = pending.splice(0).filter((h) => !h.cleared);
			for (const h of due) h.fn();
		},
	};
}

test('the log pane follows the selection only after the cursor rests: one stream per rest, not per key', async () => {
	const store = homelabStore();
	const manual = manualSources();
	const logs = createLogsService({store, renderIntervalMs: 5, sourceFor: manual.sourceFor});
	const clock = manualTimers();
	const follow = createFollowController({store, logs, timers: clock.timers});
	follow.start();
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	assert.equal(manual.sources.length, 0, 'nothing opens before the cursor rests');
	clock.rest();
	await press(app);
	assert.deepEqual(manual.sources.map((s) => s.spec), [{kind: 'guest', vmid: 100, node: 'pve', name: 'plex'}]);
	assert.match(frameOf(app), /\[4\] logs · journal 100 plex · following · 0 lines · follows selection/);
	manual.sources[0]!.push('2026-11-23T16:40:01+00:00 plex Plex Media Server[311]: Scanning the library');
	await waitForFrame(app, (f) => plain(f).includes('Scanning the library'));
	// Five rows down: the topology and ZFS panes follow at once, the journal does not yet.
	await press(app, 'j', 'j', 'j', 'j', 'j');
	assert.match(selectedLine(app.lastFrame()!)!, /105 prowlarr/);
	let frame = frameOf(app);
	assert.match(frame, /▸ 105 prowlarr → pve\/vmbr1 → gateway 300 wireguard up/);
	assert.match(frame, /▸ 300 wireguard up → 105 prowlarr/, 'its gateway is on the highlighted path');
	assert.match(frame, /▸ 105 prowlarr 40G .*snaps 6G/, 'its dataset in the ZFS pane');
	assert.equal(manual.sources.length, 1, 'no stream per key');
	assert.equal(clock.live(), 1, 'one pending switch');
	clock.rest();
	await press(app);
	assert.equal(manual.sources.length, 2, 'one new stream for the guest the cursor rested on');
	assert.deepEqual(manual.sources[1]!.spec, {kind: 'guest', vmid: 105, node: 'pve', name: 'prowlarr'});
	assert.ok(manual.sources[0]!.stopped, 'the old journal is closed');
	frame = frameOf(app);
	assert.match(frame, /journal 105 prowlarr · following/);
	// F turns following off: the cursor moves, the journal stays.
	await press(app, 'F', 'j');
	clock.rest();
	await press(app);
	assert.equal(manual.sources.length, 2);
	assert.match(frameOf(app), /journal 105 prowlarr · following · 0 lines · follow off/);
	follow.stop();
	logs.stop();
});

test('Enter on a compact topology or ZFS line filters or selects in the fleet', async () => {
	const store = homelabStore();
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	await press(app, '\t');
	// Down to the gateway line of the compact topology.
	const onGateway = () => cursorLines(app.lastFrame()!).some((l) => /300 wireguard up → 105 prowlarr, 106 qbittorrent/.test(l));
	for (let i = 0; i < 8 && !onGateway(); i++) await press(app, 'j');
	assert.ok(onGateway(), frameOf(app));
	await press(app, KEYS.enter);
	assert.match(frameOf(app), /▶\[1\] fleet · guests 3\/28 shown {2}filter \/\[gateway 300 wireguard/);
	await press(app, KEYS.esc);
	// ZFS pane: Enter on a consumer selects that guest in the fleet.
	await press(app, '\t', '\t');
	assert.match(frameOf(app), /▶\[3\] ZFS/);
	const onImmich = () => cursorLines(app.lastFrame()!).some((l) => /^ +401 immich 600G/.test(l));
	for (let i = 0; i < 10 && !onImmich(); i++) await press(app, 'j');
	assert.ok(onImmich(), frameOf(app));
	await press(app, KEYS.enter);
	assert.equal(store.getState().ui.selectedVmid, 401);
	assert.match(frameOf(app), /▶\[1\] fleet/);
});

test('tasks strip: f shows failed tasks only, with relative times', async () => {
	const store = homelabStore();
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	await press(app, '6');
	await press(app, '6');
	assert.match(frameOf(app), /▶\[6\] tasks/);
	await press(app, 'f');
	const frame = frameOf(app);
	assert.match(frame, /\[6\] tasks · failed only · 1 failed in the last hour/);
	assert.match(frame, /✗ +12m ago +vzsnapshot +postgresql \(404\) failed: snapshot name 'auto' already used/);
	assert.doesNotMatch(frame, /vzdump/);
});

test('incident questions from the default deck: down guests in 1 key; gateway, pool and failed tasks in none', async () => {
	const store = homelabStore({stopped: [300, 105]});
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	const rows = () => frameOf(app).split('\n').filter((l) => /^ +\d+ \w/.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 3).join(' '));
	// Which guests are down: S once puts stopped first.
	await press(app, 'S');
	assert.deepEqual(rows().slice(0, 3), ['105 prowlarr stopped', '300 wireguard stopped', '402 immich-backup stopped']);
	// Who is it that the stopped gateway cuts off: already on the topology pane, no key.
	assert.match(frameOf(app), /✗ gateway 300 wireguard/);
	assert.match(frameOf(app), /300 wireguard DOWN \(stopped\) → 105 prowlarr, 106 qbittor/);
	// What fills the pool and how much is snapshots: on the ZFS pane, no key.
	assert.match(frameOf(app), /pve\/tank █+░+ (pool )?62% raw .*· snapshots 206G/);
	// Which tasks failed in the last hour: on the tasks strip's title, no key.
	assert.match(frameOf(app), /\[6\] tasks · 3 · 1 failed in the last hour/);
});

test('empty columns give their width to TAGS: LOCK, HA and (on one node) NODE hide, UPTIME yields before a tag is cut', async () => {
	const store = homelabStore({tags: true});
	const app = await renderApp(store, {size: {columns: 160, rows: 50}});
	const header = () => frameOf(app).split('\n')[3]!;
	const row = (vmid: number) => frameOf(app).split('\n').find((l) => new RegExp(`^ +${vmid} `).test(l))!;
	// Nothing locked, nothing HA-managed, one node: the fleet pane's 98 columns go to TAGS, every guest's tags whole.
	assert.match(header(), /DISK BRIDGE\/IP +TAGS/);
	assert.doesNotMatch(header(), /LOCK| HA |NODE|UPTIME/);
	assert.match(row(300), /300 wireguard .* security,vpn(\s|$)/);
	assert.match(row(201), /201 prometheus .* db,monitoring(\s|$)/);
	// A locked guest brings LOCK back.
	const guests = [...store.getState().guests.values()].map((g) => (g.vmid === 404 ? {...g, lock: 'backup'} : g));
	store.getState().actions.fleetReceived({guests, nodes: store.getState().nodes, receivedAt: NOW});
	await press(app);
	assert.match(header(), /TAGS +LOCK/);
	cleanup();
	// 120×40: BRIDGE/IP does not fit beside the resources, TAGS does, and its widest cells show.
	const narrow = await renderApp(homelabStore({tags: true}), {size: {columns: 120, rows: 40}});
	const lines = frameOf(narrow).split('\n');
	assert.match(lines[3]!, /DISK TAGS/);
	assert.match(lines.find((l) => /^ +201 /.test(l))!, /db,monitoring/);
	assert.match(lines.find((l) => /^ +105 /.test(l))!, /media,vpn/);
});
