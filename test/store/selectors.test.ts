import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
	filterRows,
	selectHeaderStats,
	selectRefreshAgeMs,
	selectSelectedIndex,
	selectStaleAgeMs,
	selectVisibleRows,
	sortRows,
} from '../../source/store/selectors.js';
import {filledStore, guest, homelabGuests, homelabNics, syntheticGuests} from '../views/data.js';

const GiB = 1024 ** 3;

test('sortRows: numeric columns compare fractions, ties fall back to ascending vmid', () => {
	const rows = [
		guest(3, {mem: 1 * GiB, maxmem: 2 * GiB}), // 50 %
		guest(1, {mem: 3 * GiB, maxmem: 4 * GiB}), // 75 %
		guest(2, {mem: 0.5 * GiB, maxmem: 1 * GiB}), // 50 %
	];
	assert.deepEqual(
		sortRows(rows, 'mem', false, new Map()).map((r) => r.vmid),
		[2, 3, 1],
	);
	assert.deepEqual(
		sortRows(rows, 'mem', true, new Map()).map((r) => r.vmid),
		[1, 2, 3],
	);
	const disk = [guest(1, {disk: 9, maxdisk: 10}), guest(2, {disk: 50, maxdisk: 1000})];
	assert.deepEqual(
		sortRows(disk, 'disk', true, new Map()).map((r) => r.vmid),
		[1, 2],
	);
});

test('sortRows by name is case-insensitive; by net uses the first NIC', () => {
	const rows = [guest(1, {name: 'beta'}), guest(2, {name: 'Alpha'}), guest(3, {name: 'gamma'})];
	assert.deepEqual(
		sortRows(rows, 'name', false, new Map()).map((r) => r.name),
		['Alpha', 'beta', 'gamma'],
	);
	const nics = new Map([
		[1, [{id: 'net0', bridge: 'vmbr1', firewall: false, linkDown: false}]],
		[2, [{id: 'net0', bridge: 'vmbr0', firewall: false, linkDown: false}]],
	]);
	assert.deepEqual(
		sortRows(rows, 'net', false, nics).map((r) => r.vmid),
		[3, 2, 1],
	);
});

test('filterRows matches vmid, name, node, status, tags, lock, bridge and ip; ! inverts', () => {
	const rows = homelabGuests();
	const nics = homelabNics();
	const names = (f: string) => filterRows(rows, f, nics).map((r) => r.name);
	assert.deepEqual(names('PLEX'), ['plex']);
	assert.deepEqual(names('104'), ['plex']);
	assert.deepEqual(names('paused'), ['adguard']);
	assert.deepEqual(names('backup'), ['paperless']);
	assert.deepEqual(names('10.10.10.9/'), ['plex']);
	assert.equal(names('vmbr1').length, rows.filter((r) => r.tags.includes('media') || r.tags.includes('iot')).length);
	assert.equal(names('pve2').length, rows.filter((r) => r.node === 'pve2').length);
	assert.equal(names('!stopped').length, rows.filter((r) => r.status !== 'stopped').length);
	assert.ok(!names('!stopped').includes('win11'));
	assert.equal(names('').length, 28);
	assert.equal(names('!').length, 28);
});

test('selectVisibleRows returns the same array while its inputs are unchanged, and uses the live draft', () => {
	const store = filledStore(homelabGuests());
	const first = selectVisibleRows(store.getState());
	assert.equal(selectVisibleRows(store.getState()), first);
	store.getState().actions.moveSelection(1); // ui changes, rows do not
	assert.equal(selectVisibleRows(store.getState()), first);
	store.getState().actions.openFilter();
	store.getState().actions.editFilter('media');
	assert.equal(selectVisibleRows(store.getState()).length, 6);
});

test('selectVisibleRows filters 5,000 rows fast enough for live typing', () => {
	const store = filledStore(syntheticGuests(5000));
	store.getState().actions.openFilter();
	// CPU time, not wall time: on a loaded CI machine other processes' work would count too.
	const started = process.cpuUsage();
	for (const draft of ['g', 'gu', 'gue', 'gues', 'guest-0001', 'guest-00012']) {
		store.getState().actions.editFilter(draft);
		selectVisibleRows(store.getState());
	}
	const used = process.cpuUsage(started);
	const perKey = (used.user + used.system) / 1000 / 6;
	assert.equal(selectVisibleRows(store.getState()).length, 1);
	assert.ok(perKey < 50, `filter keystroke took ${perKey.toFixed(1)} ms`);
});

test('selectSelectedIndex follows the selected vmid', () => {
	const store = filledStore(homelabGuests());
	assert.equal(selectSelectedIndex(store.getState()), 0);
	store.getState().actions.moveSelection(3);
	assert.equal(selectSelectedIndex(store.getState()), 3);
	store.getState().actions.setSort('vmid'); // reversed: 103 now sits 4th from the end
	assert.equal(selectSelectedIndex(store.getState()), 24);
});

test('selectHeaderStats counts guests by status and sums CPU/memory over online nodes only', () => {
	const stats = selectHeaderStats(filledStore(homelabGuests()).getState());
	assert.equal(stats.running, 23);
	assert.equal(stats.stopped, 4);
	assert.equal(stats.other, 1);
	assert.equal(stats.nodesOnline, 2);
	assert.equal(stats.nodesTotal, 3);
	assert.equal(stats.memUsed, 60 * GiB);
	assert.equal(stats.memTotal, 128 * GiB);
	// (0.2·16 + 0.4·16) / 32 — the offline 8-core node does not count.
	assert.ok(Math.abs(stats.cpu - 0.3) < 1e-9);
});

test('selectStaleAgeMs is defined only while stale', () => {
	const store = filledStore(homelabGuests()); // receivedAt 1,000,000
	assert.equal(selectStaleAgeMs(store.getState(), 1_005_000), undefined);
	assert.equal(selectRefreshAgeMs(store.getState(), 1_005_000), 5000);
	store.getState().actions.pollFailed('connect ECONNREFUSED', 1_004_000);
	assert.equal(selectStaleAgeMs(store.getState(), 1_012_000), 12_000);
});

test('a sort by name keeps its order over a poll that changed only figures, and sorts again when a name changes', () => {
	const store = filledStore(homelabGuests());
	const a = store.getState().actions;
	a.setSort('name');
	const before = selectVisibleRows(store.getState());
	const names = (rows: readonly {name: string}[]) => rows.map((r) => r.name);
	// Every guest's CPU moved: new row objects, the same names, nodes and states.
	const polled = [...store.getState().guests.values()].map((g) => ({...g, cpu: g.cpu + 0.01}));
	a.fleetReceived({guests: polled, nodes: store.getState().nodes, receivedAt: Date.now()});
	const after = selectVisibleRows(store.getState());
	assert.notEqual(after, before);
	assert.deepEqual(names(after), names(before));
	// The rows shown are this poll's, not the old objects.
	assert.ok(after.every((row) => store.getState().guests.get(row.vmid) === row));
	assert.ok(after.every((row, i) => row.cpu === before[i]!.cpu + 0.01));
	// A rename moves the guest to its new place.
	const renamed = polled.map((g) => (g.name === 'plex' ? {...g, name: 'aaa-plex'} : g));
	a.fleetReceived({guests: renamed, nodes: store.getState().nodes, receivedAt: Date.now()});
	const resorted = selectVisibleRows(store.getState());
	assert.equal(resorted[0]!.name, 'aaa-plex');
	assert.deepEqual(names(resorted), [...names(resorted)].sort());
});

test('selectSelectedIndex finds the selection wherever it moved, beside or far from where it was', () => {
	const store = filledStore(homelabGuests());
	const a = store.getState().actions;
	a.moveSelection(5);
	const vmid = store.getState().ui.selectedVmid;
	assert.equal(selectSelectedIndex(store.getState()), 5);
	a.moveSelection(1);
	assert.equal(selectSelectedIndex(store.getState()), 6);
	a.setSort('vmid'); // descending: the same guest far from its old index
	const rows = selectVisibleRows(store.getState());
	assert.equal(rows[selectSelectedIndex(store.getState())]!.vmid, store.getState().ui.selectedVmid);
	assert.notEqual(store.getState().ui.selectedVmid, undefined);
	assert.notEqual(vmid, undefined);
});
