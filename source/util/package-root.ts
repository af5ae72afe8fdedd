// Files that ship with proxdeck (fixtures, the API schema, the keymap, the
// package manifest) are found from the package root, not from the module that
// reads them: the same code runs from source/ (through tsx) and bundled into
// dist/proxdeck.mjs, where module-relative paths would differ.

import {existsSync, readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

let root: string | undefined;

function findRoot(): string {
	let dir = dirname(fileURLToPath(import.meta.url));
	for (;;) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest)) {
			try {
				if ((JSON.parse(readFileSync(manifest, 'utf8')) as {name?: string}).name === 'proxdeck') return dir;
			} catch {
				// Not ours (or unreadable): keep walking up.
			}
		}
		const parent = dirname(dir);
		if (parent === dir) throw new Error('cannot find the proxdeck package root (package.json named "proxdeck")');
		dir = parent;
	}
}

/** Absolute path of a file shipped with proxdeck, e.g. packagePath('fixtures', 'homelab.json'). */
export function packagePath(...segments: string[]): string {
	root ??= findRoot();
	return join(root, ...segments);
}
