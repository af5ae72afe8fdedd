// Real recorded Proxmox API responses and command outputs (sources in
// test/samples/README.md), kept in the tree so the tests that compare the
// simulator's output and proxdeck's parsers against them run on any checkout.

import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

export function samplePath(name: string): string {
	return fileURLToPath(new URL(`./samples/${name}`, import.meta.url));
}

export function readSample(name: string): string {
	return readFileSync(samplePath(name), 'utf8');
}
