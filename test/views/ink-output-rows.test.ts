// The Ink patch (patches/ink+6.8.0.patch) builds a frame's rows without laying
// every cell out: a row of pieces that do not overlap is joined from each
// piece's cached string, and a row whose pieces are the same as in the last
// frame is reused. Both must show exactly what Ink's cell-by-cell layout shows:
// the same character with the same colours in every column.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {styledCharsFromTokens, tokenize} from '@alcalzone/ansi-tokenize';
// Ink exports only its index; the class is reached by file, as Ink's renderer imports it.
import Output, * as inkOutput from '../../node_modules/ink/build/output.js';
import fc from 'fast-check';
import sliceAnsi from 'slice-ansi';
import stringWidth from 'string-width';

/** The patch's width function (measure-text.js imports it; Ink's typings do not declare it). */
const {textWidth} = inkOutput as unknown as {textWidth: (text: string) => number};

const red = (s: string) => `\u001B[31m${s}\u001B[39m`;
const inverse = (s: string) => `\u001B[7m${s}\u001B[27m`;
const bold = (s: string) => `\u001B[1m${s}\u001B[22m`;

type Write = [x: number, y: number, text: string];

/** A frame through the patched Output; `inkLayout` forces Ink's own cell-by-cell layout of every row (the fallback path). */
function frame(width: number, height: number, writes: Write[], rowMemo?: {width: number; rows: unknown[]}, inkLayout = false): string {
	const output = new Output({width, height, rowMemo});
	if (inkLayout) (output as unknown as {joinedRow: () => undefined}).joinedRow = () => undefined;
	for (const [x, y, text] of writes) output.write(x, y, text, {transformers: []});
	return output.get().output;
}

/** Each column's character and its active colour codes, as a terminal would show them. */
function cells(text: string): string[][] {
	return text.split('\n').map((line) =>
		styledCharsFromTokens(tokenize(line)).map((c) => `${c.value}|${c.styles.map((s) => s.code).sort().join(',')}`),
	);
}

/** Ink's own way: every row laid out cell by cell. */
const laidOut = (width: number, height: number, writes: Write[]) => frame(width, height, writes, undefined, true);

const cases: Record<string, {width: number; height: number; writes: Write[]}> = {
	'panes side by side, coloured, written out of order': {
		width: 40,
		height: 3,
		writes: [
			[20, 0, `${red('down')} ${bold('wireguard')}`],
			[0, 0, `${inverse(' 100 plex  ')} ok`],
			[0, 1, 'left\nsecond line'],
			[15, 1, red('x')],
		],
	},
	'wide characters (CJK, emoji) before another piece': {
		width: 30,
		height: 1,
		writes: [
			[0, 0, `名前 ${red('✔')} 🚀`],
			[12, 0, inverse('next')],
		],
	},
	'an overlapping write replaces part of the row (laid out)': {
		width: 20,
		height: 1,
		writes: [
			[0, 0, red('aaaaaaaaaaaaaaa')],
			[5, 0, bold('BB')],
		],
	},
	'a piece running past the width (laid out)': {
		width: 10,
		height: 1,
		writes: [
			[0, 0, 'abc'],
			[8, 0, red('overflowing')],
		],
	},
	'styled trailing spaces are kept, plain ones trimmed': {
		width: 20,
		height: 2,
		writes: [
			[0, 0, inverse('sel   ')],
			[0, 1, 'plain   '],
		],
	},
};

describe('Ink output rows (patched)', () => {
	for (const [name, {width, height, writes}] of Object.entries(cases)) {
		it(`${name}: the same cells as Ink's layout`, () => {
			const patched = frame(width, height, writes);
			const ink = laidOut(width, height, writes);
			assert.deepEqual(cells(patched), cells(ink));
			// Same visible text, byte for byte once colours are stripped.
			const strip = (s: string) => s.replace(/\u001B\[[0-9;]*m/g, '');
			assert.equal(strip(patched), strip(ink));
		});
	}

	it('reuses an unchanged row and rebuilds a changed one', () => {
		const memo = {width: -1, rows: [] as unknown[]};
		const first = frame(30, 2, [[0, 0, 'fleet row one'], [0, 1, 'cpu 12%']], memo);
		const rowsBefore = memo.rows as Array<{text: string}>;
		const second = frame(30, 2, [[0, 0, 'fleet row one'], [0, 1, 'cpu 13%']], memo);
		const rowsAfter = memo.rows as Array<{text: string}>;
		assert.equal(first.split('\n')[0], second.split('\n')[0]);
		assert.equal(rowsAfter[1]!.text, 'cpu 13%');
		assert.equal(rowsAfter[0]!.text, rowsBefore[0]!.text);
		// A different width never reuses: the same pieces can lay out differently.
		const narrow = frame(5, 2, [[0, 0, 'fleet row one'], [0, 1, 'cpu 13%']], memo);
		assert.deepEqual(cells(narrow), cells(laidOut(5, 2, [[0, 0, 'fleet row one'], [0, 1, 'cpu 13%']])));
	});

	it('holds one shared character object per character and colours, not one per cell (issue 12: 12 MB at 10,000 guests)', () => {
		const memo = {width: -1, rows: [] as unknown[]};
		const text = frame(20, 4, [[0, 0, red('abc')], [0, 1, red('cab') + bold('a')], [0, 2, 'ab'], [0, 3, 'ba']], memo);
		assert.deepEqual(cells(text), cells(laidOut(20, 4, [[0, 0, red('abc')], [0, 1, red('cab') + bold('a')], [0, 2, 'ab'], [0, 3, 'ba']])));
		type Char = {value: string; styles: Array<{code: string}>};
		const chars = (y: number) => (memo.rows as Array<{placements: [number, Char[]]}>)[y]!.placements[1];
		const [a, b, c] = chars(0);
		const [c2, a2, b2, boldA] = chars(1);
		assert.equal(a2, a, 'a red "a" is the same object in both lines');
		assert.equal(b2, b);
		assert.equal(c2, c);
		assert.notEqual(boldA, a, 'another colour is another character');
		assert.equal(boldA!.styles[0]!.code, '\u001B[1m');
		assert.equal(a!.styles, b!.styles, 'one styles array per colour');
		const [plainA, plainB] = chars(2);
		const [plainB2, plainA2] = chars(3);
		assert.equal(plainA2, plainA);
		assert.equal(plainB2, plainB);
		assert.ok(Object.isFrozen(a) && Object.isFrozen(plainA), 'shared characters cannot be changed by one line for all');
	});

	it('a clipped write: a line inside the clip is drawn as it is, a line across its edges is cut as slice-ansi cuts it', () => {
		const clip = {x1: 3, x2: 22, y1: 0, y2: 6};
		const writes: Write[] = [
			[3, 0, red('inside') + ' plain ' + bold('b')],
			[3, 1, bold('across the right edge of the clip, cut')],
			[0, 2, 'abc' + inverse('left edge') + ' too'],
			[5, 3, 'x'.repeat(4) + red('y'.repeat(30))],
			[3, 4, 'é wide ✓ inside'],
		];
		const output = new Output({width: 30, height: 5});
		output.clip(clip);
		for (const [x, y, text] of writes) output.write(x, y, text, {transformers: []});
		output.unclip();
		// Ink's way: every line sliced to the clip with slice-ansi, then written where the clip starts.
		const sliced = writes.map(([x, y, text]): Write => {
			const width = stringWidth(text);
			const from = x < clip.x1 ? clip.x1 - x : 0;
			const to = x + width > clip.x2 ? clip.x2 - x : width;
			return [Math.max(x, clip.x1), y, sliceAnsi(text, from, to)];
		});
		assert.deepEqual(cells(output.get().output), cells(laidOut(30, 5, sliced)));
	});

	it('measures printable ASCII with colour codes as string-width does, and anything else by string-width', () => {
		const sgr = fc.constantFrom('\u001B[31m', '\u001B[39m', '\u001B[1;2m', '\u001B[m', '\u001B[38;5;208m', '\u001B[0m');
		const other = fc.constantFrom('\u001B]8;;http://x\u0007', '\u001B[2K', 'é', '✓', '中', '\t', '\u001B');
		const piece = fc.oneof(fc.stringMatching(/^[\x20-\x7e]{0,6}$/), sgr, other);
		fc.assert(
			fc.property(fc.array(piece, {maxLength: 12}), (pieces) => {
				const text = pieces.join('');
				assert.equal(textWidth(text), stringWidth(text), JSON.stringify(text));
			}),
			{numRuns: 2000},
		);
	});
});
