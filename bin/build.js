#!/usr/bin/env node
// Bundles proxdeck into dist/proxdeck.mjs with esbuild (already installed as
// tsx's dependency). Why: loading ~400 modules through tsx's loader takes about
// 2 s before the first frame; one pre-built file loads in about 0.5 s.
// bin/proxdeck.js uses the bundle only while it is newer than every source
// file, so a stale bundle can never run. Runs on `npm install` (prepare); a
// failure here is a warning, not an install failure: tsx still runs the sources.
import {build} from 'esbuild';
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// `node bin/build.js OUTFILE` builds elsewhere (tests run a bundle of their own, relative to the root).
const outfile = process.argv[2] ?? 'dist/proxdeck.mjs';
// Code splitting: what only a dynamic import() reaches (ssh2, node-forge and
// the simulator, the subcommands) goes to chunks in OUTFILE's name + `-chunks/`,
// loaded on first use; the console's first frame evaluates only the entry and
// the chunks it imports statically. A rebuild replaces the folder (chunk names carry
// content hashes, so stale ones would pile up).
const entryName = basename(outfile, '.mjs');

/**
 * A plugin that rewrites one exact piece of a dependency's file as esbuild
 * loads it. If the piece is gone (the dependency changed), the file is kept
 * as it is and the build warns with `warning`.
 */
function rewriteOnLoad(name, filter, piece, replacement, warning) {
	return {
		name,
		setup(b) {
			b.onLoad({filter}, (args) => {
				const code = readFileSync(args.path, 'utf8');
				if (!code.includes(piece)) return {contents: code, loader: 'js', warnings: [{text: warning}]};
				return {contents: code.replace(piece, replacement), loader: 'js'};
			});
		},
	};
}

// Yoga (Ink's layout engine) carries its WebAssembly as a base64 data: URL and,
// because Node has a global fetch, loads it with fetch(dataURL): that pulls in
// Node's own internal undici and its data-URL parser before the first frame
// (60–100 ms on a 2-core machine, issue 12). Its own synchronous base64 path
// (wa()) gives the same bytes; newer Emscripten skips fetch for data: URLs the
// same way. If a Yoga update changes the code, the build says so and keeps it.
const YOGA_FETCH = 'function ya(){return w||"function"!=typeof fetch?';
const yogaWithoutFetch = rewriteOnLoad(
	'yoga-without-fetch',
	/yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/,
	YOGA_FETCH,
	'function ya(){return w||ua(H)||"function"!=typeof fetch?',
	'yoga-layout: its wasm loader changed; it may fetch() its data: URL at start-up',
);
// Every import of string-width 8 in the bundle (Ink's, cli-truncate's,
// widest-line's, ours) goes through source/util/string-width.ts, which answers
// narrow text (ASCII, box drawing, arrows, ✓ ✖ …) without string-width's
// segmenter and emoji regexes, whose first use costs 40–50 ms in the first
// frame (issue 12). Same answers, proven against string-width by
// test/util/string-width.test.ts. wrap-ansi's own string-width 7 is left alone.
const fastStringWidth = join(root, 'source', 'util', 'string-width.ts');
const stringWidth8 = join(root, 'node_modules', 'string-width', 'index.js');
const stringWidthFastPath = {
	name: 'string-width-fast-path',
	setup(b) {
		b.onResolve({filter: /^string-width$/}, async (args) => {
			if (args.importer === fastStringWidth || args.pluginData === 'as-is') return undefined;
			const resolved = await b.resolve(args.path, {importer: args.importer, resolveDir: args.resolveDir, kind: args.kind, pluginData: 'as-is'});
			return resolved.path === stringWidth8 ? {path: fastStringWidth} : resolved;
		});
	},
};
// meow evaluates normalize-package-data (and with it the SPDX licence lists,
// sorted at load) when it loads, for `cli.pkg`, which proxdeck never reads:
// 20–30 ms before the first request (issue 12). Here it is evaluated on first
// call instead. If a meow update changes the code, the build says so and keeps it.
const MEOW_NORMALIZE = 'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);';
const meowLazyNormalize = rewriteOnLoad(
	'meow-lazy-normalize',
	/meow[\\/]build[\\/]dependencies\.js$/,
	MEOW_NORMALIZE,
	'const normalizePackageData = (...args) => getDefaultExportFromCjs(requireNormalize())(...args);',
	'meow: its normalize-package-data loading changed; it may be evaluated at start-up',
);
// proxmox-api's index loads its ProxmoxEngine, which imports undici's index
// for a default fetch. proxdeck hands proxmox-api its own doRequest and never
// builds an engine, and uses only undici's Agent and connector
// (source/api/undici-parts.ts); the index also loads fetch, WebSocket,
// EventSource, the cache, cookies and mocks: ~25 ms before the fleet's first
// request (issue 12). In the bundle the engine's fetch loads undici on first
// call. If proxmox-api stops importing it so, the build says so.
const PROXMOX_ENGINE = /proxmox-api[\\/]esm[\\/]ProxmoxEngine\.js$/;
const proxmoxApiLazyUndici = {
	name: 'proxmox-api-lazy-undici',
	setup(b) {
		let seen = false;
		b.onResolve({filter: /^undici$/}, (args) => {
			if (!PROXMOX_ENGINE.test(args.importer)) return undefined;
			seen = true;
			return {path: 'undici-fetch-on-first-call', namespace: 'proxdeck-lazy'};
		});
		b.onLoad({filter: /.*/, namespace: 'proxdeck-lazy'}, () => ({
			contents: "export const fetch = async (...args) => (await import('undici')).fetch(...args);",
			loader: 'js',
			resolveDir: root,
		}));
		b.onEnd(() => (seen ? undefined : {warnings: [{text: "proxmox-api: its engine no longer imports undici's fetch as expected; undici's index may load at start-up"}]}));
	},
};
// undici's Client requires its HTTP/2 half when it loads, and that half
// requires node:http2 (~3.5 ms of the ~95 before the fleet's first request,
// issue 12). It runs only for a connection whose TLS handshake chose h2,
// which needs allowH2; proxdeck never sets it. Here it is required on first
// call instead. If undici changes the line, the build says so and keeps it.
const UNDICI_H2 = "const connectH2 = require('./client-h2.js')";
const undiciLazyH2 = rewriteOnLoad(
	'undici-lazy-h2',
	/undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/,
	UNDICI_H2,
	"const connectH2 = (...args) => require('./client-h2.js')(...args)",
	"undici: its Client no longer requires client-h2.js as expected; node:http2 may load at start-up",
);
const chunkDir = `${entryName}-chunks`;
rmSync(join(root, dirname(outfile), chunkDir), {recursive: true, force: true});

try {
	// The shipped YAML (the keymap, the built-in layouts) parsed now, not at every
	// start: source/util/shipped-yaml.ts reads PROXDECK_SHIPPED_YAML in the bundle.
	const {parse} = await import('yaml');
	const shippedYaml = {};
	for (const dir of ['keymaps', 'layouts']) {
		for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.yaml'))) shippedYaml[`${dir}/${file}`] = parse(readFileSync(join(root, dir, file), 'utf8'));
	}
	const result = await build({
		absWorkingDir: root,
		entryPoints: {[entryName]: 'source/cli/entry.ts'},
		outdir: dirname(outfile),
		outExtension: {'.js': '.mjs'},
		chunkNames: `${chunkDir}/[name]-[hash]`,
		splitting: true,
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
		define: {'process.env.NODE_ENV': '"production"', PROXDECK_SHIPPED_YAML: JSON.stringify(shippedYaml)},
		// Some bundled CommonJS packages call require() and read __dirname (ssh2's
		// poly1305 wasm loader); give the ESM bundle both.
		banner: {js: "import {createRequire as __proxdeckRequire} from 'node:module'; import {dirname as __proxdeckDirname} from 'node:path'; import {fileURLToPath as __proxdeckPath} from 'node:url'; const require = __proxdeckRequire(import.meta.url); const __filename = __proxdeckPath(import.meta.url); const __dirname = __proxdeckDirname(__filename);"},
		plugins: [yogaWithoutFetch, stringWidthFastPath, meowLazyNormalize, proxmoxApiLazyUndici, undiciLazyH2],
		logLevel: 'warning',
		write: false,
	});
	// Pure ASCII output: esbuild escapes non-ASCII in strings but leaves it in
	// comments and regex literals, and one such character makes Node decode the
	// whole file into a two-byte string, slower to decode and to compile (~30 %
	// for the 1.4 MB console chunk). \uXXXX means the same in all three places.
	// The entry is written last: bin/proxdeck.js compares its time with the sources'.
	const files = [...result.outputFiles].sort((a, b) => Number(a.path.endsWith(`${entryName}.mjs`)) - Number(b.path.endsWith(`${entryName}.mjs`)));
	for (const file of files) {
		mkdirSync(dirname(file.path), {recursive: true});
		writeFileSync(file.path, file.text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
	}
	console.log(`proxdeck: built ${outfile}`);
} catch (error) {
	console.warn(`proxdeck: bundle not built (${error instanceof Error ? error.message.split('\n')[0] : error}); the sources will run through tsx`);
}
