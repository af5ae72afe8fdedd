// Secrets as they are read: token secrets, passwords, SSH key passphrases.
// A secret is checked where it comes in (environment, file, config key,
// prompt), so a stray line break or control character is refused with one
// line naming where it came from — never with the value — instead of going on
// to a header builder whose error message would quote it. Files holding a
// secret must be private to their owner, as OpenSSH demands of private keys.

import {closeSync, fstatSync, openSync, readFileSync, statSync} from 'node:fs';
import {rememberSecret} from '../services/error-line.js';

export class SecretError extends Error {}

export type SecretKind = 'token secret' | 'password' | 'passphrase';

/** Anything that is not printable: C0/C1 controls, DEL, line/paragraph separators, zero-width and bidi controls. */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
/** Any whitespace (a token secret is a UUID; a space in one is a copy-paste accident). */
const WHITESPACE = /\s/u;

/**
 * The secret without ONE trailing newline (what `echo secret > file` and most
 * editors leave), or a SecretError naming `source`. Token secrets may hold no
 * whitespace at all; passwords and passphrases may hold inner spaces (a
 * passphrase is often a sentence) but no control character and no space at
 * either end (which the user cannot see and a tool may have added).
 */
export function checkSecret(value: string, kind: SecretKind, source: string): string {
	const secret = value.replace(/\r?\n$/, '');
	if (secret === '') throw new SecretError(`the ${kind} from ${source} is empty`);
	if (CONTROL.test(secret)) {
		const what = /[\r\n\u2028\u2029]/.test(secret) ? 'a line break (only one at the end is allowed)' : 'a control character';
		throw new SecretError(`the ${kind} from ${source} contains ${what}: fix ${source}`);
	}
	if (kind === 'token secret' ? WHITESPACE.test(secret) : secret.trim() !== secret) {
		throw new SecretError(`the ${kind} from ${source} contains ${kind === 'token secret' ? 'whitespace' : 'leading or trailing whitespace'}: fix ${source}`);
	}
	rememberSecret(secret);
	return secret;
}

/**
 * Why a file holding a secret is too open, or undefined when only its owner
 * can read or write it (the rule OpenSSH applies to private keys: no bit in
 * 077). `mode` is st_mode; `label` names the file for the user.
 */
export function looseModeProblem(path: string, mode: number, label: string): string | undefined {
	if ((mode & 0o077) === 0) return undefined;
	const octal = (mode & 0o777).toString(8).padStart(4, '0');
	return `${label} is accessible by group or others (mode ${octal}): chmod 600 ${path}`;
}

/** Refuses a file holding a secret that others can get at (stat follows symlinks, as reading does). */
export function assertPrivateFile(path: string, label: string): void {
	let mode: number;
	try {
		mode = statSync(path).mode;
	} catch {
		return; // The read that follows reports a missing or unreadable file.
	}
	const problem = looseModeProblem(path, mode, label);
	if (problem) throw new SecretError(problem);
}

/**
 * Reads a secret file: private to its owner (checked on the open descriptor,
 * so the file checked is the file read), one trailing newline dropped, the
 * rest checked like any secret. `path` is used as given (expand ~ first).
 */
export function readSecretFile(path: string, kind: SecretKind, what: string): string {
	let text: string;
	let fd: number | undefined;
	try {
		fd = openSync(path, 'r');
		const problem = looseModeProblem(path, fstatSync(fd).mode, `${what} ${path}`);
		if (problem) throw new SecretError(problem);
		text = readFileSync(fd, 'utf8');
	} catch (error) {
		if (error instanceof SecretError) throw error;
		throw new SecretError(`cannot read ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
	} finally {
		if (fd !== undefined) closeSync(fd);
	}
	if (text === '') throw new SecretError(`${what} ${path} is empty`);
	return checkSecret(text, kind, `${what} ${path}`);
}
