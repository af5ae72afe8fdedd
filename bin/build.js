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
		// ssh2 is bundled too, so the packed package (npm pack) needs no
		// node_modules at all. Its optional native helpers stay outside: ssh2
		// loads cpu-features and its sshcrypto.node binding in try/catch and
		// uses Node's own crypto when they are absent (as in an installed tarball).
		external: ['cpu-features', '*.node'],
		define: {'process.env.NODE_ENV': '"production"'},
		// Some bundled CommonJS packages call require() and read __dirname (ssh2's
		// poly1305 wasm loader); give the ESM bundle both.
		banner: {js: "import {createRequire as __proxdeckRequire} from 'node:module'; import {dirname as __proxdeckDirname} from 'node:path'; import {fileURLToPath as __proxdeckPath} from 'node:url'; const require = __proxdeckRequire(import.meta.url); const __filename = __proxdeckPath(import.meta.url); const __dirname = __proxdeckDirname(__filename);"},
		logLevel: 'warning',
	});
	console.log(`proxdeck: built ${outfile}`);
} catch (error) {
	console.warn(`proxdeck: bundle not built (${error instanceof Error ? error.message.split('\n')[0] : error}); the sources will run through tsx`);
}
