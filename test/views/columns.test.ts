import assert from 'node:assert/strict';
import {test} from 'node:test';
import {COLUMNS, headerLine, isHot, layoutColumns, rowSegments} from '../../views/columns.js';
import {computeLayout} from '../../views/layout.js';
import {guest} from './data.js';

const GiB = 1024 ** 3;

test('layoutColumns fills the width exactly and drops low-priority columns first', () => {
	for (const width of [60, 80, 100, 120, 200, 300]) {
		const placed = layoutColumns(width);
		const used = placed.reduce((s, p) => s + p.width, 0) + placed.length - 1;
		assert.equal(used, width, `width ${width}`);
		const kept = new Set(placed.map((p) => p.column.id));
		// Whatever is kept outranks whatever was dropped.
		const dropped = COLUMNS.filter((c) => !kept.has(c.id));
		for (const d of dropped) for (const p of placed) assert.ok(p.column.priority <= d.priority, `${p.column.id} kept over ${d.id}`);
	}
	assert.equal(layoutColumns(200).length, COLUMNS.length);
});

test('a row is padded to the full width; cells ≥ 90 % come out as hot segments', () => {
	const placed = layoutColumns(120);
	const row = guest(104, {name: 'plex', cpu: 0.95, mem: 3.8 * GiB, maxmem: 4 * GiB});
	const segments = rowSegments(row, undefined, placed);
	assert.equal(segments.map((s) => s.text).join('').length, 120);
	assert.deepEqual(
		segments.filter((s) => s.hot).map((s) => s.text.trim()),
		['95%', '3.8G/4G 95%'],
	);
	assert.ok(isHot(0.9));
	assert.ok(!isHot(0.899));
});

test('stopped guests show - for CPU; the header marks the sort column', () => {
	const placed = layoutColumns(120);
	const text = rowSegments(guest(1, {status: 'stopped', cpu: 0}), undefined, placed)
		.map((s) => s.text)
		.join('');
	assert.match(text, /stopped +- /);
	assert.match(headerLine(placed, 'mem', true), /MEM▼/);
	assert.match(headerLine(placed, 'name', false), /NAME▲/);
});

test('computeLayout keeps the frame at rows − 1 and leaves the table a row when the detail is open', () => {
	for (const size of [{columns: 60, rows: 12}, {columns: 80, rows: 24}, {columns: 200, rows: 60}]) {
		for (const detail of [false, true]) {
			const l = computeLayout(size, detail);
			assert.equal(l.frameHeight, size.rows - 1);
			assert.equal(2 + l.tableHeight + l.detailHeight + 1, l.frameHeight);
			assert.ok(l.viewportRows >= 1);
		}
	}
	assert.ok(computeLayout({columns: 59, rows: 24}, false).tooSmall);
	assert.ok(!computeLayout({columns: 60, rows: 12}, false).tooSmall);
});

test('the HA column shows the HA manager\'s requested state and is not sortable', () => {
	const placed = layoutColumns(200);
	assert.equal(placed.at(-1)!.column.title, 'HA');
	const managed = rowSegments(guest(101, {hastate: 'started'}), undefined, placed).map((s) => s.text).join('');
	assert.match(managed, /started\s*$/);
	const plain = rowSegments(guest(102), undefined, placed).map((s) => s.text).join('');
	assert.doesNotMatch(plain, /started/);
	// Sorting by VMID marks only VMID, never the unsortable HA title.
	assert.match(headerLine(placed, 'vmid', false), /VMID▲.* HA\s*$/);
});

test('LOCK is wide enough for "snapshot" and "rollback" and outlives UPTIME, BRIDGE/IP and TAGS when space runs out', () => {
	const at100 = layoutColumns(100).map((p) => p.column.id);
	assert.ok(at100.includes('lock') && at100.includes('tags') && !at100.includes('uptime') && !at100.includes('net'), at100.join(' '));
	const at80 = layoutColumns(80).map((p) => p.column.id);
	assert.ok(at80.includes('lock') && !at80.includes('tags'), at80.join(' '));
	assert.ok(layoutColumns(120).find((p) => p.column.id === 'lock')!.width >= 'snapshot'.length);
});

test('with the cells known, whole TAGS take the place of BRIDGE/IP and UPTIME, not of LAST BACKUP; BRIDGE/IP cut short keeps its place', () => {
	const ids = (placed: ReturnType<typeof layoutColumns>) => placed.map((p) => p.column.id);
	const shown = COLUMNS.filter((c) => !['type', 'node', 'lock', 'ha'].includes(c.id));
	// The deck's fleet pane at 160 columns: BRIDGE/IP would leave TAGS 11 of the 15 its widest cell needs.
	const content = new Map([['name', 13], ['net', 19], ['tags', 15]]);
	const placed = layoutColumns(98, shown, content);
	assert.deepEqual(ids(placed), ['vmid', 'name', 'status', 'cpu', 'mem', 'disk', 'backup', 'uptime', 'tags']);
	assert.ok(placed.find((p) => p.column.id === 'tags')!.width >= 15);
	// The cut column is BRIDGE/IP (an IPv6 address): only columns ranked below it (UPTIME) give way, not itself.
	const wideNet = layoutColumns(120, shown, new Map([['name', 13], ['net', 40], ['tags', 9]]));
	assert.deepEqual(ids(wideNet), ['vmid', 'name', 'status', 'cpu', 'mem', 'disk', 'backup', 'net', 'tags']);
});

test('LAST BACKUP is 7 wide as BACKUP and takes its full title when the width allows; the sort arrow fits either way', () => {
	const backup = (placed: ReturnType<typeof layoutColumns>) => placed.find((p) => p.column.id === 'backup')!;
	const shown = COLUMNS.filter((c) => ['vmid', 'name', 'status', 'cpu', 'mem', 'disk', 'backup', 'tags'].includes(c.id));
	const narrow = layoutColumns(80, shown, new Map([['name', 13], ['tags', 15]]));
	assert.equal(backup(narrow).width, 7);
	assert.match(headerLine(narrow, 'vmid', false), /DISK +BACKUP TAGS/);
	assert.match(headerLine(narrow, 'backup', false), /DISK BACKUP▲ TAGS/);
	const wide = layoutColumns(100, shown, new Map([['name', 13], ['tags', 15]]));
	assert.equal(backup(wide).width, 12);
	assert.match(headerLine(wide, 'backup', true), /DISK +LAST BACKUP▼ TAGS/);
});

test('the detail panel is as tall as its content: at least 6 lines, at most 60 % of the body', () => {
	const size = {columns: 120, rows: 40}; // body 36
	assert.equal(computeLayout(size, true, 10).detailHeight, 10, 'nine lines and a title');
	assert.equal(computeLayout(size, true, 3).detailHeight, 6);
	assert.equal(computeLayout(size, true, 40).detailHeight, 21);
	assert.equal(computeLayout(size, true).detailHeight, 18, 'the tasks and audit panes: half');
	assert.equal(computeLayout(size, true, 10).viewportRows, 36 - 10 - 2);
});

test('LAST BACKUP: `?` before the read, the age within the window plain, past it yellow, `never` red', () => {
	const placed = layoutColumns(200);
	const row = guest(100, {name: 'plex'});
	const now = Date.UTC(2026, 11, 3, 12);
	const entry = (hoursAgo: number) => ({volid: 'backups:backup/x', storage: 'backups', node: 'pve', vmid: 100, subtype: 'lxc', ctime: now / 1000 - hoursAgo * 3600, size: 1, format: 'tar.zst', protected: false});
	const cell = (ctx: Parameters<typeof rowSegments>[4]) => {
		const segments = rowSegments(row, undefined, placed, undefined, ctx);
		const index = placed.findIndex((p) => p.column.id === 'backup');
		const text = segments.map((s) => s.text).join('');
		const start = placed.slice(0, index).reduce((sum, p) => sum + p.width + 1, 0);
		const value = text.slice(start, start + placed[index]!.width).trim();
		return {value, tone: segments.find((s) => s.text.trim() === value)?.tone};
	};
	const window = 36 * 3600;
	assert.deepEqual(cell({backupsRead: false, now, backupWindowS: window}), {value: '?', tone: undefined});
	assert.deepEqual(cell({lastBackup: entry(18), backupsRead: true, now, backupWindowS: window}), {value: '18h', tone: undefined});
	assert.deepEqual(cell({lastBackup: entry(9 * 24), backupsRead: true, now, backupWindowS: window}), {value: '9d', tone: 'warn'});
	assert.deepEqual(cell({backupsRead: true, now, backupWindowS: window}), {value: 'never', tone: 'danger'});
});
