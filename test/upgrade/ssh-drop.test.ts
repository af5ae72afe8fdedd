// The SSH connection drops while containers are mid-upgrade (a network blip,
// sshd restarted): the upgrade command must not be run a second time on the
// new connection behind the engine's back (the SSH runner re-issues ordinary
// streams, such as `journalctl -f`, after a reconnect); the step ends cleanly as
// "connection lost", the container goes back to its snapshot through the API,
// the run carries on with the rest once SSH is back, the journal stays whole,
// and nothing rejects unhandled.

import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {startUpgradeRun} from '../../source/services/upgrade/engine.js';
import {readJournal} from '../../source/services/upgrade/journal.js';
import {installedVersions, resetUpgradeStats} from '../../source/sim/ssh/package-state.js';
import {startSimSsh} from '../../source/sim/ssh/index.js';
import {createSshRunner} from '../../source/ssh/index.js';
import {generateEd25519} from '../../source/ssh/keygen.js';
import {waitFor} from '../actions/helpers.js';
import {byVmid, startUpgradeRig} from './helpers.js';

test('the SSH connection drops mid-upgrade: not re-run, rolled back as interrupted, the rest upgraded, journal whole', async () => {
	const unhandled: unknown[] = [];
	const onUnhandled = (reason: unknown) => unhandled.push(reason);
	process.on('unhandledRejection', onUnhandled);
	const rig = await startUpgradeRig({packageSpeed: 3});
	const key = generateEd25519();
	const ssh = await startSimSsh({state: rig.sim.state, authorizedKeys: [key.public]});
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-ssh-drop-'));
	writeFileSync(join(dir, 'id'), key.private, {mode: 0o600});
	writeFileSync(join(dir, 'known_hosts'), `${ssh.knownHostsLine}\n`, {mode: 0o600});
	const runner = createSshRunner({host: ssh.host, port: ssh.port, username: 'root', privateKeyPath: join(dir, 'id'), knownHostsPath: join(dir, 'known_hosts'), acceptNewHostKey: false, backoff: {initialMs: 50, maxMs: 200}});
	try {
		const targets = [300, 301, 302, 303];
		const plan = await rig.plan(targets, {concurrency: 2, maxFailures: 1});
		const before = new Map(targets.map((v) => [v, installedVersions(rig.sim.state, v)]));
		resetUpgradeStats(rig.sim.state);
		const run = startUpgradeRun({...rig.deps, runner}, plan);
		await waitFor('a container mid-upgrade', () => rig.sim.state.upgradeStats.running > 0, 60_000);
		const caught = run.rows().filter((r) => r.phase === 'upgrade').map((r) => r.vmid);
		assert.ok(caught.length > 0);
		ssh.dropConnections();
		const summary = await run.done;

		// Those mid-upgrade when the connection went are caught; so is one that was just issuing
		// another step over SSH then ("Not connected"): an interruption too, never a failure.
		const interrupted = summary.containers.filter((c) => c.outcome === 'interrupted').map((c) => c.vmid);
		for (const vmid of caught) assert.ok(interrupted.includes(vmid), `CT ${vmid} was mid-upgrade`);
		for (const vmid of interrupted) {
			const row = byVmid(summary.containers, vmid);
			assert.equal(row.outcome, 'interrupted', `CT ${vmid}: ${row.reason}`);
			// One caught before its snapshot has nothing to roll back; the others go back to theirs.
			assert.match(row.reason!, caught.includes(vmid) ? /SSH connection was lost .*rolled back to pre-upgrade-/ : /SSH connection was lost/);
			assert.deepEqual(installedVersions(rig.sim.state, vmid), before.get(vmid), `CT ${vmid} is back on its snapshot`);
		}
		for (const c of summary.containers.filter((c) => !interrupted.includes(c.vmid))) assert.equal(c.outcome, 'upgraded', `CT ${c.vmid}: ${c.reason}`);
		assert.equal(summary.halted, undefined, 'a lost connection is not a failed upgrade');
		// Each container's upgrade command ran once: the caught ones were not re-issued on the new connection.
		const log = rig.sim.state.upgradeStats.log;
		for (const vmid of targets) {
			const runs = log.filter((l) => l.vmid === vmid).length;
			assert.ok(interrupted.includes(vmid) ? runs <= 1 : runs === 1, `CT ${vmid}: ${JSON.stringify(log.filter((l) => l.vmid === vmid))}`);
		}

		// The journal: every line whole, the run ended, nothing left to resume.
		const lines = readFileSync(run.journalPath, 'utf8').trimEnd().split('\n');
		for (const line of lines) JSON.parse(line);
		assert.equal(readJournal(run.journalPath).ended, true);
		await new Promise((resolve) => setImmediate(resolve));
		assert.deepEqual(unhandled, []);
	} finally {
		process.off('unhandledRejection', onUnhandled);
		await runner.close();
		await ssh.close();
		await rig.close();
	}
});
