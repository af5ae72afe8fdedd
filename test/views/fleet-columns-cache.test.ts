// The fleet's columns and flexible widths are worked out from every row's
// cells; a poll that only moved figures (CPU, memory: every pvestatd cycle)
// must not format them all again, and one that renamed or re-tagged a guest must.

import assert from 'node:assert/strict';
import {test} from 'node:test';
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
