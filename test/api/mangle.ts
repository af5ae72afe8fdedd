// Mangled JSON for the parsers' property tests: a few bytes cut, added or
// replaced anywhere in a well-formed text.

import fc from 'fast-check';

/** Texts from `texts`, each with 1-3 edits of one character from `alphabet`. */
export function mangledFrom(texts: fc.Arbitrary<string>, alphabet: readonly string[]): fc.Arbitrary<string> {
	return fc.tuple(texts, fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), fc.constantFrom(...alphabet)), {minLength: 1, maxLength: 3})).map(([text, edits]) => {
		let out = text;
		for (const [pos, op, ch] of edits) {
			const i = out.length === 0 ? 0 : pos % out.length;
			out = op === 'delete' ? out.slice(0, i) + out.slice(i + 1) : op === 'insert' ? out.slice(0, i) + ch + out.slice(i) : out.slice(0, i) + ch + out.slice(i + 1);
		}
		return out;
	});
}
