// Where a console start's time goes: a preload for bench/fleet.ts that runs
// V8's CPU profiler from the moment the console's process starts until just
// after its first frame with fleet data, and records the console's own marks
// (performance.mark 'proxdeck:…': its UI code loaded, the fleet's first read
// done, the fleet stored, the first render returned), when the fleet's
// request left and its answer began (undici's diagnostics channels), and the
// moment the terminal got the frame. Writes /tmp/proxdeck-start-PID.json (marks and
// profile); bench/start-summary.mjs prints the phases between the marks with
// the CPU and the garbage collection in each.
//
//   PROXDECK_BENCH_NODE_ARGS="--import $PWD/bench/start-profile.mjs" \
//     node --import tsx bench/fleet.ts --start-only --runs 3 --only 10000
//   node bench/start-summary.mjs /tmp/proxdeck-start-*.json
//
// bench/fleet.ts tells it what the frame shows (PROXDECK_START_MARKER: a
// regular expression, e.g. a guest's name).

import diagnostics from 'node:diagnostics_channel';
import inspector from 'node:inspector';
import {writeFileSync} from 'node:fs';
import {PerformanceObserver} from 'node:perf_hooks';

const out = process.env.PROXDECK_START_PROFILE ?? `/tmp/proxdeck-start-${process.pid}.json`;
const marker = new RegExp(process.env.PROXDECK_START_MARKER ?? '-0001|plex');
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
// 0.1 ms: a start is ~0.5 s, and its phases tens of ms.
session.post('Profiler.setSamplingInterval', {interval: 100});
session.post('Profiler.start');
const origin = performance.now();
const marks = [{name: 'process start', at: -origin}];
// The fleet's request leaving, and its answer's headers arriving (undici's diagnostics channels).
for (const [channel, name] of [['undici:request:create', 'fleet request sent'], ['undici:request:headers', 'fleet answer begins']]) {
	let seen = false;
	diagnostics.subscribe(channel, (message) => {
		if (seen || !String(message.request?.path ?? '').endsWith('/cluster/resources')) return;
		seen = true;
		marks.push({name, at: performance.now() - origin});
	});
}
new PerformanceObserver((list) => {
	for (const entry of list.getEntries()) if (entry.name.startsWith('proxdeck:')) marks.push({name: entry.name.slice('proxdeck:'.length), at: entry.startTime - origin});
}).observe({entryTypes: ['mark']});

let framed = false;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
	if (!framed && marker.test(String(chunk))) {
		framed = true;
		marks.push({name: 'frame on the terminal', at: performance.now() - origin});
		// A moment more, for the marks that follow the frame's write.
		setTimeout(() => {
			session.post('Profiler.stop', (error, result) => {
				if (!error) writeFileSync(out, JSON.stringify({marks, profile: result.profile}));
			});
		}, 50).unref();
	}
	return write(chunk, ...rest);
};
