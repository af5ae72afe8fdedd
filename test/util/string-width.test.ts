// The fast path for narrow text (source/util/string-width.ts) must give exactly
// string-width's answer: the frames are laid out with it, so one cell of
// difference would shift a column. Checked against string-width itself, on
// every character of the table and on random text that mixes them with
// characters the fast path must leave to string-width.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import realStringWidth from 'string-width';
import stringWidth, {narrowRanges, narrowWidth} from '../../source/util/string-width.js';

const segmenter = new Intl.Segmenter();
const graphemes = (text: string) => [...segmenter.segment(text)].length;

const tableCharacters = narrowRanges.flatMap(([from, to]) => Array.from({length: to - from + 1}, (_, i) => String.fromCharCode(from + i)));

test('every character of the table is one cell and a grapheme of its own, as string-width sees it', () => {
	assert.ok(tableCharacters.length > 900, 'the table covers the glyphs the views draw');
	for (const ch of tableCharacters) {
		const name = `U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
		assert.equal(realStringWidth(ch), 1, `${name} is one cell`);
		// No mark, joiner or selector after a letter, no prepend before one, no pair (Hangul, regional indicators) with itself.
		assert.equal(graphemes(`a${ch}a`), 3, `${name} does not join its neighbours`);
		assert.equal(graphemes(`${ch}${ch}`), 2, `${name} does not join itself`);
		assert.equal(narrowWidth(ch), 1);
	}
});

test('characters outside the table go to string-width: wide, zero-width, emoji, controls', () => {
	for (const text of ['日本', 'e\u0301', '\u00AD', '\u200B', '\u200D', '\uFE0F', '\u25FD', '\u2705', '\u2728', '\u231A', '\u2028', '\u001B[31m', '\t', '\u{1F600}', 'ａ']) {
		assert.equal(narrowWidth(`x${text}`), undefined, JSON.stringify(text));
		assert.equal(stringWidth(`x${text}`), realStringWidth(`x${text}`), JSON.stringify(text));
	}
});

test('styled text is measured without its escape sequences, as string-width does', () => {
	const styled = '\u001B[1m\u001B[36mproxdeck\u001B[39m\u001B[22m node pve \u2502 nodes 1/1 \u2502 \u2716 3';
	assert.equal(stringWidth(styled), realStringWidth(styled));
	assert.equal(stringWidth(styled), 35);
	assert.equal(stringWidth(styled, {countAnsiEscapeCodes: true}), realStringWidth(styled, {countAnsiEscapeCodes: true}));
});

test('ambiguousIsNarrow: false is string-width\'s (·, │ and × become wide)', () => {
	for (const text of ['a·b', '│ nodes │', '3×4']) {
		assert.equal(stringWidth(text, {ambiguousIsNarrow: false}), realStringWidth(text, {ambiguousIsNarrow: false}));
		assert.notEqual(stringWidth(text, {ambiguousIsNarrow: false}), stringWidth(text), `${text} has an ambiguous character`);
	}
});

test('on any text the fast path and string-width agree', () => {
	const units = fc.oneof(
		fc.constantFrom(...tableCharacters),
		fc.integer({min: 0x20, max: 0x7e}).map((c) => String.fromCharCode(c)),
		// Joiners, marks, selectors, emoji, wide and control characters: each falls back to string-width.
		fc.constantFrom('\u0301', '\u200D', '\uFE0F', '\u20E3', '\u1100', '\u1161', '\u00AD', '\u2705', '\u231A', '\u{1F1E9}', '\u{1F468}', '日', '\u001B', '\u009B', '\n', '\t'),
		// Styles as Ink writes them (string-width strips them before measuring), and broken ones.
		fc.constantFrom('\u001B[1m', '\u001B[36m', '\u001B[39m', '\u001B[22m', '\u001B[2m', '\u009B31m', '\u001B]8;;http://x\u0007', '\u001B]8;;\u0007', '\u001B[', '\u001B[38;5;'),
		fc.integer({min: 0, max: 0xffff}).map((c) => String.fromCharCode(c)),
	);
	fc.assert(
		fc.property(fc.array(units, {maxLength: 24}), fc.boolean(), (parts, ambiguousIsNarrow) => {
			const text = parts.join('');
			assert.equal(stringWidth(text), realStringWidth(text));
			assert.equal(stringWidth(text, {ambiguousIsNarrow}), realStringWidth(text, {ambiguousIsNarrow}));
			assert.equal(stringWidth(text, {countAnsiEscapeCodes: true}), realStringWidth(text, {countAnsiEscapeCodes: true}));
		}),
		{numRuns: 3000},
	);
});
