// An entry of a large list is read from its bytes into an object whose keys
// come in one common order (flat-entry.ts): pveproxy writes each entry's keys
// in a random order, and JSON.parse gave every order its own hidden class.
// Whatever the bytes, the reader must give what JSON.parse gives, or decline.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import fc from 'fast-check';
import {parseEntry, parseFlatEntry} from '../../source/api/flat-entry.js';
import {mangledFrom} from './mangle.js';
import {boundStrings, FIELD_LIMIT} from '../../source/api/shapes.js';

const flat = (text: string) => {
	const bytes = Buffer.from(text);
	return parseFlatEntry(bytes, 0, bytes.length);
};

const spaces = fc.stringMatching(/^[ \n\r\t]{0,2}$/);
const flatValue = fc.oneof(fc.string(), fc.string({unit: 'binary'}), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom(0, -0, 1e300, 5e-324, 4294967296));
/** A flat object written with its keys in a given order and random JSON whitespace (escapes as JSON.stringify writes them). */
const flatObject = fc.tuple(fc.uniqueArray(fc.tuple(fc.oneof(fc.constantFrom('vmid', 'cpu', 'name', 'status', 'maxmem'), fc.string(), fc.string({unit: 'binary'})), flatValue), {selector: ([k]) => k, maxLength: 12}), fc.array(spaces, {minLength: 8, maxLength: 8})).map(([pairs, ws]) => {
	const at = (i: number) => ws[i % ws.length]!;
	return {pairs, text: `${at(0)}{${pairs.map(([k, v], i) => `${at(i + 1)}${JSON.stringify(k)}${at(i + 2)}:${at(i + 3)}${JSON.stringify(v)}${at(i + 4)}`).join(',')}${pairs.length === 0 ? at(5) : ''}}${at(6)}`};
});

describe('reading a flat entry from its bytes', () => {
	it('reads any flat object as JSON.parse does (or declines), however it is spaced', () => {
		fc.assert(
			fc.property(flatObject, ({text}) => {
				const read = flat(text);
				// What arrives is bytes: a lone surrogate in the text is U+FFFD in them.
				const parsed = JSON.parse(Buffer.from(text).toString('utf8')) as Record<string, unknown>;
				if (read === undefined) {
					// Only the one key an assignment cannot make is left to JSON.parse.
					assert.ok(Object.hasOwn(parsed, '__proto__'), `declined ${text}`);
					return;
				}
				assert.deepEqual(read, parsed);
				assert.equal(Object.getPrototypeOf(read), Object.prototype);
			}),
			{numRuns: 600},
		);
	});

	it('puts the keys of entries with the same keys in one order, whatever order they came in', () => {
		fc.assert(
			fc.property(fc.shuffledSubarray(['id', 'type', 'vmid', 'node', 'name', 'status', 'cpu', 'maxcpu', 'mem', 'maxmem', 'disk', 'uptime', 'tags', 'template'], {minLength: 14, maxLength: 14}), (order) => {
				const entry = Object.fromEntries(order.map((k, i) => [k, k === 'name' ? `ct-${i}` : i]));
				const read = flat(JSON.stringify(entry))!;
				const canonical = flat(JSON.stringify(Object.fromEntries(['id', 'type', 'vmid', 'node', 'name', 'status', 'cpu', 'maxcpu', 'mem', 'maxmem', 'disk', 'uptime', 'tags', 'template'].map((k) => [k, entry[k]]))))!;
				assert.deepEqual(Object.keys(read), Object.keys(canonical));
				assert.deepEqual(read, entry);
			}),
			{numRuns: 200},
		);
	});

	it('reads what JSON.parse reads, or declines, for any mangled entry', () => {
		const mangled = mangledFrom(
			flatObject.map(({text}) => text),
			['"', '\\', ',', '[', ']', '{', '}', ':', ' ', 'a', '1', '-', '.', 'e', '\u00e9', '\u0001', 'n', 'u'],
		);
		fc.assert(
			fc.property(mangled, (text) => {
				let parsed: unknown;
				let ok = true;
				try {
					parsed = JSON.parse(Buffer.from(text).toString('utf8'));
				} catch {
					ok = false;
				}
				const read = flat(text);
				if (read !== undefined) {
					assert.ok(ok, `read what JSON.parse refuses: ${JSON.stringify(text)}`);
					assert.deepEqual(read, parsed);
				}
				const bytes = Buffer.from(text);
				assert.deepEqual(parseEntry(bytes, 0, bytes.length), ok ? parsed : undefined);
			}),
			{numRuns: 2000},
		);
	});


	it('reads decimals of up to 15 digits and every other number written in JSON exactly as JSON.parse does', () => {
		// Short decimals (a guest's cpu 0.187866) are computed from their digits; this checks the rounding of that path.
		const sign = fc.constantFrom('', '-');
		const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
		const integerPart = fc.oneof(fc.constant('0'), fc.tuple(fc.stringMatching(/^[1-9]$/), digits(0, 14)).map(([a, b]) => a + b));
		const decimal = fc.tuple(sign, integerPart, digits(1, 16), fc.constantFrom('', 'e5', 'E-3', 'e+0')).map(([s, i, f, e]) => `${s}${i}.${f}${e}`);
		const near = fc.tuple(sign, integerPart, digits(0, 3)).map(([s, i, f]) => (f ? `${s}${i}.${f}` : `${s}${i}`));
		const broken = fc.constantFrom('1.', '.5', '-.5', '00.5', '-', '1..2', '01', '-01.5', '1.2.3', '0x10');
		fc.assert(
			fc.property(fc.oneof(decimal, near, broken, fc.double().map(String)), (token) => {
				const text = `{"cpu":${token}}`;
				let expected: unknown;
				try {
					expected = JSON.parse(text);
				} catch {
					expected = undefined;
				}
				const read = flat(text);
				assert.deepEqual(read, expected, token);
				if (read) assert.ok(Object.is(read.cpu, (expected as {cpu: number}).cpu), token);
			}),
			{numRuns: 3000},
		);
	});
	it('leaves nested values, a __proto__ key and bad escapes to JSON.parse', () => {
		assert.equal(flat('{"a":{"b":1}}'), undefined);
		assert.equal(flat('{"a":[1]}'), undefined);
		assert.equal(flat('{"__proto__":{"x":1}}'), undefined);
		assert.equal(flat('{"\\u005f_proto__":1}'), undefined);
		assert.equal(flat('{"a":"\\x"}'), undefined);
		assert.equal(flat('{"a":"tab\there"}'), undefined, 'a raw control character is not JSON');
		assert.equal(flat('{"a":01}'), undefined);
		assert.equal(flat('{"a":1,}'), undefined);
		const proto = Buffer.from('{"__proto__":{"polluted":1}}');
		const read = parseEntry(proto, 0, proto.length) as Record<string, unknown>;
		assert.ok(Object.hasOwn(read, '__proto__'), 'an own property, as JSON.parse makes it');
		assert.equal(({} as Record<string, unknown>).polluted, undefined);
	});

	it('reads escapes, repeated keys (the last value wins) and reads only its own bytes', () => {
		assert.deepEqual(flat('{"n\\u0061me":"a\\"b\\\\c\\u00e9","x":1,"x":2}'), {name: 'a"b\\cé', x: 2});
		const bytes = Buffer.from('[{"a":1},{"b":"two"}]');
		assert.deepEqual(parseFlatEntry(bytes, 1, 8), {a: 1});
		assert.deepEqual(parseFlatEntry(bytes, 9, 20), {b: 'two'});
	});

	it('cuts every string, keys too, as boundStrings does, whether the entry is flat or nested', () => {
		// Escaped and plain text both (a plain value of a placed key such as `name` takes its own path); é is 2 bytes a character.
		const long = fc.oneof(fc.string({minLength: FIELD_LIMIT - 2, maxLength: FIELD_LIMIT + 40}), fc.nat(60).map((n) => 'x'.repeat(FIELD_LIMIT - 20 + n)), fc.nat(60).map((n) => 'é'.repeat(FIELD_LIMIT - 20 + n)));
		fc.assert(
			fc.property(long, long, fc.boolean(), (key, value, nested) => {
				const entry = nested ? {name: value, [key]: {inner: value}} : {name: value, [key]: 1};
				const text = Buffer.from(JSON.stringify(entry));
				assert.deepEqual(parseEntry(text, 0, text.length), boundStrings(JSON.parse(text.toString()), 1));
			}),
			{numRuns: 50},
		);
	});

	it('reads values that repeat (node, status) and values that never do (name, id) right across thousands of entries', () => {
		// Repeating values are handed out again by their bytes; a key whose values never repeat stops being looked up.
		for (let i = 0; i < 3000; i++) {
			const entry = {id: `lxc/${1000 + i}`, name: `guest-${i}-${'é'.repeat(i % 3)}`, node: `node-${i % 40}`, status: i % 7 === 0 ? 'stopped' : 'running', tags: i % 2 ? 'web;prod' : 'db'};
			assert.deepEqual(flat(JSON.stringify(entry)), entry);
		}
	});

	it('still reads entries right once the common order is full (300 new keys)', () => {
		const many = Object.fromEntries(Array.from({length: 300}, (_, i) => [`key${i}-${Math.random()}`, i]));
		assert.deepEqual(flat(JSON.stringify(many)), many);
		const again = Object.fromEntries(Object.entries(many).reverse());
		assert.deepEqual(flat(JSON.stringify(again)), again);
	});
});
