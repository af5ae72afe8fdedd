// The layout engine alone: layouts from layouts/*.yaml, sizes in, rectangles out.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {placeLayout, splitSizes, type PaneKind, type Rect} from '../../views/deck/layout-engine.js';
import {builtInLayouts, findLayout, parseLayout, parseUserLayouts} from '../../views/deck/layouts.js';
import {PANE_MIN_SIZE} from '../../views/deck/pane-sizes.js';

const minSize = (pane: PaneKind) => PANE_MIN_SIZE[pane];
const triage = () => findLayout(builtInLayouts(), 'triage')!;
const ids = (rects: Rect[]) => rects.map((r) => r.id).sort();

function assertTiles(rects: Rect[], size: {width: number; height: number}) {
	for (const r of rects) {
		assert.ok(r.x >= 0 && r.y >= 0 && r.x + r.width <= size.width && r.y + r.height <= size.height, `${r.id} inside the body: ${JSON.stringify(r)}`);
	}
	for (const a of rects) {
		for (const b of rects) {
			if (a === b) continue;
			const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
			assert.ok(apart, `${a.id} and ${b.id} overlap`);
		}
	}
}

test('the built-in layouts load: triage, logs, fleet, upgrade, backups, cluster', () => {
	assert.deepEqual(builtInLayouts().map((l) => l.name).sort(), ['backups', 'cluster', 'fleet', 'logs', 'triage', 'upgrade']);
	assert.deepEqual(ids(placeLayout(findLayout(builtInLayouts(), 'logs')!, {width: 160, height: 46}, {minSize}).rects), ['logs', 'logs-2', 'logs-3', 'logs-4']);
});

test('triage at 160×50 shows all six panes, the fleet largest, none overlapping', () => {
	const body = {width: 160, height: 46};
	const placed = placeLayout(triage(), body, {minSize});
	assert.deepEqual(ids(placed.rects), ['fleet', 'logs', 'problems', 'tasks', 'topology', 'zfs']);
	assertTiles(placed.rects, body);
	const area = (r: Rect) => r.width * r.height;
	const fleet = placed.rects.find((r) => r.id === 'fleet')!;
	for (const r of placed.rects) assert.ok(area(fleet) >= area(r), `fleet larger than ${r.id}`);
	assert.equal(placed.rects.find((r) => r.id === 'tasks')!.height, 5);
	assert.equal(placed.tabs, undefined);
});

test('smaller bodies drop panes in the declared order, then show one pane under a tab bar', () => {
	// 120×40 → body 36 rows: everything still fits.
	assert.deepEqual(ids(placeLayout(triage(), {width: 120, height: 36}, {minSize}).rects), ['fleet', 'logs', 'problems', 'tasks', 'topology', 'zfs']);
	// 80×24 → body 20: the fleet would get under its minimum width beside topology/ZFS, so those go first;
	// the problems stay beside the log pane.
	const small = placeLayout(triage(), {width: 80, height: 20}, {minSize});
	assert.deepEqual(small.dropped, ['zfs', 'topology']);
	assert.deepEqual(ids(small.rects), ['fleet', 'logs', 'problems', 'tasks']);
	assert.equal(small.rects.find((r) => r.id === 'fleet')!.width, 80);
	// 60×20 → body 16: tasks go too.
	const smaller = placeLayout(triage(), {width: 60, height: 16}, {minSize});
	assert.deepEqual(ids(smaller.rects), ['fleet', 'logs']);
	// 60×12 → body 8: one pane is left, under a tab bar naming every pane; the focused one is shown.
	const tiny = placeLayout(triage(), {width: 60, height: 8}, {minSize, focus: 'logs'});
	assert.deepEqual(tiny.rects.map((r) => [r.id, r.y, r.height]), [['logs', 1, 7]]);
	assert.deepEqual(tiny.tabs!.map((t) => t.id), ['fleet', 'topology', 'zfs', 'logs', 'problems', 'tasks']);
});

test('zoom gives one pane the whole body; grow moves cells between siblings', () => {
	const zoomed = placeLayout(triage(), {width: 160, height: 46}, {minSize, zoom: {id: 'zfs', pane: 'zfs'}});
	assert.deepEqual(zoomed.rects.map((r) => [r.id, r.width, r.height]), [['zfs', 160, 46]]);
	// A pane kind the layout lacks can be zoomed too (2 in the fleet layout shows the topology).
	const other = placeLayout(findLayout(builtInLayouts(), 'fleet')!, {width: 100, height: 30}, {minSize, zoom: {id: 'topology', pane: 'topology'}});
	assert.deepEqual(other.rects.map((r) => r.pane), ['topology']);
	const before = placeLayout(triage(), {width: 160, height: 46}, {minSize}).rects.find((r) => r.id === 'fleet')!;
	const after = placeLayout(triage(), {width: 160, height: 46}, {minSize, grow: {fleet: 10}}).rects;
	assert.equal(after.find((r) => r.id === 'fleet')!.width, before.width + 10);
	assert.equal(after.find((r) => r.id === 'topology')!.width, 160 - before.width - 10 - 1);
});

test('split sizes: fixed, percent, then the rest shared; never more than the room', () => {
	assert.deepEqual(splitSizes([{id: 'a', pane: 'fleet', size: '50%'}, {id: 'b', pane: 'zfs'}, {id: 'c', pane: 'tasks', size: 5}], 40), [20, 15, 5]);
	assert.deepEqual(splitSizes([{id: 'a', pane: 'fleet', size: 30}, {id: 'b', pane: 'zfs', size: 30}], 40), [30, 10]);
	assert.deepEqual(splitSizes([{id: 'a', pane: 'fleet', size: 30}, {id: 'b', pane: 'zfs', size: 30}, {id: 'c', pane: 'tasks'}], 40), [30, 9, 1]);
});

test('a broken layout is one line naming the key', () => {
	const bad = (value: unknown) => {
		try {
			parseUserLayouts(value);
		} catch (error) {
			return (error as Error).message;
		}
		return 'no error';
	};
	assert.equal(bad({mine: {root: {split: 'row', children: [{pane: 'fleet'}, {pane: 'zfs', size: 'big'}]}}}), 'layouts.mine.root.children[1].size: expected rows/columns (a whole number) or a percent like "40%" (got "big")');
	assert.equal(bad({mine: {root: {pane: 'graphs'}}}), 'layouts.mine.root.pane: unknown pane "graphs" (known: fleet, topology, zfs, logs, tasks, upgrade, problems, backups, nodes)');
	assert.equal(bad({mine: {root: {split: 'diagonal', children: []}}}), 'layouts.mine.root.split: expected row (side by side) or column (stacked), got "diagonal"');
	assert.equal(bad({mine: {root: {pane: 'fleet'}, drop: ['zfs']}}), 'layouts.mine.drop[0]: no pane "zfs" in this layout (panes: fleet)');
	assert.equal(bad({mine: {root: {pane: 'zfs', source: 'host'}}}), 'layouts.mine.root.source: only log panes take a source (this is zfs)');
	assert.equal(bad({mine: {roots: {}}}), 'layouts.mine.roots: unknown key (known: description, root, drop)');
	const ok = parseLayout('two', {root: {split: 'row', children: [{pane: 'fleet', size: '70%'}, {pane: 'logs'}]}});
	assert.deepEqual(ids(placeLayout(ok, {width: 100, height: 30}, {minSize}).rects), ['fleet', 'logs']);
});

test('cluster at 160×50 shows the fleet beside the nodes pane, problems, the follow log and tasks', () => {
	const body = {width: 160, height: 46};
	const placed = placeLayout(findLayout(builtInLayouts(), 'cluster')!, body, {minSize});
	assert.deepEqual(ids(placed.rects), ['fleet', 'logs', 'nodes', 'problems', 'tasks']);
	assertTiles(placed.rects, body);
	const nodes = placed.rects.find((r) => r.id === 'nodes')!;
	assert.ok(nodes.width >= 60 && nodes.height >= 20, `nodes ${nodes.width}×${nodes.height}`);
});
