// SHA-256 certificate fingerprints as Proxmox shows them ("AB:CD:…", 32 hex
// pairs): parsing what a user typed, comparing, and reading a server's.

import {connect as tlsConnect} from 'node:tls';
import {isIP} from 'node:net';
import {PveApiError} from './errors.js';
import {describeNetworkError, formatSeconds} from './network-errors.js';

/**
 * Canonical form "AB:CD:…" of a SHA-256 fingerprint typed in any case, with
 * or without colons (also accepts a "sha256:" / "SHA256 Fingerprint=" prefix
 * as openssl prints it). Undefined when it is not 32 hex bytes.
 */
export function parseFingerprint(input: string): string | undefined {
	const hex = input
		.trim()
		.replace(/^sha-?256( fingerprint)?\s*[:=]?\s*/i, '')
		.replace(/[:\s-]/g, '')
		.toUpperCase();
	if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
	return hex.match(/../g)!.join(':');
}

/** Like parseFingerprint, but throws a readable error for bad input. */
export function normalizeFingerprint(input: string): string {
	const parsed = parseFingerprint(input);
	if (parsed === undefined) {
		throw new Error(`invalid fingerprint '${input.slice(0, 120)}': expected a SHA-256 fingerprint, 32 hex pairs like AB:CD:…`);
	}
	return parsed;
}

/** True when both denote the same fingerprint; false if either is malformed. */
export function fingerprintsEqual(a: string, b: string): boolean {
	const left = parseFingerprint(a);
	return left !== undefined && left === parseFingerprint(b);
}

export interface ProbeOptions {
	timeoutMs?: number;
	signal?: AbortSignal;
}

/**
 * Connects to host:port, reads the certificate the server presents (trusted
 * or not) and closes without sending a request. For error messages and a
 * "trust on first use" prompt; it proves nothing about who the server is.
 */
export function probeFingerprint(host: string, port: number, options: ProbeOptions = {}): Promise<string> {
	const target = `${host}:${port}`;
	const fail = (kind: 'network' | 'timeout' | 'aborted' | 'tls', message: string, cause?: unknown) =>
		new PveApiError({kind, status: 0, message, method: 'TLS', path: '', cause});
	return new Promise((resolve, reject) => {
		if (options.signal?.aborted) {
			reject(fail('aborted', `reading the certificate of ${target} was cancelled`));
			return;
		}
		const socket = tlsConnect({
			host,
			port,
			// SNI must not be an IP address (RFC 6066).
			servername: isIP(host) ? undefined : host,
			// Only reading the certificate: nothing is sent, so nothing needs trusting.
			rejectUnauthorized: false,
		});
		let settled = false;
		const finish = (error: PveApiError | undefined, fingerprint?: string) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', onAbort);
			socket.destroy();
			if (error) reject(error);
			else resolve(fingerprint!);
		};
		const onAbort = () => finish(fail('aborted', `reading the certificate of ${target} was cancelled`));
		const timer = setTimeout(
			() => finish(fail('timeout', `${target} did not complete a TLS handshake within ${formatSeconds(options.timeoutMs ?? 10_000)}`)),
			options.timeoutMs ?? 10_000,
		);
		options.signal?.addEventListener('abort', onAbort, {once: true});
		socket.once('secureConnect', () => {
			const fingerprint = parseFingerprint(socket.getPeerCertificate().fingerprint256 ?? '');
			if (fingerprint) finish(undefined, fingerprint);
			else finish(fail('tls', `${target} presented no certificate`));
		});
		socket.once('error', (error) => {
			const described = describeNetworkError(error, target);
			finish(fail(described.kind, described.message, error));
		});
	});
}

