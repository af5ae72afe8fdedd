// Splits a byte stream into lines across arbitrary chunk boundaries: a chunk
// may end mid-line, mid-UTF-8 sequence, or between the CR and LF of a CRLF.

import {StringDecoder} from 'node:string_decoder';

export class LineSplitter {
	private readonly decoder = new StringDecoder('utf8');
	// The unfinished line, as the pieces it arrived in. Only the new chunk is
	// searched for a newline and the pieces are joined once the line ends:
	// re-scanning one growing string made a long line in small chunks quadratic
	// (a 4 MiB line in 256-byte chunks took minutes; test/property/line-splitter).
	private pending: string[] = [];

	constructor(private readonly onLine: (line: string) => void) {}

	push(chunk: Buffer | string): void {
		const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
		let start = 0;
		for (;;) {
			const nl = text.indexOf('\n', start);
			if (nl === -1) break;
			let line = text.slice(start, nl);
			if (this.pending.length > 0) {
				line = this.pending.join('') + line;
				this.pending = [];
			}
			// The CR of a CRLF may have come at the end of the previous chunk.
			this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
			start = nl + 1;
		}
		if (start < text.length) this.pending.push(start === 0 ? text : text.slice(start));
	}

	/** Delivers a last line that had no line ending. */
	end(): void {
		let last = this.pending.join('') + this.decoder.end();
		this.pending = [];
		if (last.endsWith('\r')) last = last.slice(0, -1);
		if (last.length > 0) this.onLine(last);
	}
}
