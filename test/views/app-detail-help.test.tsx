import './force-color.js';
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import type {LxcConfig} from '../../source/api/types.js';
import {loadKeymap} from '../../keymaps/index.js';
import {filledStore, homelabGuests} from './data.js';
import {KEYS, plain, press, selectedLine} from './harness.js';
import {NOW, renderApp} from './render.js';
import {readSample} from '../samples.js';

afterEach(() => cleanup());

// The recorded PVE answer for a container with GPU passthrough (shared/samples).
const recorded = JSON.parse(readSample('api-lxc-config.json')).data as LxcConfig;

test('enter opens the detail panel with config values, mounts and NICs; esc closes it', async () => {
	const store = filledStore(homelabGuests());
	const app = await renderApp(store, {size: {columns: 120, rows: 40}});
	await press(app, KEYS.enter);
	assert.equal(store.getState().ui.overlay, 'detail');
	assert.match(plain(app.lastFrame()!), /── pihole \(100\) · lxc on pve1 · running ──/);
	assert.match(plain(app.lastFrame()!), /loading…/);
	store.getState().actions.detailReceived(
		100,
		{...recorded, description: 'DNS sinkhole\nsecond line', unprivileged: 1, lock: 'backup'},
		[
			{name: 'current', description: 'You are here!'},
			{name: 'before-upgrade', description: '', snaptime: (NOW - 2 * 86400_000) / 1000},
			{name: 'initial', description: '', snaptime: (NOW - 9 * 86400_000) / 1000},
		],
		NOW,
	);
	await press(app);
	const text = plain(app.lastFrame()!);
	assert.match(text, /os debian \(amd64\) — DNS sinkhole/);
	assert.doesNotMatch(text, /second line/);
	assert.match(text, /cores 2 · memory 4G · swap 512M · onboot yes · unprivileged/);
	assert.match(text, /features fuse=1,mknod=1,nesting=1/);
	assert.match(text, /rootfs vmstore:subvol-101-disk-0 size 30G/);
	assert.match(text, /mp0 \/mnt\/foo\/bar → \/storage/);
	assert.match(text, /net0 eth0 {2}bridge vmbr0 {2}ip dhcp {2}firewall on {2}hwaddr 5D:CF:BD:B2:C5:39/);
	assert.match(text, /raw lxc keys 5 · devices \/dev\/dri \/dev\/fb0/);
	assert.match(text, /tags tag1, tag2 · lock backup · HA -/);
	assert.match(text, /snapshots 2 · newest before-upgrade \(2d ago\)/);
	await press(app, KEYS.esc);
	assert.equal(store.getState().ui.overlay, 'none');
	assert.doesNotMatch(plain(app.lastFrame()!), /rootfs/);
});

test('a privileged container is flagged; a detail error is shown; j moves the selection under the panel', async () => {
	const store = filledStore(homelabGuests());
	store.getState().actions.detailReceived(100, {...recorded, unprivileged: 0}, [], NOW);
	const app = await renderApp(store, {size: {columns: 120, rows: 40}});
	await press(app, KEYS.enter);
	const frame = app.lastFrame()!;
	assert.match(frame, /\u001B\[33mPRIVILEGED/);
	await press(app, 'j');
	assert.match(selectedLine(app.lastFrame()!)!, /unbound/);
	assert.match(plain(app.lastFrame()!), /── unbound \(101\)/);
	store.getState().actions.detailFailed(101, '500 unable to open file');
	await press(app);
	assert.match(plain(app.lastFrame()!), /error: 500 unable to open file/);
	await press(app, KEYS.enter);
	assert.equal(store.getState().ui.overlay, 'none');
});

test('? shows help generated from the keymap, with the column legend; esc closes it', async () => {
	const store = filledStore(homelabGuests());
	const app = await renderApp(store, {size: {columns: 120, rows: 70}});
	await press(app, '?');
	const text = plain(app.lastFrame()!);
	assert.match(text, /Guest table/);
	assert.match(text, /j\/↓ +down/);
	assert.match(text, /C +sort by CPU/);
	// The legend follows the table's keys, a page down (the deck's keys come first).
	await press(app, KEYS.pgDn);
	assert.match(plain(app.lastFrame()!), /Columns/);
	assert.match(plain(app.lastFrame()!), /CPU% +sort C \(again: reverse\) +red at ≥ 90 %/);
	await press(app, KEYS.esc);
	assert.equal(store.getState().ui.overlay, 'none');
	assert.doesNotMatch(plain(app.lastFrame()!), /Guest table/);
});

test('a keymap override changes what help says', async () => {
	const app = await renderApp(filledStore(homelabGuests()), {size: {columns: 120, rows: 60}, keymap: loadKeymap({'nav.down': ['n', 'down'], 'view.help': 'h'})});
	await press(app, 'h');
	const text = plain(app.lastFrame()!);
	assert.match(text, /n\/↓ +down/);
	assert.doesNotMatch(text, /j\/↓ +down/);
	assert.match(text, /h +help/);
});

test('help scrolls with j when it is taller than the screen', async () => {
	const app = await renderApp(filledStore(homelabGuests()), {size: {columns: 80, rows: 14}});
	await press(app, '?');
	assert.match(plain(app.lastFrame()!), /The deck: every pane/);
	await press(app, 'j', 'j');
	assert.doesNotMatch(plain(app.lastFrame()!), /The deck: every pane/);
	await press(app, '?');
	assert.match(plain(app.lastFrame()!), /VMID▲/);
});

test('an unknown guest on an online node is one its node has not reported yet, not a guest of an offline node', async () => {
	const guests = homelabGuests();
	// pve1 is online (a guest new since its pvestatd broadcast: no status, no figures); pve3 is offline.
	guests[0] = {...guests[0]!, node: 'pve1', status: 'unknown', cpu: 0, mem: 0, uptime: 0};
	guests[1] = {...guests[1]!, node: 'pve3', status: 'unknown', cpu: 0, mem: 0, uptime: 0};
	const store = filledStore(guests);
	const app = await renderApp(store, {size: {columns: 180, rows: 40}});
	await press(app, KEYS.enter);
	let text = plain(app.lastFrame()!);
	assert.match(text, /── pihole \(100\) · lxc on pve1 · unknown \(not reported by its node yet\)/);
	assert.doesNotMatch(text, /node offline/);
	await press(app, KEYS.esc, 'j', KEYS.enter);
	text = plain(app.lastFrame()!);
	assert.match(text, /\(101\) · \w+ on pve3 · unknown \(node offline; not seen since proxdeck started\)/);
});
