import assert from 'node:assert/strict';
import {test} from 'node:test';
import {LineSplitter} from '../../source/ssh/line-splitter.js';

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
