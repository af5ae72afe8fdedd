// pacman inside Arch containers (sample: pacman-Syu.txt). `-Qu` reads the
// local sync databases (stale until `-Sy`) and exits 1 when nothing is
// upgradable; without --noconfirm a non-tty `-Syu` cannot answer and stops.

import {ScriptBuilder} from './package-script.js';
import {answer, binSize, completeUpgrade, failingPackage, orderForFailure, perPackageSec, refreshIndex, refreshSec, setVersion, totalKb, type PkgAnswer, type PkgRun} from './package-run.js';
import {knownUpgrades} from './package-state.js';

const LOCK_ERROR = 'error: failed to init transaction (unable to lock database)\nerror: could not lock database: File exists\n  if you\'re sure a package manager is not already\n  running, you can remove /var/lib/pacman/db.lck\n';

function sync(b: ScriptBuilder, run: PkgRun): boolean {
	b.out(':: Synchronizing package databases...');
	if (run.pkgs.failure === 'index-error') {
		b.wait(refreshSec() * 4);
		for (const db of ['core', 'extra']) b.err(`error: failed retrieving file '${db}.db' from geo.mirror.pkgbuild.com : Could not resolve host: geo.mirror.pkgbuild.com`);
		b.err('error: failed to synchronize all databases (unexpected error)');
		return false;
	}
	for (const db of ['core', 'extra']) {
		b.wait(refreshSec() / 2);
		b.out(run.pkgs.indexStale ? ` ${db} downloading...` : ` ${db} is up to date`);
	}
	refreshIndex(b, run);
	return true;
}

export function pacmanSync(run: PkgRun): PkgAnswer {
	const b = new ScriptBuilder();
	return {script: b.end({code: sync(b, run) ? 0 : 1}), locks: true};
}

export function pacmanUpgrade(run: PkgRun, refresh: boolean, noconfirm: boolean): PkgAnswer {
	const b = new ScriptBuilder();
	if (refresh && !sync(b, run)) return {script: b.end({code: 1}), upgrade: true, locks: true};
	const upgrades = knownUpgrades(refresh ? {...run.pkgs, indexStale: false} : run.pkgs);
	b.out(':: Starting full system upgrade...');
	if (upgrades.length === 0) {
		b.out(' there is nothing to do');
		return {script: b.end({code: 0}), upgrade: true, locks: true};
	}
	b.out('resolving dependencies...').out('looking for conflicting packages...').out('');
	const names = upgrades.map((u) => `${u.name}-${u.to}`);
	b.out(`Packages (${upgrades.length}) ${names.join('  ')}`).out('');
	const kb = totalKb(upgrades);
	b.out(`Total Download Size:   ${binSize(kb, 2).padStart(10)}`).out(`Total Installed Size:  ${binSize(kb * 3.1, 2).padStart(10)}`).out(`Net Upgrade Size:      ${binSize(kb * 0.02, 2).padStart(10)}`).out('');
	if (!noconfirm) {
		b.out(':: Proceed with installation? [Y/n] ');
		b.err('error: no terminal to answer the question (use --noconfirm)');
		return {script: b.end({code: 1}), upgrade: true, locks: true};
	}
	b.out(':: Proceed with installation? [Y/n] ').out(':: Retrieving packages...');
	const failure = run.pkgs.failure;
	const failing = failure === 'dpkg-error' || failure === 'hang' ? failingPackage(run, upgrades) : undefined;
	const ordered = orderForFailure(upgrades, failing);
	const per = perPackageSec(run, ordered.length);
	for (const u of ordered) {
		b.wait(per * 0.3);
		b.out(` ${u.name}-${u.to}-x86_64 downloading...`);
	}
	b.out('checking keyring...').out('checking package integrity...').out('loading package files...').out('checking for file conflicts...').out(':: Processing package changes...');
	const dropAt = failure === 'drop-channel' ? Math.max(1, Math.floor(ordered.length / 2)) : -1;
	for (const [i, u] of ordered.entries()) {
		if (i === dropAt) return {script: b.end({drop: true}), upgrade: true, locks: true};
		b.wait(per * 0.7);
		b.out(`upgrading ${u.name}...`);
		b.effect(() => setVersion(run, u, 'ii'));
		if (u === failing) {
			if (failure === 'hang') return {script: b.end({hang: true}), upgrade: true, locks: true};
			// The post-upgrade script fails after the files are in place: earlier packages stay upgraded.
			b.err('error: command failed to execute correctly').err(`error: ${u.name}: post-upgrade script failed`);
			return {script: b.end({code: 1}), upgrade: true, locks: true};
		}
	}
	if (dropAt >= 0) return {script: b.end({drop: true}), upgrade: true, locks: true};
	b.out(':: Running post-transaction hooks...').out('(1/2) Reloading system manager configuration...').out('(2/2) Arming ConditionNeedsUpdate...');
	completeUpgrade(b, run, ordered);
	return {script: b.end({code: 0}), upgrade: true, locks: true};
}

export function pacmanCommand(run: PkgRun, args: string[]): PkgAnswer {
	const op = args.find((a) => /^-[A-Za-z]+$/.test(a)) ?? '';
	const names = args.filter((a) => !a.startsWith('-'));
	const noconfirm = args.includes('--noconfirm');
	if (op.startsWith('-Q')) {
		if (op.includes('u')) {
			const lines = knownUpgrades(run.pkgs).map((u) => `${u.name} ${u.from} -> ${u.to}\n`);
			return answer(lines.length > 0 ? 0 : 1, lines.join(''));
		}
		const installed = run.pkgs.installed;
		const wanted = names.length > 0 ? names : Object.keys(installed);
		const found = wanted.filter((n) => installed[n]);
		const errors = wanted.filter((n) => !installed[n]).map((n) => `error: package '${n}' was not found\n`);
		return answer(errors.length > 0 ? 1 : 0, found.map((n) => `${n} ${installed[n]!.version}\n`).join(''), errors.join(''));
	}
	if (op.startsWith('-S')) {
		if (run.pkgs.busy) return answer(1, '', LOCK_ERROR);
		const refresh = op.includes('y');
		if (op.includes('u')) return pacmanUpgrade(run, refresh, noconfirm);
		if (refresh && names.length === 0) return pacmanSync(run);
	}
	return answer(1, '', 'error: the simulator answers pacman -Sy, -Syu, -Qu and -Q only\n');
}
