// Whether dist/proxdeck.mjs (bin/build.js) is newer than every source file:
// bin/proxdeck.js runs it only then, so a stale bundle never runs; the test
// runner (test/run.js) rebuilds a stale one, so the processes the tests spawn
// run the bundle as CI and an install do, not the sources through tsx.
import {existsSync, readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';

function newestSource(dir) {
	let newest = 0;
	for (const entry of readdirSync(dir, {withFileTypes: true})) {
		const path = join(dir, entry.name);
		const mtime = entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs;
		if (mtime > newest) newest = mtime;
	}
	return newest;
}

export const bundlePath = (root) => join(root, 'dist', 'proxdeck.mjs');

/** Where the TypeScript sources are: only in a clone (an installed tarball ships the bundle alone). */
export const hasSources = (root) => existsSync(join(root, 'source', 'cli', 'main.tsx'));

export function bundleIsFresh(root) {
	const bundle = bundlePath(root);
	if (!existsSync(bundle)) return false;
	// Installed from `npm pack`: the bundle is all there is (npm stamps extracted files with the install time, in any order).
	if (!hasSources(root)) return true;
	const built = statSync(bundle).mtimeMs;
	// layouts/ and keymaps/ too: their YAML is parsed into the bundle (source/util/shipped-yaml.ts).
	return ['source', 'views', 'keymaps', 'layouts'].every((dir) => newestSource(join(root, dir)) <= built);
}
