// apt and apk inside simulated containers, run through the interpreter on a
// manual ticker: refresh, count, upgrade output shaped like the recorded
// samples, exit codes, version changes, streaming over simulated time, the
// reboot-required flag and health checks.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {installedVersions} from '../../source/sim/ssh/package-state.js';
import {drive, exec, fixtureState, manualTicker, sample, settle, start} from './harness.js';

/** A line's shape: digits → N, so sample and simulator lines compare by form. */
function shape(line: string): string {
	return line.replace(/\d[\d,.]*( [kM]?B)/g, 'SIZE').replace(/\d+/g, 'N');
}

test('apt: a stale index hides the security updates; apt-get update fetches, then apt list and apt-get -s count them', async () => {
	const state = fixtureState();
	const before = await exec(state, 200, 'apt list --upgradable');
	assert.equal(before.code, 0);
	assert.equal(before.stdout, 'Listing... Done\n');
	assert.match(before.stderr, /WARNING: apt does not have a stable CLI interface/);

	const update = await exec(state, 200, 'apt-get update');
	assert.equal(update.code, 0);
	const lines = update.stdout.trimEnd().split('\n');
	for (const line of lines.slice(0, 3)) assert.match(line, /^(Hit|Get):\d+ http:\/\/deb\.debian\.org\/debian(-security)? trixie(-updates|-security)? InRelease( \[[\d.]+ kB\])?$/);
	assert.match(lines.at(-2)!, /^Fetched \d+ kB in \d+s \(\d+ kB\/s\)$/);
	assert.equal(lines.at(-1), 'Reading package lists... Done');
	// The recorded bookworm run has the same first lines.
	for (const line of sample('apt-get-upgrade-debian-bookworm.txt').slice(0, 3)) assert.match(line, /^(Hit|Get):\d+ http:\/\/deb\.debian\.org\/debian(-security)? bookworm(-updates|-security)? InRelease/);

	const list = await exec(state, 200, 'apt list --upgradable');
	assert.deepEqual(list.stdout.trimEnd().split('\n'), [
		'Listing... Done',
		'curl/trixie 8.14.1-2+deb13u1 amd64 [upgradable from: 8.14.1-2]',
		'grafana/trixie 12.1.0 amd64 [upgradable from: 12.0.2]',
		'libcurl4t64/trixie 8.14.1-2+deb13u1 amd64 [upgradable from: 8.14.1-2]',
	]);
	const sim = await exec(state, 200, 'apt-get -s dist-upgrade');
	assert.equal(sim.code, 0);
	assert.ok(sim.stdout.includes('3 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n'));
	assert.equal(sim.stdout.split('\n').filter((l) => l.startsWith('Inst ')).length, 3);
	assert.ok(sim.stdout.includes('Inst grafana [12.0.2] (12.1.0 Debian:13.2/stable [amd64])\n'));
	assert.equal(state.upgradeStats.started, 0, 'a simulation is not an upgrade');
});

test('apt-get dist-upgrade without -y in a non-tty aborts like the recorded sample (exit 1, nothing changed)', async () => {
	const state = fixtureState();
	await exec(state, 200, 'apt-get update');
	const r = await exec(state, 200, 'apt-get dist-upgrade');
	assert.equal(r.code, 1);
	const lines = r.stdout.trimEnd().split('\n');
	assert.deepEqual(lines.slice(-6), [
		'The following packages will be upgraded:',
		'  curl grafana libcurl4t64',
		'3 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.',
		lines.at(-3)!,
		lines.at(-2)!,
		'Do you want to continue? [Y/n] Abort.',
	]);
	// Line for line the same form as the recorded abort (package names aside).
	const recorded = sample('apt-get-dist-upgrade-noninteractive-abort.txt');
	if (recorded.length > 0) {
		const forms = (ls: string[]) => ls.filter((l) => !l.startsWith('  ')).map(shape);
		assert.deepEqual(forms(lines.slice(-recorded.length)), forms(recorded));
	}
	assert.equal(installedVersions(state, 200).grafana, '12.0.2');
});

test('apt-get -y dist-upgrade streams dpkg lines over simulated time and changes the versions', async () => {
	const state = fixtureState();
	const t = manualTicker();
	await exec(state, 200, 'apt-get update', t);
	const r = start(state, t, 200, 'DEBIAN_FRONTEND=noninteractive apt-get -y -o Dpkg::Options::=--force-confold dist-upgrade');
	await settle();
	assert.match(r.stdout(), /3 upgraded, 0 newly installed, 0 to remove and 0 not upgraded\.\nNeed to get [\d,.]+ [kM]B of archives\.\nAfter this operation, [\d,.]+ [kM]B of additional disk space will be used\.\n/);
	assert.ok(!r.stdout().includes('Unpacking'), 'nothing is unpacked before the downloads');
	assert.equal(state.upgradeStats.running, 1);
	t.advance(1500);
	await settle();
	assert.equal(r.result(), undefined, 'still running after 1.5 simulated seconds');
	assert.match(r.stdout(), /Get:1 http:\/\/deb\.debian\.org\/debian trixie\/main amd64 \S+ amd64 \S+ \[[\d,]+ kB\]/);
	await drive(t, [r]);
	assert.equal(r.result(), 0);
	const out = r.stdout();
	assert.ok(out.includes('Unpacking grafana (12.1.0) over (12.0.2) ...\n'));
	assert.ok(out.includes('Setting up grafana (12.1.0) ...\n'));
	assert.ok(out.includes('Preparing to unpack .../01-'));
	assert.ok(out.indexOf('Unpacking grafana') < out.indexOf('Setting up grafana'));
	assert.ok(out.includes('(Reading database ... '));
	assert.equal(r.stderr(), '');
	assert.deepEqual([installedVersions(state, 200).grafana, installedVersions(state, 200).curl], ['12.1.0', '8.14.1-2+deb13u1']);
	assert.equal((await exec(state, 200, 'dpkg-query -W grafana libcurl4t64')).stdout, 'grafana\t12.1.0\nlibcurl4t64:amd64\t8.14.1-2+deb13u1\n');
	assert.ok((await exec(state, 200, 'apt-get -s dist-upgrade')).stdout.includes('0 upgraded, 0 newly installed'));
	assert.deepEqual(state.upgradeStats.log.map((l) => [l.vmid, l.manager, l.outcome, l.changed]), [[200, 'apt', 'ok', 3]]);
	assert.equal(state.upgradeStats.running, 0);
	// A second run has nothing to do.
	const again = await exec(state, 200, 'apt-get -y dist-upgrade');
	assert.equal(again.code, 0);
	assert.match(again.stdout, /0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded\.\n$/);
});

test('reboot-required: set by a libc/openssl upgrade, absent otherwise, gone after the container restarts', async () => {
	const state = fixtureState();
	const check = 'test -f /var/run/reboot-required';
	assert.equal((await exec(state, 100, check)).code, 1);
	await exec(state, 100, 'apt-get update && apt-get -y dist-upgrade');
	assert.equal(installedVersions(state, 100).libc6, '2.41-12+deb13u1');
	assert.equal((await exec(state, 100, check)).code, 0);
	const cat = await exec(state, 100, 'cat /var/run/reboot-required /var/run/reboot-required.pkgs');
	assert.equal(cat.stdout, '*** System restart required ***\nlibc-bin\nlibc6\nlibssl3t64\nopenssl\n');
	// grafana's upgrade touches no core library.
	await exec(state, 200, 'apt-get update && apt-get -y dist-upgrade');
	assert.equal((await exec(state, 200, check)).code, 1);
	// The flag lives in /run: a restart clears it.
	state.guests.get(100)!.runningSince = START_PLUS;
	assert.equal((await exec(state, 100, check)).code, 1);
});
const START_PLUS = Date.parse('2026-11-23T17:00:00Z');

test('systemctl is-active answers for the container application and for unknown units', async () => {
	const state = fixtureState();
	assert.deepEqual(await exec(state, 404, 'systemctl is-active postgresql'), {code: 0, stdout: 'active\n', stderr: ''});
	assert.deepEqual(await exec(state, 404, 'systemctl is-active nosuch.service'), {code: 3, stdout: 'inactive\n', stderr: ''});
	assert.deepEqual(await exec(state, 404, 'systemctl is-active --quiet postgresql.service'), {code: 0, stdout: '', stderr: ''});
});

test('a package manager that is not the distro\'s is not found', async () => {
	const state = fixtureState();
	assert.deepEqual(await exec(state, 200, 'apk update'), {code: 127, stdout: '', stderr: 'sh: 1: apk: not found\n'});
	assert.deepEqual(await exec(state, 203, 'apt-get update'), {code: 127, stdout: '', stderr: 'sh: apt-get: not found\n'});
	assert.equal((await exec(state, 203, 'systemctl is-active alertmanager')).code, 127);
});

test('apk: update, version -l "<", upgrade lines like the recorded sample, info -v, rc-service', async () => {
	const state = fixtureState();
	assert.equal((await exec(state, 203, "apk version -l '<'")).stdout, `${'Installed:'.padEnd(42)}Available:\n`, 'a stale index knows none of the new versions');
	const update = await exec(state, 203, 'apk update');
	assert.equal(update.code, 0);
	assert.match(update.stdout, /^fetch https:\/\/dl-cdn\.alpinelinux\.org\/alpine\/v3\.22\/main\/x86_64\/APKINDEX\.tar\.gz\n/);
	assert.match(update.stdout, /\nOK: \d+ distinct packages available\n$/);
	const version = await exec(state, 203, "apk version -l '<'");
	assert.equal(version.stdout.split('\n').filter((l) => l.includes(' < ')).length, 4);
	assert.ok(version.stdout.includes(`${'musl-1.2.5-r10'.padEnd(40)}< 1.2.5-r11 \n`));
	assert.equal((await exec(state, 203, 'apk list -u')).stdout.split('\n').filter(Boolean).length, 4);

	const upgrade = await exec(state, 203, 'apk upgrade');
	assert.equal(upgrade.code, 0);
	const steps = upgrade.stdout.split('\n').filter((l) => l.startsWith('('));
	const form = /^\((\d+)\/(\d+)\) Upgrading \S+ \(\S+ -> \S+\)$/;
	for (const line of sample('apk-upgrade.txt').filter((l) => / Upgrading /.test(l))) assert.match(line, form);
	assert.equal(steps.length, 4);
	steps.forEach((line, i) => assert.equal(form.exec(line)?.slice(1).join('/'), `${i + 1}/4`));
	assert.ok(upgrade.stdout.includes('(1/4) Upgrading alertmanager (0.28.1-r5 -> 0.28.1-r6)\n'));
	assert.match(upgrade.stdout, /\nOK: \d+ MiB in \d+ packages\n$/);
	assert.equal((await exec(state, 203, 'apk info -v musl libssl3')).stdout, 'musl-1.2.5-r11\nlibssl3-3.5.2-r0\n');
	assert.equal((await exec(state, 203, "apk version -l '<'")).stdout.split('\n').filter((l) => l.includes(' < ')).length, 0);
	assert.deepEqual(await exec(state, 203, 'rc-service alertmanager status'), {code: 0, stdout: ' * status: started\n', stderr: ''});
	assert.equal((await exec(state, 203, 'rc-service nosuch status')).code, 1);
	assert.deepEqual(state.upgradeStats.log.map((l) => [l.vmid, l.manager, l.outcome, l.changed]), [[203, 'apk', 'ok', 4]]);
});

test('apk upgrade -U refreshes the index first and then sees every upgrade', async () => {
	const state = fixtureState();
	const r = await exec(state, 203, 'apk upgrade -U');
	assert.equal(r.code, 0);
	assert.match(r.stdout, /^fetch .*\nfetch .*\n\(1\/4\) Upgrading /);
	assert.equal(installedVersions(state, 203).alertmanager, '0.28.1-r6');
});

test('apt-get -qq update prints nothing but still refreshes the index; unknown options are refused with 100', async () => {
	const state = fixtureState();
	assert.deepEqual(await exec(state, 200, 'env DEBIAN_FRONTEND=noninteractive apt-get -qq update'), {code: 0, stdout: '', stderr: ''});
	assert.equal((await exec(state, 200, 'apt list --upgradable')).stdout.split('\n').filter(Boolean).length, 4);
	assert.deepEqual(await exec(state, 200, 'apt-get -y --bogus dist-upgrade'), {code: 100, stdout: '', stderr: 'E: Command line option --bogus is not understood in combination with the other options\n'});
});
