// The one interface everything above the SSH layer uses to run commands on a
// Proxmox host: over SSH (ssh-runner.ts) or, when proxdeck runs on the host
// itself, as local processes (local-runner.ts). Callers pass argv arrays, never
// shell strings, so quoting is the runner's job and cannot be forgotten.

export interface RunResult {
	/** Exit code; null when the command was killed by a signal. */
	code: number | null;
	signal?: string;
	stdout: string;
	stderr: string;
}

export interface StreamEnd {
	code: number | null;
	signal?: string;
	/** Why the stream ended without an exit status (connection failed for good, runner closed). */
	error?: Error;
}

export interface StreamHandle {
	/** Ends the stream (closes the channel / kills the process). Idempotent. */
	stop(): void;
	/** Settles when the stream ends for good: exit, stop(), or the runner closing/failing. */
	done: Promise<StreamEnd>;
}

export type RunnerState = 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface RunnerStatus {
	state: RunnerState;
	/** Reconnect attempt number (1-based) while state is 'reconnecting'. */
	attempt?: number;
	/** One-line reason for 'failed' / 'reconnecting'. Never carries secrets. */
	error?: string;
}

export interface RunOptions {
	signal?: AbortSignal;
	timeoutMs?: number;
	stdin?: string;
}

export type LineSource = 'stdout' | 'stderr';

export interface StreamOptions {
	signal?: AbortSignal;
	/**
	 * A command that must never run twice (a package upgrade): when the
	 * connection drops under it, the stream ends with an SshError of kind
	 * 'closed' instead of being re-issued on the next connection.
	 */
	once?: boolean;
}

export interface CommandRunner {
	/** 'ssh root@pve:22' | 'local' */
	readonly label: string;
	run(argv: string[], opts?: RunOptions): Promise<RunResult>;
	/**
	 * Runs a long-lived command and hands over complete lines (without the
	 * line ending; CRLF and LF both end a line; a last unterminated line is
	 * delivered when the command ends).
	 */
	stream(argv: string[], onLine: (line: string, from: LineSource) => void, opts?: StreamOptions): StreamHandle;
	onStatus(listener: (s: RunnerStatus) => void): () => void;
	close(): Promise<void>;
}
