import assert from 'node:assert/strict';
import {test} from 'node:test';
import {LineSplitter, MAX_LINE_CHARS} from '../../source/ssh/line-splitter.js';

function split(chunks: Array<string | Buffer>): string[] {
	const lines: string[] = [];
	const splitter = new LineSplitter((line) => lines.push(line));
	for (const chunk of chunks) splitter.push(chunk);
	splitter.end();
	return lines;
}

test('lines split across chunks are joined', () => {
	assert.deepEqual(split(['ab', 'c\nde', 'f\n', 'g']), ['abc', 'def', 'g']);
});

test('CRLF ends a line even when CR and LF arrive in different chunks', () => {
	assert.deepEqual(split(['one\r\ntwo\r', '\nthree\r\n']), ['one', 'two', 'three']);
});

test('a multi-byte UTF-8 character split between chunks is decoded whole', () => {
	const bytes = Buffer.from('née ✓\n', 'utf8');
	assert.deepEqual(split([bytes.subarray(0, 2), bytes.subarray(2, 7), bytes.subarray(7)]), ['née ✓']);
});

test('empty lines are kept; a trailing newline does not add one', () => {
	assert.deepEqual(split(['a\n\nb\n']), ['a', '', 'b']);
});

test('a lone CR inside a line is kept (only line endings are stripped)', () => {
	assert.deepEqual(split(['progress 10%\rprogress 20%\n']), ['progress 10%\rprogress 20%']);
});

test('a line longer than the limit is delivered cut with a marker; the rest of it is dropped, the next line is whole', () => {
	const lines: string[] = [];
	const splitter = new LineSplitter((line) => lines.push(line), 10);
	splitter.push('0123456789abc');
	splitter.push('defgh'.repeat(1000));
	splitter.push('ij\r\nnext\nlast');
	splitter.end();
	assert.deepEqual(lines, ['012345678…', 'next', 'last']);
	assert.deepEqual(split(['x'.repeat(5), '\n']), ['xxxxx']);
});

test('a host that never sends a newline costs bounded memory and linear time', () => {
	const lines: string[] = [];
	const splitter = new LineSplitter((line) => lines.push(line));
	const chunk = Buffer.alloc(64 * 1024, 'a');
	// 16 MB without a newline: the old splitter kept all of it and rescanned it for every chunk.
	for (let i = 0; i < 256; i++) splitter.push(chunk);
	splitter.push('\nok\n');
	assert.equal(lines.length, 2);
	assert.equal(lines[0]!.length, MAX_LINE_CHARS);
	assert.ok(lines[0]!.endsWith('…'));
	assert.equal(lines[1], 'ok');
});

test('the cut never splits a surrogate pair', () => {
	const lines: string[] = [];
	const splitter = new LineSplitter((line) => lines.push(line), 6);
	splitter.push('abcd🙂🙂🙂\n');
	assert.deepEqual(lines, ['abcd…']);
});
