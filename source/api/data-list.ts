// A large list answer, `{"data":[…]}`, read one entry at a time. A
// 10,000-guest /cluster/resources is 4 MB: decoded whole it is a 4 MB string
// plus 10,000 entries alive at once, which outlive the young generation and
// are swept by full collections every few seconds (issue 12). Read entry by
// entry, each entry's object dies young.
//
// The reading is flat-entry.ts's (JSON.parse for anything not a flat
// object), so an entry that is not JSON is refused as before. An answer that
// does not begin as `{"data":[` (another key first, an escaped key, a BOM) is
// declined, and the caller parses it whole as before.

import {flatEntryEnd, parseFlatEntryAt, parseJson, parseOtherEntry, type EntryMemo} from './flat-entry.js';
import {BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, isSpace, OPEN_BRACE, OPEN_BRACKET, QUOTE, skipSpace} from './json-bytes.js';

/** `"data"` */
const DATA_KEY = [0x22, 0x64, 0x61, 0x74, 0x61, 0x22];

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

/** What eachDataEntry made of an answer. */
export type EachOutcome =
	/** Every entry went to `visit`, and the answer is JSON with that list as its one `data`. */
	| 'visited'
	/** Not `{"data":[` at the start: nothing was visited; the caller parses the whole answer. */
	| 'declined'
	/** Not JSON (an entry, or what follows the list): refused, whatever was visited. */
	| 'not json'
	/** An entry nested deeper than allowed. */
	| 'too deep'
	/** A second `data` key after the list: JSON.parse would take that one; refused. */
	| 'two data keys';

/**
 * Reads `{"data":[e0,e1,…]}` in one pass and hands each entry to `visit` as
 * soon as it is read (parseEntry's reading: flat objects from their bytes,
 * anything else by JSON.parse), so no entry outlives the next one but by a
 * `memo`, which keeps the last read's entries until the next. (Finding
 * every entry's bounds first, as this did before, read the same 4 MB twice:
 * ~11 of a 10,000-guest poll's ~60 ms, issue 12.)
 *
 * What it reads is what a whole JSON.parse reads as `data`. An answer that
 * does not begin as that envelope is declined before anything is visited.
 * One found wrong later (an entry or a trailing key that is not JSON, an
 * entry nested too deep, a second `data` key) is refused after the entries
 * before it were visited: the caller's read then fails, as it does for an
 * entry its check refuses. Other keys after the list (pveproxy adds `total`
 * to some lists) are read past.
 *
 * With `memo` (one per list read poll after poll), an entry that came as it
 * did last time but for its numbers is the same object as last time
 * (flat-entry.ts, EntryMemo).
 */
export function eachDataEntry(bytes: Buffer, maxNesting: number, visit: (entry: unknown, index: number) => void, memo?: EntryMemo): EachOutcome {
	let i = skipSpace(bytes, 0);
	if (bytes[i] !== OPEN_BRACE) return 'declined';
	i = skipSpace(bytes, i + 1);
	for (const b of DATA_KEY) if (bytes[i++] !== b) return 'declined';
	i = skipSpace(bytes, i);
	if (bytes[i] !== COLON) return 'declined';
	i = skipSpace(bytes, i + 1);
	if (bytes[i] !== OPEN_BRACKET) return 'declined';
	i = skipSpace(bytes, i + 1);
	if (bytes[i] === CLOSE_BRACKET) {
		i++;
		if (memo) trimMemo(memo, 0);
	} else {
		for (let index = 0; ; index++) {
			let entry: unknown = parseFlatEntryAt(bytes, i, bytes.length, memo, index);
			let end: number;
			if (entry !== undefined) {
				end = flatEntryEnd();
			} else {
				end = valueEnd(bytes, i, maxNesting);
				if (end === TOO_DEEP) return 'too deep';
				if (end < 0) return 'not json';
				// The flat read above already declined it: straight to JSON.parse.
				entry = parseOtherEntry(bytes, i, end);
				if (entry === undefined) return 'not json';
			}
			visit(entry, index);
			i = skipSpace(bytes, end);
			if (bytes[i] === COMMA) {
				i = skipSpace(bytes, i + 1);
				continue;
			}
			if (bytes[i] !== CLOSE_BRACKET) return 'not json';
			i++;
			if (memo) trimMemo(memo, index + 1);
			break;
		}
	}
	return restOfEnvelope(bytes, i, maxNesting);
}

/** Drops what the memo holds past the first `count` entries (a shorter list than last time). */
function trimMemo(memo: EntryMemo, count: number): void {
	if (memo.objects.length > count) {
		memo.objects.length = count;
		memo.shapes.length = count;
	}
}

/** After the list: `}` and nothing but space, or more keys (none of them `data`) with JSON values. */
function restOfEnvelope(bytes: Buffer, i: number, maxNesting: number): EachOutcome {
	i = skipSpace(bytes, i);
	while (bytes[i] === COMMA) {
		i = skipSpace(bytes, i + 1);
		if (bytes[i] !== QUOTE) return 'not json';
		const keyEnd = stringEnd(bytes, i);
		if (keyEnd < 0) return 'not json';
		const key = parseJson(bytes.toString('utf8', i, keyEnd));
		if (typeof key !== 'string') return 'not json';
		if (key === 'data') return 'two data keys';
		i = skipSpace(bytes, keyEnd);
		if (bytes[i] !== COLON) return 'not json';
		i = skipSpace(bytes, i + 1);
		const end = valueEnd(bytes, i, maxNesting);
		if (end === TOO_DEEP) return 'too deep';
		if (end < 0 || parseJson(bytes.toString('utf8', i, end)) === undefined) return 'not json';
		i = skipSpace(bytes, end);
	}
	if (bytes[i] !== CLOSE_BRACE) return 'not json';
	return skipSpace(bytes, i + 1) === bytes.length ? 'visited' : 'not json';
}
