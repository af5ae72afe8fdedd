// The per-cycle budget for per-node reads (issue 12): never-read keys first,
// then the longest unread among those due, at most the budget.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {dueReads} from '../../source/services/read-budget.js';

test('dueReads: unread first, then the oldest due, at most the budget; fresh keys wait', () => {
	const readAt = new Map([['pve1', 0], ['pve2', 50], ['pve3', 10], ['pve4', 95]]);
	const keys = ['pve1', 'pve2', 'pve3', 'pve4', 'pve5'];
	assert.deepEqual(dueReads(keys, readAt, {now: 100, everyMs: 30, budget: 2}), ['pve5', 'pve1']);
	assert.deepEqual(dueReads(keys, readAt, {now: 100, everyMs: 30, budget: 2, unreadAtOnce: true}), ['pve5', 'pve1', 'pve3']);
	// pve4 was read 5 ms ago: not due whatever the budget.
	assert.deepEqual(dueReads(keys, readAt, {now: 100, everyMs: 30, budget: 10}), ['pve5', 'pve1', 'pve3', 'pve2']);
	// One node keeps its pace: due every everyMs.
	assert.deepEqual(dueReads(['pve'], new Map([['pve', 0]]), {now: 60_000, everyMs: 60_000, budget: 1}), ['pve']);
	assert.deepEqual(dueReads(['pve'], new Map([['pve', 1]]), {now: 60_000, everyMs: 60_000, budget: 1}), []);
});

test('dueReads: a budget filled by never-read keys ends the look at the rest', () => {
	let looked = 0;
	function* keys(): Generator<number> {
		for (let k = 0; k < 10_000; k++) {
			looked++;
			yield k;
		}
	}
	// 0..99 were read long ago (due), 100.. never: the first 3 never-read keys, not the 100 due ones.
	const readAt = new Map(Array.from({length: 100}, (_, k) => [k, 0] as [number, number]));
	assert.deepEqual(dueReads(keys(), readAt, {now: 100_000, everyMs: 1000, budget: 3}), [100, 101, 102]);
	assert.equal(looked, 103);
	assert.deepEqual(dueReads(keys(), readAt, {now: 100_000, everyMs: 1000, budget: 0}), []);
	// unreadAtOnce: every never-read key, so all are looked at.
	looked = 0;
	assert.equal(dueReads(keys(), readAt, {now: 100_000, everyMs: 1000, budget: 3, unreadAtOnce: true}).length, 9_900 + 3);
	assert.equal(looked, 10_000);
});
