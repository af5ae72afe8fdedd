// A large {"data":[…]} answer is read one entry at a time, in one pass
// (data-list.ts eachDataEntry). Whatever bytes arrive, that must read exactly
// what parsing the whole answer reads: the same entries when it is JSON, a
// refusal when it is not.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import fc from 'fast-check';
import {eachDataEntry, type EachOutcome} from '../../source/api/data-list.js';
import {mangledFrom} from './mangle.js';

/** What the transport gets: the entries visited, and the outcome. */
function read(bytes: Buffer, maxNesting = Number.POSITIVE_INFINITY): {outcome: EachOutcome; entries: unknown[]} {
	const entries: unknown[] = [];
	const outcome = eachDataEntry(bytes, maxNesting, (entry, index) => {
		assert.equal(index, entries.length, 'entries come in order, counted from 0');
		entries.push(entry);
	});
	return {outcome, entries};
}

/** The entries when they were all read; 'refused' when the answer was; undefined when declined (the caller parses it whole). */
function entriesOf(bytes: Buffer): unknown[] | 'refused' | undefined {
	const {outcome, entries} = read(bytes);
	if (outcome === 'declined') {
		assert.deepEqual(entries, [], 'declined after visiting');
		return undefined;
	}
	return outcome === 'visited' ? entries : 'refused';
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
					// The transport refuses the answer: a whole parse must refuse it too, unless it holds a second "data" key.
					assert.ok(!whole.ok || read(bytes).outcome === 'two data keys', `refused entry by entry but JSON as a whole: ${JSON.stringify(text)}`);
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

	it('declines an answer that does not begin as the envelope, before visiting anything', () => {
		for (const text of ['{"total":1,"data":[1]}', '{"d\\u0061ta":[1]}', '\ufeff{"data":[1]}', '{"data":{"a":1}}', '{"data":null}', '[{"data":[1]}]', '', ' ']) {
			assert.equal(entriesOf(Buffer.from(text)), undefined, text);
		}
	});

	it('reads past other keys after the list, refuses what is not JSON after it, and a second "data" key', () => {
		assert.deepEqual(entriesOf(Buffer.from('{"data":[1,{"a":2}], "total" : 2 ,"x":{"y":[null]}}')), [1, {a: 2}]);
		for (const text of ['{"data":[1]}x', '{"data":[1,]}', '{"data":[1 2]}', '{"data":[{"a":1}{"b":2}]}', '{"data":["unterminated]}', '{"data":[1],"total":1x}', '{"data":[1],"total"}', '{"data":[1],}', '{"data":[1]']) {
			assert.equal(entriesOf(Buffer.from(text)), 'refused', text);
		}
		// JSON.parse would take the last list; reading the first already handed it out.
		assert.equal(read(Buffer.from('{"data":[1],"data":[2]}')).outcome, 'two data keys');
		assert.equal(read(Buffer.from('{"data":[1],"d\\u0061ta":[2]}')).outcome, 'two data keys');
	});

	it("slices entries with strings that hold the envelope's own bytes", () => {
		const list = [{name: 'a"},{"b', x: '\\'}, '],[', {tags: '{;}'}, 12.5e3, null, [[]]];
		assert.deepEqual(entriesOf(Buffer.from(JSON.stringify({data: list}))), list);
	});

	it('says "too deep" for an entry past the nesting limit before anything parses it, and takes the limit itself', () => {
		const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
		assert.equal(read(Buffer.from(`{"data":[1,${nested(31)}]}`), 31).outcome, 'visited', '31 levels: read');
		assert.equal(read(Buffer.from(`{"data":[1,${nested(32)}]}`), 31).outcome, 'too deep');
		assert.equal(read(Buffer.from(`{"data":[1],"x":${nested(32)}}`), 31).outcome, 'too deep', 'a key after the list too');
		assert.equal(read(Buffer.from(`{"data":[{"a":"[[[[["}]}`), 2).outcome, 'visited', 'brackets inside strings do not count');
		// 8 million levels: refused at once, where JSON.parse would run for seconds.
		const started = process.cpuUsage();
		assert.equal(read(Buffer.from(`{"data":[${nested(8_000_000)}]}`), 31).outcome, 'too deep');
		const cpuMs = (process.cpuUsage(started).user + process.cpuUsage(started).system) / 1000;
		assert.ok(cpuMs < 500, `${cpuMs} ms of CPU`);
	});

	it('reads a long list in order, each entry handed out as soon as it is read', () => {
		const text = JSON.stringify({data: Array.from({length: 1000}, (_, i) => ({vmid: i, name: `ct-${i}`}))});
		const {outcome, entries} = read(Buffer.from(text));
		assert.equal(outcome, 'visited');
		assert.equal(entries.length, 1000);
		assert.deepEqual(entries[999], {vmid: 999, name: 'ct-999'});
	});
});
