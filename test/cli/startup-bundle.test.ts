// What the console evaluates before its first frame (issue 12: start → first
// frame with data ≤ 0.5 s). The bundle is split (bin/build.js): the entry and
// the chunks it imports statically load at start; ssh2, node-forge and the
// simulator only through import() when SSH, the demo or `proxdeck sim` need
// them. The first frame waits for the fleet's first answer (one cold frame, not
// two). The shipped YAML is parsed at build time, and Yoga's WebAssembly is
// decoded without fetch() (which loads Node's internal undici). Each of these
// regressed silently before: a static import or a new fetch() costs tens of
// milliseconds at every start and no other test notices.

import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readFileSync, rmSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, it} from 'node:test';
import {freeLoopbackPort} from '../loopback-port.js';
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
const modulesIn = (code: string) => new Set([...code.matchAll(/^\/\/ ((?:node_modules|source|views|keymaps)\/\S+)$/gm)].map((m) => m[1]!));

describe('start-up bundle (slow: builds the bundle)', () => {
	let atStart: Set<string>;
	let everywhere: Set<string>;
	let startCode: string;

	before(() => {
		const built = spawnSync(process.execPath, ['bin/build.js', entry], {cwd: root, encoding: 'utf8'});
		assert.ok(existsSync(join(root, entry)), `the bundle was built: ${built.stdout}${built.stderr}`);
		const files = staticClosure(join(root, entry));
		startCode = [...files].map((f) => readFileSync(f, 'utf8')).join('\n');
		atStart = modulesIn(startCode);
		const all = spawnSync('cat', [join(root, entry), ...readdirChunks()], {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024});
		everywhere = modulesIn(all.stdout);
	});
	after(() => {
		rmSync(join(root, entry), {force: true});
		rmSync(join(root, chunks), {recursive: true, force: true});
	});

	function readdirChunks(): string[] {
		const listed = spawnSync('find', [join(root, chunks), '-name', '*.mjs'], {encoding: 'utf8'});
		return listed.stdout.split('\n').filter(Boolean);
	}

	it('the first frame evaluates neither ssh2, node-forge nor the simulator (they are in chunks loaded on demand)', () => {
		for (const lazy of ['node_modules/ssh2/', 'node_modules/node-forge/', 'source/sim/', 'source/cli/sim-command.ts', 'source/cli/demo.ts']) {
			assert.ok([...everywhere].some((m) => m.startsWith(lazy)), `${lazy} is in the bundle at all`);
			const loaded = [...atStart].filter((m) => m.startsWith(lazy));
			assert.deepEqual(loaded, [], `${lazy} is evaluated at start by a static import`);
		}
		// What the first frame does need is there (the check above is not vacuous).
		for (const needed of ['node_modules/ink/', 'node_modules/undici/', 'source/cli/main.tsx', 'keymaps/index.ts']) {
			assert.ok([...atStart].some((m) => m.startsWith(needed)), `${needed} loads at start`);
		}
	});

	it('the keymap and the built-in layouts are in the bundle already parsed (no YAML parsing at start)', () => {
		// keymaps/default.yaml's first binding and layouts/triage.yaml's name, as object literals.
		assert.match(startCode, /"keymaps\/default\.yaml": \[\{ key: \["j", "down"\], action: "nav\.down"/);
		assert.match(startCode, /"layouts\/triage\.yaml": \{/);
	});

	it('starting does not load Node\'s internal fetch (Yoga decodes its WebAssembly itself)', async () => {
		// The console up to its first request: config, keymap, layouts, Ink and Yoga, then a closed port.
		const port = await freeLoopbackPort();
		const probe = `data:text/javascript,process.on('exit',()=>process.stderr.write('internal-undici:'+process.moduleLoadList.some((m)=>m.includes('internal/deps/undici'))+'\\n'))`;
		const ran = spawnSync(process.execPath, ['--import', probe, entry, '--host', '127.0.0.1', '--port', String(port), '--token-id', 'root@pam!t', '--insecure'], {
			cwd: root,
			encoding: 'utf8',
			env: {PATH: process.env.PATH ?? '', HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent', XDG_STATE_HOME: '/nonexistent', PROXDECK_TOKEN_SECRET: 'x'},
			timeout: 30_000,
		});
		assert.equal(ran.status, 1, ran.stderr);
		assert.match(ran.stderr, /127\.0\.0\.1/, 'it tried the host (so Ink and Yoga were loaded before)');
		assert.match(ran.stderr, /internal-undici:false/);
	});

	it('the first frame the terminal gets already shows the fleet (no empty "connecting…" frame first)', async () => {
		const fixture = demoFixture({kind: 'fixture', name: 'homelab'});
		const sim = await startSimulator({fixture});
		try {
			const token = demoToken(fixture);
			const command = `stty cols 160 rows 50; exec ${process.execPath} ${entry} --host ${sim.host} --port ${sim.port} --token-id '${token.tokenId}' --fingerprint ${sim.fingerprint}`;
			const child = spawn('script', ['-qfec', command, '/dev/null'], {
				cwd: root,
				env: {PATH: process.env.PATH ?? '', HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent', XDG_STATE_HOME: '/nonexistent', TERM: 'xterm-256color', PROXDECK_TOKEN_SECRET: token.secret},
				stdio: ['pipe', 'pipe', 'pipe'],
			});
			let out = '';
			// Ink wraps each frame in a synchronized update (CSI ?2026h … CSI ?2026l): wait for the first whole one.
			const firstFrame = await new Promise<string>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`no frame within 60 s: ${JSON.stringify(out.slice(-400))}`)), 60_000);
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
			assert.doesNotMatch(firstFrame, /connecting…/);
		} finally {
			await sim.close();
		}
	});
});
