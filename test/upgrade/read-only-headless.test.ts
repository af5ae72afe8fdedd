// `proxdeck upgrade --read-only` refuses before anything runs on the host: no
// plan (planning refreshes package indexes with `pct exec … apt-get update` as
// root), no resume, no dry run — not one SSH command, not one API write.

import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {openJournal} from '../../source/services/upgrade/journal.js';
import type {UpgradePlan} from '../../source/services/upgrade/types.js';
import {startHostUnderTest, type HostUnderTest} from './spawn-host.js';

let host: HostUnderTest;
before(async () => {
	host = await startHostUnderTest();
});
after(async () => {
	await host.close();
});

test('headless --read-only: plan, dry run and resume are refused before one command reaches the host', async () => {
	// An unfinished run of this host, so --resume has something it could resume.
	const journal = openJournal(host.runsDir, 'up-20261123-100000-aaaa');
	journal.append({t: 'run', id: 'up-20261123-100000-aaaa', host: `${host.sim.host}:${host.sim.port}`, at: 1, plan: {createdAt: 1, options: {}, entries: []} as unknown as UpgradePlan});

	const [run, dry, resume] = await Promise.all([
		host.upgrade(['--tag', 'security', '--yes', '--read-only']).done,
		host.upgrade(['--all', '--dry-run', '--read-only']).done,
		host.upgrade(['--resume', '--yes', '--read-only']).done,
	]);
	for (const result of [run, dry, resume]) {
		assert.equal(result.code, 1, result.stderr);
		assert.match(result.stderr, /^proxdeck: upgrade refused: read-only mode, nothing was sent/m);
		assert.doesNotMatch(result.stderr, /^planning|^journal /m);
		assert.equal(result.stdout, '');
	}
	assert.deepEqual(host.execs, [], 'no SSH command ran');
	assert.deepEqual(host.writes(), [], "no API write");
	assert.deepEqual(host.sim.requests.map((r) => r.path), [], "nothing was sent at all, not even a read");
});
