// The one line a user sees for a failure: the first line of the message, with
// anything the host might have put in it made safe to draw, and every secret
// this process knows masked. The API client already masks its own secrets in
// its errors; this is the second defence at the boundary where an error
// becomes text on stderr, on screen or in a file, whatever path it took.

import {redactSecrets} from '../api/errors.js';
import {sanitize} from '../util/sanitize.js';

/** Secrets read by this process (token secret, password, passphrase), for scrubbing. */
const knownSecrets = new Set<string>();

/** Adds a secret to those masked in every error line from now on. */
export function rememberSecret(secret: string): void {
	if (secret !== '') knownSecrets.add(secret);
}

/** `text` with every known secret (and its encoded forms and fragments) replaced by `<redacted>`. */
export function scrubSecrets(text: string): string {
	return knownSecrets.size === 0 ? text : redactSecrets(text, [...knownSecrets]);
}

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
	const first = scrubSecrets(text)
		.split('\n')
		.map((line) => sanitize(line).trim())
		.find((line) => line !== '');
	return first ?? 'unknown error';
}
