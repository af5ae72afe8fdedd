// string-width with a fast path for narrow text. string-width answers printable
// ASCII at once, but any other character (a pane title's │, ▲ or …) sends it
// through Intl.Segmenter and its Unicode-property regexes (RGI_Emoji and four
// more), whose first use compiles them: 40–50 ms inside the console's first
// frame on a 2-core machine (issue 12). Text made only of printable ASCII and
// the characters below is one cell per UTF-16 unit, exactly as string-width
// counts it: each of those characters is a grapheme of its own (no mark, joiner,
// variation selector or prepend) and string-width gives it width 1 with the
// default ambiguousIsNarrow. Escape sequences are stripped first, as string-width
// does. test/util/string-width.test.ts proves both for
// every character of the table, and equality on random text, against
// string-width itself; everything else still goes to string-width. The bundle
// routes Ink's own string-width imports here too (bin/build.js).

import realStringWidth from 'string-width';
import stripAnsi from 'strip-ansi';

/**
 * Narrow, stand-alone characters beyond ASCII, by UTF-16 unit (all in the BMP):
 * Latin-1 (minus the soft hyphen), general punctuation (minus the zero-width
 * and bidi controls and the line/paragraph separators), arrows and
 * mathematical operators, box drawing, blocks and geometric shapes (minus ◽◾,
 * which are emoji), dingbats without emoji presentation (✓ ✖ ✗ …), and
 * supplemental arrows (⟳).
 */
const NARROW_RANGES: ReadonlyArray<readonly [number, number]> = [
	[0x00a0, 0x00ac],
	[0x00ae, 0x00ff],
	[0x2010, 0x2027],
	[0x202f, 0x205f],
	[0x2190, 0x22ff],
	[0x2500, 0x25fc],
	[0x25ff, 0x25ff],
	[0x2700, 0x2704],
	[0x2706, 0x2709],
	[0x270c, 0x2727],
	[0x2729, 0x274b],
	[0x274d, 0x274d],
	[0x274f, 0x2752],
	[0x2756, 0x2756],
	[0x2758, 0x2794],
	[0x2798, 0x27af],
	[0x27b1, 0x27be],
	[0x27f0, 0x27ff],
];

const TABLE_END = 0x2800;
const narrowUnits = new Uint8Array(TABLE_END);
for (let code = 0x20; code < 0x7f; code++) narrowUnits[code] = 1;
for (const [from, to] of NARROW_RANGES) narrowUnits.fill(1, from, to + 1);

/** The ranges above, for the test that checks each of their characters against string-width. */
export const narrowRanges = NARROW_RANGES;

/** The width of `text` when every unit is printable ASCII or in the table (then its length); else undefined. */
export function narrowWidth(text: string): number | undefined {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code >= TABLE_END || narrowUnits[code] !== 1) return undefined;
	}
	return text.length;
}

type Options = Parameters<typeof realStringWidth>[1];

/** string-width's answer, without its segmenter and regexes for narrow text. */
export default function stringWidth(text: string, options?: Options): number {
	// ambiguousIsNarrow: false makes ·, ×, │ and friends two cells wide: string-width decides.
	if (typeof text === 'string' && options?.ambiguousIsNarrow !== false) {
		// Ink measures styled text: string-width strips the escape sequences first (with this same strip-ansi), so do we.
		const plain = options?.countAnsiEscapeCodes !== true && (text.includes('\u001B') || text.includes('\u009B')) ? stripAnsi(text) : text;
		const width = narrowWidth(plain);
		if (width !== undefined) return width;
	}
	return realStringWidth(text, options);
}
