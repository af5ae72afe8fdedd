import assert from 'node:assert/strict';
import {test} from 'node:test';
import {selectSelectedIndex, selectVisibleRows} from '../../source/store/selectors.js';
import {clampScroll, createAppStore} from '../../source/store/store.js';
import {filledStore, guest, homelabGuests, snapshot, syntheticGuests} from '../views/data.js';

const selectedName = (store: ReturnType<typeof filledStore>) => {
	const s = store.getState();
	return s.ui.selectedVmid === undefined ? undefined : s.guests.get(s.ui.selectedVmid)?.name;
};

test('a new store is connecting, empty, sorted by vmid, with its badges', () => {
	const store = createAppStore({target: 'pve:8006', demo: true, readOnly: true});
	const s = store.getState();
	assert.equal(s.connection.status, 'connecting');
	assert.equal(s.connection.target, 'pve:8006');
	assert.deepEqual(s.badges, {demo: true, readOnly: true, insecure: false});
	assert.equal(s.guests.size, 0);
	assert.equal(s.ui.sortKey, 'vmid');
	assert.equal(s.ui.selectedVmid, undefined);
});

test('fleetReceived replaces the guests in one commit, marks the connection ok and selects the first row', () => {
	const store = createAppStore({target: 't', demo: false, readOnly: false});
	let commits = 0;
	store.subscribe(() => commits++);
	store.getState().actions.fleetReceived(snapshot(homelabGuests(), {receivedAt: 42}));
	assert.equal(commits, 1);
	const s = store.getState();
	assert.equal(s.guests.size, 28);
	assert.equal(s.connection.status, 'ok');
	assert.equal(s.connection.lastOkAt, 42);
	assert.equal(s.pveVersion, '9.1.5');
	assert.equal(s.clusterName, 'homelab');
	assert.equal(s.ui.selectedVmid, 100);
});

test('fleetReceived keeps unchanged row objects so memoised rows do not redraw', () => {
	const store = filledStore(homelabGuests());
	const before = store.getState().guests;
	const next = homelabGuests();
	next[1] = {...next[1]!, cpu: 0.5};
	store.getState().actions.fleetReceived(snapshot(next));
	const after = store.getState().guests;
	assert.equal(after.get(100), before.get(100));
	assert.notEqual(after.get(101), before.get(101));
	assert.equal(after.get(101)?.cpu, 0.5);
});

test('the selection is kept by vmid across a refresh with reordered data', () => {
	const store = filledStore(homelabGuests());
	store.getState().actions.moveSelection(5); // 105 sonarr
	assert.equal(selectedName(store), 'sonarr');
	const reordered = homelabGuests().reverse();
	reordered.unshift(guest(99, {name: 'new-first'}));
	store.getState().actions.fleetReceived(snapshot(reordered));
	assert.equal(selectedName(store), 'sonarr');
	assert.equal(selectSelectedIndex(store.getState()), 6);
});

test('when the selected guest disappears, the row now at its index is selected', () => {
	const store = filledStore(homelabGuests());
	store.getState().actions.moveSelection(5); // index 5: 105
	store.getState().actions.fleetReceived(snapshot(homelabGuests().filter((g) => g.vmid !== 105)));
	assert.equal(store.getState().ui.selectedVmid, 106);
	// The last row vanishing selects the new last row.
	store.getState().actions.selectLast();
	store.getState().actions.fleetReceived(snapshot(homelabGuests().filter((g) => g.vmid < 127)));
	assert.equal(store.getState().ui.selectedVmid, 126);
});

test('moves clamp at both ends; pages move by the viewport; scrollTop keeps the selection visible', () => {
	const store = filledStore(syntheticGuests(5000));
	const a = store.getState().actions;
	a.setViewportRows(20);
	a.moveSelection(-1);
	assert.equal(selectSelectedIndex(store.getState()), 0);
	a.pageDown();
	assert.equal(selectSelectedIndex(store.getState()), 20);
	assert.equal(store.getState().ui.scrollTop, 1);
	a.selectLast();
	assert.equal(selectSelectedIndex(store.getState()), 4999);
	assert.equal(store.getState().ui.scrollTop, 4980);
	a.moveSelection(1);
	assert.equal(selectSelectedIndex(store.getState()), 4999);
	a.pageUp();
	assert.equal(selectSelectedIndex(store.getState()), 4979);
	assert.equal(store.getState().ui.scrollTop, 4979);
	a.selectFirst();
	assert.equal(store.getState().ui.scrollTop, 0);
});

test('clampScroll: smallest move that shows the index, never past the last page', () => {
	assert.equal(clampScroll(0, 5, 100, 10), 0);
	assert.equal(clampScroll(0, 10, 100, 10), 1);
	assert.equal(clampScroll(50, 10, 100, 10), 10);
	assert.equal(clampScroll(95, 99, 100, 10), 90);
	assert.equal(clampScroll(5, 2, 3, 10), 0);
});

test('a smaller viewport scrolls so the selection stays visible', () => {
	const store = filledStore(syntheticGuests(100));
	store.getState().actions.setViewportRows(30);
	store.getState().actions.moveSelection(25);
	store.getState().actions.setViewportRows(10);
	const {scrollTop, viewportRows} = store.getState().ui;
	const index = selectSelectedIndex(store.getState());
	assert.ok(index >= scrollTop && index < scrollTop + viewportRows);
});

test('setSort: resource columns open descending, text columns ascending; the same key flips', () => {
	const store = filledStore(homelabGuests());
	const a = store.getState().actions;
	a.setSort('cpu');
	assert.equal(selectVisibleRows(store.getState())[0]?.name, 'plex');
	a.setSort('cpu');
	assert.equal(store.getState().ui.sortDesc, false);
	a.setSort('name');
	assert.equal(store.getState().ui.sortDesc, false);
	assert.equal(selectVisibleRows(store.getState())[0]?.name, 'adguard');
	a.setSort('vmid');
	a.setSort('vmid');
	assert.equal(selectVisibleRows(store.getState())[0]?.vmid, 127);
});

test('sorting keeps the selected guest selected and visible', () => {
	const store = filledStore(syntheticGuests(500));
	store.getState().actions.setViewportRows(10);
	store.getState().actions.moveSelection(3);
	const vmid = store.getState().ui.selectedVmid;
	store.getState().actions.setSort('name');
	assert.equal(store.getState().ui.selectedVmid, vmid);
	const index = selectSelectedIndex(store.getState());
	const {scrollTop} = store.getState().ui;
	assert.ok(index >= scrollTop && index < scrollTop + 10, `index ${index} scrollTop ${scrollTop}`);
});

test('filter: open seeds the draft, edits filter live, commit keeps, cancel reverts, esc again clears', () => {
	const store = filledStore(homelabGuests());
	const a = store.getState().actions;
	a.openFilter();
	assert.equal(store.getState().ui.filterDraft, '');
	a.editFilter('media');
	assert.equal(selectVisibleRows(store.getState()).length, 6);
	a.commitFilter();
	assert.equal(store.getState().ui.filter, 'media');
	assert.equal(store.getState().ui.filterDraft, null);
	a.openFilter();
	assert.equal(store.getState().ui.filterDraft, 'media');
	a.editFilter('dns');
	a.cancelFilter(); // closes the prompt, committed filter stays
	assert.equal(store.getState().ui.filter, 'media');
	assert.equal(selectVisibleRows(store.getState()).length, 6);
	a.cancelFilter(); // no prompt: clears
	assert.equal(store.getState().ui.filter, '');
	assert.equal(selectVisibleRows(store.getState()).length, 28);
});

test('filtering out the selected guest selects the row at the same index of the filtered list', () => {
	const store = filledStore(homelabGuests());
	store.getState().actions.moveSelection(1); // 101 unbound
	store.getState().actions.openFilter();
	store.getState().actions.editFilter('media'); // 104 105 106 107 121 123
	assert.equal(store.getState().ui.selectedVmid, 105);
	store.getState().actions.editFilter('zzz-nothing');
	assert.equal(store.getState().ui.selectedVmid, undefined);
	store.getState().actions.cancelFilter();
	assert.equal(store.getState().ui.selectedVmid, 100);
});

test('pollFailed keeps the data, marks it stale, counts failures and keeps the last error', () => {
	const store = filledStore(homelabGuests());
	const guests = store.getState().guests;
	store.getState().actions.pollFailed('connect ECONNREFUSED 10.0.0.1:8006', 1);
	store.getState().actions.pollFailed('timeout after 10s', 2);
	const s = store.getState();
	assert.equal(s.guests, guests);
	assert.equal(s.connection.status, 'stale');
	assert.equal(s.connection.consecutiveFailures, 2);
	assert.equal(s.connection.lastError, 'timeout after 10s');
	store.getState().actions.fleetReceived(snapshot(homelabGuests(), {receivedAt: 3}));
	assert.equal(store.getState().connection.status, 'ok');
	assert.equal(store.getState().connection.consecutiveFailures, 0);
	assert.equal(store.getState().connection.lastError, undefined);
});

test('pollFailed before any data is a failure, not stale', () => {
	const store = createAppStore({target: 't', demo: false, readOnly: false});
	store.getState().actions.pollFailed('401 authentication failure', 1);
	assert.equal(store.getState().connection.status, 'failed');
	assert.equal(store.getState().connection.consecutiveFailures, 1);
});

test('detail: loading keeps the previous config of the same guest; failure keeps it too; received replaces', () => {
	const store = filledStore(homelabGuests());
	const a = store.getState().actions;
	a.detailLoading(100);
	assert.deepEqual(store.getState().detail, {vmid: 100, loading: true, config: undefined, snapshots: undefined, fetchedAt: undefined, error: undefined});
	a.detailReceived(100, {hostname: 'pihole', cores: 1}, [], 5);
	assert.equal(store.getState().detail?.config?.hostname, 'pihole');
	a.detailLoading(100);
	assert.equal(store.getState().detail?.config?.hostname, 'pihole');
	assert.equal(store.getState().detail?.loading, true);
	a.detailFailed(100, '500 timeout');
	assert.equal(store.getState().detail?.error, '500 timeout');
	assert.equal(store.getState().detail?.config?.hostname, 'pihole');
	a.detailLoading(101);
	assert.equal(store.getState().detail?.config, undefined);
});

test('nicsReceived stores NICs per vmid; a refresh drops NICs of guests that are gone', () => {
	const store = filledStore(homelabGuests());
	store.getState().actions.nicsReceived(100, [{id: 'net0', bridge: 'vmbr0', firewall: true, linkDown: false}]);
	store.getState().actions.nicsReceived(101, [{id: 'net0', bridge: 'vmbr1', firewall: true, linkDown: false}]);
	store.getState().actions.fleetReceived(snapshot(homelabGuests().filter((g) => g.vmid !== 101)));
	assert.deepEqual([...store.getState().nics.keys()], [100]);
});

test('setOverlay switches between none, detail and help', () => {
	const store = filledStore(homelabGuests());
	store.getState().actions.setOverlay('detail');
	assert.equal(store.getState().ui.overlay, 'detail');
	store.getState().actions.setOverlay('none');
	assert.equal(store.getState().ui.overlay, 'none');
});

test('a /cluster/tasks poll that brings nothing new commits nothing (no frame is drawn for it)', () => {
	const store = createAppStore({target: 't', demo: false, readOnly: false});
	const task = (upid: string, state: 'running' | 'ok', exitstatus?: string) => ({
		upid, node: 'pve', type: 'vzdump', id: '101', user: 'root@pam', startedAt: 1000, state, exitstatus, logTail: [], ours: false,
	});
	let commits = 0;
	store.subscribe(() => commits++);
	store.getState().actions.clusterTasksReceived([task('UPID:a', 'running')]);
	assert.equal(commits, 1);
	store.getState().actions.clusterTasksReceived([task('UPID:a', 'running')]);
	assert.equal(commits, 1, 'the same list again');
	store.getState().actions.clusterTasksReceived([task('UPID:a', 'ok', 'OK')]);
	assert.equal(commits, 2, 'the task ended');
	assert.equal(store.getState().tasks[0]!.exitstatus, 'OK');
});
