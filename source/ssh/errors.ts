// Typed SSH failures. The message is one line meant for the user; it names
// hosts, files and fingerprints but never key material or passphrases.

export type SshErrorKind = 'unknown-host-key' | 'changed-host-key' | 'auth' | 'network' | 'timeout' | 'closed';

export class SshError extends Error {
	override name = 'SshError';
	readonly kind: SshErrorKind;
	/** SHA256:… of the key the server offered, for host-key errors. */
	readonly fingerprint?: string;

	constructor(kind: SshErrorKind, message: string, extra: {fingerprint?: string; cause?: unknown} = {}) {
		super(message.replace(/\s*\n\s*/g, ' '), extra.cause === undefined ? undefined : {cause: extra.cause});
		this.kind = kind;
		if (extra.fingerprint !== undefined) this.fingerprint = extra.fingerprint;
	}
}

/** Host-key errors and auth errors will not fix themselves by retrying. */
export function isPermanent(error: SshError): boolean {
	return error.kind === 'unknown-host-key' || error.kind === 'changed-host-key' || error.kind === 'auth';
}
