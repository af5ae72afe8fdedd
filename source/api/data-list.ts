// Where each entry of a `{"data":[…]}` answer lies in its bytes, so a large
// list can be parsed one entry at a time. A 10,000-guest /cluster/resources is
// 4 MB: decoded whole it is a 4 MB string plus 10,000 entries alive at once,
// which outlive the young generation and are swept by full collections every
// few seconds (issue 12). Parsed entry by entry, each entry's text and object
// die young.
//
// This only finds boundaries; JSON.parse still reads every entry, so an entry
// that is not JSON is refused as before. The envelope must be exactly one
// `data` key holding a list, with JSON whitespace anywhere between tokens; any
// other answer (another key, an escaped key, a BOM, trailing bytes) gets
// `undefined`, and the caller parses it whole as before.

import {BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, isSpace, OPEN_BRACE, OPEN_BRACKET, QUOTE} from './json-bytes.js';

/** `"data"` */
const DATA_KEY = [0x22, 0x64, 0x61, 0x74, 0x61, 0x22];

function skipSpace(bytes: Uint8Array, i: number): number {
	while (i < bytes.length && isSpace(bytes[i])) i++;
	return i;
}

/** The index after the string starting at `i` (its opening quote), or -1 if it does not end. */
function stringEnd(bytes: Uint8Array, i: number): number {
	for (let j = i + 1; j < bytes.length; j++) {
		const c = bytes[j];
		if (c === BACKSLASH) j++;
		else if (c === QUOTE) return j + 1;
	}
	return -1;
}

/** valueEnd's answer for an entry nested deeper than allowed. */
const TOO_DEEP = -2;

/**
 * The index after the value starting at `i`, -1 if it does not end, TOO_DEEP
 * past `maxNesting` brackets. Brackets are counted, not matched by kind: a
 * mismatch (`{]`) yields a slice JSON.parse refuses.
 */
function valueEnd(bytes: Uint8Array, i: number, maxNesting: number): number {
	const first = bytes[i];
	if (first === QUOTE) return stringEnd(bytes, i);
	if (first === OPEN_BRACE || first === OPEN_BRACKET) {
		let depth = 0;
		for (let j = i; j < bytes.length; j++) {
			const c = bytes[j];
			if (c === QUOTE) {
				j = stringEnd(bytes, j);
				if (j < 0) return -1;
				j--;
			} else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
				if (++depth > maxNesting) return TOO_DEEP;
			} else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
				if (--depth === 0) return j + 1;
			}
		}
		return -1;
	}
	// A number or literal: up to the next structural byte or space.
	let j = i;
	while (j < bytes.length) {
		const c = bytes[j];
		if (c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || isSpace(c)) break;
		j++;
	}
	return j > i ? j : -1;
}

/** Entry offsets: start and end of each entry, in a typed array that doubles as it fills. */
export interface DataList {
	/** [start0, end0, start1, end1, …]; only the first 2 × count are entries. */
	bounds: Uint32Array;
	count: number;
}

/**
 * Where each entry of `{"data":[e0,e1,…]}` lies; undefined when the answer is
 * not exactly that envelope; 'too deep' when an entry holds more than
 * `maxNesting` levels of brackets (itself included), found before anything
 * parses it: JSON.parse of 8 million nested brackets takes seconds.
 * Offsets go in a Uint32Array (an answer is at most 16 MiB): a list of 8
 * million zeros would otherwise make 16 million boxed numbers.
 */
export function dataListBounds(bytes: Uint8Array, maxNesting = Number.POSITIVE_INFINITY): DataList | 'too deep' | undefined {
	let i = skipSpace(bytes, 0);
	if (bytes[i] !== OPEN_BRACE) return undefined;
	i = skipSpace(bytes, i + 1);
	for (const b of DATA_KEY) if (bytes[i++] !== b) return undefined;
	i = skipSpace(bytes, i);
	if (bytes[i] !== COLON) return undefined;
	i = skipSpace(bytes, i + 1);
	if (bytes[i] !== OPEN_BRACKET) return undefined;
	i = skipSpace(bytes, i + 1);
	let bounds = new Uint32Array(256);
	let count = 0;
	if (bytes[i] !== CLOSE_BRACKET) {
		for (;;) {
			const end = valueEnd(bytes, i, maxNesting);
			if (end === TOO_DEEP) return 'too deep';
			if (end < 0) return undefined;
			if (2 * count + 2 > bounds.length) {
				const grown = new Uint32Array(bounds.length * 2);
				grown.set(bounds);
				bounds = grown;
			}
			bounds[2 * count] = i;
			bounds[2 * count + 1] = end;
			count++;
			i = skipSpace(bytes, end);
			if (bytes[i] === COMMA) {
				i = skipSpace(bytes, i + 1);
				continue;
			}
			if (bytes[i] === CLOSE_BRACKET) break;
			return undefined;
		}
	}
	i = skipSpace(bytes, i + 1);
	if (bytes[i] !== CLOSE_BRACE) return undefined;
	return skipSpace(bytes, i + 1) === bytes.length ? {bounds, count} : undefined;
}
