// A node:test reporter beside `spec`: how long each test file's process ran,
// the slowest ten and the sum over all files at the end. The spec reporter
// shows tests, not files; when the suite gets slow this says which files to
// look at, and the sum (unlike the wall time) does not shrink with parallel
// files, so it tells a faster test from a busier machine.
import {relative} from 'node:path';

const SHOWN = 10;

export default async function* fileTimes(source) {
	const files = new Map();
	for await (const event of source) {
		const data = event.data ?? {};
		// The runner reports each file as a nesting-0 test named by its path; its duration is the file's process.
		if (event.type === 'test:complete' && data.nesting === 0 && data.file !== undefined && data.name === data.file) {
			files.set(relative(process.cwd(), data.file), data.details?.duration_ms ?? 0);
		}
	}
	if (files.size === 0) return;
	const sorted = [...files].sort((a, b) => b[1] - a[1]);
	const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
	const sum = sorted.reduce((total, [, ms]) => total + ms, 0);
	yield `\nslowest test files (of ${files.size}, ${seconds(sum)} in all):\n`;
	for (const [file, ms] of sorted.slice(0, SHOWN)) yield `  ${seconds(ms).padStart(8)}  ${file}\n`;
}
