// dnf (dnf5 on Fedora, dnf 4 on EL), pacman and zypper inside simulated
// containers: the homelab has none, so these tests turn a few of its
// containers into Fedora, Rocky (ostype centos), Arch and openSUSE ones.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {installedVersions} from '../../source/sim/ssh/package-state.js';
import {exec, fixtureState, sample} from './harness.js';

function distros(fixture: Fixture): void {
	const set = (vmid: number, ostype: string, pending: Array<{name: string; from: string; to: string}>) => {
		const guest = fixture.guests.find((g) => g.vmid === vmid)!;
		guest.config.ostype = ostype;
		guest.packages = {pending};
	};
	set(201, 'fedora', [{name: 'glibc', from: '2.41-5.fc42', to: '2.41-9.fc42'}, {name: 'curl', from: '8.11.1-5.fc42', to: '8.11.1-6.fc42'}]);
	set(202, 'centos', [{name: 'openssl-libs', from: '1:3.2.2-6.el9_5.1', to: '1:3.5.1-3.el9_6'}, {name: 'tzdata', from: '2025b-1.el9', to: '2025b-2.el9'}]);
	set(204, 'archlinux', [{name: 'curl', from: '8.14.1-1', to: '8.15.0-1'}, {name: 'openssl', from: '3.5.1-1', to: '3.5.2-1'}]);
	set(205, 'opensuse', [{name: 'glibc', from: '2.38-150600.14.26.1', to: '2.38-150600.14.32.1'}, {name: 'curl', from: '8.6.0-150600.4.21.1', to: '8.6.0-150600.4.24.1'}]);
}

test('dnf5 (Fedora): check-update exits 100 with the list, -y upgrade prints the dnf5 transaction, rpm -q sees the new version', async () => {
	const state = fixtureState('homelab', distros);
	const check = await exec(state, 201, 'dnf check-update');
	assert.equal(check.code, 100);
	assert.match(check.stdout, /^Updating and loading repositories:\n/);
	assert.deepEqual(check.stdout.split('\n').filter((l) => l.includes('.x86_64')).map((l) => l.split(/\s+/)), [
		['curl.x86_64', '8.11.1-6.fc42', 'updates'],
		['glibc.x86_64', '2.41-9.fc42', 'updates'],
	]);
	const aborted = await exec(state, 201, 'dnf upgrade');
	assert.equal(aborted.code, 1);
	assert.match(aborted.stdout, /Is this ok \[y\/N\]: Operation aborted by the user\.\n$/);
	assert.equal(installedVersions(state, 201).glibc, '2.41-5.fc42');

	const r = await exec(state, 201, 'dnf -y upgrade');
	assert.equal(r.code, 0);
	const lines = r.stdout.split('\n');
	// The same blocks as the recorded Fedora 44 run.
	for (const line of ['Transaction Summary:', 'Upgrading:']) assert.ok(lines.includes(line), line);
	assert.ok(lines.includes(' Upgrading:          2 packages') && lines.includes(' Replacing:          2 packages'));
	const recorded = sample('dnf5-upgrade-fedora44.txt');
	if (recorded.length > 0) {
		assert.ok(recorded.includes(' Upgrading:          8 packages'), 'the sample has the summary form asserted above');
		const progress = /^\[\d+\/\d+\] \S+-\d+:\S+\.x86_64\s+100% \|\s+[\d.]+ (KiB|MiB)\/s \|\s+[\d.]+ (KiB|MiB) \|\s+00m0\ds$/;
		assert.match(recorded.find((l) => l.startsWith('[1/'))!, progress);
		assert.match(lines.find((l) => l.startsWith('[1/2]'))!, progress);
	}
	assert.match(r.stdout, /\[\d+\/6\] Upgrading glibc-0:2\.41-9\.fc42\.x86_64 +100%/);
	assert.match(r.stdout, /Complete!\n$/);
	assert.deepEqual(await exec(state, 201, 'rpm -q glibc nosuch'), {code: 1, stdout: 'glibc-2.41-9.fc42.x86_64\npackage nosuch is not installed\n', stderr: ''});
	assert.equal((await exec(state, 201, 'dnf check-update')).code, 0);
	const restart = await exec(state, 201, 'dnf needs-restarting -r');
	assert.equal(restart.code, 1);
	assert.match(restart.stdout, /^Core libraries or services have been updated since boot-up:\n {2}\* glibc\n\nReboot is required/);
});

test('dnf 4 (EL): the transaction table and progress of the recorded dnf sample, needs-restarting -r', async () => {
	const state = fixtureState('homelab', distros);
	assert.equal((await exec(state, 202, 'needs-restarting -r')).code, 0);
	const r = await exec(state, 202, 'dnf -y upgrade');
	assert.equal(r.code, 0);
	const lines = r.stdout.split('\n');
	const order = ['Dependencies resolved.', 'Upgrading:', 'Transaction Summary', 'Upgrade  2 Packages', 'Downloading Packages:', 'Running transaction check', 'Transaction check succeeded.', 'Running transaction test', 'Transaction test succeeded.', 'Running transaction', 'Upgraded:', 'Complete!'];
	const at = order.map((l) => lines.indexOf(l));
	assert.ok(at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1]!)), `blocks in order: ${JSON.stringify(at)}`);
	for (const l of sample('dnf-upgrade.txt').filter((x) => /^(Dependencies resolved\.|Upgrading:|Transaction Summary|Running transaction)$/.test(x))) assert.ok(lines.includes(l), l);
	const row = /^ {2}(Upgrading|Cleanup|Verifying) +: \S+\.x86_64 +\d+\/\d+ *$/;
	for (const l of sample('dnf-upgrade.txt').filter((x) => /^ {2}(Upgrading|Cleanup) /.test(x))) assert.match(l, row);
	assert.ok(lines.some((l) => row.test(l) && l.includes('openssl-libs-3.5.1-3.el9_6.x86_64')));
	assert.equal(installedVersions(state, 202)['openssl-libs'], '1:3.5.1-3.el9_6');
	assert.equal((await exec(state, 202, 'rpm -q openssl-libs')).stdout, 'openssl-libs-3.5.1-3.el9_6.x86_64\n', 'rpm -q hides the epoch');
	assert.equal((await exec(state, 202, 'needs-restarting -r')).code, 1);
	const nothing = await exec(state, 202, 'dnf -y upgrade');
	assert.deepEqual([nothing.code, nothing.stdout.trimEnd().split('\n').slice(-3)], [0, ['Dependencies resolved.', 'Nothing to do.', 'Complete!']]);
});

test('pacman: -Qu reads the stale sync db (exit 1), -Sy refreshes, -Syu --noconfirm upgrades like the recorded sample', async () => {
	const state = fixtureState('homelab', distros);
	assert.deepEqual(await exec(state, 204, 'pacman -Qu'), {code: 1, stdout: '', stderr: ''});
	const sync = await exec(state, 204, 'pacman -Sy');
	assert.deepEqual([sync.code, sync.stdout], [0, ':: Synchronizing package databases...\n core downloading...\n extra downloading...\n']);
	assert.deepEqual(await exec(state, 204, 'pacman -Qu'), {code: 0, stdout: 'curl 8.14.1-1 -> 8.15.0-1\nopenssl 3.5.1-1 -> 3.5.2-1\n', stderr: ''});
	const noTty = await exec(state, 204, 'pacman -Syu');
	assert.equal(noTty.code, 1);
	const r = await exec(state, 204, 'pacman -Syu --noconfirm');
	assert.equal(r.code, 0);
	const lines = r.stdout.split('\n');
	const recorded = sample('pacman-Syu.txt');
	for (const l of [':: Synchronizing package databases...', ':: Starting full system upgrade...', 'resolving dependencies...', 'looking for conflicting packages...']) {
		assert.ok(lines.includes(l), l);
		if (recorded.length > 0) assert.ok(recorded.includes(l), `sample has ${l}`);
	}
	assert.ok(lines.includes('Packages (2) curl-8.15.0-1  openssl-3.5.2-1'));
	assert.ok(lines.includes('upgrading openssl...'));
	assert.deepEqual(await exec(state, 204, 'pacman -Q openssl'), {code: 0, stdout: 'openssl 3.5.2-1\n', stderr: ''});
	assert.equal((await exec(state, 204, 'pacman -Syu --noconfirm')).stdout.trimEnd().split('\n').at(-1), ' there is nothing to do');
});

test('zypper: list-updates table, --non-interactive update, needs-rebooting 102; without -n it cannot answer', async () => {
	const state = fixtureState('homelab', distros);
	const refresh = await exec(state, 205, 'zypper --non-interactive refresh');
	assert.equal(refresh.code, 0);
	assert.match(refresh.stdout, /All repositories have been refreshed\.\n$/);
	const list = await exec(state, 205, 'zypper list-updates');
	assert.equal(list.code, 0);
	const rows = list.stdout.split('\n').filter((l) => l.startsWith('v |'));
	assert.deepEqual(rows.map((l) => l.split('|').map((c) => c.trim())), [
		['v', 'Main Update Repository', 'curl', '8.6.0-150600.4.21.1', '8.6.0-150600.4.24.1', 'x86_64'],
		['v', 'Main Update Repository', 'glibc', '2.38-150600.14.26.1', '2.38-150600.14.32.1', 'x86_64'],
	]);
	assert.equal((await exec(state, 205, 'zypper update')).code, 1);
	assert.deepEqual(await exec(state, 205, 'zypper needs-rebooting'), {code: 0, stdout: 'No core libraries or services have been updated.\nReboot is probably not necessary.\n', stderr: ''});
	const r = await exec(state, 205, 'zypper -n up');
	assert.equal(r.code, 0);
	assert.match(r.stdout, /The following 2 packages are going to be upgraded:\n {2}curl glibc\n/);
	assert.match(r.stdout, /\(2\/2\) Installing: glibc-2\.38-150600\.14\.32\.1\.x86_64 \.+\[done\]\n/);
	assert.equal((await exec(state, 205, 'rpm -q glibc')).stdout, 'glibc-2.38-150600.14.32.1.x86_64\n');
	assert.equal((await exec(state, 205, 'zypper needs-rebooting')).code, 102);
	assert.match((await exec(state, 205, 'zypper lu')).stdout, /No updates found\.\n$/);
});
