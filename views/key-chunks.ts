// Ink 6.8 splits escape sequences (arrows, PgUp…) into their own input events
// but hands a run of plain characters read in one chunk to useInput as ONE
// string: "jjj" when keys repeat faster than a frame, "error\r" when a filter
// is pasted or typed over a laggy SSH link, "\x7f\x7f" for two quick
// backspaces. The keymap matches single keys, so such a chunk would be lost.
// splitKeys turns it back into the keys it is made of, as Ink would have
// reported each one alone (up to the first line break: see below).

import type {Key} from 'ink';

/** A key event with no flag set (also the base of the tests' key events). */
export const NO_KEY: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

/** What Ink reports for one character typed alone. */
function keyOf(char: string): [string, Key] {
	if (char === '\r' || char === '\n') return ['', {...NO_KEY, return: true}];
	if (char === '\t') return ['', {...NO_KEY, tab: true}];
	// Ink 6 reports the Backspace key (0x7f) as `delete`; ^H is backspace.
	if (char === '\u007F') return ['', {...NO_KEY, delete: true}];
	if (char === '\b') return ['', {...NO_KEY, backspace: true}];
	const code = char.codePointAt(0)!;
	// Other C0 controls are Ctrl+letter (^A = 1 … ^Z = 26).
	if (code >= 1 && code <= 26) return [String.fromCodePoint(code + 96), {...NO_KEY, ctrl: true}];
	if (code < 32) return ['', {...NO_KEY}];
	return [char, {...NO_KEY, shift: /^[A-Z]$/.test(char)}];
}

/** True when Ink already recognised a named key or modifier: the event is one key. */
function isNamedKey(key: Key): boolean {
	return (
		key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageDown || key.pageUp || key.home || key.end || key.escape || key.meta || key.ctrl
	);
}

/**
 * A chunk with a line break in it is a paste (or keys typed faster than the
 * link), and what follows the first break must not run as hotkeys: a pasted
 * "web\rq" into the filter would commit it and then quit. So the keys up to
 * the first break are kept, the break is one Enter ("\r\n" too), and the
 * rest is dropped.
 */
export function splitKeys(input: string, key: Key): Array<[string, Key]> {
	const chars = [...input];
	if (chars.length <= 1 || isNamedKey(key)) return [[input, key]];
	const lineBreak = chars.findIndex((c) => c === '\r' || c === '\n');
	const kept = lineBreak === -1 ? chars : chars.slice(0, lineBreak + 1);
	return kept.map(keyOf);
}
