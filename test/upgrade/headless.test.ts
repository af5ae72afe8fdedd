// `proxdeck upgrade` as cron/CI would run it: the real CLI spawned against
// its demo (HTTPS API and the demo's SSH side), sped up with --sim-speed.
// Exit codes, the JSON summary on stdout, the plan without --yes, --dry-run,
// a failure rolled back (exit 1) and read-only mode refusing.

import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {test} from 'node:test';
import type {RunSummary} from '../../source/services/upgrade/types.js';
import {demoUpgrade} from './demo-cli.js';


const proxdeck = demoUpgrade;

test('headless upgrade: JSON summary and exit codes', async () => {
	const [ok, unasked, dry, failing, readOnly] = await Promise.all([
		proxdeck(['--tag', 'security', '--concurrency', '3', '--yes', '--json']),
		proxdeck(['--tag', 'security']),
		proxdeck(['--tag', 'media', '--dry-run', '--json']),
		proxdeck(['--vmid', '404', '--yes', '--json', '--health', 'db=systemctl is-active no-such-unit']),
		proxdeck(['--tag', 'security', '--yes', '--read-only']),
	]);

	assert.equal(ok.code, 0, ok.stderr);
	const summary = JSON.parse(ok.stdout) as RunSummary;
	assert.deepEqual(summary.containers.map((c) => [c.vmid, c.outcome]), [[300, 'upgraded'], [301, 'upgraded'], [302, 'upgraded'], [303, 'upgraded']]);
	assert.equal(summary.options.concurrency, 3);
	assert.equal(summary.packages, summary.containers.reduce((s, c) => s + c.packages, 0));
	assert.ok(existsSync(join(ok.state, 'proxdeck', 'demo', 'runs', `${summary.id}.jsonl`)));
	assert.ok(existsSync(join(ok.state, 'proxdeck', 'demo', 'runs', `${summary.id}.summary.md`)));
	assert.match(ok.stderr, /\[4\/4\] \d+ \S+: upgraded/);

	assert.equal(unasked.code, 1);
	assert.match(unasked.stderr, /300 +wireguard +apt +4 +yes +yes +upgrade/);
	assert.match(unasked.stderr, /proxdeck: nothing was changed: add --yes to run/);
	assert.equal(unasked.stdout, '');

	assert.equal(dry.code, 0, dry.stderr);
	const plan = JSON.parse(dry.stdout) as {entries: Array<{vmid: number; action: string; skipReason?: string}>};
	assert.equal(plan.entries.length, 9);
	assert.match(plan.entries.find((e) => e.vmid === 101)!.skipReason!, /bind mount/);
	assert.equal(plan.entries.find((e) => e.vmid === 100)!.action, 'upgrade');

	assert.equal(failing.code, 1, failing.stderr);
	const failed = JSON.parse(failing.stdout) as RunSummary;
	assert.deepEqual([failed.counts['rolled-back'], failed.counts.upgraded], [1, 0]);
	assert.match(failed.containers[0]!.reason!, /health check failed: systemctl is-active no-such-unit exited/);

	assert.equal(readOnly.code, 1);
	assert.match(readOnly.stderr, /upgrade refused: read-only mode, nothing was sent/);
	assert.doesNotMatch(readOnly.stderr, /journal /);
});
