// Properties of the keymap loader: any set of overrides either yields a table
// in which each overridden action answers exactly its new keys (and the
// defaults stay untouched for the next load), or one error line that a
// terminal shows as text; the key names it accepts always draw as printable labels.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import type {Key} from 'ink';
import {isKeyName, keyLabel, loadKeymap, matchAction, type Scope} from '../../keymaps/index.js';
import {hasControl, hostileText, runs} from './arbitraries.js';

const pristine = loadKeymap();
const actions = [...new Set(pristine.bindings.map((b) => b.action))];
const NAMED = ['up', 'down', 'left', 'right', 'pgup', 'pgdn', 'home', 'end', 'enter', 'esc', 'tab', 'shift+tab', 'backspace', 'space'];
const keyNameArb = fc.oneof(fc.constantFrom(...NAMED), fc.integer({min: 0x21, max: 0x7e}).map((c) => String.fromCharCode(c)), fc.integer({min: 0, max: 25}).map((i) => `ctrl+${String.fromCharCode(97 + i)}`));

/** The Ink key event a key name stands for (the inverse of keyName). */
function press(name: string): [string, Key] {
	const key = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageUp: false, pageDown: false, home: false, end: false, return: false, escape: false, tab: false, backspace: false, delete: false, ctrl: false, shift: false, meta: false} as unknown as Key;
	const flags: Record<string, Partial<Key>> = {up: {upArrow: true}, down: {downArrow: true}, left: {leftArrow: true}, right: {rightArrow: true}, pgup: {pageUp: true}, pgdn: {pageDown: true}, home: {home: true}, end: {end: true}, enter: {return: true}, esc: {escape: true}, tab: {tab: true}, 'shift+tab': {tab: true, shift: true}, backspace: {backspace: true}};
	if (flags[name]) return ['', {...key, ...flags[name]}];
	if (name === 'space') return [' ', key];
	if (name.startsWith('ctrl+')) return [name.slice(5), {...key, ctrl: true}];
	return [name, key];
}

const overrides = fc.dictionary(fc.constantFrom(...actions), fc.oneof(keyNameArb, fc.uniqueArray(keyNameArb, {minLength: 1, maxLength: 3})), {maxKeys: 4});

test('an accepted override set binds each overridden action to exactly its new keys, in every scope it lives in', () => {
	fc.assert(
		fc.property(overrides, (ov) => {
			let keymap;
			try {
				keymap = loadKeymap(ov);
			} catch (error) {
				// Refused only for a real clash: two actions on one key in one scope.
				assert.match((error as Error).message, /is bound to both/);
				return;
			}
			for (const [action, value] of Object.entries(ov)) {
				const keys = Array.isArray(value) ? value : [value];
				for (const b of keymap.bindings.filter((x) => x.action === action)) {
					assert.deepEqual(b.keys, keys);
					for (const k of keys) assert.equal(keymap.lookup.get(b.scope as Scope)!.get(k), action);
					for (const old of pristine.bindings.find((x) => x.action === action && x.scope === b.scope)!.keys) {
						if (!keys.includes(old)) assert.notEqual(keymap.lookup.get(b.scope)!.get(old), action, `${old} still triggers ${action}`);
					}
				}
			}
			// Every binding's key, pressed in its scope, triggers its action.
			for (const b of keymap.bindings) for (const k of b.keys) assert.equal(matchAction(keymap, b.scope, ...press(k)), b.action, `${k} in ${b.scope}`);
		}),
		runs(),
	);
});

test('overrides never leak into the defaults the next load starts from', () => {
	fc.assert(
		fc.property(overrides, (ov) => {
			try {
				loadKeymap(ov);
			} catch {
				// a clash: nothing to check beyond the defaults below
			}
			const again = loadKeymap();
			assert.deepEqual(again.bindings, pristine.bindings);
		}),
		runs(50),
	);
});

test('any override set is a keymap or one printable error line', () => {
	const junkKey = fc.oneof(hostileText, keyNameArb, fc.constantFrom('', 'ctrl+', 'shift+a', 'F1', 'ctrl+1', '  '));
	fc.assert(
		fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...actions), hostileText, fc.constantFrom('__proto__', 'constructor')), fc.oneof(junkKey, fc.array(junkKey, {maxLength: 3})), {maxKeys: 4}), (ov) => {
			try {
				loadKeymap(ov);
			} catch (error) {
				assert.ok(error instanceof Error);
				assert.ok(!error.message.includes('\n') && !hasControl(error.message), JSON.stringify(error.message));
			}
		}),
		runs(),
	);
});

test('every key name the loader accepts draws as a printable label', () => {
	fc.assert(
		fc.property(fc.oneof(keyNameArb, hostileText), (name) => {
			if (isKeyName(name)) assert.ok(!hasControl(keyLabel(name)) && keyLabel(name).trim() !== '', JSON.stringify(name));
		}),
		runs(),
	);
});

test('regression: an unknown action holding an escape sequence is named as text', () => {
	assert.throws(() => loadKeymap({'nav.down\u001b]0;owned\u0007': 'j'}), (error: Error) => {
		assert.ok(!hasControl(error.message), JSON.stringify(error.message));
		assert.match(error.message, /unknown action "nav\.down\\u001b\]0;owned\\u0007"/);
		return true;
	});
});
