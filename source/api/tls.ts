// How the client decides to trust a Proxmox host's certificate. Three modes,
// each chosen explicitly and visible as `client.tlsMode`:
//  - verified: the certificate must chain to the system CAs (plus an optional
//    extra CA, e.g. the cluster's pve-root-ca.pem) and name the host;
//  - pinned:   exactly the certificate with the given SHA-256 fingerprint,
//    which is how Proxmox's own tools trust a self-signed pve-ssl.pem;
//  - insecure: anything, because the user asked for it (the UI badges it).
// All three use one undici connector that completes the handshake without
// Node's automatic rejection and then judges the certificate itself, before
// undici writes any byte of the request. That way a rejection can name the
// fingerprint the server actually presented. Nothing here touches process-wide
// TLS settings.

import {createSecureContext, rootCertificates, type TLSSocket} from 'node:tls';
import {buildConnector} from './undici-parts.js';
import {normalizeFingerprint, parseFingerprint} from './fingerprint.js';

export type TlsMode = 'verified' | 'pinned' | 'insecure';

export interface TlsSettings {
	fingerprint?: string;
	insecure?: boolean;
	/** Extra CA certificate(s), PEM, trusted in addition to the system CAs. */
	ca?: string;
	/** TCP + TLS handshake time limit. */
	connectTimeoutMs?: number;
}

/** A pin is the stronger statement, so it wins over `insecure` and `ca`. */
export function tlsModeOf(settings: TlsSettings): TlsMode {
	if (settings.fingerprint !== undefined) return 'pinned';
	if (settings.insecure) return 'insecure';
	return 'verified';
}

/** Why a connection was refused at the TLS layer; the transport turns it into a PveApiError. */
export class TlsRejection extends Error {
	override readonly name = 'TlsRejection';
	constructor(
		readonly kind: 'tls' | 'fingerprint',
		message: string,
		/** What the server presented, "AB:CD:…" (absent if it presented none). */
		readonly fingerprint: string | undefined,
	) {
		super(message);
	}
}

const UNTRUSTED_REASONS: Record<string, string> = {
	DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
	SELF_SIGNED_CERT_IN_CHAIN: 'signed by a CA this system does not know (e.g. the cluster CA)',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'signed by a CA this system does not know (e.g. the cluster CA)',
	UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'signed by a CA this system does not know (e.g. the cluster CA)',
	UNABLE_TO_GET_ISSUER_CERT: 'signed by a CA this system does not know (e.g. the cluster CA)',
	CERT_HAS_EXPIRED: 'expired',
	CERT_NOT_YET_VALID: 'not valid yet (check the clock)',
	ERR_TLS_CERT_ALTNAME_INVALID: 'issued for another host name',
};

function presented(socket: TLSSocket): string | undefined {
	return parseFingerprint(socket.getPeerCertificate()?.fingerprint256 ?? '');
}

/** Undefined when the socket may carry the request, else why not. */
function judge(mode: TlsMode, pin: string | undefined, socket: TLSSocket, target: string): TlsRejection | undefined {
	if (mode === 'insecure') return undefined;
	const actual = presented(socket);
	if (mode === 'pinned') {
		if (actual !== undefined && actual === pin) return undefined;
		return new TlsRejection(
			'fingerprint',
			actual === undefined
				? `${target} presented no certificate, so the pinned fingerprint cannot match`
				: `certificate of ${target} does not match the pinned fingerprint; if the host's certificate changed on purpose (compare with \`pvenode cert info\` on the host), pin the new one with --fingerprint ${actual}`,
			actual,
		);
	}
	// Node ran the same chain and host-name checks it runs with
	// rejectUnauthorized:true and recorded the outcome here.
	if (socket.authorized) return undefined;
	const code = String(socket.authorizationError ?? 'unknown');
	const reason = UNTRUSTED_REASONS[code] ?? code;
	return new TlsRejection(
		'tls',
		actual === undefined
			? `certificate of ${target} is not trusted (${reason})`
			: `certificate of ${target} is not trusted (${reason}); if it is your host's (compare with \`pvenode cert info\` on the host), connect with --fingerprint ${actual} or give its CA with --ca`,
		actual,
	);
}

export interface TlsConnector {
	mode: TlsMode;
	connect: buildConnector.connector;
}

export function createTlsConnector(settings: TlsSettings): TlsConnector {
	const mode = tlsModeOf(settings);
	const pin = settings.fingerprint === undefined ? undefined : normalizeFingerprint(settings.fingerprint);
	const base = buildConnector({
		// Judged in `judge` before the socket is handed to undici.
		rejectUnauthorized: false,
		// One TLS context for every connection: without it Node builds one per
		// connection (cipher list, CA store; with --ca all ~140 system CAs parsed
		// again), 10-20 ms each while the console's start opens dozens at once.
		// Node's `ca` replaces the system list, so keep the system CAs alongside the extra one.
		secureContext: createSecureContext(settings.ca ? {ca: [...rootCertificates, settings.ca]} : {}),
		timeout: settings.connectTimeoutMs ?? 10_000,
		// No TLS session resumption: every connection shows its certificate and is judged afresh.
		maxCachedSessions: 0,
	});
	const connect: buildConnector.connector = (options, callback) => {
		base(options, (error, socket) => {
			if (error !== null) {
				callback(error, null);
				return;
			}
			const rejection = judge(mode, pin, socket as TLSSocket, `${options.hostname}:${options.port || '443'}`);
			if (rejection) {
				socket.destroy();
				callback(rejection, null);
				return;
			}
			callback(null, socket);
		});
	};
	return {mode, connect};
}
