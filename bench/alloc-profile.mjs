// Where the console allocates, garbage included: a preload for bench/fleet.ts
// that samples every allocation (V8's sampling heap profiler, keeping the
// samples of objects already collected) from 20 s to 60 s after the console
// starts, and writes the profile to $PROXDECK_ALLOC_PROFILE
// (default /tmp/proxdeck-alloc-PID.json). Summarise it with
// bench/alloc-summary.mjs.
//
//   PROXDECK_BENCH_NODE_ARGS="--import $PWD/bench/alloc-profile.mjs" \
//     node --import tsx bench/fleet.ts --runs 1 --minutes 1 --only 10000
//   node bench/alloc-summary.mjs /tmp/proxdeck-alloc-*.json

import inspector from 'node:inspector';
import {writeFileSync} from 'node:fs';

const FROM_MS = 20_000;
const FOR_MS = 40_000;
const out = process.env.PROXDECK_ALLOC_PROFILE ?? `/tmp/proxdeck-alloc-${process.pid}.json`;
const session = new inspector.Session();
session.connect();
setTimeout(() => {
	session.post('HeapProfiler.startSampling', {samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true});
	setTimeout(() => {
		session.post('HeapProfiler.stopSampling', (error, result) => {
			if (!error) writeFileSync(out, JSON.stringify(result.profile));
		});
	}, FOR_MS).unref();
}, FROM_MS).unref();
