// Through the real HTTPS API and the real SSH side sharing one state:
// snapshot → upgrade via `pct exec` → rollback restores the versions and the
// service health; a dropped channel ends the stream with no exit code; the
// concurrency record counts parallel upgrades run over SSH.

import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {generateEd25519} from '../../source/ssh/keygen.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimSsh, type RunningSimSsh} from '../../source/sim/ssh/server.js';
import {resetUpgradeStats, setPackageFailure} from '../../source/sim/ssh/package-state.js';
import {createSshRunner} from '../../source/ssh/ssh-runner.js';
import type {CommandRunner} from '../../source/ssh/types.js';
import {writeSim, type WriteSim} from '../sim/write-helpers.js';

/** The homelab's demo token (public, fixtures/homelab.json). */
const HOMELAB_TOKEN = `PVEAPIToken=root@pam!proxdeck=${(loadFixture(BUILTIN_FIXTURES.homelab).users.find((u) => u.userid === 'root@pam')!.tokens ?? []).find((t) => t.tokenid === 'proxdeck')!.secret}`;
const UPGRADE = 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -y -o Dpkg::Options::=--force-confold dist-upgrade';

let w: WriteSim;
let ssh: RunningSimSsh;
let runner: CommandRunner;
let dir: string;

before(async () => {
	w = await writeSim(loadFixture(BUILTIN_FIXTURES.homelab), HOMELAB_TOKEN);
	// Package output runs on the real ticker: 1000 simulated seconds per second.
	w.sim.state.packageSpeed = 1000;
	dir = mkdtempSync(join(tmpdir(), 'proxdeck-simpkg-'));
	const client = generateEd25519();
	const keyPath = join(dir, 'id_ed25519');
	writeFileSync(keyPath, client.private, {mode: 0o600});
	ssh = await startSimSsh({state: w.sim.state, authorizedKeys: [client.public]});
	const knownHosts = join(dir, 'known_hosts');
	writeFileSync(knownHosts, `${ssh.knownHostsLine}\n`);
	runner = createSshRunner({host: ssh.host, port: ssh.port, username: 'root', privateKeyPath: keyPath, knownHostsPath: knownHosts, acceptNewHostKey: false, keepaliveMs: 0, backoff: {initialMs: 20, maxMs: 200}});
});

after(async () => {
	await runner.close();
	await ssh.close();
	await w.close();
	rmSync(dir, {recursive: true, force: true});
});

const exec = (vmid: number, line: string) => runner.run(['pct', 'exec', String(vmid), '--', 'sh', '-c', line]);

async function task(method: string, path: string, form: Record<string, string> = {}): Promise<string | undefined> {
	const res = await w.api(method, path, {form});
	assert.equal(res.status, 200, `${method} ${path}: ${res.status} ${res.reason}`);
	return (await w.finish(res.json.data as string)).exitstatus;
}

test('snapshot → upgrade over SSH → rollback through the API restores versions and service health', async () => {
	// wireguard: no bind mounts, so it can be snapshotted (plex's /tank/data bind mount cannot).
	const vmid = 300;
	setPackageFailure(w.sim.state, vmid, 'break-service');
	const versions = () => exec(vmid, 'dpkg-query -W openssl libc6').then((r) => r.stdout);
	const original = await versions();
	assert.equal(original, 'openssl\t3.5.1-1\nlibc6:amd64\t2.41-12\n');

	assert.equal(await task('POST', `/nodes/pve/lxc/${vmid}/snapshot`, {snapname: 'pre-upgrade-20261123', description: 'proxdeck'}), 'OK');
	const upgrade = await exec(vmid, UPGRADE);
	assert.equal(upgrade.code, 0, upgrade.stderr);
	assert.ok(upgrade.stdout.includes('Unpacking openssl (3.5.1-1+deb13u1) over (3.5.1-1) ...\n'));
	assert.equal(await versions(), 'openssl\t3.5.1-1+deb13u1\nlibc6:amd64\t2.41-12+deb13u1\n');
	assert.deepEqual(await exec(vmid, 'systemctl is-active wg-quick@wg0'), {code: 3, stdout: 'failed\n', stderr: ''});
	assert.equal((await exec(vmid, 'test -f /var/run/reboot-required')).code, 0);

	assert.equal(await task('POST', `/nodes/pve/lxc/${vmid}/snapshot/pre-upgrade-20261123/rollback`, {start: '1'}), 'OK');
	for (let i = 0; i < 40 && w.sim.state.guests.get(vmid)!.status !== 'running'; i++) await w.advance(500);
	assert.equal(w.sim.state.guests.get(vmid)!.status, 'running');
	assert.equal(await versions(), original);
	assert.deepEqual(await exec(vmid, 'systemctl is-active wg-quick@wg0'), {code: 0, stdout: 'active\n', stderr: ''});
	assert.equal((await exec(vmid, 'test -f /var/run/reboot-required')).code, 1);
	// The snapshot's index was stale: after a refresh the same upgrades are pending again.
	assert.ok((await exec(vmid, 'apt-get update; apt-get -s dist-upgrade')).stdout.includes('4 upgraded, 0 newly installed'));
});

test('a dropped channel ends the stream without an exit code, and the connection stays usable', async () => {
	setPackageFailure(w.sim.state, 404, 'drop-channel');
	const lines: string[] = [];
	const handle = runner.stream(['pct', 'exec', '404', '--', 'sh', '-c', UPGRADE], (line) => lines.push(line));
	const done = await handle.done;
	assert.equal(done.code, null);
	assert.ok(lines.some((l) => l.startsWith('Unpacking ')));
	assert.ok(!lines.some((l) => l.startsWith('Setting up ')));
	assert.equal((await runner.run(['true'])).code, 0);
	assert.equal(w.sim.state.upgradeStats.log.at(-1)?.outcome, 'dropped');
});

test('three upgrades in parallel over SSH are counted as a peak of 3', async () => {
	resetUpgradeStats(w.sim.state);
	const stats = w.sim.state.upgradeStats;
	// Slow enough that the three overlap (~1 s each) even when a loaded machine opens their channels late.
	w.sim.state.packageSpeed = 10;
	try {
		const results = await Promise.all([101, 102, 103].map((vmid) => exec(vmid, UPGRADE)));
		assert.deepEqual(results.map((r) => r.code), [0, 0, 0]);
	} finally {
		w.sim.state.packageSpeed = 1000;
	}
	assert.deepEqual([stats.peak, stats.running, stats.started, stats.finished], [3, 0, 3, 3]);
	assert.deepEqual(stats.log.map((l) => l.vmid).sort(), [101, 102, 103]);
});
