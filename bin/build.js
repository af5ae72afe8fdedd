#!/usr/bin/env node
// Bundles proxdeck into dist/proxdeck.mjs with esbuild (already installed as
// tsx's dependency). Why: loading ~400 modules through tsx's loader takes about
// 2 s before the first frame; one pre-built file loads in about 0.5 s.
// bin/proxdeck.js uses the bundle only while it is newer than every source
// file, so a stale bundle can never run. Runs on `npm install` (prepare); a
// failure here is a warning, not an install failure: tsx still runs the sources.
import {build} from 'esbuild';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// `node bin/build.js OUTFILE` builds elsewhere (tests run a bundle of their own, relative to the root).
const outfile = process.argv[2] ?? 'dist/proxdeck.mjs';

try {
	await build({
		absWorkingDir: root,
		entryPoints: ['source/cli/entry.ts'],
		outfile,
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		jsx: 'automatic',
		// ink imports react-devtools-core only for DEV=true; it is not installed.
		alias: {'react-devtools-core': './source/cli/no-devtools.ts'},
		// ssh2 stays a runtime import from node_modules: its CommonJS code uses
		// __dirname (undefined in an ESM bundle) and loads optional native helpers.
		external: ['ssh2', 'cpu-features', '*.node'],
		define: {'process.env.NODE_ENV': '"production"'},
		// Some bundled CommonJS packages call require(); give the ESM bundle one.
		banner: {js: "import {createRequire as __proxdeckRequire} from 'node:module'; const require = __proxdeckRequire(import.meta.url);"},
		logLevel: 'warning',
	});
	console.log(`proxdeck: built ${outfile}`);
} catch (error) {
	console.warn(`proxdeck: bundle not built (${error instanceof Error ? error.message.split('\n')[0] : error}); the sources will run through tsx`);
}
