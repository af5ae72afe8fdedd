// Two proxdeck processes on one upgrade run: while the first is still
// upgrading, a second `proxdeck upgrade --resume --yes` (or a new run) must
// see the run as running elsewhere — never as interrupted — and touch nothing:
// no rollback under the first one's apt-get, no line in its journal.

import assert from 'node:assert/strict';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import type {RunSummary} from '../../source/services/upgrade/types.js';
import {setUpgradeSeconds} from '../../source/sim/ssh/package-state.js';
import {waitFor} from '../actions/helpers.js';
import {startHostUnderTest, type HostUnderTest} from './spawn-host.js';

let host: HostUnderTest;
before(async () => {
	// The plan's index refreshes at the usual 60x; each upgrade lasts 20,000 simulated seconds (over five minutes at
	// 60x), so the first run is mid-upgrade for as long as the second processes take to start on a loaded machine,
	// until the test raises the speed to let it finish.
	host = await startHostUnderTest({packageSpeed: 60});
	setUpgradeSeconds(host.sim.state, 20_000);
});
after(async () => {
	await host.close();
});

function journalLines(): Array<Record<string, unknown>> {
	if (!existsSync(host.runsDir)) return [];
	const name = readdirSync(host.runsDir).find((n) => n.endsWith('.jsonl'));
	if (!name) return [];
	return readFileSync(join(host.runsDir, name), 'utf8')
		.split('\n')
		.filter((l) => l.trim() !== '')
		.map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('a run still going is "running in another proxdeck" to a second process, which changes nothing', async () => {
	const first = host.upgrade(['--tag', 'security', '--concurrency', '1', '--yes', '--json']);
	await waitFor('the first process upgrading a container', () => journalLines().some((e) => e.t === 'step' && e.step === 'upgrade'), 180_000);
	const lockName = readdirSync(host.runsDir).find((n) => n.endsWith('.lock'));
	assert.ok(lockName, 'the run holds a lock beside its journal');
	const lock = JSON.parse(readFileSync(join(host.runsDir, lockName), 'utf8')) as {pid: number; hostname: string; startedAt: number};
	assert.equal(lock.pid, first.child.pid);

	const [resume, another] = await Promise.all([host.upgrade(['--resume', '--yes']).done, host.upgrade(['--tag', 'media', '--yes']).done]);
	const runId = lockName.replace(/\.lock$/, '');
	for (const second of [resume, another]) {
		assert.equal(second.code, 1, second.stderr);
		assert.match(second.stderr, new RegExp(`^proxdeck: upgrade run ${runId} is running in another proxdeck \\(pid ${first.child.pid} since \\d\\d:\\d\\d\\)$`, 'm'));
		assert.doesNotMatch(second.stderr, /interrupted run|resum(e|ing) run|journal /);
	}
	assert.equal(first.child.exitCode, null, 'the first is still running');
	assert.equal(journalLines().filter((e) => e.t === 'resume').length, 0, 'no second process wrote to the journal');

	host.sim.state.packageSpeed = 1_000_000; // let the first one finish: the script playing, and the next three
	const done = await first.done;
	assert.equal(done.code, 0, done.stderr);
	const summary = JSON.parse(done.stdout) as RunSummary;
	assert.deepEqual(summary.containers.map((c) => c.outcome), ['upgraded', 'upgraded', 'upgraded', 'upgraded']);
	assert.deepEqual(host.writes().filter((r) => r.path.includes('/rollback')), [], 'nothing was rolled back');
	assert.equal(existsSync(join(host.runsDir, lockName)), false, 'the lock is gone with the run');
});
