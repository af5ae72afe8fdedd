// The YAML files that ship with proxdeck (keymaps/default.yaml, layouts/*.yaml),
// parsed. The bundle carries them already parsed: bin/build.js parses them at
// build time and defines PROXDECK_SHIPPED_YAML, so starting the console parses
// no YAML (the keymap alone took 100–250 ms of the first frame on a 2-core
// machine). From the sources (tsx) they are read and parsed here. A stale
// bundle cannot run: bin/proxdeck.js uses it only while it is newer than
// keymaps/ and layouts/.

import {readdirSync, readFileSync} from 'node:fs';
import {parse} from 'yaml';
import {packagePath} from './package-root.js';

/** Relative path ("layouts/triage.yaml") → parsed document; defined only in the bundle. */
declare const PROXDECK_SHIPPED_YAML: Record<string, unknown> | undefined;

const embedded: Record<string, unknown> | undefined = typeof PROXDECK_SHIPPED_YAML === 'undefined' ? undefined : PROXDECK_SHIPPED_YAML;

/** The directories whose *.yaml files are shipped (and embedded in the bundle). */
export const SHIPPED_YAML_DIRS = ['keymaps', 'layouts'] as const;

/** The parsed document of a shipped file, e.g. shippedYaml('keymaps/default.yaml'). */
export function shippedYaml(path: string): unknown {
	if (embedded) {
		if (!(path in embedded)) throw new Error(`${path} is not shipped with proxdeck`);
		return embedded[path];
	}
	return parse(readFileSync(packagePath(path), 'utf8'));
}

/** The shipped *.yaml files of one directory ("layouts/cluster.yaml", …), sorted. */
export function shippedYamlFiles(dir: (typeof SHIPPED_YAML_DIRS)[number]): string[] {
	const names = embedded ? Object.keys(embedded).filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1)) : readdirSync(packagePath(dir)).filter((f) => f.endsWith('.yaml'));
	return names.sort().map((f) => `${dir}/${f}`);
}
