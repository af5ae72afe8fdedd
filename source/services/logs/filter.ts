// A pane's filter: a case-insensitive regex (a leading `!` inverts it, handled
// by the caller), or — when the text is not a valid regex — the literal text,
// so a typo never leaves the pane showing nothing without saying why.

import type {LogLine, RingBuffer} from './ring-buffer.js';

export interface LineFilter {
	/** True when the line is shown. */
	test(line: LogLine): boolean;
	/** The text was not a valid regex and is matched literally. */
	literal: boolean;
	/** No filter: every line is shown. */
	all: boolean;
}

function escapeRegex(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileFilter(text: string, invert = false): LineFilter {
	if (text === '') return {test: () => true, literal: false, all: true};
	let literal = false;
	let regex: RegExp;
	try {
		regex = new RegExp(text, 'i');
	} catch {
		literal = true;
		regex = new RegExp(escapeRegex(text), 'i');
	}
	const test = invert ? (line: LogLine) => !regex.test(line.text) : (line: LogLine) => regex.test(line.text);
	return {test, literal, all: false};
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
