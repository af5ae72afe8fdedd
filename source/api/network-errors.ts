// Turns the low-level errors of a connection attempt (Node socket errors,
// undici errors, OpenSSL errors) into one line a user can act on. Kept apart
// so the transport and the fingerprint probe word failures identically.

export interface DescribedFailure {
	kind: 'network' | 'timeout' | 'tls';
	message: string;
}

interface CodedError {
	code?: unknown;
	message?: unknown;
	errors?: unknown;
}

const NETWORK_REASONS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ENOTFOUND: 'host name not found',
	EAI_NONAME: 'host name not found',
	EAI_AGAIN: 'host name lookup failed (temporary DNS failure)',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	EHOSTDOWN: 'host is down',
	EADDRNOTAVAIL: 'address not available',
};

const CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** `code` of an error, looking into an AggregateError (one try per address). */
export function errorCode(error: unknown): string | undefined {
	const coded = error as CodedError | undefined;
	if (coded && typeof coded.code === 'string') return coded.code;
	if (coded && Array.isArray(coded.errors)) {
		for (const inner of coded.errors) {
			const code = errorCode(inner);
			if (code) return code;
		}
	}
	return undefined;
}

function isTlsCode(code: string): boolean {
	return (
		code.startsWith('ERR_SSL_') ||
		code.startsWith('ERR_TLS_') ||
		code.startsWith('CERT_') ||
		code.startsWith('UNABLE_TO_') ||
		code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
		code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
		code === 'HOSTNAME_MISMATCH'
	);
}

export function describeNetworkError(error: unknown, target: string): DescribedFailure {
	const code = errorCode(error) ?? '';
	const reason = NETWORK_REASONS[code];
	if (reason) return {kind: 'network', message: `cannot reach ${target}: ${reason}`};
	if (CLOSED_CODES.has(code)) return {kind: 'network', message: `${target} closed the connection unexpectedly`};
	if (TIMEOUT_CODES.has(code)) return {kind: 'timeout', message: `cannot reach ${target}: connection timed out`};
	if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
		return {kind: 'tls', message: `TLS handshake with ${target} failed: it does not speak HTTPS on that port`};
	}
	if (isTlsCode(code)) return {kind: 'tls', message: `TLS handshake with ${target} failed (${code})`};
	const text = error instanceof Error || (error && typeof (error as CodedError).message === 'string') ? String((error as CodedError).message) : String(error);
	const first = text.split('\n')[0]?.trim() || 'unknown error';
	return {kind: 'network', message: `cannot reach ${target}: ${first}${code ? ` (${code})` : ''}`};
}

/** "15 s", "2.5 s", "150 ms": durations in messages. */
export function formatSeconds(ms: number): string {
	if (ms < 1000) return `${ms} ms`;
	return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
