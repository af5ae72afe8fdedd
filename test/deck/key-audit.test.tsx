// No key silently does nothing (issue 11, item 5): with each pane of the deck
// focused, every key the keymap binds in any pane scope is pressed once, from
// the same starting state, and the frame must change — the key acted, or one
// line says why it cannot. The state is put back between keys (the store is
// replaced whole), so one rendered app serves a whole pane's keys.

import '../views/force-color.js';
import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {loadKeymap, type Scope} from '../../keymaps/index.js';
import {attachLogs} from '../../source/services/logs/registry.js';
import {createLogsService} from '../../source/services/logs/panes.js';
import {createFollowController} from '../../source/services/logs/follow.js';
import type {Problem} from '../../source/services/problems/types.js';
import type {AppState} from '../../source/store/types.js';
import {manualSources} from '../logs/helpers.js';
import {press, settle, waitForFrame} from '../views/harness.js';
import {renderApp} from '../views/render.js';
import {homelabStore} from './homelab-store.js';

afterEach(() => cleanup());

const PANE_SCOPES: readonly Scope[] = ['fleet', 'topology', 'zfs', 'logs', 'tasks', 'problems', 'upgrade', 'deck', 'global'];

/** What a terminal sends for a key name of the keymap. */
function input(name: string): string {
	const named: Record<string, string> = {
		up: '\u001B[A',
		down: '\u001B[B',
		right: '\u001B[C',
		left: '\u001B[D',
		pgup: '\u001B[5~',
		pgdn: '\u001B[6~',
		home: '\u001B[H',
		end: '\u001B[F',
		enter: '\r',
		esc: '\u001B',
		tab: '\t',
		'shift+tab': '\u001B[Z',
		backspace: '\u007F',
		space: ' ',
	};
	if (named[name]) return named[name];
	if (name.startsWith('ctrl+')) return String.fromCharCode(name.charCodeAt(5) - 96);
	return name;
}

const keymap = loadKeymap();
// The keys that change a log service's own state (not the store's) go last: the store is put back between keys, the service is not.
const LAST = new Set(keymap.bindings.filter((b) => b.action === 'logs.clear' || b.action === 'logs.close').flatMap((b) => b.keys));
const KEYS = [...new Set(keymap.bindings.filter((b) => PANE_SCOPES.includes(b.scope)).flatMap((b) => b.keys))].sort((a, b) => Number(LAST.has(a)) - Number(LAST.has(b)));

const PROBLEMS: Problem[] = [
	{id: 'gateway-down:300', level: 'critical', rule: 'gateway-down', text: 'gateway 300 wireguard is stopped', target: {kind: 'guests', vmids: [300, 105, 106], label: 'gateway 300 wireguard'}, details: ['cuts off 105 prowlarr, 106 qbittorrent'], fix: {kind: 'start', vmids: [300]}},
	{id: 'guest-disk:201', level: 'critical', rule: 'guest-disk', text: '201 prometheus: disk 91 % (≥ 90 %)', target: {kind: 'guest', vmid: 201}},
	{id: 'task:UPID:1', level: 'warning', rule: 'task-failed', text: 'task vzsnapshot 404 failed', target: {kind: 'task', upid: 'UPID:1'}},
];

/** Focus a pane of the layout (zoomed: the full screen it was), then put its cursor mid-list so up and down both move. */
const PANES: Array<{pane: string; layout: string; zoom?: boolean; setup?: (s: AppState) => void}> = [
	{pane: 'fleet', layout: 'triage'},
	{pane: 'topology', layout: 'triage', setup: (s) => s.actions.topologyMove(2, 10)},
	{pane: 'zfs', layout: 'triage', setup: (s) => s.actions.zfsMove(2, 8)},
	{pane: 'logs', layout: 'triage'},
	{pane: 'tasks', layout: 'triage', setup: (s) => s.actions.moveTaskCursor(1)},
	{pane: 'problems', layout: 'triage', setup: (s) => s.actions.moveProblemCursor(1)},
	{pane: 'upgrade', layout: 'upgrade'},
	{pane: 'topology', layout: 'triage', zoom: true, setup: (s) => s.actions.topologyMove(2, 10)},
	{pane: 'zfs', layout: 'triage', zoom: true, setup: (s) => s.actions.zfsMove(2, 4)},
	{pane: 'logs', layout: 'triage', zoom: true},
];

for (const {pane, layout, zoom = false, setup} of PANES) {
	test(`${pane} pane focused${zoom ? ' and zoomed' : ''}: every bound key acts or says why`, async () => {
		const store = homelabStore({stopped: [300], lock: {404: 'backup'}, tags: true, problems: PROBLEMS});
		const manual = manualSources();
		const logs = createLogsService({store, renderIntervalMs: 1, sourceFor: manual.sourceFor, saveDir: mkdtempSync(join(tmpdir(), 'proxdeck-audit-'))});
		attachLogs(store, logs);
		// The fleet's cursor mid-table: the fleet's moves, marks and sorts all show; the log pane follows it.
		store.getState().actions.moveSelection(5);
		const follow = createFollowController({store, logs, timers: {set: (fn) => (fn(), 0), clear: () => {}}});
		follow.start();
		let quits = 0;
		const app = await renderApp(store, {size: {columns: 120, rows: 40}, layout, onQuit: () => quits++});
		manual.sources[0]!.push(...Array.from({length: 120}, (_, i) => `2026-11-23T16:40:${String(i % 60).padStart(2, '0')}+00:00 prowlarr app[7]: line ${i}`));
		await waitForFrame(app, (f) => f.includes('line 119'));
		store.getState().actions.deckFocus(pane, pane as never, zoom);
		setup?.(store.getState());
		await settle();
		const start = store.getState();
		const before = app.lastFrame() ?? '';
		const silent: string[] = [];
		for (const key of KEYS) {
			store.setState(start, true);
			const quitsBefore = quits;
			await press(app, input(key));
			if (app.lastFrame() === before && quits === quitsBefore) silent.push(key);
		}
		follow.stop();
		logs.stop();
		assert.deepEqual(silent, [], `keys that did nothing visible with the ${pane} pane focused`);
	});
}
