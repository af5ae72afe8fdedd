// The one line a user sees for a failure: the first line of the message, with
// anything the host might have put in it made safe to draw.

import {sanitize} from '../util/sanitize.js';

/**
 * Never throws and never returns an empty line: String() of a null-prototype
 * object throws, and a message made only of control characters sanitised to
 * "" — a failure must still say something (test/property/sanitize.property.test.ts).
 */
export function errorLine(error: unknown): string {
	let text: string;
	try {
		text = error instanceof Error ? error.message : String(error);
	} catch {
		text = '';
	}
	const first = text
		.split('\n')
		.map((line) => sanitize(line).trim())
		.find((line) => line !== '');
	return first ?? 'unknown error';
}
