// A large {"data":[…]} answer is parsed one entry at a time (data-list.ts).
// Whatever bytes arrive, that must read exactly what parsing the whole answer
// reads: the same entries when it is JSON, a refusal when it is not.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import fc from 'fast-check';
import {dataListBounds} from '../../source/api/data-list.js';
import {parseEntry} from '../../source/api/flat-entry.js';
import {mangledFrom} from './mangle.js';

/** What the transport does with bounds: each slice read (flat-entry.ts); 'refused' when one is not JSON; undefined when it declines. */
function entriesOf(bytes: Buffer): unknown[] | 'refused' | undefined {
	const list = dataListBounds(bytes);
	if (list === undefined || list === 'too deep') return undefined;
	const entries: unknown[] = [];
	for (let k = 0; k < list.count; k++) {
		const entry = parseEntry(bytes, list.bounds[2 * k]!, list.bounds[2 * k + 1]!);
		if (entry === undefined) return 'refused';
		entries.push(entry);
	}
	return entries;
}

function wholeData(bytes: Buffer): {ok: true; data: unknown} | {ok: false} {
	try {
		const parsed = JSON.parse(bytes.toString('utf8')) as unknown;
		return {ok: true, data: (parsed as {data?: unknown} | null)?.data};
	} catch {
		return {ok: false};
	}
}

const spaces = fc.stringMatching(/^[ \n\r\t]{0,3}$/);

/** A list encoded with random JSON whitespace between every token of the envelope and between entries. */
const spacedAnswer = fc.tuple(fc.array(fc.jsonValue(), {maxLength: 8}), fc.array(spaces, {minLength: 20, maxLength: 20}), fc.integer({min: 0, max: 2})).map(([list, ws, indent]) => {
	const at = (i: number) => ws[i % ws.length]!;
	const body = list.map((entry, i) => at(i) + JSON.stringify(entry, null, indent) + at(i + 7)).join(',');
	return {list, text: `${at(0)}{${at(1)}"data"${at(2)}:${at(3)}[${body}${list.length === 0 ? at(4) : ''}]${at(5)}}${at(6)}`};
});

describe('reading {"data":[…]} entry by entry', () => {
	it('finds every entry of any list, however it is spaced', () => {
		fc.assert(
			fc.property(spacedAnswer, ({list, text}) => {
				// The list as JSON carries it (-0 is written as 0).
				assert.deepEqual(entriesOf(Buffer.from(text)), JSON.parse(JSON.stringify(list)));
			}),
			{numRuns: 400},
		);
	});

	it('reads what a whole parse reads, or declines, for any mangled answer', () => {
		// Take a real-looking answer and cut, duplicate or replace a few bytes anywhere.
		const mangled = mangledFrom(
			spacedAnswer.map(({text}) => text),
			['"', '\\', ',', '[', ']', '{', '}', ':', ' ', 'a', '1', '\u00e9', 'n'],
		);
		fc.assert(
			fc.property(mangled, (text) => {
				const bytes = Buffer.from(text);
				const each = entriesOf(bytes);
				const whole = wholeData(bytes);
				if (each === 'refused') {
					// The transport refuses the answer as not JSON: so must a whole parse.
					assert.ok(!whole.ok, `refused entry by entry but JSON as a whole: ${JSON.stringify(text)}`);
				} else if (each !== undefined) {
					// Whatever it reads, a whole parse reads the same list.
					assert.ok(whole.ok, `read entry by entry but not JSON as a whole: ${JSON.stringify(text)}`);
					assert.deepEqual(whole.data, each, JSON.stringify(text));
				}
				// Declining is always safe: the caller parses the whole answer instead.
			}),
			{numRuns: 2000},
		);
	});

	it('declines any other envelope, so the whole answer is parsed as before', () => {
		for (const text of [
			'{"data":[1],"total":1}',
			'{"total":1,"data":[1]}',
			'{"d\\u0061ta":[1]}',
			'\ufeff{"data":[1]}',
			'{"data":{"a":1}}',
			'{"data":null}',
			'{"data":[1]}x',
			'{"data":[1,]}',
			'{"data":[1 2]}',
			'{"data":[{"a":1}{"b":2}]}',
			'[{"data":[1]}]',
			'',
			'{"data":["unterminated]}',
		]) {
			assert.equal(dataListBounds(Buffer.from(text)), undefined, text);
		}
	});

	it("slices entries with strings that hold the envelope's own bytes", () => {
		const list = [{name: 'a"},{"b', x: '\\'}, '],[', {tags: '{;}'}, 12.5e3, null, [[]]];
		assert.deepEqual(entriesOf(Buffer.from(JSON.stringify({data: list}))), list);
	});

	it('says "too deep" for an entry past the nesting limit before anything parses it, and takes the limit itself', () => {
		const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
		assert.equal(dataListBounds(Buffer.from(`{"data":[1,${nested(31)}]}`), 31)?.constructor, Object, '31 levels: read');
		assert.equal(dataListBounds(Buffer.from(`{"data":[1,${nested(32)}]}`), 31), 'too deep');
		assert.equal(dataListBounds(Buffer.from(`{"data":[{"a":"[[[[["}]}`), 2)?.constructor, Object, 'brackets inside strings do not count');
		// 8 million levels: refused at once, where JSON.parse would run for seconds.
		const started = process.cpuUsage();
		assert.equal(dataListBounds(Buffer.from(`{"data":[${nested(8_000_000)}]}`), 31), 'too deep');
		const cpuMs = (process.cpuUsage(started).user + process.cpuUsage(started).system) / 1000;
		assert.ok(cpuMs < 500, `${cpuMs} ms of CPU`);
	});

	it('keeps offsets of a long list in a typed array', () => {
		const text = JSON.stringify({data: Array.from({length: 1000}, (_, i) => i)});
		const list = dataListBounds(Buffer.from(text));
		assert.ok(list && list !== 'too deep');
		assert.equal(list.count, 1000);
		assert.ok(list.bounds instanceof Uint32Array);
		assert.equal(text.slice(list.bounds[0], list.bounds[1]), '0');
		assert.equal(text.slice(list.bounds[2 * 999], list.bounds[2 * 999 + 1]), '999');
	});
});
