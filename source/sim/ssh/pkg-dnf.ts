// dnf inside Fedora (dnf5, Fedora ≥ 41) and EL/CentOS-family (dnf 4)
// containers (samples: dnf-upgrade.txt, dnf5-upgrade-fedora44.txt), plus
// `rpm -q` and `needs-restarting -r`. dnf refreshes expired metadata by
// itself, so every dnf command sees the fresh index; `check-update` exits
// 100 when upgrades exist.

import {ScriptBuilder} from './package-script.js';
import {answer, binSize, completeUpgrade, failingPackage, orderForFailure, perPackageSec, refreshIndex, refreshSec, setVersion, totalKb, type PkgAnswer, type PkgRun} from './package-run.js';
import {knownUpgrades, rebootRequired, type PendingUpgrade} from './package-state.js';

const RULE = '='.repeat(80);
const DASHES = '-'.repeat(80);

/** `2:1.26.3-2` → {epoch: '2', rest: '1.26.3-2'}. */
function splitEpoch(version: string): {epoch: string; rest: string} {
	const m = /^(\d+):(.*)$/.exec(version);
	return m ? {epoch: m[1]!, rest: m[2]!} : {epoch: '0', rest: version};
}

/** rpm's NVRA (`glibc-2.41-9.fc42.x86_64`, no epoch). */
export function nvra(name: string, version: string, arch = 'x86_64'): string {
	return `${name}-${splitEpoch(version).rest}.${arch}`;
}

/** dnf5's NEVRA with the epoch always shown (`glibc-0:2.41-9.fc42.x86_64`). */
function nevra(name: string, version: string): string {
	const {epoch, rest} = splitEpoch(version);
	return `${name}-${epoch}:${rest}.x86_64`;
}

function repoOf(run: PkgRun, u: PendingUpgrade): string {
	if (run.distro.dnf5) return 'updates';
	return /^(glibc|openssl|systemd|curl|libcurl|tzdata|bash)/.test(u.name) ? 'baseos' : 'appstream';
}

function repoNames(run: PkgRun): Array<{id: string; title: string; mb: number}> {
	if (run.distro.dnf5) return [{id: 'fedora', title: 'Fedora 42 - x86_64', mb: 35.4}, {id: 'updates', title: 'Fedora 42 - x86_64 - Updates', mb: 4.6}];
	return [{id: 'baseos', title: 'Rocky Linux 9 - BaseOS', mb: 2.3}, {id: 'appstream', title: 'Rocky Linux 9 - AppStream', mb: 8.7}, {id: 'extras', title: 'Rocky Linux 9 - Extras', mb: 0.02}];
}

function metadataCheck(run: PkgRun): string {
	const d = new Date(run.state.clock());
	const date = d.toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) (\d+):(\d+):(\d+) GMT$/, (_m, wd, day, mon, year, h, mi, s) => {
		const hour = Number(h);
		return `${wd} ${day} ${mon} ${year} ${String(hour % 12 || 12).padStart(2, '0')}:${mi}:${s} ${hour < 12 ? 'AM' : 'PM'} UTC`;
	});
	return `Last metadata expiration check: 0:00:01 ago on ${date}.`;
}

/** Loads (or refreshes) the metadata; false when the mirrors cannot be reached. */
function loadRepos(b: ScriptBuilder, run: PkgRun, force: boolean): boolean {
	const repos = repoNames(run);
	if (run.pkgs.failure === 'index-error') {
		b.wait(refreshSec() * 4);
		const repo = repos[0]!;
		const host = run.distro.dnf5 ? 'mirrors.fedoraproject.org' : 'mirrors.rockylinux.org';
		if (run.distro.dnf5) {
			b.out('Updating and loading repositories:');
			b.err(`>>> Curl error (6): Couldn't resolve host name for https://${host}/metalink?repo=updates-released-f42&arch=x86_64 [Could not resolve host: ${host}]`);
			b.err(`Failed to download metadata (metalink: "https://${host}/metalink?repo=updates-released-f42&arch=x86_64") for repository "updates"`);
		} else {
			b.err(`Errors during downloading metadata for repository '${repo.id}':\n  - Curl error (6): Couldn't resolve host name for https://${host}/mirrorlist?arch=x86_64&repo=BaseOS-9 [Could not resolve host: ${host}]`);
			b.err(`Error: Failed to download metadata for repo '${repo.id}': Cannot prepare internal mirrorlist: Curl error (6): Couldn't resolve host name for https://${host}/mirrorlist?arch=x86_64&repo=BaseOS-9 [Could not resolve host: ${host}]`);
		}
		return false;
	}
	const download = force || run.pkgs.indexStale;
	if (run.distro.dnf5) b.out('Updating and loading repositories:');
	for (const repo of download ? repos : []) {
		b.wait(refreshSec() / repos.length);
		const secs = `00m0${Math.max(1, Math.round(refreshSec() / repos.length))}s`;
		if (run.distro.dnf5) b.out(` ${repo.title.padEnd(38)} 100% | ${`${(repo.mb * 0.8).toFixed(1)} MiB/s`.padStart(11)} | ${`${repo.mb.toFixed(1)} MiB`.padStart(9)} | ${secs}`);
		else b.out(`${repo.title.padEnd(49)} ${`${(repo.mb * 0.9).toFixed(1)} MB/s`.padStart(9)} | ${`${repo.mb.toFixed(1)} MB`.padStart(7)}     00:01`);
	}
	if (run.distro.dnf5) b.out('Repositories loaded.');
	else if (!download) b.out(metadataCheck(run));
	refreshIndex(b, run);
	return true;
}

function fresh(run: PkgRun): PendingUpgrade[] {
	return knownUpgrades({...run.pkgs, indexStale: false});
}

export function dnfMakecache(run: PkgRun): PkgAnswer {
	const b = new ScriptBuilder();
	if (!loadRepos(b, run, true)) return {script: b.end({code: 1}), locks: true};
	b.out('Metadata cache created.');
	return {script: b.end({code: 0}), locks: true};
}

export function dnfCheckUpdate(run: PkgRun, quiet: boolean): PkgAnswer {
	const b = new ScriptBuilder();
	if (quiet) {
		if (run.pkgs.failure === 'index-error' && !loadRepos(b, run, false)) return {script: b.end({code: 1}), locks: true};
		refreshIndex(b, run);
	} else if (!loadRepos(b, run, false)) return {script: b.end({code: 1}), locks: true};
	const upgrades = fresh(run);
	if (!run.distro.dnf5 && upgrades.length > 0) b.out('');
	for (const u of upgrades) b.out(`${`${u.name}.x86_64`.padEnd(33)} ${u.to.padEnd(36)} ${repoOf(run, u)}`);
	return {script: b.end({code: upgrades.length > 0 ? 100 : 0}), locks: true};
}

function transactionTable(b: ScriptBuilder, run: PkgRun, upgrades: PendingUpgrade[]): void {
	const kb = totalKb(upgrades);
	if (run.distro.dnf5) {
		b.out(`${'Package'.padEnd(29)}${'Arch'.padEnd(7)}${'Version'.padEnd(29)}${'Repository'.padEnd(16)}Size`);
		b.out('Upgrading:');
		for (const u of upgrades) {
			b.out(` ${u.name.padEnd(28)}x86_64 ${u.to.padEnd(28)} ${repoOf(run, u).padEnd(9)}${binSize(u.kb * 2.6).padStart(11)}`);
			b.out(`   replacing ${u.name.padEnd(16)}x86_64 ${u.from.padEnd(28)} ${repoOf(run, u).padEnd(9)}${binSize(u.kb * 2.6).padStart(11)}`);
		}
		b.out('').out('Transaction Summary:').out(` Upgrading:${String(upgrades.length).padStart(11)} package${upgrades.length === 1 ? '' : 's'}`).out(` Replacing:${String(upgrades.length).padStart(11)} package${upgrades.length === 1 ? '' : 's'}`).out('');
		b.out(`Total size of inbound packages is ${binSize(kb, 0)}. Need to download ${binSize(kb, 0)}.`);
		b.out(`After this operation, ${binSize(kb * 0.02, 0)} extra will be used (install ${binSize(kb * 2.6, 0)}, remove ${binSize(kb * 2.55, 0)}).`);
		return;
	}
	b.out('Dependencies resolved.').out(RULE);
	b.out(` ${'Package'.padEnd(20)} ${'Architecture'.padEnd(14)} ${'Version'.padEnd(28)} ${'Repository'.padEnd(10)} ${'Size'.padStart(5)}`).out(RULE).out('Upgrading:');
	for (const u of upgrades) b.out(` ${u.name.padEnd(20)} ${'x86_64'.padEnd(14)} ${u.to.padEnd(28)} ${repoOf(run, u).padEnd(10)} ${`${(u.kb / 1000).toFixed(1)} M`.padStart(5)}`);
	b.out('').out('Transaction Summary').out(RULE).out(`Upgrade  ${upgrades.length} Package${upgrades.length === 1 ? '' : 's'}`).out('');
	b.out(`Total download size: ${(kb / 1000).toFixed(1)} M`);
}

export function dnfUpgrade(run: PkgRun, yes: boolean): PkgAnswer {
	const b = new ScriptBuilder();
	if (!loadRepos(b, run, false)) return {script: b.end({code: 1}), upgrade: true, locks: true};
	const upgrades = fresh(run);
	if (upgrades.length === 0) {
		if (!run.distro.dnf5) b.out('Dependencies resolved.');
		b.out('Nothing to do.');
		if (!run.distro.dnf5) b.out('Complete!');
		return {script: b.end({code: 0}), upgrade: true, locks: true};
	}
	transactionTable(b, run, upgrades);
	if (!yes) {
		b.out(run.distro.dnf5 ? 'Is this ok [y/N]: Operation aborted by the user.' : 'Is this ok [y/N]: Operation aborted.');
		return {script: b.end({code: 1}), upgrade: true, locks: true};
	}
	const failure = run.pkgs.failure;
	const failing = failure === 'dpkg-error' || failure === 'hang' ? failingPackage(run, upgrades) : undefined;
	const ordered = orderForFailure(upgrades, failing);
	const per = perPackageSec(run, ordered.length);
	const n = ordered.length;
	if (!run.distro.dnf5) b.out('Downloading Packages:');
	ordered.forEach((u, i) => {
		b.wait(per * 0.3);
		if (run.distro.dnf5) b.out(`[${i + 1}/${n}] ${nevra(u.name, u.to).padEnd(38)} 100% | ${'4.1 MiB/s'.padStart(11)} | ${binSize(u.kb).padStart(10)} |  00m00s`);
		else b.out(`(${i + 1}/${n}): ${`${nvra(u.name, u.to)}.rpm`.padEnd(46)} 4.1 MB/s | ${`${(u.kb / 1000).toFixed(1)} MB`.padStart(7)}     00:00`);
	});
	if (run.distro.dnf5) {
		b.out(DASHES).out(`[${n}/${n}] Total${' '.repeat(34)}100% | ${'4.1 MiB/s'.padStart(11)} | ${binSize(totalKb(ordered)).padStart(10)} |  00m01s`).out('Running transaction');
		b.out(`[1/${n * 2 + 2}] Verify package files${' '.repeat(20)}100% |   1.0 KiB/s |  ${n}.0   B |  00m00s`).out(`[2/${n * 2 + 2}] Prepare transaction${' '.repeat(21)}100% | 120.0   B/s |  ${n * 2}.0   B |  00m00s`);
	} else {
		b.out(DASHES).out(`${'Total'.padEnd(50)} 4.1 MB/s | ${`${(totalKb(ordered) / 1000).toFixed(1)} MB`.padStart(7)}     00:01`);
		b.out('Running transaction check').out('Transaction check succeeded.').out('Running transaction test').out('Transaction test succeeded.').out('Running transaction');
		b.out(`  Preparing        :${' '.repeat(60)}1/1`);
	}
	const dropAt = failure === 'drop-channel' ? Math.max(1, Math.floor(n / 2)) : -1;
	for (const [i, u] of ordered.entries()) {
		if (i === dropAt) return {script: b.end({drop: true}), upgrade: true, locks: true};
		b.wait(per * 0.7);
		if (run.distro.dnf5) b.out(`[${i + 3}/${n * 2 + 2}] Upgrading ${nevra(u.name, u.to).padEnd(30)} 100% |  12.0 MiB/s | ${binSize(u.kb * 2.6).padStart(10)} |  00m00s`);
		else b.out(`  Upgrading        : ${nvra(u.name, u.to).padEnd(56)} ${i + 1}/${n * 2}`);
		if (u === failing) {
			if (failure === 'hang') return {script: b.end({hang: true}), upgrade: true, locks: true};
			if (run.distro.dnf5) {
				b.err(`>>> Unpack error: ${nevra(u.name, u.to)}`).err('Transaction failed: Rpm transaction failed.');
			} else {
				b.out(`Error unpacking rpm package ${nvra(u.name, u.to)}`);
				b.err(`error: unpacking of archive failed on file /usr/share/${u.name}/.build-id: cpio: rename failed - Operation not permitted`).err(`error: ${nvra(u.name, u.to)}: install failed`);
				b.out('').out('Failed:').out(`  ${nvra(u.name, u.to)}`).out('');
				b.err('Error: Transaction failed');
			}
			return {script: b.end({code: 1}), upgrade: true, locks: true};
		}
		b.effect(() => setVersion(run, u, 'ii'));
	}
	if (dropAt >= 0) return {script: b.end({drop: true}), upgrade: true, locks: true};
	if (!run.distro.dnf5) {
		ordered.forEach((u, i) => b.out(`  Cleanup          : ${nvra(u.name, u.from).padEnd(56)} ${n + i + 1}/${n * 2}`));
		ordered.forEach((u, i) => b.out(`  Verifying        : ${nvra(u.name, u.to).padEnd(56)} ${i + 1}/${n * 2}`));
		b.out('').out('Upgraded:');
		for (const u of ordered) b.out(`  ${nvra(u.name, u.to)}`);
		b.out('');
	}
	completeUpgrade(b, run, ordered);
	b.out('Complete!');
	return {script: b.end({code: 0}), upgrade: true, locks: true};
}

/** `needs-restarting -r` / `dnf needs-restarting -r`: exit 1 when a reboot is needed. */
export function needsRestarting(run: PkgRun): PkgAnswer {
	if (!rebootRequired(run.pkgs, run.guest)) return answer(0, 'No core libraries or services have been updated since boot-up.\nReboot should not be necessary.\n');
	const list = run.pkgs.rebootPackages.map((n) => `  * ${n}\n`).join('');
	return answer(1, `Core libraries or services have been updated since boot-up:\n${list}\nReboot is required to fully utilize these updates.\nMore information: https://access.redhat.com/solutions/27943\n`);
}

export function dnfCommand(run: PkgRun, args: string[]): PkgAnswer {
	const words = args.filter((a) => !a.startsWith('-'));
	const flags = new Set(args.filter((a) => a.startsWith('-')));
	const yes = flags.has('-y') || flags.has('--assumeyes');
	if (run.pkgs.busy && words[0] !== 'needs-restarting') {
		return answer(1, '', run.distro.dnf5 ? 'Failed to obtain rpm transaction lock. Another transaction is in progress.\n' : 'Waiting for process with pid 4242 to finish.\nError: Could not run transaction.\n');
	}
	switch (words[0]) {
		case 'makecache': return dnfMakecache(run);
		case 'check-update': case 'check-upgrade': return dnfCheckUpdate(run, flags.has('-q') || flags.has('--quiet'));
		case 'upgrade': case 'update': return dnfUpgrade(run, yes);
		case 'needs-restarting': return needsRestarting(run);
		default: return answer(2, '', `No such command: ${words[0] ?? ''}. Please use /usr/bin/dnf --help\n`);
	}
}

/** `rpm -q name…` / `rpm -qa`: exit status = packages not installed. */
export function rpmQuery(run: PkgRun, args: string[]): PkgAnswer {
	const installed = run.pkgs.installed;
	const flags = args.filter((a) => a.startsWith('-'));
	if (flags.includes('-qa')) return answer(0, Object.entries(installed).map(([n, p]) => `${nvra(n, p.version)}\n`).join(''));
	if (!flags.includes('-q')) return answer(1, '', 'rpm: the simulator only answers rpm -q / rpm -qa\n');
	let stdout = '';
	let missing = 0;
	for (const name of args.filter((a) => !a.startsWith('-'))) {
		const p = installed[name];
		if (p) stdout += `${nvra(name, p.version)}\n`;
		else {
			stdout += `package ${name} is not installed\n`;
			missing++;
		}
	}
	return answer(missing, stdout);
}
