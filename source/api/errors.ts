// The one error type every API call rejects with. Callers branch on `kind`
// (what went wrong on the way) and `status` (what the host answered), and
// show `message`, which is always a single, user-readable line and never
// carries a secret (see redactSecrets below).

import {sanitize} from '../util/sanitize.js';

/**
 * - http: the host answered with a non-2xx status (see `status`).
 * - network: the host could not be reached or dropped the connection.
 * - timeout: no complete answer within the time allowed.
 * - tls: the certificate is not trusted (or the TLS handshake failed).
 * - fingerprint: the certificate does not match the pinned fingerprint.
 * - aborted: the caller cancelled the request.
 * - parse: the host answered 2xx with something that is not the JSON envelope,
 *   not the documented shape (shapes.ts), or more than the client reads.
 */
export type PveErrorKind = 'http' | 'network' | 'timeout' | 'tls' | 'fingerprint' | 'aborted' | 'parse';

export interface PveApiErrorInit {
	kind: PveErrorKind;
	/** HTTP status; 0 when no answer was received. */
	status: number;
	message: string;
	method: string;
	/** API path without /api2/json and without the query string, e.g. "/cluster/resources". */
	path: string;
	/** Per-parameter validation messages of a 400 answer. */
	errors?: Record<string, string>;
	/** SHA-256 fingerprint the server presented (kinds tls and fingerprint), "AB:CD:…". */
	fingerprint?: string;
	cause?: unknown;
}

export class PveApiError extends Error {
	override readonly name = 'PveApiError';
	readonly kind: PveErrorKind;
	readonly status: number;
	readonly method: string;
	readonly path: string;
	readonly errors?: Record<string, string>;
	readonly fingerprint?: string;

	constructor(init: PveApiErrorInit) {
		// The text may come from the host (a body's message, a reason phrase): it is printed on
		// stderr and drawn on screen, so no control sequence of the host's survives in it.
		super(sanitize(oneLine(init.message)), init.cause === undefined ? undefined : {cause: init.cause});
		this.kind = init.kind;
		this.status = init.status;
		this.method = init.method;
		this.path = init.path;
		if (init.errors) this.errors = Object.fromEntries(Object.entries(init.errors).map(([key, text]) => [sanitize(key), sanitize(text)]));
		if (init.fingerprint) this.fingerprint = init.fingerprint;
	}

	/** Same error with the listed secrets masked in every text it carries. */
	redacted(secrets: readonly string[]): PveApiError {
		const errors = this.errors
			? Object.fromEntries(Object.entries(this.errors).map(([key, text]) => [key, redactSecrets(text, secrets)]))
			: undefined;
		return new PveApiError({
			kind: this.kind,
			status: this.status,
			message: redactSecrets(this.message, secrets),
			method: this.method,
			path: redactSecrets(this.path, secrets),
			errors,
			fingerprint: this.fingerprint,
			// The low-level cause never saw a secret (no headers, no bodies), keep it for debugging.
			cause: this.cause,
		});
	}

	toJSON(): Record<string, unknown> {
		return {
			name: this.name,
			kind: this.kind,
			status: this.status,
			message: this.message,
			method: this.method,
			path: this.path,
			errors: this.errors,
			fingerprint: this.fingerprint,
		};
	}
}

/** First non-empty line, trimmed: Proxmox messages keep a trailing "\n". */
export function oneLine(text: string): string {
	const first = text.split(/\r?\n/).find((line) => line.trim() !== '');
	return first === undefined ? '' : first.trim();
}

/** What a masked secret reads as. */
export const REDACTED = '<redacted>';

/**
 * Masks each secret in `text`: as is, URI-encoded (a form body or query
 * string), and each of its fragments between control characters — a message
 * is often cut at its first line, so a secret holding a line break shows up
 * only in part. A host may echo a parameter back in a validation message
 * ("got '<value>'"), so anything built from a response is passed through this
 * before it reaches the user.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
	const forms = new Set<string>();
	for (const secret of secrets) {
		for (const form of [secret, encodeURIComponent(secret), ...secret.split(/[\p{Cc}\u2028\u2029]+/u)]) {
			// Very short strings would mask ordinary words; real secrets are long.
			if (form.length >= 4) forms.add(form);
		}
	}
	// Longest first, so a fragment never splits a longer form it is part of.
	let out = text;
	for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
	return out;
}
