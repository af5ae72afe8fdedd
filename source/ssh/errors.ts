// Typed SSH failures. The message is one line meant for the user; it names
// hosts, files and fingerprints but never key material or passphrases.

/** too-large: a command printed more than a runner reads (RUN_OUTPUT_LIMIT); it was stopped. */
export type SshErrorKind = 'unknown-host-key' | 'changed-host-key' | 'auth' | 'network' | 'timeout' | 'closed' | 'too-large';

/**
 * Most a runner's run() keeps of one command's stdout plus stderr. A host's
 * `zfs list -t snapshot` is a few MB; anything near this is not an answer to read.
 */
export const RUN_OUTPUT_LIMIT = 64 * 1024 * 1024;

export function outputTooLarge(label: string, command: string, limit: number): SshError {
	return new SshError('too-large', `${label}: ${command} printed more than ${limit >= 1024 * 1024 ? `${Math.round(limit / (1024 * 1024))} MiB` : `${Math.round(limit / 1024)} KiB`}; stopped it`);
}

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
