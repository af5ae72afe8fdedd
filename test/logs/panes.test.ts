// The logs service with synthetic sources: what the store and the buffers hold
// after each thing a user does (open, scroll, pause, filter, save, clear).

import assert from 'node:assert/strict';
import {readFileSync, rmSync} from 'node:fs';
import {test} from 'node:test';
import {createLogsService} from '../../source/services/logs/panes.js';
import {logsOf} from '../../source/services/logs/registry.js';
import {fleetStore, manualSources, tempDir, until} from './helpers.js';

function setup(capacity = 100) {
	const store = fleetStore();
	const manual = manualSources();
	const dir = tempDir();
	const service = createLogsService({store, capacity, renderIntervalMs: 20, saveDir: dir, sourceFor: manual.sourceFor, clock: () => Date.UTC(2026, 10, 23, 16, 40, 1)});
	const pane = (i = 0) => store.getState().logs.panes[i]!;
	return {store, service, manual, dir, pane, done: () => (service.stop(), rmSync(dir, {recursive: true, force: true}))};
}

test('opening a source adds a following pane; the same source again focuses it; a fifth pane is refused', () => {
	const {store, service, done} = setup();
	const plex = service.open({kind: 'guest', vmid: 100, node: 'pve', name: 'plex'});
	service.open({kind: 'host', node: 'pve'});
	assert.equal(store.getState().logs.focus, 1);
	assert.equal(service.open({kind: 'guest', vmid: 100, node: 'pve', name: 'plex'}), plex);
	assert.equal(store.getState().logs.focus, 0);
	service.open({kind: 'audit', path: '/nonexistent'});
	service.open({kind: 'guest', vmid: 300, node: 'pve', name: 'wireguard'});
	assert.equal(service.open({kind: 'task', node: 'pve', upid: 'UPID:x', label: 'vzdump'}), undefined);
	const state = store.getState().logs;
	assert.equal(state.panes.length, 4);
	assert.match(state.notice ?? '', /4 panes are open/);
	assert.deepEqual(state.panes.map((p) => p.title), ['journal 100 plex', 'host journal pve', 'audit log', 'journal 300 wireguard']);
	assert.ok(state.panes.every((p) => p.follow && p.status.state === 'following'));
	assert.equal(logsOf(store), service);
	done();
});

test('scrolling up pauses on the same line while new lines arrive; G follows again', () => {
	const {service, manual, pane, done} = setup();
	const id = service.open({kind: 'host', node: 'pve'})!;
	manual.sources[0]!.push(...Array.from({length: 30}, (_, i) => `line ${i + 1}`));
	service.scroll(id, -5, 10);
	assert.equal(pane().follow, false);
	assert.equal(pane().anchorSeq, 25);
	manual.sources[0]!.push('line 31', 'line 32');
	assert.equal(pane().anchorSeq, 25, 'new lines do not move a paused pane');
	service.scroll(id, -100, 10);
	assert.equal(pane().anchorSeq, 10, 'the top stops where a full page still shows');
	service.scroll(id, 3, 10);
	assert.equal(pane().anchorSeq, 13);
	service.resume(id);
	assert.equal(pane().follow, true);
	assert.equal(pane().anchorSeq, undefined);
	service.toggleFollow(id);
	assert.equal(pane().follow, false);
	assert.equal(pane().anchorSeq, 32, 'f pauses at the newest line');
	service.scrollToTop(id, 10);
	assert.equal(pane().anchorSeq, 10);
	done();
});

test('filters: regex, case-insensitive; ! inverts; an invalid regex is matched as text with a notice', () => {
	const {store, service, manual, pane, done} = setup();
	const id = service.open({kind: 'host', node: 'pve'})!;
	manual.sources[0]!.push('Started plex', 'ERROR: disk full', 'Failed to mount', 'all good', 'odd (paren');
	const shown = () => {
		const filter = service.filterOf(pane());
		return service.buffer(id)!.toArray().filter((l) => filter.test(l)).map((l) => l.text);
	};
	service.setFilter(id, 'error|fail');
	assert.deepEqual(shown(), ['ERROR: disk full', 'Failed to mount']);
	service.setFilter(id, '!error|fail');
	assert.equal(pane().invert, true);
	assert.deepEqual(shown(), ['Started plex', 'all good', 'odd (paren']);
	service.setFilter(id, '(paren');
	assert.equal(pane().filterLiteral, true);
	assert.match(store.getState().logs.notice ?? '', /not a valid regex: \/\(paren\/ — matching it as plain text/);
	assert.deepEqual(shown(), ['odd (paren']);
	service.setFilter(id, '');
	assert.equal(shown().length, 5);
	done();
});

test('save writes the buffer with timestamps to ~/proxdeck-<source>-<time>.log; clear empties the pane', () => {
	const {service, manual, dir, done} = setup();
	const id = service.open({kind: 'guest', vmid: 100, node: 'pve', name: 'plex'})!;
	manual.sources[0]!.push('2026-11-23T16:40:01+00:00 plex Plex Media Server[311]: started', 'plain line');
	const path = service.save(id);
	assert.equal(path, `${dir}/proxdeck-ct-100-20261123-164001.log`);
	assert.equal(readFileSync(path, 'utf8'), '2026-11-23T16:40:01+00:00 plex Plex Media Server[311]: started\nplain line\n');
	service.clear(id);
	assert.equal(service.buffer(id)!.length, 0);
	manual.sources[0]!.push('after clear');
	assert.deepEqual(service.buffer(id)!.toArray().map((l) => l.text), ['after clear']);
	done();
});

test('closing a pane stops its source and moves focus to a remaining pane', () => {
	const {store, service, manual, done} = setup();
	service.open({kind: 'host', node: 'pve'});
	const second = service.open({kind: 'audit', path: '/x'})!;
	service.close(second);
	assert.equal(manual.sources[1]!.stopped, true);
	assert.equal(store.getState().logs.panes.length, 1);
	assert.equal(store.getState().logs.focus, 0);
	done();
});

test('10,000 lines a second: the buffer stays at capacity and the view is refreshed at most ~20 times a second', async () => {
	const {store, service, manual, done} = setup(10_000);
	const id = service.open({kind: 'host', node: 'pve'})!;
	const versionBefore = store.getState().logs.version;
	const started = Date.now();
	// 30,000 lines in bursts of 100 every ms-ish, over ~300 ms.
	let sent = 0;
	while (sent < 30_000) {
		for (let i = 0; i < 1000; i++) manual.sources[0]!.push(`2026-11-23T16:40:01+00:00 pve burst[1]: line ${++sent}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	await until('the last refresh', () => store.getState().logs.version > versionBefore);
	await new Promise((resolve) => setTimeout(resolve, 40));
	const elapsed = Date.now() - started;
	const bumps = store.getState().logs.version - versionBefore;
	assert.equal(service.buffer(id)!.length, 10_000);
	assert.equal(service.buffer(id)!.newest()!.text, 'pve burst[1]: line 30000');
	// renderIntervalMs is 20 here: at most one refresh per 20 ms (+1 for the trailing edge).
	assert.ok(bumps <= Math.ceil(elapsed / 20) + 1, `${bumps} refreshes in ${elapsed} ms`);
	assert.ok(bumps >= 2, 'the view is refreshed while lines arrive');
	done();
});

test('keys take priority: lines that arrive just after a key wait ~100 ms to redraw, and never more than 250 ms while keys keep coming', async () => {
	const {noteInput} = await import('../../source/util/input-activity.js');
	const {store, service, manual, done} = setup();
	service.open({kind: 'host', node: 'pve'});
	// A first line with no key around: redrawn within the 20 ms interval.
	let version = store.getState().logs.version;
	manual.sources[0]!.push('2026-11-23T16:40:01+00:00 pve a[1]: first');
	await until('the first redraw', () => store.getState().logs.version > version);
	await new Promise((resolve) => setTimeout(resolve, 30));
	// A key, then a line: the line's redraw waits for the key's frame.
	version = store.getState().logs.version;
	noteInput();
	const keyAt = performance.now();
	manual.sources[0]!.push('2026-11-23T16:40:01+00:00 pve a[1]: after a key');
	await until('the redraw after the key', () => store.getState().logs.version > version);
	const waited = performance.now() - keyAt;
	assert.ok(waited >= 90, `redrawn ${waited.toFixed(0)} ms after the key (expected ~100)`);
	// Keys every 30 ms for 600 ms with lines in between: redraws still come, at least every ~250 ms.
	version = store.getState().logs.version;
	const started = performance.now();
	while (performance.now() - started < 600) {
		noteInput();
		manual.sources[0]!.push('2026-11-23T16:40:01+00:00 pve a[1]: typing');
		await new Promise((resolve) => setTimeout(resolve, 30));
	}
	const redraws = store.getState().logs.version - version;
	assert.ok(redraws >= 2 && redraws <= 5, `${redraws} redraws in 600 ms of keys`);
	done();
});
