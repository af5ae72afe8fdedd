// The topology screen inside the App, as a user drives it: `2` from the fleet,
// the problems and the tree, enter to filter the fleet, and the `:` prompt.

import '../views/force-color.js';
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import type {NetworkIface} from '../../source/store/screen-types.js';
import {createAppStore} from '../../source/store/store.js';
import {listNics} from '../../source/util/pve-config.js';
import {KEYS, plain, press, selectedLine, tableRows, type} from '../views/harness.js';
import {renderApp} from '../views/render.js';
import {helpLines} from '../../views/HelpOverlay.js';
import {loadKeymap} from '../../keymaps/index.js';
import {fixtureNamed, guestRowsOf, nodeSummariesOf} from './fixture-input.js';

afterEach(() => cleanup());

/** A store as the services leave it after the topology screen loaded the fixture. */
function fixtureStore(name: 'homelab' | 'cluster', patch?: (vmid: number) => string | undefined) {
	const fixture = fixtureNamed(name);
	const store = createAppStore({target: 'sim', demo: true, readOnly: false});
	const rows = guestRowsOf(fixture).map((r) => ({...r, status: patch?.(r.vmid) ?? r.status}));
	store.getState().actions.fleetReceived({guests: rows, nodes: nodeSummariesOf(fixture), receivedAt: 1_000_000});
	store.getState().actions.topologyNics(fixture.guests.map((g) => [g.vmid, listNics(g.config as Record<string, unknown>, g.type)]), undefined);
	const networks = new Map(fixture.nodes.filter((n) => n.online).map((n) => [n.name, n.network as NetworkIface[]]));
	store.getState().actions.topologyNetworks(networks, new Map([['pve3', 'pve3 is offline: network not read']]), 1_000_000);
	return store;
}

const frameOf = (app: {lastFrame(): string | undefined}) => app.lastFrame() ?? '';
const lineCount = (frame: string) => frame.split('\n').length;

test('2 opens the topology: at 80×24 the first lines answer "is the VPN gateway up and who depends on it"', async () => {
	const store = fixtureStore('homelab');
	const app = await renderApp(store, {size: {columns: 80, rows: 24}});
	await press(app, '2');
	const frame = plain(frameOf(app));
	assert.equal(store.getState().ui.screen, 'topology');
	assert.ok(lineCount(frameOf(app)) <= 23, `${lineCount(frameOf(app))} lines`);
	assert.match(frame, /Bridge topology · networks read/);
	assert.match(frame, /i pve\/vmbr1 routed via 300 wireguard \(running\) → 105 prowlarr, 106 qbittorrent/);
	assert.match(frame, /i firewall off on 12 NICs on pve: 103 lidarr, 104 bazarr/);
	assert.match(frame, /▾ node pve {2}uplink 192\.168\.0\.1 via vmbr0 \(eno1\)/);
	assert.match(frame, /├ vmbr0 {2}192\.168\.0\.10\/24 {2}ports eno1 {2}active {2}autostart {2}· 26 guests/);
	// G: the end of the tree, vmbr1 with WireGuard as gateway of the two torrent containers.
	await press(app, 'G');
	const bottom = plain(frameOf(app));
	assert.match(bottom, /└ vmbr1 {2}10\.10\.10\.254\/24 {2}no port/);
	assert.match(bottom, /└ 300 wireguard {2}10\.10\.10\.1\/24 {2}fw off {2}running {2}GATEWAY 10\.10\.10\.1 of 2\n.*├ 105 prowlarr.*\n.*└ 106 qbittorrent/);
	assert.match(selectedLine(frameOf(app))!, /106 qbittorrent/);
});

test('a stopped WireGuard is red at the top and its two dependents are CUT OFF (120×40 shows the whole tree)', async () => {
	const store = fixtureStore('homelab', (vmid) => (vmid === 300 ? 'stopped' : undefined));
	const app = await renderApp(store, {size: {columns: 120, rows: 40}});
	await press(app, '2');
	const raw = frameOf(app);
	assert.ok(lineCount(raw) <= 39);
	const lines = raw.split('\n');
	const problem = lines.find((l) => plain(l).includes('✗ gateway 300 wireguard'));
	assert.ok(problem, plain(raw));
	assert.ok(problem.includes('\u001B[31m'), 'drawn red');
	assert.match(plain(problem), /is stopped — cuts off 105 prowlarr, 106 qbittorrent/);
	await press(app, 'G');
	const text = plain(frameOf(app));
	assert.match(text, /300 wireguard .*stopped {2}GATEWAY 10\.10\.10\.1 of 2/);
	assert.match(text, /├ 105 prowlarr .*CUT OFF/);
	assert.match(text, /└ 106 qbittorrent .*CUT OFF/);
	// The tree is drawn as `tree` does: the last bridge and the last child get └, no │ below a last branch.
	const tree = text.split('\n').map((l) => l.replace(/\s+$/, ''));
	const at = (pattern: RegExp) => tree.find((l) => pattern.test(l)) ?? '';
	assert.match(at(/[├└] vmbr1 /), /^ {2}└ vmbr1 /);
	assert.match(at(/[├└] 300 wireguard .*GATEWAY/), /^ {5}└ 300 wireguard /);
	assert.match(at(/[├└] 300 wireguard .*192\.168/), /^ {2}│ {2}[├└] 300 wireguard /, 'on vmbr0, which has a bridge after it, the line continues');
	assert.match(at(/[├└] 105 prowlarr /), /^ {8}├ 105 prowlarr /);
	assert.match(at(/[├└] 106 qbittorrent /), /^ {8}└ 106 qbittorrent /);
	assert.match(text, /line \d+\/\d+/, 'the title says where the cursor is in a tree longer than the screen');
});

test('enter on the gateway or on a bridge shows the fleet filtered to its guests; Esc clears it', async () => {
	const store = fixtureStore('homelab');
	// 200×60: back in the deck, the fleet pane shows all 28 rows and its whole filter title.
	const app = await renderApp(store, {size: {columns: 200, rows: 60}});
	await press(app, '2', 'G', 'k', 'k');
	assert.match(selectedLine(frameOf(app))!, /300 wireguard/);
	await press(app, KEYS.enter);
	assert.equal(store.getState().ui.screen, 'fleet');
	let frame = plain(frameOf(app));
	assert.deepEqual(tableRows(frame).map((r) => r.trim().split(/\s+/)[1]), ['prowlarr', 'qbittorrent', 'wireguard']);
	assert.match(frame, /filter \/\[gateway 300 wireguard on pve\/vmbr1\]/);
	await press(app, KEYS.esc);
	assert.equal(tableRows(plain(frameOf(app))).length, 28);

	await press(app, '2', 'G', 'k', 'k', 'k');
	assert.match(selectedLine(frameOf(app))!, /└ vmbr1/);
	await press(app, KEYS.enter);
	frame = plain(frameOf(app));
	assert.equal(tableRows(frame).length, 3);
	assert.match(frame, /\[bridge pve\/vmbr1\]/);
});

test('cluster: every node is shown, with the missing bridge and the stopped gateway in red', async () => {
	const store = fixtureStore('cluster');
	const app = await renderApp(store, {size: {columns: 120, rows: 40}});
	await press(app, '2');
	const frame = plain(frameOf(app));
	assert.match(frame, /Network problems \(\d+\)/);
	assert.match(frame, /✗ gateway 105 wg-gateway \(pve1\/vmbr1 10\.20\.0\.1\) is stopped — cuts off 106 torrent-box, 107 scraper/);
	assert.match(frame, /✗ 116 ci-runner net0 is on vmbr2, which does not exist on pve2/);
	assert.match(frame, /i firewall off on \d+ NICs? on pve1/);
	await press(app, 'G');
	const bottom = plain(frameOf(app));
	assert.match(bottom, /▾ node pve3 {2}pve3 is offline: network not read/);
	const all = [frame, bottom].join('\n');
	for (const node of ['pve1', 'pve2', 'pve3']) assert.ok(all.includes(`▾ node ${node}`) || store.getState().nodes.some((n) => n.name === node), node);
});

test('the : prompt switches screens, completes with Tab, reports an unknown command and quits with :q', async () => {
	let quit = 0;
	const store = fixtureStore('homelab');
	const app = await renderApp(store, {size: {columns: 80, rows: 24}, onQuit: () => quit++});
	await press(app, ':');
	await type(app, 'zfs');
	assert.match(plain(frameOf(app)).split('\n').at(-1)!, /^:zfs█/);
	await press(app, KEYS.enter);
	assert.equal(store.getState().ui.screen, 'zfs');
	await press(app, ':');
	await type(app, 'br');
	await press(app, KEYS.enter);
	assert.equal(store.getState().ui.screen, 'topology');
	await press(app, ':');
	await type(app, 'fl');
	await press(app, '\t');
	assert.match(plain(frameOf(app)).split('\n').at(-1)!, /^:fleet█/);
	await press(app, KEYS.enter);
	assert.equal(store.getState().ui.screen, 'fleet');
	await press(app, ':');
	await type(app, 'bogus');
	await press(app, KEYS.enter);
	assert.match(plain(frameOf(app)).split('\n').at(-1)!, /unknown command :bogus — try :fleet :net :problems :backups :zfs /);
	await press(app, 'j');
	assert.doesNotMatch(plain(frameOf(app)), /unknown command/);
	// Digits typed into the filter prompt stay text (the screen keys are not global).
	await press(app, '/');
	await type(app, '2');
	assert.equal(store.getState().ui.screen, 'fleet');
	assert.equal(store.getState().ui.filterDraft, '2');
	await press(app, KEYS.esc, ':');
	await type(app, 'q');
	await press(app, KEYS.enter);
	assert.equal(quit, 1);
});

test('1/2/3 and Esc switch screens; the help overlay lists the commands', async () => {
	const store = fixtureStore('homelab');
	const app = await renderApp(store, {size: {columns: 120, rows: 40}});
	await press(app, '3');
	assert.equal(store.getState().ui.screen, 'zfs');
	await press(app, '2');
	assert.equal(store.getState().ui.screen, 'topology');
	await press(app, KEYS.esc);
	assert.equal(store.getState().ui.screen, 'fleet');
	await press(app, '2', '?');
	assert.equal(store.getState().ui.overlay, 'help');
	assert.match(plain(frameOf(app)), /^Guest table$/m);
	const help = helpLines(loadKeymap()).map((l) => l.text).join('\n');
	assert.match(help, /^Bridge topology \(2, :net\)\n {2}j\/↓ +down/m);
	assert.match(help, /^ {2}enter +its guests in the fleet$/m);
	assert.match(help, /^ZFS usage \(3, :zfs\)$/m);
	assert.match(help, /^ {2}:net \(:br :topology :bridges\) {2}bridge topology and network problems$/m);
	await press(app, KEYS.esc);
	assert.equal(store.getState().ui.screen, 'topology', 'closing help returns to the screen it was opened on');
});
