// Installing where it runs (issue 15): the packed tarball installs with
// `npm install -g` into a fresh prefix while the registry is unreachable (a
// closed loopback port, and --offline), and the installed `proxdeck` runs:
// --version and a demo upgrade plan. `npm install -g .` from the clone puts
// `proxdeck` on PATH the same way.
//
// SLOW (about 15–30 s): it builds the esbuild bundle and runs npm three times.
// It packs a copy of exactly the package's `files` (with a bundle built for
// it), so the worktree's own dist/ is never rewritten under other tests.

import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {freeLoopbackPort} from '../loopback-port.js';
import {after, before, describe, it} from 'node:test';

const root = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string; files: string[]; bin: Record<string, string>};

interface Ran {
	code: number;
	stdout: string;
	stderr: string;
}

function run(file: string, args: string[], options: {cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number}): Promise<Ran> {
	return new Promise((resolve) => {
		execFile(file, args, {cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024}, (error, stdout, stderr) => {
			const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
			resolve({code, stdout, stderr});
		});
	});
}


describe('install (slow: builds the bundle and runs npm pack / npm install -g offline)', () => {
	let dir: string;
	let env: NodeJS.ProcessEnv;
	let tarball: string;

	before(async () => {
		dir = mkdtempSync(join(tmpdir(), 'proxdeck-install-'));
		const registry = `http://127.0.0.1:${await freeLoopbackPort()}/`;
		// Nothing from the user's npm setup: a fresh cache, no npmrc, the closed registry, offline.
		env = {
			PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
			HOME: join(dir, 'home'),
			npm_config_registry: registry,
			npm_config_offline: 'true',
			npm_config_cache: join(dir, 'cache'),
			npm_config_userconfig: join(dir, 'npmrc'),
			npm_config_audit: 'false',
			npm_config_fund: 'false',
			npm_config_update_notifier: 'false',
			XDG_CONFIG_HOME: join(dir, 'config'),
			XDG_STATE_HOME: join(dir, 'state'),
		};
		mkdirSync(env.HOME!);
		// The package as `npm pack` sees it: its `files`, its manifest, a freshly built bundle.
		const pkg = join(dir, 'pkg');
		mkdirSync(pkg);
		cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
		for (const entry of manifest.files) {
			if (entry.startsWith('dist/')) continue;
			cpSync(join(root, entry), join(pkg, entry), {recursive: true});
		}
		const built = await run(process.execPath, [join(root, 'bin', 'build.js'), join(pkg, 'dist', 'proxdeck.mjs')], {cwd: root, env: {...process.env}});
		assert.equal(built.code, 0, built.stderr);
		assert.ok(existsSync(join(pkg, 'dist', 'proxdeck.mjs')), built.stdout + built.stderr);
		// prepare (the build) already ran above; --ignore-scripts keeps npm from building into the worktree.
		const packed = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], {cwd: pkg, env});
		assert.equal(packed.code, 0, packed.stderr);
		tarball = join(dir, readdirSync(dir).find((f) => /^proxdeck-.*\.tgz$/.test(f))!);
	});

	after(() => rmSync(dir, {recursive: true, force: true}));

	it('the tarball carries the bundle and no dependency left to fetch', async () => {
		assert.ok(!('dependencies' in manifest) || Object.keys((manifest as {dependencies?: object}).dependencies ?? {}).length === 0, 'every runtime library is inside dist/proxdeck.mjs');
		const list = await run('tar', ['tzf', tarball], {cwd: dir, env});
		for (const file of ['package/bin/proxdeck.js', 'package/dist/proxdeck.mjs', 'package/keymaps/default.yaml', 'package/fixtures/homelab.json', 'package/source/sim/pve-apidoc.json']) {
			assert.ok(list.stdout.split('\n').includes(file), `${file} in the tarball`);
		}
	});

	it('npm install -g ./proxdeck-*.tgz with the registry unreachable, then proxdeck --version and a demo upgrade plan', async () => {
		const prefix = join(dir, 'prefix');
		const installed = await run('npm', ['install', '-g', '--prefix', prefix, tarball], {cwd: dir, env});
		assert.equal(installed.code, 0, `npm install failed:\n${installed.stderr}`);
		const bin = join(prefix, 'bin', 'proxdeck');
		assert.ok(existsSync(bin), 'proxdeck is on the prefix\'s PATH');
		const version = await run(bin, ['--version'], {cwd: dir, env});
		assert.deepEqual([version.code, version.stdout.trim()], [0, manifest.version], version.stderr);
		const plan = await run(bin, ['upgrade', '--demo', '--all', '--dry-run'], {cwd: dir, env});
		assert.equal(plan.code, 0, plan.stderr);
		assert.match(plan.stdout, /^CT +NAME +MANAGER +PENDING/m);
		assert.match(plan.stdout, /^100 +plex +apt /m, 'the plan names the demo containers');
		assert.match(plan.stdout, /^upgrade \d+ containers \(\d+ packages\), skip \d+/m);
		assert.doesNotMatch(plan.stderr, /Error|Cannot find|ERR_/, plan.stderr);
	});

	it('npm install -g . from the clone puts proxdeck on PATH (a link to the clone)', async () => {
		const prefix = join(dir, 'linked');
		const linked = await run('npm', ['install', '-g', '--prefix', prefix, '--ignore-scripts', root], {cwd: dir, env});
		assert.equal(linked.code, 0, linked.stderr);
		const version = await run(join(prefix, 'bin', 'proxdeck'), ['--version'], {cwd: dir, env});
		assert.deepEqual([version.code, version.stdout.trim()], [0, manifest.version], version.stderr);
	});
});
