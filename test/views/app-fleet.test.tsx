import './force-color.js';
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {loadKeymap} from '../../keymaps/index.js';
import {createAppStore} from '../../source/store/store.js';
import {guest, filledStore, homelabGuests, homelabNics, snapshot, syntheticGuests} from './data.js';
import {KEYS, plain, press, selectedLine, tableRows, type} from './harness.js';
import {renderApp as renderWithLayout} from './render.js';

// These tests guard the guest table's own behaviour (rows, pages, sorting,
// filtering) at exact sizes: they draw it in the `fleet` layout, where it has
// the whole body as it had before the deck. The deck's frames are in
// test/deck/deck-app.test.tsx.
const renderApp: typeof renderWithLayout = (store, options = {}) => renderWithLayout(store, {layout: 'fleet', ...options});

afterEach(() => cleanup());

const frameOf = (app: {lastFrame(): string | undefined}) => app.lastFrame() ?? '';
const firstRowName = (frame: string) => tableRows(frame)[0]?.trim().split(/\s+/)[1];
const selectedName = (frame: string) => selectedLine(frame)?.trim().split(/\s+/)[1];

test('the header shows the DEMO badge, the target, cluster, nodes, version, counts and totals', async () => {
	const app = await renderApp(filledStore(homelabGuests(), {demo: true}));
	const [first, second] = plain(frameOf(app)).split('\n');
	assert.match(first!, /^proxdeck DEMO /);
	assert.match(first!, /pve\.example:8006/);
	assert.match(first!, /cluster homelab/);
	assert.match(first!, /nodes 2\/3/);
	assert.match(first!, /PVE 9\.1\.5/);
	assert.match(second!, /23 running {2}4 stopped {2}1 other/);
	assert.match(second!, /CPU 30%/);
	assert.match(second!, /MEM 60G\/128G/);
	assert.match(second!, /refreshed 12s ago/);
	assert.doesNotMatch(first!, /READ-ONLY/);
});

test('READ-ONLY badge appears in read-only mode', async () => {
	const app = await renderApp(filledStore(homelabGuests(), {readOnly: true}));
	assert.match(plain(frameOf(app)).split('\n')[0]!, /READ-ONLY/);
});

test('j, k and the arrows move the highlighted row', async () => {
	const app = await renderApp(filledStore(homelabGuests()));
	assert.equal(selectedName(frameOf(app)), 'pihole');
	await press(app, 'j');
	assert.equal(selectedName(frameOf(app)), 'unbound');
	await press(app, KEYS.down, KEYS.down);
	assert.equal(selectedName(frameOf(app)), 'vaultwarden');
	await press(app, 'k');
	assert.equal(selectedName(frameOf(app)), 'traefik');
	await press(app, KEYS.up, KEYS.up, KEYS.up);
	assert.equal(selectedName(frameOf(app)), 'pihole');
});

test('g/G, PgDn/PgUp move by ends and pages and keep the selection on screen at 5,000 rows', async () => {
	const store = filledStore(syntheticGuests(5000));
	const app = await renderApp(store, {size: {columns: 120, rows: 30}});
	await press(app, 'G');
	let frame = frameOf(app);
	assert.match(selectedLine(frame)!, /^\s*5099 /);
	assert.match(plain(frame), /4977-5000 of 5000/); // 30 rows: 24 table rows
	await press(app, 'g');
	frame = frameOf(app);
	assert.match(selectedLine(frame)!, /^\s*100 /);
	assert.match(plain(frame), /1-24 of 5000/);
	await press(app, KEYS.pgDn);
	frame = frameOf(app);
	assert.match(selectedLine(frame)!, /^\s*124 /);
	assert.ok(tableRows(frame).some((r) => /^\s*124 /.test(r)));
	await press(app, KEYS.pgDn, KEYS.pgUp, KEYS.up);
	assert.match(selectedLine(frameOf(app))!, /^\s*123 /);
	await press(app, KEYS.end);
	assert.match(selectedLine(frameOf(app))!, /^\s*5099 /);
	await press(app, KEYS.home);
	assert.match(selectedLine(frameOf(app))!, /^\s*100 /);
	// The frame never holds more rows than fit.
	assert.equal(tableRows(frameOf(app)).length, 24);
});

test('each sort key reorders the table and pressing it again reverses', async () => {
	const store = filledStore(homelabGuests(), {nics: homelabNics()});
	const app = await renderApp(store, {size: {columns: 200, rows: 40}});
	const expectations: Array<[string, string, string]> = [
		// key, first row after one press, first row after the second press
		['C', 'plex', 'prowlarr'], // ties at 0 % fall back to vmid
		['M', 'prometheus', 'pihole'],
		['D', 'nextcloud', 'pihole'],
		['N', 'adguard', 'zigbee2mqtt'],
		['U', 'pihole', 'prowlarr'],
		['S', 'prowlarr', 'pihole'], // problems first: stopped, then paused, running last
		['O', 'pihole', 'plex'],
		['T', 'postgres', 'wireguard'], // tags "db" … "vpn,infra"
		['L', 'paperless', 'pihole'], // locked first
		['B', 'pihole', 'immich'], // vmbr0 10.10.10.5 first: addresses compare numerically
		['I', 'pihole', 'win11'],
	];
	for (const [key, once, twice] of expectations) {
		await press(app, key);
		assert.equal(firstRowName(frameOf(app)), once, `${key} once`);
		await press(app, key);
		assert.equal(firstRowName(frameOf(app)), twice, `${key} twice`);
	}
});

test('the sorted column title carries ▲ or ▼', async () => {
	const app = await renderApp(filledStore(homelabGuests()));
	assert.match(plain(frameOf(app)), /VMID▲/);
	await press(app, 'C');
	assert.match(plain(frameOf(app)), /CPU%▼/);
	assert.doesNotMatch(plain(frameOf(app)), /VMID▲/);
});

test('/ filters live as you type, shows n/N shown, enter commits, esc clears', async () => {
	const app = await renderApp(filledStore(homelabGuests()));
	await press(app, '/');
	assert.match(plain(frameOf(app)).split('\n').at(-1)!, /^\/█/);
	await type(app, 'med');
	let frame = plain(frameOf(app));
	assert.match(frame.split('\n').at(-1)!, /^\/med█/);
	assert.match(frame, /guests 6\/28 shown {2}filter \/med/);
	assert.equal(tableRows(frame).length, 6);
	await press(app, KEYS.backspace);
	assert.match(plain(frameOf(app)).split('\n').at(-1)!, /^\/me█/);
	await type(app, 'd');
	await press(app, KEYS.enter);
	frame = plain(frameOf(app));
	assert.doesNotMatch(frame.split('\n').at(-1)!, /█/);
	assert.equal(tableRows(frame).length, 6);
	// Keys are table keys again once the prompt is closed.
	await press(app, 'j');
	assert.equal(selectedName(frameOf(app)), 'sonarr');
	await press(app, KEYS.esc);
	assert.match(plain(frameOf(app)), /guests 28 /);
});

test('esc in the prompt cancels the draft and keeps the committed filter', async () => {
	const app = await renderApp(filledStore(homelabGuests()));
	await press(app, '/');
	await type(app, 'dns');
	await press(app, KEYS.enter);
	assert.equal(tableRows(plain(frameOf(app))).length, 3);
	await press(app, '/');
	await type(app, 'x');
	assert.equal(tableRows(plain(frameOf(app))).length, 0);
	assert.match(plain(frameOf(app)), /no guest matches \/dnsx/);
	await press(app, KEYS.esc);
	assert.equal(tableRows(plain(frameOf(app))).length, 3);
});

test('a ! filter shows the rows that do not match; q typed in the prompt does not quit', async () => {
	let quits = 0;
	const app = await renderApp(filledStore(homelabGuests()), {onQuit: () => quits++});
	await press(app, '/');
	await type(app, '!stopped');
	const rows = tableRows(plain(frameOf(app)));
	assert.equal(rows.length, 24);
	assert.ok(rows.every((r) => !/stopped/.test(r)));
	await type(app, 'q');
	assert.equal(quits, 0);
});

test('q quits from the table, ctrl+c from the filter prompt', async () => {
	let quits = 0;
	const app = await renderApp(filledStore(homelabGuests()), {onQuit: () => quits++});
	await press(app, 'q');
	assert.equal(quits, 1);
	await press(app, '/', KEYS.ctrlC);
	assert.equal(quits, 2);
});

test('a cell at ≥ 90 % is drawn red, its neighbours are not', async () => {
	// Colour is forced on (force-color.ts), so the frame carries the SGR codes a terminal would get.
	const app = await renderApp(filledStore(homelabGuests()));
	const lines = frameOf(app).split('\n');
	const plex = lines.find((l) => l.includes('plex'))!;
	assert.match(plex, /\u001B\[31m\s*95%\u001B\[39m/);
	const prometheus = lines.find((l) => l.includes('prometheus'))!;
	assert.match(prometheus, /\u001B\[31m\s*3\.8G\/4G 95%\u001B\[39m/);
	const pihole = lines.find((l) => l.includes('pihole'))!;
	assert.doesNotMatch(pihole, /\u001B\[31m/);
	// Stopped guests are grey.
	assert.match(lines.find((l) => l.includes('prowlarr'))!, /\u001B\[90m/);
});

test('stale data shows STALE with its age and the last error', async () => {
	const store = filledStore(homelabGuests());
	store.getState().actions.pollFailed('connect ECONNREFUSED 192.0.2.10:8006', 1_010_000);
	const app = await renderApp(store);
	const line = plain(frameOf(app)).split('\n')[1]!;
	assert.match(line, /STALE 12s — connect ECONNREFUSED 192\.0\.2\.10:8006/);
	assert.match(frameOf(app).split('\n')[1]!, /\u001B\[31m/);
	// The old rows stay on screen.
	assert.equal(tableRows(plain(frameOf(app))).length, 24);
});

test('no data yet: connecting…, then the failure line', async () => {
	const fresh = createAppStore({target: 'pve:8006', demo: false, readOnly: false});
	const app = await renderApp(fresh);
	assert.match(plain(frameOf(app)), /connecting…/);
	fresh.getState().actions.pollFailed('401 authentication failure', 1);
	await press(app);
	assert.match(plain(frameOf(app)), /NO DATA — 401 authentication failure/);
	assert.match(plain(frameOf(app)), /no data: 401 authentication failure/);
});

test('control sequences in host strings render inert', async () => {
	const evil = guest(666, {name: 'evil\u001B]0;pwned\u0007\u001B[2Jname', tags: ['t\u001B[31mag'], lock: 'bac\u009Bkup'});
	const store = filledStore([evil]);
	store.getState().actions.nicsReceived(666, [{id: 'net0', bridge: 'vm\u001Bcbr0', ip: '10.0.0.1\u0007', firewall: false, linkDown: false}]);
	store.getState().actions.detailReceived(666, {hostname: 'x', description: 'desc\u001B[2J\nline2', ostype: 'deb\u001B]2;x\u0007ian'}, [], 1);
	const app = await renderApp(store);
	await press(app, KEYS.enter);
	const frame = frameOf(app);
	assert.ok(!frame.includes('\u001B]'), 'no OSC sequence');
	assert.ok(!frame.includes('\u001B[2J'), 'no clear-screen');
	assert.ok(!frame.includes('\u0007'), 'no BEL');
	assert.ok(!frame.includes('\u001Bc'), 'no reset');
	const text = plain(frame);
	assert.match(text, /evilname/);
	assert.match(text, /vmbr0 10\.0\.0\.1/);
	assert.match(text, /os debian — desc/);
});

test('the selection stays on the same guest when a refresh reorders the data', async () => {
	const store = filledStore(homelabGuests());
	const app = await renderApp(store);
	await press(app, 'j', 'j', 'j', 'j', 'j'); // sonarr
	assert.equal(selectedName(frameOf(app)), 'sonarr');
	const reordered = homelabGuests().reverse();
	reordered.push(guest(99, {name: 'aaa-new'}));
	store.getState().actions.fleetReceived(snapshot(reordered));
	await press(app);
	assert.equal(selectedName(frameOf(app)), 'sonarr');
	assert.equal(firstRowName(frameOf(app)), 'aaa-new');
});

test('read-only mode refuses actions marked dangerous in the keymap', async () => {
	// No destructive action is bound yet, so mark quit dangerous in a copy of the table.
	const base = loadKeymap();
	const keymap = {...base, bindings: base.bindings.map((b) => (b.action === 'app.quit' ? {...b, dangerous: true} : b))};
	let quits = 0;
	const readOnly = await renderApp(filledStore(homelabGuests(), {readOnly: true}), {keymap, onQuit: () => quits++});
	await press(readOnly, 'q');
	assert.equal(quits, 0);
	cleanup();
	const writable = await renderApp(filledStore(homelabGuests()), {keymap, onQuit: () => quits++});
	await press(writable, 'q');
	assert.equal(quits, 1);
});

test('a standalone host is named as a node, not as a cluster', async () => {
	const store = createAppStore({target: 'pve.example:8006', demo: false, readOnly: false});
	const one = {name: 'pve', status: 'online' as const, cpu: 0.1, maxcpu: 8, mem: 1, maxmem: 2, uptime: 1};
	store.getState().actions.fleetReceived(snapshot(homelabGuests(), {clusterName: undefined, quorate: undefined, nodes: [one]}));
	const app = await renderApp(store);
	const first = plain(frameOf(app)).split('\n')[0]!;
	assert.match(first, /node pve │ nodes 1\/1 │ PVE 9\.1\.5 │ pve\.example:8006/);
	assert.doesNotMatch(first, /cluster/);
});

test('at 80 columns with DEMO and READ-ONLY the PVE version still shows (the target comes last)', async () => {
	const app = await renderApp(filledStore(homelabGuests(), {demo: true, readOnly: true}), {size: {columns: 80, rows: 24}});
	const first = plain(frameOf(app)).split('\n')[0]!;
	assert.match(first, /^proxdeck DEMO {2}READ-ONLY {2}cluster homelab │ nodes 2\/3 │ PVE 9\.1\.5/);
});
