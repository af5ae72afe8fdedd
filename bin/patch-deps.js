#!/usr/bin/env node
// postinstall: applies patches/ (Ink's output caches, see README "Design
// notes") with patch-package — but only where this package's own
// node_modules holds Ink. Installed as a dependency (npx, another project,
// pnpm) Ink lives elsewhere, patch-package would fail the whole install, and
// dist/proxdeck.mjs already carries the patched Ink it was bundled with.
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(join(root, 'node_modules', 'ink', 'package.json'))) {
	console.log('proxdeck: ink is not in this package\'s node_modules; skipping patches (the bundle carries them)');
	process.exit(0);
}
const patchPackage = createRequire(import.meta.url).resolve('patch-package/index.js');
const result = spawnSync(process.execPath, [patchPackage], {cwd: root, stdio: 'inherit'});
process.exit(result.status ?? 1);
