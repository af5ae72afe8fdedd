// Drives a periodic read: never two in flight (single-flight), the next one
// scheduled only after the previous one ended, and an exponential backoff while
// the host keeps failing. When the host answers again the normal interval
// resumes by itself. Used for the fleet; later for task lists.

export interface PollerOptions {
	/** One poll; rejects on failure. The signal aborts it when the poller stops. */
	poll(signal: AbortSignal): Promise<void>;
	onError(error: unknown): void;
	/** Wait after a poll ends; a function is asked anew each time (the fleet's grows with the fleet's size). */
	intervalMs: number | (() => number);
	/** Longest wait between attempts while failing. */
	maxBackoffMs?: number;
}

export interface Poller {
	start(): void;
	stop(): void;
	/** Polls now unless a poll is already running (then that one counts). */
	refreshNow(): Promise<void>;
	readonly failures: number;
}

/** setTimeout's limit: a longer delay (or NaN) fires after 1 ms, which turned a huge interval into a busy loop. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A delay setTimeout honours: at most MAX_TIMER_MS, at least 0; NaN is treated
 * as the longest wait, never as "now". Callers validate their input; this is the
 * last guard against a poll storm.
 */
export function timerDelay(ms: number): number {
	if (Number.isNaN(ms)) return MAX_TIMER_MS;
	return Math.min(MAX_TIMER_MS, Math.max(0, ms));
}

export function backoffDelay(intervalMs: number, failures: number, maxBackoffMs: number): number {
	if (failures <= 0) return timerDelay(intervalMs);
	return timerDelay(Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(failures, 16)));
}

export function createPoller(options: PollerOptions): Poller {
	const maxBackoffMs = options.maxBackoffMs ?? 30_000;
	let timer: NodeJS.Timeout | undefined;
	let inFlight: Promise<void> | undefined;
	let running = false;
	let failures = 0;
	let abort = new AbortController();

	function schedule(): void {
		if (!running) return;
		clearTimeout(timer);
		const interval = typeof options.intervalMs === 'function' ? options.intervalMs() : options.intervalMs;
		timer = setTimeout(() => void runOnce(), backoffDelay(interval, failures, maxBackoffMs));
	}

	function runOnce(): Promise<void> {
		if (inFlight) return inFlight;
		inFlight = (async () => {
			try {
				await options.poll(abort.signal);
				failures = 0;
			} catch (error) {
				if (abort.signal.aborted) return;
				failures++;
				options.onError(error);
			} finally {
				inFlight = undefined;
				schedule();
			}
		})();
		return inFlight;
	}

	return {
		start() {
			if (running) return;
			running = true;
			abort = new AbortController();
			void runOnce();
		},
		stop() {
			running = false;
			clearTimeout(timer);
			abort.abort();
		},
		refreshNow: runOnce,
		get failures() {
			return failures;
		},
	};
}
