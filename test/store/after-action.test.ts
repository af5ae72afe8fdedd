// A guest's status/current read after this console's own action is shown over
// the fleet poll while the poll still says what it said then (pvestatd has not
// broadcast yet), never longer than AFTER_ACTION_HOLD_MS (store/after-action.ts).

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {AFTER_ACTION_HOLD_MS} from '../../source/store/after-action.js';
import {filledStore, guest, snapshot} from '../views/data.js';

const T0 = 1_000_000;

function fleet(status102: string, extra: ReturnType<typeof guest>[] = []) {
	return [guest(101, {name: 'web', status: 'running'}), guest(102, {name: 'db', status: status102}), ...extra];
}

test('the read shows at once and over every poll that still says the old status, then the poll again', () => {
	const store = filledStore(fleet('stopped'));
	const {actions} = store.getState();
	actions.guestReadAfterAction(102, {status: 'running', name: 'db'}, T0);
	assert.equal(store.getState().guests.get(102)?.status, 'running', 'at once');
	actions.fleetReceived(snapshot(fleet('stopped'), {receivedAt: T0 + 2000}));
	assert.equal(store.getState().guests.get(102)?.status, 'running', 'a poll before the broadcast');
	actions.fleetReceived(snapshot(fleet('running'), {receivedAt: T0 + 8000}));
	assert.equal(store.getState().guests.get(102)?.status, 'running', 'the broadcast agrees');
	// Held no more: a later stop by someone else shows as the poll says it.
	actions.fleetReceived(snapshot(fleet('stopped'), {receivedAt: T0 + 10_000}));
	assert.equal(store.getState().guests.get(102)?.status, 'stopped');
});

test('the poll wins once it moves off what it said, even to something else, and after the hold', () => {
	const store = filledStore(fleet('stopped'));
	const {actions} = store.getState();
	actions.guestReadAfterAction(102, {status: 'running'}, T0);
	actions.fleetReceived(snapshot(fleet('paused'), {receivedAt: T0 + 2000}));
	assert.equal(store.getState().guests.get(102)?.status, 'paused');

	actions.guestReadAfterAction(101, {status: 'stopped'}, T0);
	actions.fleetReceived(snapshot(fleet('paused'), {receivedAt: T0 + AFTER_ACTION_HOLD_MS}));
	assert.equal(store.getState().guests.get(101)?.status, 'stopped', 'within the hold');
	actions.fleetReceived(snapshot(fleet('paused'), {receivedAt: T0 + AFTER_ACTION_HOLD_MS + 1}));
	assert.equal(store.getState().guests.get(101)?.status, 'running', 'past the hold the poll is the truth');
});

test('a read that matches what the poll says holds nothing; a second action keeps the first stale status', () => {
	const store = filledStore(fleet('stopped'));
	const {actions} = store.getState();
	// Start, then stop again before the broadcast: the poll never saw it run.
	actions.guestReadAfterAction(102, {status: 'running'}, T0);
	actions.guestReadAfterAction(102, {status: 'stopped'}, T0 + 1000);
	assert.equal(store.getState().guests.get(102)?.status, 'stopped');
	actions.fleetReceived(snapshot(fleet('running'), {receivedAt: T0 + 3000}));
	assert.equal(store.getState().guests.get(102)?.status, 'running', 'nothing held: a broadcast that saw it running in between shows');
});

test('a guest new since the last broadcast (status unknown, no name) shows the status and name its node reported', () => {
	const store = filledStore(fleet('stopped'));
	const {actions} = store.getState();
	actions.guestReadAfterAction(109, {status: 'stopped', name: 'tautulli'}, T0);
	assert.equal(store.getState().guests.get(109), undefined, 'not listed until a poll lists it');
	actions.fleetReceived(snapshot(fleet('stopped', [guest(109, {name: 'CT 109', status: 'unknown', maxmem: 0})]), {receivedAt: T0 + 500}));
	const row = store.getState().guests.get(109)!;
	assert.deepEqual([row.name, row.status], ['tautulli', 'stopped']);
	// A second poll before the broadcast: still the read, not a guest "last seen" on an offline node.
	actions.fleetReceived(snapshot(fleet('stopped', [guest(109, {name: 'CT 109', status: 'unknown', maxmem: 0})]), {receivedAt: T0 + 2500}));
	const again = store.getState().guests.get(109)!;
	assert.deepEqual([again.name, again.status, again.lastKnown], ['tautulli', 'stopped', undefined]);
	actions.fleetReceived(snapshot(fleet('stopped', [guest(109, {name: 'tautulli', status: 'stopped'})]), {receivedAt: T0 + 9000}));
	assert.deepEqual([store.getState().guests.get(109)!.name, store.getState().guests.get(109)!.status], ['tautulli', 'stopped']);
});

test('an unchanged poll still ends a hold that ran out', () => {
	const store = filledStore(fleet('stopped'));
	const {actions} = store.getState();
	const same = fleet('stopped');
	actions.fleetReceived(snapshot(same, {receivedAt: T0}));
	actions.guestReadAfterAction(102, {status: 'running'}, T0);
	actions.fleetReceived(snapshot(same, {receivedAt: T0 + 2000}));
	assert.equal(store.getState().guests.get(102)?.status, 'running');
	actions.fleetReceived(snapshot(same, {receivedAt: T0 + AFTER_ACTION_HOLD_MS + 2000}));
	assert.equal(store.getState().guests.get(102)?.status, 'stopped');
});
