// The V8 heap settings the console runs with (bin/proxdeck.js sets them before
// anything loads; the benches set the same, so their figures are the console's).
// A user's own setting of a flag (NODE_OPTIONS or the command line) wins.
//
// No young-generation size here: V8 sizes it when the isolate is created, and
//   ignores --max-semi-space-size set later with v8.setFlagsFromString (on
//   node 20.20: under load the new space still grows to 2 × 16 MB; given on
//   the command line, 2 × 2 MB). This list had --max-semi-space-size=2 from
//   aa2e296 on, set here and so never in effect: every figure in the README
//   was measured with V8's own young generation, which grows under load and
//   shrinks when idle. test/cli/heap-flags.test.ts keeps that
//   finding: it fails if node starts to take the flag at run time.
// --heap-growing-percent=50: after each full collection V8 lets the old
//   generation grow by a factor it picks from the allocation rate, up to 4×;
//   a log pane pouring 10,000 lines/s drove it there (bench/logs.ts: RSS
//   151 -> 232 MB in 60 s with 41 MB live). A fixed factor caps that. 1.25×
//   (85bcf8b until session 15) kept the log case at 157 -> 177 MB, but at
//   10,000 guests idle it started a full collection at nearly every fleet
//   read (5 in the idle minute, each ~20 ms of incremental marking on the
//   main thread plus the helper's share). 1.5×, alternately with 1.25×, three
//   runs each: 10,000 guests idle 2.33 / 2.28 / 2.87 -> 1.77 / 1.97 / 1.90 %
//   of a core, 2 full collections instead of 5, RSS at 1 min 135 / 131 / 128
//   -> 140 / 129 / 135 MB; bench/logs.ts RSS end 163 / 164 -> 170 / 170 MB,
//   keys unchanged (p95 10.8 / 13.5 -> 9.8 / 11.0 ms). Read by V8 at every
//   full collection.
export const HEAP_FLAGS = ['--heap-growing-percent=50'];

/**
 * Node options that only take effect when node starts: bin/proxdeck.js's
 * `#!` line and `npm start` pass them, as bench/fleet.ts does.
 *
 * --v8-pool-size=1: one V8 helper thread instead of four. The console's GC
 *   and compile tasks are small and frequent; on a 2-core machine four threads
 *   waking for them cost more than they saved (bench/fleet.ts, 28 guests idle:
 *   1.20 -> 1.07 % of a core, V8's threads 0.45 -> 0.34 %; keys at 10,000
 *   guests, bench/keypress.ts with the same flag: j/k p95 9-10 -> 7.8 ms).
 *   The price: keys while a log pane follows 10,000 lines/s, p95 13.5 ->
 *   15.0 ms (bench/logs.ts; the target is 16).
 *   V8's own single-threaded mode (--single-threaded) idled lower still
 *   (0.98 %) but moved every collection onto the main thread: j/k p95 21 ms.
 */
export const NODE_FLAGS = ['--v8-pool-size=1'];

/**
 * The C library's allocator settings the console starts with, as NAME=value:
 * glibc reads them when the process starts (the #! line and `npm start` set
 * them, as bench/fleet.ts does); other C libraries ignore them.
 *
 * MALLOC_MMAP_THRESHOLD_=131072: every allocation of 128 KiB or more gets its
 *   own pages, handed back when freed. Without it glibc raises that bound to
 *   the largest block freed so far: each 10,000-guest poll's answer is one
 *   3.4 MB buffer (source/api/exchange.ts), so after the first poll these
 *   came from the main heap, which kept what they left behind. bench/fleet.ts
 *   at 10,000 guests for 10 minutes, with /proc/PID/smaps every 15 s: glibc's
 *   heap 25 -> 35 MB and still growing at 5 minutes, RSS 133 -> 149 MB; with
 *   the setting, 26 -> 31 MB, flat from the second minute on, RSS 125 -> 135
 *   MB (the rest is V8's own pages, 45-53 MB, which rise and fall with its
 *   collections). Idle CPU 1.32 -> 1.29 %: a poll's mmap and munmap cost
 *   nothing measurable. Setting it also fixes glibc's trim bound at 128 KiB.
 */
export const ALLOCATOR_ENV = ['MALLOC_MMAP_THRESHOLD_=131072'];

/** For an in-process bench: a line saying which of NODE_FLAGS and ALLOCATOR_ENV this process lacks and how to run `script` with them, or undefined. */
export function nodeFlagsNote(execArgv, script, env = process.env) {
	const missing = [...ALLOCATOR_ENV.filter((setting) => env[setting.slice(0, setting.indexOf('='))] !== setting.slice(setting.indexOf('=') + 1)), ...NODE_FLAGS.filter((flag) => !execArgv.includes(flag))];
	if (missing.length === 0) return undefined;
	return `note: the console runs with ${missing.join(' ')}; run this bench as ${ALLOCATOR_ENV.join(' ')} node ${NODE_FLAGS.join(' ')} --import tsx ${script} … for its figures`;
}

/** Sets each of HEAP_FLAGS that `given` (execArgv and NODE_OPTIONS) does not already set. */
export function applyHeapFlags(v8, given) {
	for (const flag of HEAP_FLAGS) {
		const name = flag.slice(0, flag.indexOf('='));
		if (!given.some((arg) => arg.includes(name))) v8.setFlagsFromString(flag);
	}
}
