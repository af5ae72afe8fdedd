// The one line a user sees for a failure: the first line of the message, with
// anything the host might have put in it made safe to draw.

import {sanitize} from '../util/sanitize.js';

export function errorLine(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	const first = text.split('\n').find((line) => line.trim() !== '') ?? 'unknown error';
	return sanitize(first.trim());
}
