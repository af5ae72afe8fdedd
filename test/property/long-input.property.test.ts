// Every parser of host output, fed one very long line (64 – 512 KiB) of a
// repeated piece chosen to make backtracking regexes work hard (runs of
// blanks, of capitals, of digits, separators), must answer promptly: a host
// that prints something huge must not freeze the console (issue 10, #4/#11).

import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {parseUpid} from '../../source/api/upid.js';
import {parseConfig} from '../../source/cli/config.js';
import {splitTimestamp} from '../../source/services/logs/ring-buffer.js';
import {MANAGERS, type ManagerKind} from '../../source/services/upgrade/managers.js';
import {parseZfsDatasets, parseZfsSnapshots} from '../../source/services/zfs/parse-zfs-list.js';
import {parseZpoolStatus} from '../../source/services/zfs/parse-zpool-status.js';
import {errorLine} from '../../source/services/error-line.js';
import {parseKnownHosts, verifyHostKey} from '../../source/ssh/known-hosts.js';
import {listNics, parseMountPoint, parseTags} from '../../source/util/pve-config.js';
import {sanitize} from '../../source/util/sanitize.js';
import {cpuMs, runs} from './arbitraries.js';

const piece = fc.constantFrom(' ', '\t', 'A ', 'a', '0 ', '1', 'ONLINE ', 'Inst ', 'x.y ', '-> ', '| ', ',', '=', ':', '\u001b[', '\u001b]', '\u009b', 'é', '  pool: ', '2026-11-23T16:40:01', 'Nov 23 ');
// The shape, not the text, is what fast-check reports on failure (a counterexample of 1 MiB is unreadable).
const shape = fc.record({parts: fc.array(piece, {minLength: 1, maxLength: 3}), size: fc.integer({min: 1 << 16, max: 1 << 19}), tail: fc.constantFrom('', '!', '\n', ' x')});

function build({parts, size, tail}: {parts: string[]; size: number; tail: string}): string {
	const unit = parts.join('');
	return unit.repeat(Math.ceil(size / unit.length)) + tail;
}

// Linear work on 512 KiB takes a few hundred ms of CPU; a backtracking regex takes minutes.
// CPU time, not wall time: the budget holds while other test files share the cores.
const BUDGET_MS = 3000;

function timed(name: string, run: () => unknown): void {
	const took = cpuMs(run);
	assert.ok(took < BUDGET_MS, `${name} took ${Math.round(took)} ms of CPU`);
}

test('every host-output parser answers a huge line promptly', () => {
	const key = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.alloc(32, 1)]);
	fc.assert(
		fc.property(shape, (sh) => {
			const text = build(sh);
			timed('sanitize', () => sanitize(text));
			timed('errorLine', () => errorLine(new Error(text)));
			timed('parseUpid', () => parseUpid(text));
			timed('splitTimestamp', () => splitTimestamp(text));
			timed('zfs datasets', () => parseZfsDatasets(text));
			timed('zfs snapshots', () => parseZfsSnapshots(text));
			timed('zpool status', () => parseZpoolStatus(`  pool: tank\nconfig:\n${text}\n\t${text}`));
			for (const kind of Object.keys(MANAGERS) as ManagerKind[]) timed(kind, () => MANAGERS[kind].parseCount(text));
			timed('known_hosts', () => verifyHostKey(parseKnownHosts(text), 'pve', key));
			timed('pve-config', () => {
				listNics({net0: text, ipconfig0: text}, 'qemu');
				parseMountPoint('mp0', text);
				parseTags(text);
			});
			timed('config', () => {
				try {
					parseConfig(text, '/c.yaml');
				} catch {
					// refused in one line: what matters here is the time
				}
			});
		}),
		runs(8),
	);
});
