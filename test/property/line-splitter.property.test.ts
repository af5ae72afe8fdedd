// Properties of the SSH line splitter: the lines it yields depend only on the
// bytes, never on where the stream was cut (inside a multi-byte character,
// between CR and LF, one byte at a time), and a long line arriving in many
// small chunks costs linear time.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {LineSplitter, MAX_LINE_CHARS} from '../../source/ssh/line-splitter.js';
import {cpuMs, runs} from './arbitraries.js';

function split(chunks: Array<Buffer | string>): string[] {
	const lines: string[] = [];
	const splitter = new LineSplitter((line) => lines.push(line));
	for (const chunk of chunks) splitter.push(chunk);
	splitter.end();
	return lines;
}

/** The reference: decode everything at once, split at LF, drop one CR before each LF (and at the end). */
function reference(bytes: Buffer): string[] {
	const parts = bytes.toString('utf8').split('\n');
	const last = parts.pop()!.replace(/\r$/, '');
	const lines = parts.map((p) => p.replace(/\r$/, ''));
	if (last !== '') lines.push(last);
	return lines;
}

/** Cuts `bytes` at the given offsets (sorted, deduplicated, inside the buffer). */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
	const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
	const chunks: Buffer[] = [];
	let from = 0;
	for (const p of points) {
		chunks.push(bytes.subarray(from, p));
		from = p;
	}
	chunks.push(bytes.subarray(from));
	return chunks;
}

// Text rich in what makes cutting hard: 2-, 3- and 4-byte UTF-8, CR, LF, CRLF, lone CRs.
const streamText = fc
	.array(fc.oneof(fc.string({unit: 'binary', maxLength: 8}), fc.constantFrom('\n', '\r\n', '\r', 'é', '✓', '𝄞', '\u0000', '\u001b[31m', '')), {maxLength: 40})
	.map((parts) => parts.join(''));

test('the same lines come out however the byte stream is cut', () => {
	fc.assert(
		fc.property(streamText, fc.array(fc.nat(), {maxLength: 12}), (text, offsets) => {
			const bytes = Buffer.from(text, 'utf8');
			assert.deepEqual(split(cut(bytes, offsets)), reference(bytes));
		}),
		runs(),
	);
});

test('one byte at a time gives the same lines as one chunk', () => {
	fc.assert(
		fc.property(streamText, (text) => {
			const bytes = Buffer.from(text, 'utf8');
			const single = [...bytes].map((b) => Buffer.from([b]));
			assert.deepEqual(split(single), split([bytes]));
		}),
		runs(),
	);
});

test('a cut between CR and LF never leaves a CR at the end of a line', () => {
	fc.assert(
		fc.property(fc.array(fc.string({unit: 'grapheme', maxLength: 10}).map((s) => s.replace(/[\r\n]/g, '')), {minLength: 1, maxLength: 8}), (lines) => {
			const bytes = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8');
			// Cut right after every CR.
			const offsets: number[] = [];
			bytes.forEach((b, i) => {
				if (b === 13) offsets.push(i + 1);
			});
			const out = split(cut(bytes, offsets));
			assert.deepEqual(out, lines);
			for (const line of out) assert.ok(!line.endsWith('\r'));
		}),
		runs(),
	);
});

test('invalid UTF-8 never throws and yields what a one-shot decode yields', () => {
	fc.assert(
		fc.property(fc.uint8Array({maxLength: 64}), fc.array(fc.nat(), {maxLength: 8}), (raw, offsets) => {
			const bytes = Buffer.from(raw);
			assert.deepEqual(split(cut(bytes, offsets)), reference(bytes));
		}),
		runs(),
	);
});

// Regression (found while writing these properties): every push re-scanned and
// re-flattened the whole pending line, so a long line without a newline in
// small chunks took quadratic time (4 MiB in 256-byte chunks: 250 s; 1 MiB:
// ~16 s). It must stay linear: this takes a few milliseconds.
test('a 1 MiB line in 256-byte chunks is split in linear time', () => {
	const chunk = Buffer.alloc(256, 'a');
	const lines: string[] = [];
	const splitter = new LineSplitter((line) => lines.push(line));
	const elapsed = cpuMs(() => {
		for (let i = 0; i < 4096; i++) splitter.push(chunk);
		splitter.push('\n');
		splitter.end();
	});
	assert.equal(lines.length, 1);
	// Delivered cut at the line cap (issue 10 #11), and still in linear time.
	assert.equal(lines[0]!.length, MAX_LINE_CHARS);
	assert.ok(lines[0]!.endsWith('…'));
	assert.ok(elapsed < 2000, `took ${Math.round(elapsed)} ms of CPU`);
});
