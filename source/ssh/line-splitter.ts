// Splits a byte stream into lines across arbitrary chunk boundaries: a chunk
// may end mid-line, mid-UTF-8 sequence, or between the CR and LF of a CRLF.

import {StringDecoder} from 'node:string_decoder';

export class LineSplitter {
	private readonly decoder = new StringDecoder('utf8');
	private pending = '';

	constructor(private readonly onLine: (line: string) => void) {}

	push(chunk: Buffer | string): void {
		this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
		let start = 0;
		for (;;) {
			const nl = this.pending.indexOf('\n', start);
			if (nl === -1) break;
			const end = nl > start && this.pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
			this.onLine(this.pending.slice(start, end));
			start = nl + 1;
		}
		this.pending = this.pending.slice(start);
	}

	/** Delivers a last line that had no line ending. */
	end(): void {
		this.pending += this.decoder.end();
		if (this.pending.endsWith('\r')) this.pending = this.pending.slice(0, -1);
		if (this.pending.length > 0) this.onLine(this.pending);
		this.pending = '';
	}
}
