// The invariants every other property leans on: sanitize() leaves nothing a
// terminal acts on (no ESC, no C0/C1 control, no DEL, no tab), keeps ordinary
// text as it is, and is idempotent; errorLine() gives one such line for any
// error a host can cause.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {errorLine} from '../../source/services/error-line.js';
import {sanitize, sanitizeMultiline} from '../../source/util/sanitize.js';
import {escapeSequence, hasControl, hostileText, runs} from './arbitraries.js';

const printable = fc.string({unit: fc.integer({min: 0x20, max: 0x7e}).map((c) => String.fromCharCode(c))});

test('sanitize leaves no control character, whatever the input', () => {
	fc.assert(
		fc.property(hostileText, (text) => {
			const out = sanitize(text);
			assert.ok(!hasControl(out), JSON.stringify(out));
			assert.equal(sanitize(out), out);
		}),
		runs(),
	);
});

test('sanitize keeps printable text around escape sequences and removes only the sequences', () => {
	fc.assert(
		fc.property(fc.array(fc.tuple(printable, escapeSequence)), printable, (pairs, last) => {
			// A sequence whose final byte is missing may swallow the next printable text, so end each with its terminator.
			const text = pairs.map(([p, e]) => `${p}${e}`).join('') + last;
			const expected = pairs.map(([p]) => p).join('') + last;
			assert.equal(sanitize(text), expected);
		}),
		runs(),
	);
});

test('sanitizeMultiline keeps the line structure and nothing else a terminal acts on', () => {
	fc.assert(
		fc.property(fc.array(hostileText.map((t) => t.replace(/[\r\n]/g, '')), {maxLength: 6}), fc.constantFrom('\n', '\r\n', '\r'), (lines, nl) => {
			const out = sanitizeMultiline(lines.join(nl));
			assert.equal(out.split('\n').length, Math.max(1, lines.length));
			for (const line of out.split('\n')) assert.ok(!hasControl(line), JSON.stringify(line));
		}),
		runs(),
	);
});

test('errorLine is one clean non-empty line for any thrown value', () => {
	fc.assert(
		fc.property(fc.oneof(hostileText.map((m) => new Error(m)), hostileText, fc.integer(), fc.constant(undefined), fc.constant(null), fc.record({message: hostileText}), fc.record({message: hostileText}, {noNullPrototype: false}).map((r) => Object.assign(Object.create(null) as object, r))), (thrown) => {
			const line = errorLine(thrown);
			assert.ok(!line.includes('\n') && !hasControl(line), JSON.stringify(line));
			assert.ok(line.trim() !== '', "empty line");
		}),
		runs(),
	);
});

test('regression: errorLine of a null-prototype object or an all-control message', () => {
	assert.equal(errorLine(Object.create(null)), 'unknown error');
	assert.equal(errorLine(new Error('\u0007\u001b[2J')), 'unknown error');
	assert.equal(errorLine(new Error('\n\u001b[31mboom\u001b[0m\nmore')), 'boom');
});

test('sanitize on each ASCII character: printable ones kept (its fast path returns them untouched), tab two spaces, the rest removed', () => {
	for (let code = 0; code < 0x80; code++) {
		const c = String.fromCharCode(code);
		const expected = code >= 0x20 && code <= 0x7e ? c : code === 0x09 ? '  ' : '';
		// Last in the text: ESC would take the next character as the rest of its sequence.
		assert.equal(sanitize(`a${c}`), `a${expected}`, `U+${code.toString(16).padStart(4, '0')}`);
	}
	fc.assert(fc.property(printable, (text) => assert.equal(sanitize(text), text)), runs());
});
