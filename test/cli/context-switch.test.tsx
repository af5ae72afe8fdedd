// `:ctx` at run time, as a user drives it: the console runs on context home
// (one simulator), `:ctx` lists the config's contexts, `:ctx lab` switches to
// another cluster (another simulator, its secret from a 0600 file) — the
// header names it, the previous cluster's connections are closed, its marks and
// filter are not carried over — and a context that cannot be reached is one
// notice while the console stays where it was.

import assert from 'node:assert/strict';
import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {stripVTControlCharacters} from 'node:util';
import {render} from 'ink-testing-library';
import React from 'react';
import {loadKeymap} from '../../keymaps/index.js';
import {parseArgs} from '../../source/cli/args.js';
import {parseConfig} from '../../source/cli/config.js';
import {createContextSwitcher, type ContextSwitchService} from '../../source/cli/context-switch.js';
import {wireConsole, type WiredConsole} from '../../source/cli/console-wiring.js';
import {openHost, type Io} from '../../source/cli/open-host.js';
import {resolveTarget} from '../../source/cli/target.js';
import {demoToken} from '../../source/cli/demo.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {App} from '../../views/App.js';
import {KEYS, keyClock, press, settle, type} from '../views/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'proxdeck-ctx-'));
const homelab = loadFixture(BUILTIN_FIXTURES.homelab);
const cluster = loadFixture(BUILTIN_FIXTURES.cluster);
let home: RunningSimulator;
let lab: RunningSimulator;
let closedPort: number;

async function waitFor(what: string, predicate: () => boolean, ms = 30_000): Promise<void> {
	const until = Date.now() + ms;
	while (!predicate()) {
		if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

before(async () => {
	[home, lab] = await Promise.all([startSimulator({fixture: homelab, authFailureDelayMs: 0}), startSimulator({fixture: cluster, authFailureDelayMs: 0})]);
	closedPort = await new Promise<number>((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address() as {port: number};
			server.close(() => resolve(port));
		});
	});
});
after(async () => {
	await Promise.all([home.close(), lab.close()]);
});

test(':ctx lists the contexts, switches to another cluster, closes the old one’s connections and leaves its marks and filter behind', async () => {
	const labSecret = join(dir, 'lab.secret');
	writeFileSync(labSecret, `${demoToken(cluster).secret}\n`);
	chmodSync(labSecret, 0o600);
	const config = parseConfig(
		`contexts:
  home:
    endpoints: [{host: 127.0.0.1, port: ${home.port}, fingerprint: "${home.fingerprint}"}]
    tokenId: "${demoToken(homelab).tokenId}"
    secret: {env: HOME_SECRET}
  lab:
    endpoints: [{host: 127.0.0.1, port: ${lab.port}, fingerprint: "${lab.fingerprint}"}]
    tokenId: "${demoToken(cluster).tokenId}"
    secret: {file: ${labSecret}}
    readOnly: true
  broken:
    endpoints: [{host: 127.0.0.1, port: ${closedPort}}]
    tokenId: "root@pam!proxdeck"
    secret: {env: HOME_SECRET}
`,
		'c.yaml',
	);
	let err = '';
	const io: Io = {
		stdin: process.stdin,
		stdout: process.stdout,
		stderr: {write: (chunk: string) => ((err += chunk), true)} as unknown as NodeJS.WriteStream,
		env: {HOME_SECRET: demoToken(homelab).secret, XDG_STATE_HOME: join(dir, 'state'), XDG_CONFIG_HOME: join(dir, 'config')},
	};
	const args = parseArgs(['--context', 'home']);
	const target = resolveTarget(args, config, io.env);
	const opened = await openHost(args, target, io, {needsTty: false});
	assert.ok(typeof opened !== 'number', err);
	const initial = wireConsole(opened, target, config, args, io);
	let generation = 0;
	const element = (wired: WiredConsole) => (
		<App key={generation++} store={wired.store} keymap={loadKeymap()} size={{columns: 180, rows: 40}} onQuit={() => {}} now={() => Date.now()} tickMs={0} inputClock={keyClock} commands={wired.commands} />
	);
	initial.start();
	const app = render(element(initial));
	Object.defineProperty(app.stdout, 'columns', {value: 180, configurable: true});
	app.stdout.emit('resize');
	let contexts: ContextSwitchService | undefined;
	try {
		contexts = createContextSwitcher({config, args, io, initial, initialName: 'home', show: (next) => app.rerender(element(next))});
		const frame = () => stripVTControlCharacters(app.lastFrame() ?? '');
		const header = () => frame().split('\n').slice(0, 2).join('\n');
		await waitFor('the home fleet', () => initial.store.getState().guests.size === 28 && header().includes(`127.0.0.1:${home.port}`));
		await settle();

		// A mark and a filter on home.
		await press(app, ' ');
		await waitFor('the mark', () => header().includes('1 marked'));
		await press(app, '/');
		await type(app, 'plex');
		await press(app, KEYS.enter);
		await waitFor('the filter', () => initial.store.getState().ui.filter === 'plex');

		// :ctx lists them, the current one starred.
		await press(app, ':');
		await type(app, 'ctx');
		await press(app, KEYS.enter);
		await waitFor('the list', () => frame().includes(`contexts: *home (127.0.0.1:${home.port})  lab (127.0.0.1:${lab.port})  broken (127.0.0.1:${closedPort}) — :ctx NAME switches`));

		// An unknown name and an unreachable cluster are one notice each; the console stays on home.
		await press(app, ':');
		await type(app, 'ctx nope');
		await press(app, KEYS.enter);
		await waitFor('the unknown-name notice', () => frame().includes('no context "nope" (have: home, lab, broken)'));
		await press(app, ':');
		await type(app, 'ctx broken');
		await press(app, KEYS.enter);
		await waitFor('the unreachable notice', () => /cannot switch to context broken: cannot reach 127\.0\.0\.1:\d+: connection refused.* — still on home/.test(frame()));
		assert.equal(contexts.current(), initial);
		assert.ok(header().includes(`127.0.0.1:${home.port}`) && header().includes('1 marked'));

		// :ctx lab: the header names the other cluster, read-only as its context says; no mark, no filter.
		await press(app, ':');
		await type(app, 'ctx lab');
		await press(app, KEYS.enter);
		await waitFor('the lab cluster in the header', () => header().includes(`127.0.0.1:${lab.port}`) && header().includes('cluster '));
		const now = contexts.current();
		assert.notEqual(now, initial);
		await waitFor('the lab fleet', () => now.store.getState().guests.size > 0);
		assert.ok(header().includes('READ-ONLY'));
		assert.ok(!header().includes('marked'), header());
		assert.equal(now.store.getState().ui.filter, '');
		assert.equal(now.store.getState().marks.size, 0);
		await waitFor('the switched notice', () => frame().includes(`context lab: 127.0.0.1:${lab.port} · home disconnected`));
		// The previous cluster's connections are closed: its client sends nothing more.
		await assert.rejects(initial.opened.client.request('GET', '/version'));
		const homeRequests = home.requests.length;
		await now.opened.client.request('GET', '/version');
		assert.equal(home.requests.length, homeRequests);
		// And :ctx now stars lab.
		await press(app, ':');
		await type(app, 'ctx');
		await press(app, KEYS.enter);
		await waitFor('the list after the switch', () => frame().includes(`home (127.0.0.1:${home.port})  *lab (127.0.0.1:${lab.port})`));
	} finally {
		app.unmount();
		await contexts?.close();
		await initial.stop();
	}
});
