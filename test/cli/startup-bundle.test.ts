// What the console evaluates before its first frame (issue 12: start → first
// frame with data ≤ 0.5 s). The bundle is split (bin/build.js). At start the
// entry and the chunks it imports statically load: argument parsing, config,
// the API client. Once the host answered, main.tsx sends the fleet's first read
// and only then imports the console (Ink, React, views, services), which loads
// while the host answers. ssh2, node-forge and the simulator load only when
// SSH, the demo or `proxdeck sim` need them. The first frame waits for the
// fleet's first answer (one cold frame, not two). The shipped YAML is parsed at
// build time, Yoga's WebAssembly is decoded without fetch() (which loads
// Node's internal undici), undici's own index is not (only its Agent and
// connector), meow's package.json normaliser is not evaluated,
// and narrow text is measured without string-width's emoji regex. Each of these regressed silently before: a static
// import or a new fetch() costs tens of milliseconds at every start and no
// other test notices.

import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, it} from 'node:test';
import {demoFixture, demoToken} from '../../source/cli/demo.js';
import {startSimulator} from '../../source/sim/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = `dist/.startup-test-${process.pid}.mjs`;
const chunks = entry.replace(/\.mjs$/, '-chunks');

/** The files Node evaluates when it imports `file`: its static imports, transitively (not import()). */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
	if (seen.has(file)) return seen;
	seen.add(file);
	const code = readFileSync(file, 'utf8');
	// esbuild's ESM output: `import {…} from "./x.mjs";` and bare `import "./x.mjs";` at the top level.
	for (const match of code.matchAll(/^import\s+(?:[^'";]*?\s+from\s+)?["'](\.{1,2}\/[^"']+)["'];?$/gm)) staticClosure(join(dirname(file), match[1]!), seen);
	return seen;
}

/** esbuild marks each bundled module with a `// path` comment line. */
const modulesOf = (files: Iterable<string>) => new Set([...files].flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^\/\/ ((?:node_modules|source|views|keymaps)\/\S+)$/gm)].map((m) => m[1]!)));
const has = (modules: Set<string>, prefix: string) => [...modules].some((m) => m.startsWith(prefix));

describe('start-up bundle (slow: builds the bundle)', () => {
	/** Evaluated before the first request. */
	let atStart: Set<string>;
	/** Evaluated once the fleet's first read is out (the console-ui chunk and what it imports). */
	let console_: Set<string>;
	let everywhere: Set<string>;
	let startCode: string;

	before(() => {
		const built = spawnSync(process.execPath, ['bin/build.js', entry], {cwd: root, encoding: 'utf8'});
		assert.ok(existsSync(join(root, entry)), `the bundle was built: ${built.stdout}${built.stderr}`);
		const chunkFiles = readdirSync(join(root, chunks)).map((f) => join(root, chunks, f));
		const startFiles = staticClosure(join(root, entry));
		startCode = [...startFiles].map((f) => readFileSync(f, 'utf8')).join('\n');
		atStart = modulesOf(startFiles);
		const uiChunk = chunkFiles.find((f) => readFileSync(f, 'utf8').includes('\n// source/cli/console-ui.tsx\n'));
		assert.ok(uiChunk, 'source/cli/console-ui.tsx is in a chunk of its own');
		console_ = modulesOf([...staticClosure(uiChunk)].filter((f) => !startFiles.has(f)));
		everywhere = modulesOf([join(root, entry), ...chunkFiles]);
	});
	after(() => {
		rmSync(join(root, entry), {force: true});
		rmSync(join(root, chunks), {recursive: true, force: true});
	});

	it('before the first request only the command line, config and API client are evaluated; the console loads after it', () => {
		for (const needed of ['node_modules/undici/', 'source/cli/main.tsx', 'source/api/client.ts', 'keymaps/index.ts']) assert.ok(has(atStart, needed), `${needed} loads at start`);
		for (const later of ['node_modules/ink/', 'node_modules/react-reconciler/', 'node_modules/yoga-layout/', 'views/App.tsx', 'source/services/session.ts']) {
			assert.ok(has(console_, later), `${later} loads with the console`);
			assert.ok(!has(atStart, later), `${later} is evaluated before the first request (a static import from main.tsx's side)`);
		}
	});

	it("of undici only the Agent and the TLS connector load: its index (fetch, WebSocket, the cache, mocks) is a chunk of its own", () => {
		for (const needed of ['node_modules/undici/lib/dispatcher/agent.js', 'node_modules/undici/lib/core/connect.js']) assert.ok(has(atStart, needed), `${needed} loads at start`);
		// (client-h1.js requires lib/web/fetch/body.js inside a function, for a request body proxdeck never sends as a stream.)
		for (const lazy of ['node_modules/undici/index.js', 'node_modules/undici/lib/web/fetch/index.js', 'node_modules/undici/lib/web/websocket/', 'node_modules/undici/lib/mock/']) {
			assert.ok(has(everywhere, lazy), `${lazy} is in the bundle, for proxmox-api's engine (never built by proxdeck)`);
			assert.deepEqual([...atStart, ...console_].filter((m) => m.startsWith(lazy)), [], `${lazy} is evaluated by a static import`);
		}
	});

	it('neither start nor the console evaluates ssh2, node-forge or the simulator (chunks loaded on demand)', () => {
		for (const lazy of ['node_modules/ssh2/', 'node_modules/node-forge/', 'source/sim/', 'source/cli/sim-command.ts', 'source/cli/demo.ts']) {
			assert.ok(has(everywhere, lazy), `${lazy} is in the bundle at all`);
			assert.deepEqual([...atStart, ...console_].filter((m) => m.startsWith(lazy)), [], `${lazy} is evaluated by a static import`);
		}
	});

	it('every file of the bundle is pure ASCII (one other character makes Node decode and compile a file as two-byte text)', () => {
		for (const file of [join(root, entry), ...readdirSync(join(root, chunks)).map((f) => join(root, chunks, f))]) {
			const at = readFileSync(file, 'utf8').search(/[^\x00-\x7f]/);
			assert.equal(at, -1, `${file} has a non-ASCII character at ${at}`);
		}
	});

	it('meow\'s normalize-package-data (SPDX lists sorted at load, 20-30 ms) is evaluated only if called, which proxdeck never does', () => {
		assert.doesNotMatch(startCode, /^var \w+ = requireNormalize\(\);$/m, 'evaluated when meow loads');
		assert.match(startCode, /normalizePackageData = \(\.\.\.args\) => getDefaultExportFromCjs\(requireNormalize\(\)\)\(\.\.\.args\)/);
	});

	it('the keymap and the built-in layouts are in the bundle already parsed (no YAML parsing at start)', () => {
		// keymaps/default.yaml's first binding and layouts/triage.yaml's name, as object literals.
		assert.match(startCode, /"keymaps\/default\.yaml": \[\{ key: \["j", "down"\], action: "nav\.down"/);
		assert.match(startCode, /"layouts\/triage\.yaml": \{/);
	});

	it('the first frame the terminal gets already shows the fleet; Node\'s internal fetch and node:http2 were never loaded and string-width\'s emoji regex never ran', async () => {
		const fixture = demoFixture({kind: 'fixture', name: 'homelab'});
		const sim = await startSimulator({fixture});
		const probeDir = mkdtempSync(join(tmpdir(), 'proxdeck-startup-'));
		try {
			const token = demoToken(fixture);
			// Yoga used to fetch() its WebAssembly's data: URL, which loads Node's own undici: the process says at exit.
			const probeOut = join(probeDir, 'internal-undici');
			const probe = join(probeDir, 'probe.mjs');
			// string-width's slow path (its RGI_Emoji regex and friends, 40-50 ms to compile at first use) must not run for the
			// first frame, whose text is narrow (source/util/string-width.ts): the probe counts that regex's uses until the frame's end is written.
			const emojiTestsOut = join(probeDir, 'emoji-tests');
			// undici's HTTP/2 half requires node:http2 (~3.5 ms before the first request); proxdeck never negotiates h2 (bin/build.js).
			const http2Out = join(probeDir, 'http2');
			writeFileSync(
				probe,
				[
					`import {writeFileSync} from 'node:fs';`,
					`let emojiTests = 0;`,
					`const test = RegExp.prototype.test;`,
					`RegExp.prototype.test = function (text) { if (this.source.includes('RGI_Emoji')) emojiTests++; return test.call(this, text); };`,
					`const write = process.stdout.write;`,
					`process.stdout.write = function (chunk, ...rest) { if (String(chunk).includes('\\u001B[?2026l')) { writeFileSync(${JSON.stringify(emojiTestsOut)}, String(emojiTests), {flag: 'wx'}); process.stdout.write = write; } return write.call(this, chunk, ...rest); };`,
					`process.on('exit', () => writeFileSync(${JSON.stringify(probeOut)}, String(process.moduleLoadList.some((m) => m.includes('internal/deps/undici')))));`,
					`process.on('exit', () => writeFileSync(${JSON.stringify(http2Out)}, String(process.moduleLoadList.some((m) => /^NativeModule (internal\\/)?http2/.test(m)))));`,
				].join('\n'),
			);
			const command = `stty cols 160 rows 50; exec ${process.execPath} --import ${probe} ${entry} --host ${sim.host} --port ${sim.port} --token-id '${token.tokenId}' --fingerprint ${sim.fingerprint}`;
			const child = spawn('script', ['-qfec', command, '/dev/null'], {
				cwd: root,
				env: {PATH: process.env.PATH ?? '', HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent', XDG_STATE_HOME: '/nonexistent', TERM: 'xterm-256color', PROXDECK_TOKEN_SECRET: token.secret},
				stdio: ['pipe', 'pipe', 'pipe'],
			});
			let out = '';
			// Ink wraps each frame in a synchronized update (CSI ?2026h … CSI ?2026l): wait for the first whole one.
			const firstFrame = await new Promise<string>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no frame within 60 s: ${JSON.stringify(out.slice(-400))}`)), 60_000);
				child.once('close', () => reject(new Error(`the console ended before a frame: ${JSON.stringify(out.slice(-600))}`)));
				child.stdout.on('data', (d: Buffer) => {
					out += d.toString('utf8');
					const start = out.indexOf('\u001B[?2026h');
					const end = out.indexOf('\u001B[?2026l', start);
					if (start !== -1 && end !== -1) {
						clearTimeout(timer);
						resolve(out.slice(start, end));
					}
				});
			});
			child.stdin.write('q');
			await new Promise((resolve) => child.once('close', resolve));
			assert.match(firstFrame, /plex/, 'a homelab guest is in the first frame');
			assert.match(firstFrame, /nodes 1\/1 │/, 'the header, box-drawing character included (the bundle writes it as \\u2502)');
			assert.doesNotMatch(firstFrame, /connecting…/);
			assert.equal(readFileSync(probeOut, 'utf8'), 'false', 'Node\'s internal undici was loaded (something called the global fetch)');
			assert.equal(readFileSync(http2Out, 'utf8'), 'false', 'node:http2 was loaded (undici\'s client-h2.js evaluated at start)');
			assert.equal(readFileSync(emojiTestsOut, 'utf8'), '0', 'the first frame measured text through string-width\'s emoji regex (text outside source/util/string-width.ts\'s table, or a string-width import that bypasses it)');
			// The fleet's first read was sent once, not again by the first poll (the storages' ?type=storage read is another read).
			const fleetReads = sim.requests.filter((r) => r.path === '/cluster/resources' && r.query.type === undefined);
			assert.equal(fleetReads.length, 1, JSON.stringify(sim.requests.map((r) => [r.path, r.query])));
		} finally {
			await sim.close();
			rmSync(probeDir, {recursive: true, force: true});
		}
	});
});
