#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --v8-pool-size=1
// The #! line's setting and flags are ALLOCATOR_ENV and NODE_FLAGS (heap-flags.js says why; a test keeps them equal).
// Runs the bundle (dist/proxdeck.mjs, built by bin/build.js) when it is newer
// than every source file, else the TypeScript sources through tsx's loader —
// so an edited checkout never runs stale code.
import v8 from 'node:v8';
import {fileURLToPath} from 'node:url';
import {bundleIsFresh, bundlePath, hasSources} from './bundle-state.js';
import {applyHeapFlags} from './heap-flags.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = bundlePath(root);

// V8's heap settings (heap-flags.js says why): before anything else loads.
applyHeapFlags(v8, [...process.execArgv, process.env.NODE_OPTIONS ?? '']);

// React's development build diffs props on every render for its profiler;
// measured at 5,000 guests it made a sort take over a second. Set before React loads.
process.env.NODE_ENV ??= 'production';
if (!process.env.PROXDECK_NO_BUNDLE && bundleIsFresh(root)) {
	await import(bundle);
} else {
	if (!hasSources(root)) {
		console.error(`proxdeck: ${bundle} is missing; reinstall proxdeck (npm install -g ./proxdeck-*.tgz)`);
		process.exit(1);
	}
	const {register} = await import('tsx/esm/api');
	register();
	const {main} = await import('../source/cli/main.tsx');
	// Open handles (keep-alive sockets, timers) must not keep a finished console alive.
	process.exit(await main(process.argv.slice(2)));
}
