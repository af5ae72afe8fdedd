// The route's check of /cluster/resources runs on every entry of every poll.
// The console's first read is parsed whole (cli/first-answer.ts), its entries
// in the host's random key orders; the polls' entries come in one key order
// (flat-entry.ts). When both shared one compiled check, the first read left it
// megamorphic for good, and every number it then read from an entry was a new
// heap number: 5.5 MB of garbage and ~5 ms more a 10,000-guest poll (issue 12).

import assert from 'node:assert/strict';
import inspector from 'node:inspector/promises';
import {describe, it} from 'node:test';
import {eachDataEntry} from '../../source/api/data-list.js';
import {createEntryMemo} from '../../source/api/flat-entry.js';
import {checkAnswer, entryCheck} from '../../source/api/shapes.js';

const ENTRIES = 2000;

/** A /cluster/resources answer whose entries list their keys in 40 orders, as pveproxy's Perl hashes do. */
function answer(poll: number): string {
	const entries = Array.from({length: ENTRIES}, (_, i) => {
		const entry: Record<string, unknown> = {
			id: `lxc/${1000 + i}`, type: 'lxc', vmid: 1000 + i, node: `pve${i % 8}`, name: `ct${i}`, status: 'running',
			cpu: ((i + poll) % 97) / 100 + 0.001, maxcpu: 2, mem: 1_500_000_000 + poll * 4096 + i, maxmem: 4_294_967_296,
			disk: 3_000_000_000 + i, maxdisk: 8_589_934_592, uptime: 100_000 + poll * 2, netin: 5e9 + poll, netout: 6e9 + poll,
		};
		const keys = Object.keys(entry);
		const by = i % 40;
		return JSON.stringify(Object.fromEntries(keys.map((_, k) => keys[(k + by) % keys.length]!).map((key) => [key, entry[key]])));
	});
	return `{"data":[${entries.join(',')}]}`;
}

describe('the check of /cluster/resources after a whole read', () => {
	it('reads the polls\' entries without making garbage, however many key orders the whole read brought', async () => {
		// The first read, whole: 40 key orders through the whole-list check.
		checkAnswer('GET', '/cluster/resources', (JSON.parse(answer(0)) as {data: unknown}).data);
		const check = entryCheck('GET', '/cluster/resources')!;
		const memo = createEntryMemo();
		let checked = 0;
		const visit = (entry: unknown, index: number) => {
			if (check(entry, index)) checked++;
		};
		const bodies = [Buffer.from(answer(1)), Buffer.from(answer(2))];
		// Warm: V8 compiles the check, as it has after a few polls of 10,000 guests.
		for (let poll = 0; poll < 40; poll++) eachDataEntry(bodies[poll % 2]!, 32, visit, memo);
		const session = new inspector.Session();
		session.connect();
		// Three windows of 10 polls, the least counted: a window that caught V8 still
		// compiling the check (interpreted, every number boxed) is not the steady state.
		// Shared with the whole read, every window boxes: the check stays megamorphic for good.
		const windows: number[] = [];
		for (let window = 0; window < 3; window++) {
			await session.post('HeapProfiler.startSampling', {samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true});
			checked = 0;
			for (let poll = 0; poll < 10; poll++) eachDataEntry(bodies[poll % 2]!, 32, visit, memo);
			const {profile} = await session.post('HeapProfiler.stopSampling');
			assert.equal(checked, 10 * ENTRIES);
			let bytes = 0;
			const walk = (node: typeof profile.head): void => {
				bytes += node.selfSize;
				for (const child of node.children) walk(child);
			};
			walk(profile.head);
			windows.push(bytes);
		}
		session.disconnect();
		// Shared, the check boxed ~30 numbers an entry: ~9 MB a window here. Its own: a few KB (the profiler's own objects).
		const least = Math.min(...windows);
		assert.ok(least < 1024 * 1024, `${windows.map((b) => (b / 1048576).toFixed(2)).join(', ')} MB allocated in windows of 10 polls of ${ENTRIES} entries`);
	});
});
