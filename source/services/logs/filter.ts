// A pane's filter: a case-insensitive regex (a leading `!` inverts it, handled
// by the caller), or — when the text is not a regex we can run — the literal
// text, so a typo never leaves the pane showing nothing without saying why.
//
// The pattern is typed by the user and run against every line a host or guest
// sends, so it runs on RE2 (re2js, pure JS): matching takes time linear in the
// line, whatever the pattern. A backtracking engine (JS RegExp) can spend
// minutes on `(a+)+$` against one line, and a synchronous match blocks every
// key, Ctrl+C included. RE2 has no backreferences and no lookaround; such a
// pattern is matched as plain text and `note` says why.

import {RE2JS} from 're2js';
import type {LogLine, RingBuffer} from './ring-buffer.js';

export interface LineFilter {
	/** True when the line is shown. */
	test(line: LogLine): boolean;
	/** The text was not a regex we can run and is matched literally. */
	literal: boolean;
	/** No filter: every line is shown. */
	all: boolean;
	/** Why the text is matched literally: one line for the user, set when `literal`. */
	note?: string;
}

/** A compiled user pattern; never backtracks. */
export interface SafePattern {
	test(text: string): boolean;
}

export type CompiledPattern = {ok: true; pattern: SafePattern} | {ok: false; reason: string};

/**
 * Compiles a user-typed pattern for linear-time matching. `reason` is one line:
 * why the pattern cannot be used (a syntax error, or syntax only a
 * backtracking engine has).
 */
export function compileUserPattern(text: string, caseInsensitive = true): CompiledPattern {
	try {
		const re = RE2JS.compile(text, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
		return {ok: true, pattern: {test: (line) => re.test(line)}};
	} catch {
		if (isJsOnlySyntax(text)) return {ok: false, reason: `/${text}/ uses syntax the linear-time matcher does not run (backreferences, lookaround, repeats over 1000)`};
		return {ok: false, reason: `not a valid regex: /${text}/`};
	}
}

/** Valid for JS RegExp (compiling one is cheap and runs nothing) but not for RE2. */
function isJsOnlySyntax(text: string): boolean {
	try {
		new RegExp(text, 'u');
		return true;
	} catch {
		try {
			new RegExp(text);
			return true;
		} catch {
			return false;
		}
	}
}

/** Case-insensitive plain-text match. */
function literalPattern(text: string): SafePattern {
	const needle = text.toLowerCase();
	return {test: (line) => line.toLowerCase().includes(needle)};
}

export function compileFilter(text: string, invert = false): LineFilter {
	if (text === '') return {test: () => true, literal: false, all: true};
	const compiled = compileUserPattern(text);
	const pattern = compiled.ok ? compiled.pattern : literalPattern(text);
	const test = invert ? (line: LogLine) => !pattern.test(line.text) : (line: LogLine) => pattern.test(line.text);
	return compiled.ok ? {test, literal: false, all: false} : {test, literal: true, all: false, note: `${compiled.reason} — matching it as plain text`};
}

/**
 * From the line at `index`, moves |delta| shown lines older (delta < 0) or
 * newer (delta > 0); stops at the last shown line in that direction. Returns
 * the index reached (unchanged when no shown line lies that way).
 */
export function stepMatching(buffer: RingBuffer, filter: LineFilter, index: number, delta: number): number {
	const direction = delta < 0 ? -1 : 1;
	let remaining = Math.abs(delta);
	let reached = index;
	for (let i = index + direction; remaining > 0 && i >= 0 && i < buffer.length; i += direction) {
		if (filter.all || filter.test(buffer.at(i)!)) {
			reached = i;
			remaining--;
		}
	}
	return reached;
}

/** Index of the n-th shown line from the oldest (or the newest shown when fewer); -1 when none is shown. */
export function nthShownFromOldest(buffer: RingBuffer, filter: LineFilter, n: number): number {
	let found = -1;
	let count = 0;
	for (let i = 0; i < buffer.length && count < n; i++) {
		if (filter.all || filter.test(buffer.at(i)!)) {
			found = i;
			count++;
		}
	}
	return found;
}
