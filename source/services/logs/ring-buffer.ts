// A fixed-capacity ring of log lines that lives outside React and outside the
// store: a 10,000-lines-per-second stream appends here in O(1) and the view
// reads only the lines it draws, so neither memory nor render cost grows with
// the input rate. Lines arrive already sanitized (sources.ts).

export type LogLevel = 'error' | 'warn' | 'info';

export interface LogLine {
	/** 1-based, increasing for the pane's lifetime (survives wrap-around and clear). */
	seq: number;
	/** The message without its leading timestamp. */
	text: string;
	level: LogLevel;
	/** The timestamp as the source printed it ("2026-11-23T16:40:01+00:00"), or "". */
	ts: string;
}

export const DEFAULT_CAPACITY = 10_000;

const ERROR_WORDS = /error|fail|fatal|panic|crit/i;
const WARN_WORDS = /warn/i;

/** error/warn/info from simple word patterns (journal text carries no priority). */
export function classifyLevel(text: string): LogLevel {
	if (ERROR_WORDS.test(text)) return 'error';
	if (WARN_WORDS.test(text)) return 'warn';
	return 'info';
}

// journalctl -o short-iso / the API's ISO stamps, then syslog/short "Nov 23 16:40:01".
const ISO_STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s+/;
const SHORT_STAMP = /^([A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d+)?)\s+/;

/** Splits a leading timestamp off a line, so `T` can hide it. */
export function splitTimestamp(line: string): {ts: string; text: string} {
	const match = ISO_STAMP.exec(line) ?? SHORT_STAMP.exec(line);
	if (!match) return {ts: '', text: line};
	return {ts: match[1]!, text: line.slice(match[0].length)};
}

export class RingBuffer {
	readonly capacity: number;
	/**
	 * The lines as received. A line is split into timestamp, text and level
	 * only when something reads it (the few on screen, a search): at 10,000
	 * lines a second most lines are overwritten unread, so appending one is a
	 * single store, with no regex, object or substring made for it.
	 */
	private readonly raw: Array<string | undefined>;
	/** Lines already read, by slot; a slot's entry goes when the slot is overwritten. */
	private readonly parsed: Array<LogLine | undefined>;
	/** Index of the oldest line. */
	private start = 0;
	private count = 0;
	private nextSeq = 1;

	constructor(capacity = DEFAULT_CAPACITY) {
		if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ring buffer capacity must be a positive integer, got ${capacity}`);
		this.capacity = capacity;
		this.raw = new Array<string | undefined>(capacity);
		this.parsed = new Array<LogLine | undefined>(capacity);
	}

	/** Lines currently held (at most capacity). */
	get length(): number {
		return this.count;
	}

	/** Every line ever appended, including ones overwritten or cleared. */
	get appended(): number {
		return this.nextSeq - 1;
	}

	/** Appends one line; the oldest is overwritten when full. */
	append(raw: string): void {
		let slot: number;
		if (this.count < this.capacity) {
			slot = (this.start + this.count) % this.capacity;
			this.count++;
		} else {
			slot = this.start;
			this.start = (this.start + 1) % this.capacity;
		}
		this.raw[slot] = raw;
		this.parsed[slot] = undefined;
		this.nextSeq++;
	}

	/** The i-th held line, 0 = oldest. */
	at(i: number): LogLine | undefined {
		if (i < 0 || i >= this.count) return undefined;
		const slot = (this.start + i) % this.capacity;
		let line = this.parsed[slot];
		if (line === undefined) {
			const {ts, text} = splitTimestamp(this.raw[slot]!);
			line = {seq: this.nextSeq - this.count + i, text, level: classifyLevel(text), ts};
			this.parsed[slot] = line;
		}
		return line;
	}

	/** Index (0 = oldest) of the line with this seq, or -1 when it is no longer held. */
	indexOfSeq(seq: number): number {
		const oldest = this.at(0);
		if (!oldest) return -1;
		const i = seq - oldest.seq;
		return i >= 0 && i < this.count ? i : -1;
	}

	newest(): LogLine | undefined {
		return this.at(this.count - 1);
	}

	oldest(): LogLine | undefined {
		return this.at(0);
	}

	clear(): void {
		this.raw.fill(undefined);
		this.parsed.fill(undefined);
		this.start = 0;
		this.count = 0;
	}

	/** All held lines, oldest first (for saving; not used while drawing). */
	toArray(): LogLine[] {
		const out: LogLine[] = [];
		for (let i = 0; i < this.count; i++) out.push(this.at(i)!);
		return out;
	}
}
