#!/usr/bin/env node
// Runs every test file under test/ on Node's own runner through tsx.
// Node 20's --test neither expands globs nor discovers .ts/.tsx files, so the
// list is built here. Extra arguments are passed on (e.g. a file filter:
// `npm test -- sim` runs only files whose path contains "sim").
import {spawn} from 'node:child_process';
import {readdirSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';

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
// Two reporters: the tests (spec), then the slowest files and their sum (file-times.js).
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=./test/file-times.js', '--test-reporter-destination=stdout'];
const child = spawn(process.execPath, ['--import', 'tsx', '--test', ...reporters, ...files], {
	cwd: root,
	stdio: 'inherit',
	env: {...process.env, FORCE_COLOR: '0'},
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
