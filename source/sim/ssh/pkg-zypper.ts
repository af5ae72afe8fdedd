// zypper inside openSUSE containers. `list-updates` and `update` refresh
// expired repositories by themselves (autorefresh), `needs-rebooting` exits
// 102 when a reboot is needed, and a failed RPM transaction exits 8
// (ZYPPER_EXIT_ERR_COMMIT); a refresh that cannot reach the mirror exits 4.

import {ScriptBuilder} from './package-script.js';
import {answer, binSize, completeUpgrade, failingPackage, orderForFailure, perPackageSec, refreshIndex, refreshSec, setVersion, totalKb, type PkgAnswer, type PkgRun} from './package-run.js';
import {knownUpgrades, rebootRequired, type PendingUpgrade} from './package-state.js';
import {nvra} from './pkg-dnf.js';

const REPOS = ['Main Repository', 'Main Update Repository'];
const LOCK_ERROR = 'System management is locked by the application with pid 4242 (zypper).\nClose this application before trying again.\n';

function refresh(b: ScriptBuilder, run: PkgRun, verbose: boolean): boolean {
	if (run.pkgs.failure === 'index-error') {
		b.wait(refreshSec() * 4);
		b.err(`Download (curl) error for 'https://download.opensuse.org/update/leap/${run.distro.release}/oss/repodata/repomd.xml':\nError code: Connection failed\nError message: Could not resolve host: download.opensuse.org\n`);
		b.err(`Abort, retry, ignore? [a/r/i/...? shows all options] (a): a\nRepository '${REPOS[1]}' is invalid.\nCould not refresh the repositories because of errors.`);
		return false;
	}
	for (const repo of REPOS) {
		b.wait(refreshSec() / 2);
		if (run.pkgs.indexStale || verbose) {
			if (run.pkgs.indexStale) b.out(`Retrieving repository '${repo}' metadata ${'.'.repeat(Math.max(3, 40 - repo.length))}[done]`).out(`Building repository '${repo}' cache ${'.'.repeat(Math.max(3, 45 - repo.length))}[done]`);
			else b.out(`Repository '${repo}' is up to date.`);
		}
	}
	if (verbose) b.out('All repositories have been refreshed.');
	refreshIndex(b, run);
	return true;
}

function fresh(run: PkgRun): PendingUpgrade[] {
	return knownUpgrades({...run.pkgs, indexStale: false});
}

export function zypperListUpdates(run: PkgRun): PkgAnswer {
	const b = new ScriptBuilder();
	if (!refresh(b, run, false)) return {script: b.end({code: 4}), locks: true};
	b.out('Loading repository data...').out('Reading installed packages...');
	const upgrades = fresh(run);
	if (upgrades.length === 0) {
		b.out('No updates found.');
		return {script: b.end({code: 0}), locks: true};
	}
	const w = {repo: REPOS[1]!.length, name: Math.max(4, ...upgrades.map((u) => u.name.length)), cur: Math.max(15, ...upgrades.map((u) => u.from.length)), avail: Math.max(17, ...upgrades.map((u) => u.to.length))};
	b.out(`S | ${'Repository'.padEnd(w.repo)} | ${'Name'.padEnd(w.name)} | ${'Current Version'.padEnd(w.cur)} | ${'Available Version'.padEnd(w.avail)} | Arch`);
	b.out(`--+-${'-'.repeat(w.repo)}-+-${'-'.repeat(w.name)}-+-${'-'.repeat(w.cur)}-+-${'-'.repeat(w.avail)}-+-------`);
	for (const u of upgrades) b.out(`v | ${REPOS[1]!.padEnd(w.repo)} | ${u.name.padEnd(w.name)} | ${u.from.padEnd(w.cur)} | ${u.to.padEnd(w.avail)} | x86_64`);
	return {script: b.end({code: 0}), locks: true};
}

export function zypperUpdate(run: PkgRun, nonInteractive: boolean): PkgAnswer {
	const b = new ScriptBuilder();
	if (!refresh(b, run, false)) return {script: b.end({code: 4}), upgrade: true, locks: true};
	b.out('Loading repository data...').out('Reading installed packages...');
	const upgrades = fresh(run);
	if (upgrades.length === 0) {
		b.out('Nothing to do.');
		return {script: b.end({code: 0}), upgrade: true, locks: true};
	}
	const n = upgrades.length;
	b.out('').out(`The following ${n} package${n === 1 ? ' is' : 's are'} going to be upgraded:`).out(`  ${upgrades.map((u) => u.name).join(' ')}`).out('');
	b.out(`${n} package${n === 1 ? '' : 's'} to upgrade.`);
	b.out(`Overall download size: ${binSize(totalKb(upgrades))}. Already cached: 0 B. After the operation, additional ${binSize(totalKb(upgrades) * 0.01)} will be used.`);
	if (!nonInteractive) {
		b.out('Continue? [y/n/v/...? shows all options] (y): ');
		b.err('Unexpected end of input, aborting. (use --non-interactive)');
		return {script: b.end({code: 1}), upgrade: true, locks: true};
	}
	b.out('Continue? [y/n/v/...? shows all options] (y): y');
	const failure = run.pkgs.failure;
	const failing = failure === 'dpkg-error' || failure === 'hang' ? failingPackage(run, upgrades) : undefined;
	const ordered = orderForFailure(upgrades, failing);
	const per = perPackageSec(run, n);
	ordered.forEach((u, i) => {
		b.wait(per * 0.3);
		b.out(`Retrieving: ${nvra(u.name, u.to)} (${REPOS[1]}) (${i + 1}/${n}), ${binSize(u.kb)}`);
	});
	b.out(`Checking for file conflicts: ${'.'.repeat(40)}[done]`);
	const dropAt = failure === 'drop-channel' ? Math.max(1, Math.floor(n / 2)) : -1;
	for (const [i, u] of ordered.entries()) {
		if (i === dropAt) return {script: b.end({drop: true}), upgrade: true, locks: true};
		b.wait(per * 0.7);
		const line = `(${i + 1}/${n}) Installing: ${nvra(u.name, u.to)} `;
		if (u === failing) {
			b.effect(() => setVersion(run, u, 'ii'));
			if (failure === 'hang') return {script: b.end({hang: true}), upgrade: true, locks: true};
			b.out(`${line}${'.'.repeat(Math.max(3, 60 - line.length))}[error]`);
			b.err(`Installation of ${nvra(u.name, u.to)} failed:\nError: Subprocess failed. Error: RPM failed: warning: %post(${nvra(u.name, u.to)}) scriptlet failed, exit status 1\n`);
			b.err('Abort, retry, ignore? [a/r/i] (a): a\nProblem occurred during or after installation or removal of packages:\nInstallation has been aborted as directed.\nPlease see the above error message for a hint.');
			return {script: b.end({code: 8}), upgrade: true, locks: true};
		}
		b.out(`${line}${'.'.repeat(Math.max(3, 60 - line.length))}[done]`);
		b.effect(() => setVersion(run, u, 'ii'));
	}
	if (dropAt >= 0) return {script: b.end({drop: true}), upgrade: true, locks: true};
	completeUpgrade(b, run, ordered);
	return {script: b.end({code: 0}), upgrade: true, locks: true};
}

/** `zypper needs-rebooting`: 102 when core libraries changed since boot. */
export function zypperNeedsRebooting(run: PkgRun): PkgAnswer {
	if (rebootRequired(run.pkgs, run.guest)) return answer(102, 'Core libraries or services have been updated.\nReboot is required to ensure that your system benefits from these updates.\n');
	return answer(0, 'No core libraries or services have been updated.\nReboot is probably not necessary.\n');
}

export function zypperCommand(run: PkgRun, args: string[]): PkgAnswer {
	const flags = new Set(args.filter((a) => a.startsWith('-')));
	const words = args.filter((a) => !a.startsWith('-'));
	const nonInteractive = flags.has('-n') || flags.has('--non-interactive');
	const command = words[0];
	if (command === 'needs-rebooting') return zypperNeedsRebooting(run);
	if (run.pkgs.busy) return answer(7, '', LOCK_ERROR);
	switch (command) {
		case 'refresh': case 'ref': {
			const b = new ScriptBuilder();
			return {script: b.end({code: refresh(b, run, true) ? 0 : 4}), locks: true};
		}
		case 'list-updates': case 'lu': return zypperListUpdates(run);
		case 'update': case 'up': case 'dist-upgrade': case 'dup': return zypperUpdate(run, nonInteractive);
		default: return answer(1, '', `Unknown command '${command ?? ''}'\n`);
	}
}
