// The failure modes a fixture (or a test, via setPackageFailure) can inject
// into a container's upgrade: dpkg-error, hang, break-service, drop-channel,
// index-error — plus the container stopping mid-upgrade and the package lock.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {installedVersions, setPackageFailure} from '../../source/sim/ssh/package-state.js';
import {drive, exec, fixtureState, manualTicker, settle, start} from './harness.js';

const UPGRADE = 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -y -o Dpkg::Options::=--force-confold dist-upgrade';

test('dpkg-error (cluster CT 111): exit 100 with dpkg\'s wording, versions partly changed, dpkg left half-configured', async () => {
	const state = fixtureState('cluster');
	const before = installedVersions(state, 111);
	const r = await exec(state, 111, UPGRADE);
	assert.equal(r.code, 100);
	assert.match(r.stdout, /Setting up grafana \(12\.1\.0\) \.\.\.\ndpkg: error processing package grafana \(--configure\):\n installed grafana package post-installation script subprocess returned error exit status 1\n/);
	assert.match(r.stdout, /Errors were encountered while processing:\n grafana\n$/);
	assert.equal(r.stderr, 'E: Sub-process /usr/bin/dpkg returned an error code (1)\n');
	const after = installedVersions(state, 111);
	const changed = Object.keys(before).filter((name) => before[name] !== after[name]);
	assert.ok(changed.includes('grafana'));
	assert.ok(changed.length > 1 && changed.length < 4, `some but not all of the 4 upgrades changed: ${changed.join(', ')}`);
	assert.equal((await exec(state, 111, "dpkg-query -W -f '${db:Status-Abbrev}${Package}\\n' grafana")).stdout, 'iF grafana\n');
	assert.deepEqual(await exec(state, 111, 'apt-get -y dist-upgrade'), {code: 100, stdout: '', stderr: "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem. \n"});
	const configure = await exec(state, 111, 'dpkg --configure -a');
	assert.equal(configure.code, 1, 'the broken post-installation script fails again');
	assert.deepEqual(state.upgradeStats.log.map((l) => [l.vmid, l.outcome]), [[111, 'error']]);
});

test('hang (cluster CT 102): the upgrade never ends until killed; the package lock is held meanwhile', async () => {
	const state = fixtureState('cluster');
	const t = manualTicker();
	await exec(state, 102, 'apt-get update', t);
	const r = start(state, t, 102, 'apt-get -y dist-upgrade');
	await drive(t, [r], 1000, 600);
	assert.equal(r.result(), undefined, 'still running after 10 simulated minutes');
	assert.match(r.stdout(), /Setting up \S+ \(\S+\) \.\.\.\n$/);
	assert.equal(state.upgradeStats.running, 1);
	const locked = await exec(state, 102, 'apt-get -y dist-upgrade', t);
	assert.equal(locked.code, 100);
	assert.match(locked.stderr, /^E: Could not get lock \/var\/lib\/dpkg\/lock-frontend\. It is held by process \d+ \(apt-get\)/);
	r.process.kill();
	await settle();
	assert.equal(r.result(), 143);
	assert.equal(state.upgradeStats.running, 0);
	assert.deepEqual(state.upgradeStats.log.map((l) => [l.vmid, l.outcome]), [[102, 'killed']]);
	assert.equal((await exec(state, 102, 'dpkg-query -W -f \'${db:Status-Abbrev}\\n\'')).stdout.includes('iF'), true, 'the hung package is half-configured');
});

test('break-service: the upgrade succeeds, then the application is dead (systemctl / rc-service)', async () => {
	const state = fixtureState();
	setPackageFailure(state, 200, 'break-service');
	assert.equal((await exec(state, 200, UPGRADE)).code, 0);
	assert.equal(installedVersions(state, 200).grafana, '12.1.0');
	assert.deepEqual(await exec(state, 200, 'systemctl is-active grafana-server'), {code: 3, stdout: 'failed\n', stderr: ''});
	assert.equal((await exec(state, 200, 'systemctl is-failed grafana-server')).code, 0);
	const restart = await exec(state, 200, 'systemctl restart grafana-server');
	assert.equal(restart.code, 1);
	assert.match(restart.stderr, /^Job for grafana-server\.service failed because the control process exited with error code\./);
	setPackageFailure(state, 203, 'break-service');
	assert.equal((await exec(state, 203, 'apk upgrade -U')).code, 0);
	assert.deepEqual(await exec(state, 203, 'rc-service alertmanager status'), {code: 32, stdout: ' * status: crashed\n', stderr: ''});
});

test('drop-channel: the stream ends without an exit status mid-upgrade, packages left unpacked', async () => {
	const state = fixtureState();
	setPackageFailure(state, 100, 'drop-channel');
	const t = manualTicker();
	await exec(state, 100, 'apt-get update', t);
	const r = start(state, t, 100, 'apt-get -y dist-upgrade');
	await drive(t, [r]);
	assert.equal(r.result(), 'dropped');
	assert.match(r.stdout(), /Unpacking /);
	assert.ok(!r.stdout().includes('Setting up'));
	assert.deepEqual(state.upgradeStats.log.map((l) => [l.vmid, l.outcome]), [[100, 'dropped']]);
	assert.equal(state.upgradeStats.running, 0);
	assert.equal((await exec(state, 100, 'apt-get -y dist-upgrade', t)).code, 100, 'dpkg was interrupted');
	assert.equal((await exec(state, 100, 'dpkg --configure -a', t)).code, 0, 'configuring the unpacked packages works');
});

test('index-error: every manager\'s refresh fails the way the real one does', async () => {
	const state = fixtureState('homelab', (f) => {
		for (const [vmid, ostype] of [[201, 'fedora'], [202, 'centos'], [204, 'archlinux'], [205, 'opensuse']] as const) f.guests.find((g) => g.vmid === vmid)!.config.ostype = ostype;
	});
	for (const vmid of [200, 203, 201, 202, 204, 205]) setPackageFailure(state, vmid, 'index-error');
	const apt = await exec(state, 200, 'apt-get update');
	assert.equal(apt.code, 0, 'apt-get update only warns about failed fetches');
	assert.match(apt.stdout, /^Ign:1 http:\/\/deb\.debian\.org\/debian trixie InRelease\n/);
	assert.match(apt.stdout, /Err:1 http:\/\/deb\.debian\.org\/debian trixie InRelease\n {2}Temporary failure resolving 'deb\.debian\.org'\n/);
	assert.match(apt.stderr, /^W: Failed to fetch http:\/\/deb\.debian\.org\/debian\/dists\/trixie\/InRelease {2}Temporary failure resolving 'deb\.debian\.org'\n/);
	assert.match(apt.stderr, /W: Some index files failed to download\. They have been ignored, or old ones used instead\.\n$/);
	const strict = await exec(state, 200, 'apt-get -o APT::Update::Error-Mode=any update');
	assert.equal(strict.code, 100);
	assert.match(strict.stderr, /^E: Failed to fetch /);
	assert.equal((await exec(state, 200, 'apt list --upgradable')).stdout, 'Listing... Done\n', 'the index stayed stale');
	assert.equal((await exec(state, 203, 'apk update')).code, 2);
	assert.equal((await exec(state, 201, 'dnf makecache')).code, 1);
	assert.match((await exec(state, 202, 'dnf check-update')).stderr, /^Errors during downloading metadata for repository 'baseos':\n {2}- Curl error \(6\): Couldn't resolve host name/);
	assert.equal((await exec(state, 204, 'pacman -Sy')).code, 1);
	assert.equal((await exec(state, 205, 'zypper -n refresh')).code, 4);
});

test('a container stopped mid-upgrade ends the command with 137', async () => {
	const state = fixtureState();
	const t = manualTicker();
	await exec(state, 200, 'apt-get update', t);
	const r = start(state, t, 200, 'apt-get -y dist-upgrade');
	t.advance(1000);
	await settle();
	state.guests.get(200)!.status = 'stopped';
	await drive(t, [r]);
	assert.equal(r.result(), 137);
	assert.deepEqual(state.upgradeStats.log.map((l) => [l.vmid, l.outcome]), [[200, 'killed']]);
});
