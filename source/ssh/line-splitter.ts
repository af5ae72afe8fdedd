// Splits a byte stream into lines across arbitrary chunk boundaries: a chunk
// may end mid-line, mid-UTF-8 sequence, or between the CR and LF of a CRLF.
//
// A host or guest decides how long its lines are. One that never sends a
// newline would otherwise grow one string without bound (and rescanning it
// for every chunk costs time quadratic in its length), so a line longer than
// `maxLineChars` is delivered cut, with "…", and the rest of it is dropped.

import {StringDecoder} from 'node:string_decoder';

/** Longest line delivered, in UTF-16 units: as long as the API client's longest field. */
export const MAX_LINE_CHARS = 8192;

export class LineSplitter {
	private readonly decoder = new StringDecoder('utf8');
	private pending = '';
	/** The current line was already delivered cut; drop the rest of it. */
	private overlong = false;

	constructor(
		private readonly onLine: (line: string) => void,
		private readonly maxLineChars = MAX_LINE_CHARS,
	) {}

	push(chunk: Buffer | string): void {
		const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
		let start = 0;
		for (;;) {
			const nl = text.indexOf('\n', start);
			if (nl === -1) break;
			this.take(text.slice(start, nl), true);
			start = nl + 1;
		}
		if (start < text.length) this.take(text.slice(start), false);
	}

	/** Delivers a last line that had no line ending. */
	end(): void {
		this.take(this.decoder.end(), false);
		if (!this.overlong) {
			const line = this.pending.endsWith('\r') ? this.pending.slice(0, -1) : this.pending;
			if (line.length > 0) this.onLine(line);
		}
		this.pending = '';
		this.overlong = false;
	}

	private take(piece: string, lineEnds: boolean): void {
		if (!this.overlong) {
			this.pending += piece;
			if (this.pending.length > this.maxLineChars) {
				let keep = this.maxLineChars - 1;
				// Never split a surrogate pair.
				if (/[\uD800-\uDBFF]/.test(this.pending.charAt(keep - 1))) keep--;
				this.onLine(`${this.pending.slice(0, keep)}…`);
				this.pending = '';
				this.overlong = true;
			}
		}
		if (!lineEnds) return;
		if (!this.overlong) this.onLine(this.pending.endsWith('\r') ? this.pending.slice(0, -1) : this.pending);
		this.pending = '';
		this.overlong = false;
	}
}
