// A list read poll after poll (the fleet's /cluster/resources) with one
// visitor: an entry that came as before but for its numbers is handed over as
// the same object, its numbers written in (flat-entry.ts, EntryMemo). Whatever
// comes, the next poll must read exactly as a fresh read reads it.
// (Its own file: the entry makers are per process, and data-list.test.ts's
// random keys use them up.)

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import fc from 'fast-check';
import {eachDataEntry, type EachOutcome} from '../../source/api/data-list.js';
import {createEntryMemo, type EntryMemo} from '../../source/api/flat-entry.js';
import {FIELD_LIMIT} from '../../source/api/shapes.js';
import {mangledFrom} from './mangle.js';

/** The entries, each copied as it was during its visit (a later read may change the object), and the objects themselves. */
function read(bytes: Buffer, memo?: EntryMemo): {outcome: EachOutcome; seen: unknown[]; objects: unknown[]} {
	const seen: unknown[] = [];
	const objects: unknown[] = [];
	const outcome = eachDataEntry(
		bytes,
		Number.POSITIVE_INFINITY,
		(entry) => {
			objects.push(entry);
			seen.push(structuredClone(entry));
		},
		memo,
	);
	return {outcome, seen, objects};
}

const answer = (list: unknown[]) => Buffer.from(JSON.stringify({data: list}));

// A few key sets, as /cluster/resources has (running and stopped guests, nodes), plus one key of another API.
const KEY_SETS = [
	['id', 'type', 'vmid', 'node', 'name', 'status', 'cpu', 'mem', 'maxmem', 'uptime', 'template'],
	['id', 'type', 'vmid', 'node', 'name', 'status', 'maxmem', 'tags', 'lock'],
	['id', 'type', 'node', 'status', 'cpu', 'mem', 'uptime'],
	['id', 'type', 'node', 'other'],
];
const NUMBER_KEYS = new Set(['vmid', 'cpu', 'mem', 'maxmem', 'uptime', 'template']);
const text = fc.oneof({weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9;/-]{0,8}$/)}, {weight: 1, arbitrary: fc.constantFrom('é', 'a"b', 'a\\b', 'x\u0001y', '\u{1F600}', 'x'.repeat(9000))});
// Proxmox's numbers: byte counts and fractions such as a cpu of 0.187866; now and then one the memo does not read from its digits.
const number = fc.oneof({weight: 6, arbitrary: fc.integer({min: 0, max: 2 ** 40})}, {weight: 3, arbitrary: fc.integer({min: 0, max: 1e6}).map((n) => n / 1e6)}, {weight: 1, arbitrary: fc.constantFrom(1e21, 5e-7, -0, 0.1 + 0.2, 1 / 3)});
const odd = fc.constantFrom(true, false, null, 'text', 7);
/**
 * A value of `key`'s type: a number, a string, or for `template` a literal.
 * Each key keeps its type in a first poll, as Proxmox's do (an entry maker
 * keeps a few shapes of values only, SHAPES_PER_MAKER); a next poll may
 * replace any value with another type (nextOf).
 */
const valueFor = (key: string) => (key === 'template' ? fc.constantFrom(true, false, null) : NUMBER_KEYS.has(key) ? number : text);
const entryOf = (keys: readonly string[]) => fc.tuple(...keys.map(valueFor)).map((values) => Object.fromEntries(keys.map((key, k) => [key, values[k]])));
const entry = fc.constantFrom(...KEY_SETS).chain(entryOf);

/** An entry's next poll: each value kept (mostly), moved (a number) or replaced; now and then another key set; the key order turned. */
const nextOf = (before: Record<string, unknown>) =>
	fc.tuple(fc.array(fc.constantFrom('keep', 'keep', 'keep', 'keep', 'move', 'move', 'move', 'replace'), {minLength: 12, maxLength: 12}), fc.array(odd, {minLength: 12, maxLength: 12}), fc.oneof({weight: 7, arbitrary: fc.constant(null)}, {weight: 1, arbitrary: entry}), fc.nat()).map(([edits, values, other, turn]) => {
		if (other) return other;
		const next = Object.entries(before).map(([key, value], k): [string, unknown] => {
			const edit = edits[k]!;
			if (edit === 'move' && typeof value === 'number') return [key, value === 0 ? 0.5 : value * 3];
			return [key, edit === 'replace' ? values[k] : value];
		});
		return Object.fromEntries(next.map((_, k) => next[(k + turn) % next.length]!));
	});

/** Two polls of one list: the second's entries follow the first's, a few added or gone at the end. */
const twoPolls = fc.array(entry, {maxLength: 6}).chain((first) =>
	fc.tuple(fc.constant(first), fc.tuple(...first.map(nextOf)), fc.array(entry, {maxLength: 2}), fc.nat({max: 2})).map(([list, followers, more, cut]) => ({
		first: list,
		second: [...followers.slice(0, Math.max(0, followers.length - cut)), ...more] as Array<Record<string, unknown>>,
	})),
);

/** An entry's keys in their order (deepEqual does not compare the order). */
const keysOf = (entry: unknown) => (typeof entry === 'object' && entry !== null ? Object.keys(entry) : []);

/** JSON's reading of a value: what the entry holds once read. */
const asRead = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

/** A number the memo reads from its digits (no exponent, at most 15 digits). */
const plainNumber = (value: unknown) => typeof value === 'number' && /^-?(0|[1-9]\d*)(\.\d+)?$/.test(JSON.stringify(value)) && JSON.stringify(value).replace(/[-.]/g, '').length <= 15;

/** Whether `after` is `before` with at most its numbers moved, in the memo's reading: every string plain ASCII and not cut (FIELD_LIMIT), each number one it reads. */
function onlyNumbersMoved(before: Record<string, unknown>, after: Record<string, unknown>): boolean {
	const keys = Object.keys(before);
	if (keys.length !== Object.keys(after).length) return false;
	return keys.every((key) => {
		if (!Object.hasOwn(after, key)) return false;
		const [x, y] = [before[key], after[key]];
		if (typeof x === 'number') return plainNumber(y);
		if (typeof x === 'string') return x === y && x.length <= FIELD_LIMIT && /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(x);
		return x === y;
	});
}

describe('a list read poll after poll, with its memo', () => {
	it('hands back the same object for a guest whose figures alone moved, with the new figures, and a new one when a string moved', () => {
		const guest = (cpu: number, status: string) => ({id: 'lxc/101', type: 'lxc', vmid: 101, node: 'pve1', name: 'web', status, cpu, mem: 1, maxmem: 2, uptime: 100, template: 0});
		const memo = createEntryMemo();
		const one = read(answer([guest(0.25, 'running'), {id: 'node/pve1', type: 'node', node: 'pve1', status: 'online', cpu: 0.1, mem: 5, uptime: 9}]), memo);
		// Another key order, as pveproxy's next answer has.
		const turned = Object.fromEntries(Object.entries(guest(0.375, 'running')).reverse());
		const two = read(answer([turned, {id: 'node/pve1', type: 'node', node: 'pve1', status: 'online', cpu: 0.2, mem: 5, uptime: 19}]), memo);
		assert.equal(two.objects[0], one.objects[0], 'the same object');
		assert.deepEqual(two.seen[0], guest(0.375, 'running'), 'with the new cpu, in the first order');
		assert.deepEqual(Object.keys(two.objects[0] as object), Object.keys(one.seen[0] as object), 'its keys in the order they were');
		assert.equal(two.objects[1], one.objects[1]);
		assert.deepEqual(two.seen[1], {id: 'node/pve1', type: 'node', node: 'pve1', status: 'online', cpu: 0.2, mem: 5, uptime: 19});
		const three = read(answer([guest(0.5, 'stopped')]), memo);
		assert.notEqual(three.objects[0], one.objects[0], 'its status moved: read anew');
		assert.deepEqual(three.seen[0], guest(0.5, 'stopped'));
		assert.equal(memo.objects.length, 1, 'the node, gone from the list, is forgotten');
	});

	it('reads the next poll exactly as a fresh read does; a kept entry whose numbers alone moved is the same object, any other is read anew', () => {
		let reused = 0;
		fc.assert(
			fc.property(twoPolls, ({first, second}) => {
				const memo = createEntryMemo();
				const one = read(answer(first), memo);
				assert.equal(one.outcome, 'visited');
				assert.deepEqual(one.seen, read(answer(first)).seen);
				const kept = one.objects.map((object, k) => memo.objects[k] === object);
				const bytes = answer(second);
				const two = read(bytes, memo);
				assert.equal(two.outcome, 'visited');
				const fresh = read(bytes).seen;
				assert.deepEqual(two.seen, fresh, 'as a fresh read reads it');
				assert.deepEqual(two.seen.map(keysOf), fresh.map(keysOf), 'its keys in the same order');
				second.forEach((entry, k) => {
					if (k >= first.length) return;
					const same = two.objects[k] === one.objects[k];
					const expected = kept[k]! && onlyNumbersMoved(asRead(first[k]), asRead(entry));
					assert.equal(same, expected, `entry ${k}: ${JSON.stringify(first[k])} → ${JSON.stringify(entry)}`);
					if (same) reused++;
				});
			}),
			{numRuns: 1500},
		);
		assert.ok(reused > 100, `entries handed back: ${reused}`);
	});

	it('reads a mangled next poll as a fresh read does', () => {
		const mangledNext = twoPolls.chain(({first, second}) => mangledFrom(fc.constant(JSON.stringify({data: second})), ['"', '\\', ',', '{', '}', ':', ' ', '1', '.', 'e', 'é', 't']).map((next) => ({first, next})));
		fc.assert(
			fc.property(mangledNext, ({first, next}) => {
				const memo = createEntryMemo();
				read(answer(first), memo);
				const bytes = Buffer.from(next);
				const two = read(bytes, memo);
				const fresh = read(bytes);
				assert.equal(two.outcome, fresh.outcome, next);
				assert.deepEqual(two.seen, fresh.seen, next);
				assert.deepEqual(two.seen.map(keysOf), fresh.seen.map(keysOf), next);
			}),
			{numRuns: 2000},
		);
	});

	it('forgets the entries past a shorter list', () => {
		const memo = createEntryMemo();
		read(answer([{id: 'a', vmid: 1}, {id: 'b', vmid: 2}, {id: 'c', vmid: 3}]), memo);
		assert.equal(memo.objects.length, 3);
		read(answer([{id: 'e', vmid: 5}]), memo);
		assert.equal(memo.objects.length, 1);
		read(Buffer.from('{"data":[]}'), memo);
		assert.equal(memo.objects.length, 0);
	});
});
