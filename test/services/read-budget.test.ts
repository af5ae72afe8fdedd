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
