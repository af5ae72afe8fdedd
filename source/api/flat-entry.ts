// One entry of a large list answer, read straight from its bytes into an
// object whose keys always come in the same order.
//
// pveproxy's JSON encoder writes each entry's keys in Perl's per-hash random
// order (shared/samples: two entries of one answer, their keys in different
// orders). JSON.parse gives each order its own hidden class, so 10,000 entries
// made thousands of them per poll: reading the entries' fields went
// megamorphic, and the classes themselves were garbage for full collections
// (a 10,000-entry poll: ~200 ms parsed and read in a random order against ~40
// in one order; issue 12). Here an entry's keys are put in one order, learnt
// from the keys as they first come (bounded), so entries with the same keys
// share one class.
//
// Only a flat object is read here: strings, numbers, true, false, null. Any
// other entry (a nested value, anything not plainly JSON) is left to
// JSON.parse by the caller, so an entry is read exactly as JSON.parse reads
// it or not at all (test/api/flat-entry.test.ts checks that on any input),
// except that every string (keys too) comes cut to FIELD_LIMIT, as
// boundStrings cuts it (shapes.ts): parseEntry's entries need no second walk.

import {BACKSLASH, CLOSE_BRACE, COLON, COMMA, isSpace, OPEN_BRACE, QUOTE, skipSpace} from './json-bytes.js';
import {boundStrings, cut} from './shapes.js';

/** Keys given a place in the common order; later new keys follow in the entry's own order. */
const ORDER_LIMIT = 256;
/**
 * /cluster/resources' keys (pve-apidoc.json) have their places from the start:
 * a host whose early answers carry many other keys cannot crowd them out.
 */
const KNOWN_KEYS = ['id', 'type', 'vmid', 'node', 'name', 'status', 'template', 'tags', 'lock', 'hastate', 'pool', 'cpu', 'maxcpu', 'mem', 'maxmem', 'memhost', 'disk', 'maxdisk', 'uptime', 'netin', 'netout', 'diskread', 'diskwrite', 'storage', 'plugintype', 'content', 'shared', 'level', 'cgroup-mode', 'sdn', 'network', 'network-type', 'protocol', 'zone-type'];
const placeOf = new Map<string, number>(KNOWN_KEYS.map((key, place) => [key, place]));
const keyAt: string[] = [...KNOWN_KEYS];
/** Each placed key's UTF-8 bytes, by length: a key is found by its bytes, with no string made for it. */
const placesByLength: number[][] = [];
const keyBytes: Buffer[] = [];
KNOWN_KEYS.forEach(remember);

function remember(key: string, place: number): void {
	const encoded = Buffer.from(key);
	keyBytes[place] = encoded;
	(placesByLength[encoded.length] ??= []).push(place);
}

/** The place of the key whose bytes (no escapes) are [from, to), or -1. */
function placeByBytes(bytes: Buffer, from: number, to: number): number {
	const length = to - from;
	const candidates = placesByLength[length];
	if (candidates === undefined) return -1;
	for (const place of candidates) {
		const known = keyBytes[place]!;
		let k = 0;
		while (k < length && bytes[from + k] === known[k]) k++;
		if (k === length) return place;
	}
	return -1;
}

// Scratch for one entry, reused: the values by place, which places were set, extra keys.
const valueAt: unknown[] = [];
const setPlaces: number[] = [];
let extras: Array<[string, unknown]> = [];

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Whether the string stringEnd last scanned held an escape. */
let escaped = false;

/** The index after the string whose opening quote is at `i`; -1 if it does not end or holds a raw control character (not JSON). */
function stringEnd(bytes: Uint8Array, i: number, end: number): number {
	escaped = false;
	for (let j = i + 1; j < end; j++) {
		const c = bytes[j]!;
		if (c === BACKSLASH) {
			escaped = true;
			j++;
		} else if (c === QUOTE) return j + 1;
		else if (c < 0x20) return -1;
	}
	return -1;
}

/** 10^k for k ≤ 22: every one of them is exact in a double. */
const POWERS_OF_TEN = Array.from({length: 23}, (_, k) => 10 ** k);

/**
 * A JSON number without exponent and of up to 15 digits in [from, to) — an
 * integer or a decimal such as a guest's cpu 0.187866 — computed from its
 * digits with no string made; undefined for anything else. A decimal is its
 * digits as an integer divided by 10^(digits after the point): both are exact
 * doubles (below 2^53, and 10^22 at most), and one IEEE division of exact
 * operands is rounded correctly, so this is the double Number() gives
 * (Clinger's fast path). Every running guest's cpu is such a decimal, and the
 * string, regular expression and Number() it took were ~10 % of a poll's read.
 */
function numberAt(bytes: Uint8Array, from: number, to: number): number | undefined {
	return readNumber(bytes, from, to) ? parsed[0] : undefined;
}

/** Where readNumber puts its number: a double returned from a function that is not inlined is boxed anew each time. */
const parsed = new Float64Array(1);

/** numberAt's reading into parsed[0]; whether there was such a number. */
function readNumber(bytes: Uint8Array, from: number, to: number): boolean {
	const negative = bytes[from] === 0x2d;
	const first = negative ? from + 1 : from;
	let value = 0;
	let digits = 0;
	let point = -1;
	for (let k = first; k < to; k++) {
		const c = bytes[k]!;
		if (c === 0x2e && point < 0) {
			point = k;
			continue;
		}
		const d = c - 0x30;
		if (d < 0 || d > 9) return false;
		value = value * 10 + d;
		digits++;
	}
	const integerDigits = (point < 0 ? to : point) - first;
	// JSON: no leading zero before more digits; a point needs digits on both sides.
	if (digits < 1 || digits > 15 || integerDigits < 1 || (integerDigits > 1 && bytes[first] === 0x30) || point === to - 1) return false;
	if (point >= 0) value /= POWERS_OF_TEN[to - point - 1]!;
	parsed[0] = negative ? -value : value;
	return true;
}

/** The index after the number or literal token at `i`: the next comma, closing brace or space. */
function tokenEnd(bytes: Uint8Array, i: number, end: number): number {
	let j = i;
	while (j < end) {
		const d = bytes[j]!;
		if (d === COMMA || d === CLOSE_BRACE || isSpace(d)) break;
		j++;
	}
	return j;
}

/** The string token [from, to) (quotes included) that stringEnd just scanned, as JSON.parse reads it, cut to FIELD_LIMIT. */
function stringValue(bytes: Buffer, from: number, to: number): string {
	return cut(escaped ? (JSON.parse(bytes.toString('utf8', from, to)) as string) : bytes.toString('utf8', from + 1, to - 1));
}

// Most of an entry's strings repeat across entries and polls: type, status,
// node, tags, hastate, lock. Decoded anew, each was a call into C++ and a new
// string per entry per poll (30,000 at 10,000 guests), and the rows kept some
// of them into the old generation. A placed key's values are kept by their
// bytes and handed out again; a key whose values do not repeat (id, name) is
// given up once it has INTERN_LIMIT distinct values, and so is the table when
// every place together holds INTERN_TOTAL.
const INTERN_LIMIT = 512;
const INTERN_TOTAL = 8192;
/** Longest value worth looking up (bytes): longer ones are names and descriptions, not repeats. */
const INTERN_LONGEST = 48;
interface Interned {
	bytes: Buffer;
	text: string;
}
/** By place: the values seen, by a hash of their bytes; null once the place is given up. */
const internedAt: Array<Map<number, Interned[]> | null | undefined> = [];
const internedCount: number[] = [];
let internedTotal = 0;

/** The unescaped string token [from, to) (quotes included) of the key at `place`, the same string as when its bytes last came. */
function repeatedValue(place: number, bytes: Buffer, from: number, to: number): string {
	const start = from + 1;
	const end = to - 1;
	let table = internedAt[place];
	// Not looked up: read as any other string (an interned value is far shorter than FIELD_LIMIT).
	if (table === null || end - start > INTERN_LONGEST) return stringValue(bytes, from, to);
	let hash = end - start;
	for (let k = start; k < end; k++) hash = Math.imul(hash ^ bytes[k]!, 16_777_619);
	table ??= internedAt[place] = new Map();
	const bucket = table.get(hash);
	if (bucket !== undefined) {
		for (const known of bucket) {
			if (known.bytes.length !== end - start) continue;
			let k = 0;
			while (k < end - start && bytes[start + k] === known.bytes[k]) k++;
			if (k === end - start) return known.text;
		}
	}
	const text = bytes.toString('utf8', start, end);
	const count = (internedCount[place] ?? 0) + 1;
	if (count > INTERN_LIMIT || internedTotal >= INTERN_TOTAL) {
		internedAt[place] = null;
		return text;
	}
	internedCount[place] = count;
	internedTotal++;
	const known = {bytes: Buffer.from(bytes.subarray(start, end)), text};
	if (bucket) bucket.push(known);
	else table.set(hash, [known]);
	return text;
}

function clearScratch(): void {
	for (const place of setPlaces) valueAt[place] = undefined;
	setPlaces.length = 0;
	if (extras.length > 0) extras = [];
}

function keep(key: string, value: unknown): void {
	let place = placeOf.get(key);
	if (place === undefined && keyAt.length < ORDER_LIMIT) {
		place = keyAt.length;
		keyAt.push(key);
		placeOf.set(key, place);
		remember(key, place);
	}
	keepAt(place, key, value);
}

function keepAt(place: number | undefined, key: string, value: unknown): void {
	if (place === undefined) {
		// A repeated key keeps its first place and its last value, as in JSON.parse.
		const earlier = extras.find(([k]) => k === key);
		if (earlier) earlier[1] = value;
		else extras.push([key, value]);
		return;
	}
	// JSON has no undefined: an empty place was not set by this entry yet.
	if (valueAt[place] === undefined) setPlaces.push(place);
	valueAt[place] = value;
}

/**
 * The flat JSON object in bytes [start, end), with its keys in the common
 * order; undefined when it is not a flat object (or not JSON): then the caller
 * parses the text with JSON.parse, which reads it or refuses it.
 */
export function parseFlatEntry(bytes: Buffer, start: number, end: number): Record<string, unknown> | undefined {
	const entry = parseFlatEntryAt(bytes, start, end);
	if (entry === undefined) return undefined;
	let i = objectEnd;
	i = skipSpace(bytes, i, end);
	return i === end ? entry : undefined;
}

/** Where the object parseFlatEntryAt last read ends (the index after its closing brace). */
let objectEnd = 0;

/** The index after the object parseFlatEntryAt last read. */
export function flatEntryEnd(): number {
	return objectEnd;
}

/**
 * The flat JSON object starting at `start` (after any whitespace) and ending
 * before `limit`, as parseFlatEntry reads it; flatEntryEnd() then says where
 * it ended. What follows it is the caller's: the list reader reads an entry
 * and finds its end in one pass (data-list.ts).
 *
 * With `memo`, the entry at `index` of a list read again and again (a poll):
 * when it came with the same keys as last time, every string and literal
 * byte for byte as before and numbers where numbers were, the object made
 * last time is handed over again with its numbers updated in place (EntryMemo).
 */
export function parseFlatEntryAt(bytes: Buffer, start: number, limit: number, memo?: EntryMemo, index = 0): Record<string, unknown> | undefined {
	if (memo) {
		const last = memo.objects[index];
		if (last !== undefined && sameAgain(bytes, start, limit, last, memo.shapes[index]!)) return last;
	}
	let entry: Record<string, unknown> | undefined;
	try {
		entry = read(bytes, start, limit);
	} catch {
		entry = undefined; // an escape JSON.parse refuses: it refuses the whole entry too
	} finally {
		clearScratch();
	}
	if (memo) {
		const shape = entry === undefined ? undefined : builtShape;
		memo.objects[index] = shape === undefined ? undefined : entry;
		memo.shapes[index] = shape;
	}
	return entry;
}

/**
 * A list's entries as its last read made them, by index. An idle
 * 10,000-guest /cluster/resources poll changes little but each running
 * guest's figures; reading every entry anew made ~10,000 objects and ~20,000
 * strings a poll (names and ids do not repeat), all garbage by the next, and
 * kept V8's collector busy on the helper thread and the main one (issue 12).
 * An entry is kept only when made with /cluster/resources' own keys, no
 * escapes, by a maker (one per key set, MAKERS_LIMIT) and of one of its
 * first SHAPES_PER_MAKER shapes, so that sameAgain can compare it field by
 * field and write its numbers with one compiled function.
 *
 * The price: an entry handed to a visitor is the visitor's during the visit
 * only; the next read may hand over the same object with other numbers. And
 * the makers and their shapes are the process's: a host that sends other
 * shapes of the same keys first uses them up, and its entries are then read
 * anew each time, as before.
 */
export interface EntryMemo {
	objects: Array<Record<string, unknown> | undefined>;
	shapes: Array<EntryShape | undefined>;
}

/** An entry's places (its keys, in the order it lists them) and which of them hold numbers. */
export interface EntryShape {
	places: readonly number[];
	numeric: readonly boolean[];
	/** Writes the numbers (by place) into an object of this shape. */
	setNumbers: (entry: Record<string, unknown>, numbers: Float64Array) => void;
}

export function createEntryMemo(): EntryMemo {
	return {objects: [], shapes: []};
}

/** The shape of the object build() just made, when sameAgain can compare it later; else undefined. */
let builtShape: EntryShape | undefined;
/** Whether read() met an escape in a key or a string value. */
let sawEscape = false;

// sameAgain's scratch: what each place held in the entry being compared.
const UNSET = 0;
const STRING = 1;
const NUMBER = 2;
const LITERAL = 3;
const kindAt = new Uint8Array(ORDER_LIMIT);
const spanFrom = new Int32Array(ORDER_LIMIT);
const spanTo = new Int32Array(ORDER_LIMIT);
const numberAtPlace = new Float64Array(ORDER_LIMIT);
const touched = new Uint16Array(ORDER_LIMIT);

/**
 * Whether the flat object at `start` is `last` again: the same places, each
 * string and literal the same bytes, and a number where `last` has one (then
 * written into `last`). Anything else (an unknown or escaped key, an escaped
 * or non-ASCII string, a duplicate key, a number numberAt does not read)
 * answers false and the entry is read anew. Strict where read() is lenient,
 * never the other way: what it accepts, read() reads to an equal object.
 */
function sameAgain(bytes: Buffer, start: number, end: number, last: Record<string, unknown>, shape: EntryShape): boolean {
	let count = 0;
	try {
		let i = start;
		i = skipSpace(bytes, i, end);
		if (bytes[i] !== OPEN_BRACE) return false;
		i++;
		i = skipSpace(bytes, i, end);
		if (bytes[i] === CLOSE_BRACE) return false; // never kept (no places)
		for (;;) {
			if (bytes[i] !== QUOTE) return false;
			const keyEnd = stringEnd(bytes, i, end);
			if (keyEnd < 0 || escaped) return false;
			const place = placeByBytes(bytes, i + 1, keyEnd - 1);
			if (place < 0 || kindAt[place] !== UNSET) return false;
			touched[count++] = place;
			i = keyEnd;
			i = skipSpace(bytes, i, end);
			if (bytes[i] !== COLON) return false;
			i++;
			i = skipSpace(bytes, i, end);
			if (bytes[i] === QUOTE) {
				const valueEnd = stringEnd(bytes, i, end);
				if (valueEnd < 0 || escaped) return false;
				kindAt[place] = STRING;
				spanFrom[place] = i + 1;
				spanTo[place] = valueEnd - 1;
				i = valueEnd;
			} else {
				const j = tokenEnd(bytes, i, end);
				if (readNumber(bytes, i, j)) {
					kindAt[place] = NUMBER;
					numberAtPlace[place] = parsed[0]!;
				} else {
					kindAt[place] = LITERAL;
					spanFrom[place] = i;
					spanTo[place] = j;
				}
				i = j;
			}
			i = skipSpace(bytes, i, end);
			if (bytes[i] === COMMA) {
				i++;
				i = skipSpace(bytes, i, end);
				continue;
			}
			if (bytes[i] !== CLOSE_BRACE) return false;
			i++;
			break;
		}
		const {places, numeric} = shape;
		if (count !== places.length) return false;
		// By key, not for…in: a for…in that V8 does not compile to its enum cache makes an array of keys.
		for (let k = 0; k < places.length; k++) {
			const place = places[k]!;
			const kind = kindAt[place];
			if (numeric[k]) {
				if (kind !== NUMBER) return false;
				continue;
			}
			const value = last[keyAt[place]!];
			if (typeof value === 'string') {
				if (kind !== STRING || !sameAscii(bytes, spanFrom[place]!, spanTo[place]!, value)) return false;
			} else if (kind !== LITERAL || !sameAscii(bytes, spanFrom[place]!, spanTo[place]!, String(value))) {
				return false; // true, false, null: their bytes are their names
			}
		}
		shape.setNumbers(last, numberAtPlace);
		objectEnd = i;
		return true;
	} finally {
		for (let t = 0; t < count; t++) kindAt[touched[t]!] = UNSET;
	}
}

/** Whether bytes [from, to) are `text`, every byte ASCII (a non-ASCII or cut string is read anew instead). */
function sameAscii(bytes: Uint8Array, from: number, to: number, text: string): boolean {
	if (to - from !== text.length) return false;
	for (let k = 0; k < text.length; k++) {
		const b = bytes[from + k]!;
		if (b >= 0x80 || b !== text.charCodeAt(k)) return false;
	}
	return true;
}

function read(bytes: Buffer, start: number, end: number): Record<string, unknown> | undefined {
	sawEscape = false;
	let i = start;
	i = skipSpace(bytes, i, end);
	if (bytes[i] !== OPEN_BRACE) return undefined;
	i++;
	i = skipSpace(bytes, i, end);
	if (bytes[i] === CLOSE_BRACE) {
		i++;
	} else {
		for (;;) {
			if (bytes[i] !== QUOTE) return undefined;
			const keyEnd = stringEnd(bytes, i, end);
			if (keyEnd < 0) return undefined;
			if (escaped) sawEscape = true;
			// A known key without escapes is found by its bytes; any other is decoded.
			const known = escaped ? -1 : placeByBytes(bytes, i + 1, keyEnd - 1);
			const key = known >= 0 ? keyAt[known]! : stringValue(bytes, i, keyEnd);
			// JSON.parse makes an own property of it; an assignment would set the prototype.
			if (key === '__proto__') return undefined;
			i = keyEnd;
			i = skipSpace(bytes, i, end);
			if (bytes[i] !== COLON) return undefined;
			i++;
			i = skipSpace(bytes, i, end);
			const c = bytes[i];
			let value: unknown;
			if (c === QUOTE) {
				const valueEnd = stringEnd(bytes, i, end);
				if (valueEnd < 0) return undefined;
				if (escaped) sawEscape = true;
				value = known >= 0 && !escaped ? repeatedValue(known, bytes, i, valueEnd) : stringValue(bytes, i, valueEnd);
				i = valueEnd;
			} else {
				const j = tokenEnd(bytes, i, end);
				value = numberAt(bytes, i, j);
				if (value === undefined) {
					const token = bytes.toString('latin1', i, j);
					if (token === 'true') value = true;
					else if (token === 'false') value = false;
					else if (token === 'null') value = null;
					else if (JSON_NUMBER.test(token)) value = Number(token);
					else return undefined; // a nested value, or not JSON
				}
				i = j;
			}
			if (known >= 0) keepAt(known, key, value);
			else keep(key, value);
			i = skipSpace(bytes, i, end);
			if (bytes[i] === COMMA) {
				i++;
				i = skipSpace(bytes, i, end);
				continue;
			}
			if (bytes[i] === CLOSE_BRACE) {
				i++;
				break;
			}
			return undefined;
		}
	}
	objectEnd = i;
	return build();
}

/**
 * One maker per set of keys: an object literal with those keys in the common
 * order, so every entry with that set is made alike (one hidden class, no
 * keyed stores). Keys are written as JSON string literals; `__proto__`
 * never gets here. Bounded: past MAKERS_LIMIT sets, entries are made key by key.
 */
type Maker = (values: readonly unknown[]) => Record<string, unknown>;
interface MakerRecord {
	/** The places of its keys, in the order the object lists them. */
	places: readonly number[];
	make: Maker;
	/** Its entries' shapes (EntryShape) by which of its places hold numbers (bit k: places[k]). */
	shapes: Map<number, EntryShape>;
}
const MAKERS_LIMIT = 64;
const makers = new Map<number, MakerRecord[]>();
let makerCount = 0;

function makerFor(places: readonly number[]): MakerRecord | undefined {
	let hash = places.length;
	for (const place of places) hash = (Math.imul(hash, 31) + place + 1) | 0;
	const bucket = makers.get(hash);
	const found = bucket?.find((m) => m.places.length === places.length && m.places.every((p, k) => p === places[k]));
	if (found) return found;
	if (makerCount >= MAKERS_LIMIT) return undefined;
	const fields = places.map((place) => `${JSON.stringify(keyAt[place])}: v[${place}]`).join(', ');
	// eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys as JSON literals, see above
	const make = new Function('v', `return {${fields}};`) as Maker;
	makerCount++;
	const record = {places: [...places], make, shapes: new Map<number, EntryShape>()};
	if (bucket) bucket.push(record);
	else makers.set(hash, [record]);
	return record;
}

function build(): Record<string, unknown> {
	// Insertion sort: an entry has a few dozen keys at most.
	for (let a = 1; a < setPlaces.length; a++) {
		const place = setPlaces[a]!;
		let b = a - 1;
		while (b >= 0 && setPlaces[b]! > place) {
			setPlaces[b + 1] = setPlaces[b]!;
			b--;
		}
		setPlaces[b + 1] = place;
	}
	// Kept for sameAgain only with /cluster/resources' own keys and no escapes.
	const memoable = !sawEscape && extras.length === 0 && setPlaces.length > 0 && setPlaces[setPlaces.length - 1]! < KNOWN_KEYS.length;
	const maker = extras.length === 0 ? makerFor(setPlaces) : undefined;
	builtShape = memoable ? shapeOf(maker) : undefined;
	if (maker) return maker.make(valueAt);
	const entry: Record<string, unknown> = {};
	for (const place of setPlaces) entry[keyAt[place]!] = valueAt[place];
	for (const [key, value] of extras) entry[key] = value;
	return entry;
}

/** Shapes kept per maker: real entries of one key set have one or two (a stopped guest's figures are numbers too). */
const SHAPES_PER_MAKER = 8;

/**
 * The shape of the entry build() is making (its places, and which hold
 * numbers), shared by every entry of that shape its maker makes; undefined
 * (the entry is not kept) without a maker or past SHAPES_PER_MAKER, so a host
 * cannot make one compiled function per entry. /cluster/resources' known keys
 * are fewer than 53, so the mask is an exact double.
 */
function shapeOf(maker: MakerRecord | undefined): EntryShape | undefined {
	if (!maker) return undefined;
	let mask = 0;
	for (let k = 0; k < setPlaces.length; k++) if (typeof valueAt[setPlaces[k]!] === 'number') mask += 2 ** k;
	const known = maker.shapes.get(mask);
	if (known || maker.shapes.size >= SHAPES_PER_MAKER) return known;
	const {places} = maker;
	const numeric = places.map((place) => typeof valueAt[place] === 'number');
	// One store per number, each by its key: a keyed store (entry[keyAt[place]]) boxed every double anew.
	const stores = places.flatMap((place, k) => (numeric[k] ? [`e[${JSON.stringify(keyAt[place])}] = n[${place}];`] : [])).join(' ');
	// eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys as JSON literals, as the makers'
	const setNumbers = new Function('e', 'n', stores) as EntryShape['setNumbers'];
	const shape: EntryShape = {places, numeric, setNumbers};
	maker.shapes.set(mask, shape);
	return shape;
}

/** The JSON in `text`, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

/**
 * An entry of a list as the transport reads it, every string cut to
 * FIELD_LIMIT: flat objects here, anything else by JSON.parse and
 * boundStrings; undefined when it is not JSON. Throws ShapeError for an entry
 * nested deeper than DEPTH_LIMIT (counting the list around it).
 */
export function parseEntry(bytes: Buffer, start: number, end: number): unknown {
	return parseFlatEntry(bytes, start, end) ?? parseOtherEntry(bytes, start, end);
}

/**
 * parseEntry for an entry the flat reader declined (a nested value, a number,
 * anything not plainly a flat object): JSON.parse and boundStrings. The list
 * reader calls it directly once its own flat read of the entry has failed.
 */
export function parseOtherEntry(bytes: Buffer, start: number, end: number): unknown {
	const parsed = parseJson(bytes.toString('utf8', start, end));
	// Depth 1: an entry sits one level inside the answer's list.
	return parsed === undefined ? undefined : boundStrings(parsed, 1);
}
