// The fleet's columns and flexible widths are worked out from every row's
// cells; a poll that only moved figures (CPU, memory: every pvestatd cycle)
// must not format them all again, and one that renamed or re-tagged a guest must.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {contentWidths} from '../../views/columns.js';
import {fleetColumns} from '../../views/deck/panes.js';
import {homelabGuests, homelabNics} from './data.js';

const asMap = (rows: ReturnType<typeof homelabGuests>) => new Map(rows.map((r) => [r.vmid, r]));

test('a poll that moved only figures keeps the columns; a new name or tag recomputes them', () => {
	const nics = homelabNics();
	const first = fleetColumns(asMap(homelabGuests()), nics);
	const moved = asMap(homelabGuests().map((r) => ({...r, cpu: r.cpu + 0.1, mem: r.mem + 1, tags: [...r.tags]})));
	assert.equal(fleetColumns(moved, nics).content, first.content, 'same widths object: nothing formatted again');

	const renamed = asMap(homelabGuests().map((r) => (r.vmid === 100 ? {...r, name: 'plex-media-server-with-a-long-name'} : r)));
	const after = fleetColumns(renamed, nics);
	assert.notEqual(after.content, first.content);
	assert.equal(after.content.get('name'), 'plex-media-server-with-a-long-name'.length);

	const retagged = asMap(homelabGuests().map((r) => (r.vmid === 100 ? {...r, name: 'plex-media-server-with-a-long-name', tags: [...r.tags, 'a-much-longer-tag-than-before']} : r)));
	assert.ok(fleetColumns(retagged, nics).content.get('tags')! > after.content.get('tags')!);

	const locked = asMap(homelabGuests().map((r) => (r.vmid === 100 ? {...r, name: 'plex-media-server-with-a-long-name', tags: [...r.tags, 'a-much-longer-tag-than-before'], lock: 'backup'} : r)));
	assert.ok(fleetColumns(locked, nics).columns.some((c) => c.id === 'lock'), 'a lock shows the LOCK column');
});

test('a NIC change measures BRIDGE/IP from the changed guests alone, and gives the widths a full measure gives', () => {
	const guests = asMap(homelabGuests());
	const nics = homelabNics();
	const first = fleetColumns(guests, nics);
	const full = (n: typeof nics) => contentWidths(first.columns, [...guests.values()], n);
	assert.deepEqual([...first.content], [...full(nics)]);

	const narrow = new Map(nics);
	narrow.set(100, [{id: 'net0', bridge: 'vmbr0', firewall: true, linkDown: false}]);
	const same = fleetColumns(guests, narrow);
	assert.equal(same.content, first.content, 'no width moved: the same widths object (the layout is not redone)');

	const wide = new Map(narrow);
	wide.set(101, [{id: 'net0', bridge: 'vmbr0-with-a-long-bridge-name', ip: '10.10.10.101/24', firewall: true, linkDown: false}]);
	const grown = fleetColumns(guests, wide);
	assert.deepEqual([...grown.content], [...full(wide)]);
	assert.ok(grown.content.get('net')! > first.content.get('net')!);

	// The widest cell shrinks back: the column is measured again, not left too wide.
	const back = fleetColumns(guests, narrow);
	assert.deepEqual([...back.content], [...full(narrow)]);
	assert.equal(back.content.get('net'), first.content.get('net'));
});
