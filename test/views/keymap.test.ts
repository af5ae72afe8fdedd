import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {Key} from 'ink';
import {helpSections, hintsFor, isKeyName, keyName, loadKeymap, matchAction} from '../../keymaps/index.js';
import {textWidth} from '../../views/format.js';
import {HANDLED_ACTIONS as SCREEN_HANDLED} from '../../views/actions.js';
import {DECK_ACTIONS} from '../../views/deck/deck-keys.js';

// The deck's dispatcher (views/deck/deck-keys.ts) handles its own ids before the screen handlers.
const HANDLED_ACTIONS = [...SCREEN_HANDLED, ...DECK_ACTIONS];
import {NO_KEY} from '../../views/key-chunks.js';

const k = (patch: Partial<Key> = {}): Key => ({...NO_KEY, ...patch});

test('keyName maps Ink key events to the names used in the YAML table', () => {
	assert.equal(keyName('', k({downArrow: true})), 'down');
	assert.equal(keyName('', k({pageDown: true})), 'pgdn');
	assert.equal(keyName('', k({return: true})), 'enter');
	assert.equal(keyName('', k({escape: true, meta: true})), 'esc');
	// Ink 6 reports Backspace as `delete`.
	assert.equal(keyName('', k({delete: true})), 'backspace');
	assert.equal(keyName('c', k({ctrl: true})), 'ctrl+c');
	assert.equal(keyName('G', k({shift: true})), 'G');
	assert.equal(keyName(' ', k()), 'space');
	assert.equal(keyName('/', k()), '/');
});

test('matchAction looks in the scope first, then its fallbacks, then global', () => {
	const keymap = loadKeymap();
	assert.equal(matchAction(keymap, 'fleet', 'j', k()), 'nav.down');
	assert.equal(matchAction(keymap, 'fleet', '', k({downArrow: true})), 'nav.down');
	assert.equal(matchAction(keymap, 'fleet', 'G', k({shift: true})), 'nav.bottom');
	assert.equal(matchAction(keymap, 'fleet', 'C', k({shift: true})), 'sort.cpu');
	// q types a "q" into the filter prompt instead of quitting …
	assert.equal(matchAction(keymap, 'filter', 'q', k()), undefined);
	// … but ctrl+c quits from anywhere.
	assert.equal(matchAction(keymap, 'filter', 'c', k({ctrl: true})), 'app.forceQuit');
	// The detail panel closes on enter, and table keys still work under it.
	assert.equal(matchAction(keymap, 'detail', '', k({return: true})), 'detail.close');
	assert.equal(matchAction(keymap, 'detail', 'j', k()), 'nav.down');
	assert.equal(matchAction(keymap, 'help', 'j', k()), 'help.down');
	assert.equal(matchAction(keymap, 'fleet', 'z', k()), undefined);
});

test('the action keys are bound, u (formerly reserved) to the upgrade plan', () => {
	const keymap = loadKeymap();
	const actions = ['s', 'r', 'b', 'x', '+', '-', 't', 'u', '5'].map((key) => matchAction(keymap, 'fleet', key, k()));
	assert.deepEqual(actions, ['act.snapshot', 'act.reboot', 'act.rollback', 'act.stop', 'act.start', 'act.shutdown', 'pane.tasks', 'upgrade.plan', 'screen.upgrade']);
	assert.equal(matchAction(keymap, 'fleet', ' ', k()), 'mark.toggle');
});

test('every action in the table has a handler in the dispatcher, and exactly the destructive actions are dangerous', () => {
	const keymap = loadKeymap();
	for (const b of keymap.bindings) assert.ok(HANDLED_ACTIONS.includes(b.action), `no handler for ${b.action}`);
	assert.deepEqual(keymap.bindings.filter((b) => b.dangerous).map((b) => b.action).sort(), ['act.prune', 'act.reboot', 'act.restore', 'act.rollback', 'act.rollbackUpgrade', 'act.shutdown', 'act.stop', 'backups.prune', 'problems.fix']);
	// problems.fix starts guests (not destructive), but always asks first and read-only refuses it, which `dangerous` means.
});

test('one shift-letter per sortable column', () => {
	const keymap = loadKeymap();
	const sortKeys = keymap.bindings.filter((b) => b.action.startsWith('sort.')).map((b) => b.keys.join());
	assert.deepEqual(sortKeys, ['I', 'N', 'O', 'S', 'C', 'M', 'D', 'U', 'B', 'T', 'L', 'K', 'V']);
});

test('overrides rebind an action; hints and help follow', () => {
	const keymap = loadKeymap({'nav.down': ['n', 'down'], 'sort.name': 'Z'});
	assert.equal(matchAction(keymap, 'fleet', 'n', k()), 'nav.down');
	assert.equal(matchAction(keymap, 'fleet', 'j', k()), undefined);
	assert.equal(matchAction(keymap, 'fleet', 'Z', k({shift: true})), 'sort.name');
	assert.equal(hintsFor(keymap, 'fleet').find((h) => h.action === 'nav.down')?.keys, 'n/↓');
	assert.equal(hintsFor(keymap, 'fleet')[0]?.action, 'act.snapshot', 'footer: N orders the hints');
	const fleet = helpSections(keymap).find((s) => s.scope === 'fleet');
	assert.ok(fleet?.entries.some((e) => e.keys === 'Z' && e.description === 'sort by name'));
});

test('bad overrides throw one clear line', () => {
	assert.throws(() => loadKeymap({'nav.sideways': 'x'}), (e: Error) => /unknown action "nav.sideways"/.test(e.message) && !e.message.includes('\n'));
	assert.throws(() => loadKeymap({'nav.down': 'ctrl+'}), (e: Error) => /keys\.nav\.down: unknown key name "ctrl\+"/.test(e.message));
	assert.throws(() => loadKeymap({'nav.down': 'pagedown'}), /unknown key name "pagedown"/);
	assert.throws(() => loadKeymap({'nav.down': 'k'}), /"k" is bound to both/);
	assert.throws(() => loadKeymap({'nav.down': []}), /at least one key/);
});

test('isKeyName accepts named keys, one printable character and ctrl+letter', () => {
	for (const ok of ['j', 'G', '/', '?', 'pgdn', 'esc', 'ctrl+x', 'space', 'shift+tab']) assert.ok(isKeyName(ok), ok);
	for (const bad of ['', 'jj', 'ctrl+1', 'PageDown', ' ', 'é']) assert.ok(!isKeyName(bad), bad);
});

test('help sections cover every scope that has bindings, with hints drawn from the same table', () => {
	const sections = helpSections(loadKeymap());
	assert.deepEqual(
		sections.map((s) => s.scope),
		['deck', 'fleet', 'detail', 'filter', 'help', 'topology', 'zfs', 'command', 'dialog', 'picker', 'logs', 'logfilter', 'logopen', 'upgrade', 'tasks', 'problems', 'nodes', 'backups', 'backuplist', 'global'],
	);
	assert.deepEqual(
		hintsFor(loadKeymap(), 'filter').map((h) => h.description),
		['apply filter', 'cancel'],
	);
});

test('every footer hint reads in 14 columns or fewer (a `label`); help keeps the whole description', () => {
	const keymap = loadKeymap();
	for (const b of keymap.bindings) {
		if (b.footer) assert.ok(textWidth(b.label) <= 14, `${b.scope} ${b.action}: "${b.label}" is too long for the footer; give it a label`);
	}
	const backup = keymap.bindings.find((b) => b.action === 'act.backup')!;
	assert.equal(backup.label, 'back up');
	assert.equal(helpSections(keymap).find((s) => s.scope === 'fleet')?.entries.find((e) => e.action === 'act.backup')?.description, 'back up now (vzdump: storage, mode, notes, protected)');
	// Without a label the footer says the description.
	assert.equal(keymap.bindings.find((b) => b.action === 'nav.down' && b.scope === 'fleet')?.label, 'down');
});

test('descriptions holding commas survive the YAML (the loader rejects stray fields)', () => {
	const keymap = loadKeymap();
	const description = (action: string) => keymap.bindings.find((b) => b.action === action)?.description;
	assert.equal(description('logs.bottom'), 'newest line, following');
	assert.equal(description('upgrade.back'), 'back (in a run: stop new starts)');
	for (const b of keymap.bindings) assert.ok(b.description.length > 0, b.action);
});
