import assert from 'node:assert/strict';
import {test} from 'node:test';
import {classifyLevel, RingBuffer, splitTimestamp} from '../../source/services/logs/ring-buffer.js';

test('a full buffer keeps the newest lines, oldest first, and never grows past capacity', () => {
	const buffer = new RingBuffer(3);
	for (let i = 1; i <= 7; i++) buffer.append(`line ${i}`);
	assert.equal(buffer.length, 3);
	assert.equal(buffer.appended, 7);
	assert.deepEqual(buffer.toArray().map((l) => l.text), ['line 5', 'line 6', 'line 7']);
	assert.deepEqual(buffer.toArray().map((l) => l.seq), [5, 6, 7]);
	assert.equal(buffer.indexOfSeq(6), 1);
	assert.equal(buffer.indexOfSeq(2), -1, 'an overwritten line is gone');
});

test('clear empties the pane but sequence numbers keep counting', () => {
	const buffer = new RingBuffer(5);
	buffer.append('a');
	buffer.append('b');
	buffer.clear();
	assert.equal(buffer.length, 0);
	assert.equal(buffer.newest(), undefined);
	buffer.append('c');
	assert.equal(buffer.newest()?.seq, 3);
	assert.equal(buffer.oldest()?.text, 'c');
});

test('levels come from words in the message', () => {
	assert.equal(classifyLevel('Failed to start plexmediaserver.service'), 'error');
	assert.equal(classifyLevel('kernel panic - not syncing'), 'error');
	assert.equal(classifyLevel('[WARN] slow query'), 'warn');
	assert.equal(classifyLevel('Started Session 42 of user root.'), 'info');
});

test('journal timestamps (short-iso, short, syslog) are split off so T can hide them', () => {
	assert.deepEqual(splitTimestamp('2026-11-23T16:40:01+00:00 plex systemd[1]: Started x'), {ts: '2026-11-23T16:40:01+00:00', text: 'plex systemd[1]: Started x'});
	assert.deepEqual(splitTimestamp('Nov 23 16:40:01 pve pvedaemon[1234]: ok'), {ts: 'Nov 23 16:40:01', text: 'pve pvedaemon[1234]: ok'});
	assert.deepEqual(splitTimestamp('Nov  3 06:00:01 ntfy daemon.info x'), {ts: 'Nov  3 06:00:01', text: 'ntfy daemon.info x'});
	assert.deepEqual(splitTimestamp('TASK OK'), {ts: '', text: 'TASK OK'});
});

test('a capacity below one is refused', () => {
	assert.throws(() => new RingBuffer(0), /positive integer/);
});

test('a line read once and then overwritten reads as the new line (lines are split on first read)', () => {
	const buffer = new RingBuffer(2);
	buffer.append('2026-11-23T16:40:01+00:00 first error');
	assert.deepEqual(buffer.at(0), {seq: 1, text: 'first error', level: 'error', ts: '2026-11-23T16:40:01+00:00'});
	buffer.append('second');
	buffer.append('third warning'); // overwrites the slot that held "first"
	assert.deepEqual([buffer.at(0)?.text, buffer.at(1)?.text], ['second', 'third warning']);
	assert.deepEqual([buffer.at(0)?.seq, buffer.at(1)?.seq, buffer.at(1)?.level], [2, 3, 'warn']);
	assert.equal(buffer.indexOfSeq(1), -1);
});
