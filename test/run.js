#!/usr/bin/env node
// Runs every test file under test/ on Node's own runner through tsx.
// Node 20's --test neither expands globs nor discovers .ts/.tsx files, so the
// list is built here. Extra arguments are passed on (e.g. a file filter:
// `npm test -- sim` runs only files whose path contains "sim").
import {spawn, spawnSync} from 'node:child_process';
import {readdirSync, statSync} from 'node:fs';
import {availableParallelism} from 'node:os';
import {join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {bundleIsFresh} from '../bin/bundle-state.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function findTests(dir) {
	const found = [];
	for (const entry of readdirSync(dir)) {
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) found.push(...findTests(path));
		else if (/\.test\.tsx?$/.test(entry)) found.push(relative(root, path));
	}
	return found;
}

const filters = process.argv.slice(2);
const files = findTests(join(root, 'test'))
	.filter((f) => filters.length === 0 || filters.some((word) => f.includes(word)))
	.sort();
if (files.length === 0) {
	console.error(`no test files match ${filters.join(' ')}`);
	process.exit(1);
}
// The tests that spawn `proxdeck` (check, upgrade, the CLI errors…) run the bundle as CI and an install do
// (npm ci builds it); after an edit it is stale and each spawn would load the sources through tsx, seconds slower.
if (!bundleIsFresh(root)) {
	const built = spawnSync(process.execPath, [join(root, 'bin', 'build.js')], {cwd: root, stdio: 'inherit'});
	if (built.status !== 0) console.error('test/run.js: the bundle was not rebuilt; spawned proxdeck processes run the sources');
}

// One file per core: Node 20's default (cores − 1) runs them one at a time on a 2-core CI machine, leaving a
// core idle while a file waits on its simulator, SSH or a spawned proxdeck. Not more: much of the suite is CPU
// (rendering, tsx, TLS), and four files on two cores stretched event-loop stalls past what the timing-sensitive
// tests tolerate. PROXDECK_TEST_CONCURRENCY overrides.
const concurrency = Number(process.env.PROXDECK_TEST_CONCURRENCY) || Math.max(2, availableParallelism());

// Two reporters: the tests (spec), then the slowest files and their sum (file-times.js).
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=./test/file-times.js', '--test-reporter-destination=stdout'];
// Its own process group, ended as a whole when this runner is told to stop: a
// `timeout 1200 npm test` once ended the runner alone, and a test file that had
// hung went on using a whole core for half an hour after (its runner and the
// processes it spawned are all in this group).
const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...reporters, ...files], {
	cwd: root,
	stdio: 'inherit',
	env: {...process.env, FORCE_COLOR: '0'},
	detached: true,
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			// already gone
		}
		process.exit(1);
	});
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
