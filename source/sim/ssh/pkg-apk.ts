// apk-tools 2.14 inside Alpine containers (sample: apk-upgrade.txt):
// `(i/n) Upgrading name (old -> new)` lines, `Executing …` script lines,
// `OK: … in N packages`, and apk's exit status = the number of errors.

import {ScriptBuilder} from './package-script.js';
import {answer, completeUpgrade, failingPackage, orderForFailure, perPackageSec, refreshIndex, refreshSec, setVersion, type PkgAnswer, type PkgRun} from './package-run.js';
import {knownUpgrades} from './package-state.js';

const MIRROR = 'https://dl-cdn.alpinelinux.org/alpine';
const LOCK_ERROR = 'ERROR: Unable to lock database: temporary error (try again later)\nERROR: Failed to open apk database: temporary error (try again later)\n';

function indexUrls(run: PkgRun): string[] {
	return ['main', 'community'].map((repo) => `${MIRROR}/${run.distro.release}/${repo}`);
}

function installedSummary(run: PkgRun): string {
	const count = Object.keys(run.pkgs.installed).length + 14;
	return `${(count * 0.45).toFixed(0)} MiB in ${count} packages`;
}

/** The fetch lines of an index refresh; false when the mirror cannot be reached. */
function fetchIndexes(b: ScriptBuilder, run: PkgRun): boolean {
	if (run.pkgs.failure === 'index-error') {
		b.wait(refreshSec() * 4);
		for (const url of indexUrls(run)) b.err(`WARNING: updating and opening ${url}: temporary error (try again later)`);
		return false;
	}
	for (const url of indexUrls(run)) {
		b.wait(refreshSec() / 2);
		b.out(`fetch ${url}/x86_64/APKINDEX.tar.gz`);
	}
	refreshIndex(b, run);
	return true;
}

export function apkUpdate(run: PkgRun): PkgAnswer {
	if (run.pkgs.busy) return answer(99, '', LOCK_ERROR);
	const b = new ScriptBuilder();
	if (!fetchIndexes(b, run)) {
		b.out('2 unavailable, 0 stale; 26326 distinct packages available');
		return {script: b.end({code: 2}), locks: true};
	}
	const [main, community] = indexUrls(run);
	b.out(`v3.22.1-45-g1bb4e2d7a5c [${main}]`).out(`v3.22.1-44-gf5ab2b3b2a8 [${community}]`).out('OK: 26326 distinct packages available');
	return {script: b.end({code: 0}), locks: true};
}

export function apkUpgrade(run: PkgRun, refresh: boolean): PkgAnswer {
	if (run.pkgs.busy) return answer(99, '', LOCK_ERROR);
	const b = new ScriptBuilder();
	if (refresh && !fetchIndexes(b, run)) {
		b.out(`2 errors; ${installedSummary(run)}`);
		return {script: b.end({code: 2}), upgrade: true, locks: true};
	}
	// With -U the refreshed index is what the upgrade sees.
	const upgrades = knownUpgrades(refresh ? {...run.pkgs, indexStale: false} : run.pkgs);
	const failure = run.pkgs.failure;
	const failing = failure === 'dpkg-error' || failure === 'hang' ? failingPackage(run, upgrades) : undefined;
	const ordered = orderForFailure(upgrades, failing);
	const per = perPackageSec(run, ordered.length);
	const dropAt = failure === 'drop-channel' ? Math.max(1, Math.floor(ordered.length / 2)) : -1;
	let errors = 0;
	for (const [i, u] of ordered.entries()) {
		if (i === dropAt) return {script: b.end({drop: true}), upgrade: true, locks: true};
		b.wait(per);
		b.out(`(${i + 1}/${ordered.length}) Upgrading ${u.name} (${u.from} -> ${u.to})`);
		b.effect(() => setVersion(run, u, 'ii'));
		if (u === failing) {
			b.out(`Executing ${u.name}-${u.to}.post-upgrade`);
			if (failure === 'hang') return {script: b.end({hang: true}), upgrade: true, locks: true};
			b.err(`ERROR: ${u.name}-${u.to}.post-upgrade: script exited with error 1`);
			errors++;
		} else if (u.name === 'busybox') b.out(`Executing busybox-${u.to}.post-upgrade`);
	}
	if (dropAt >= 0 && ordered.length > 0) return {script: b.end({drop: true}), upgrade: true, locks: true};
	if (ordered.some((u) => u.name === 'busybox')) b.out(`Executing busybox-${ordered.find((u) => u.name === 'busybox')!.to}.trigger`);
	if (errors > 0) {
		b.out(`${errors} error${errors === 1 ? '' : 's'}; ${installedSummary(run)}`);
		return {script: b.end({code: errors}), upgrade: true, locks: true};
	}
	completeUpgrade(b, run, ordered);
	b.out(`OK: ${installedSummary(run)}`);
	return {script: b.end({code: 0}), upgrade: true, locks: true};
}

/** `apk version -l '<'`: installed versions older than the index's. */
export function apkVersion(run: PkgRun): PkgAnswer {
	const lines = knownUpgrades(run.pkgs).map((u) => `${`${u.name}-${u.from}`.padEnd(40)}< ${u.to} \n`);
	return answer(0, `${'Installed:'.padEnd(42)}Available:\n${lines.join('')}`);
}

/** `apk list -u` / `apk list --upgradable`. */
export function apkListUpgradable(run: PkgRun): PkgAnswer {
	const lines = knownUpgrades(run.pkgs).map((u) => `${u.name}-${u.to} x86_64 {${u.name}} (MIT) [upgradable from: ${u.name}-${u.from}]\n`);
	return answer(0, lines.join(''));
}

/** `apk info -v [names]`: name-version lines; `apk info -e name`: exit 0 when installed. */
export function apkInfo(run: PkgRun, args: string[]): PkgAnswer {
	const names = args.filter((a) => !a.startsWith('-'));
	const installed = run.pkgs.installed;
	if (args.includes('-e') || args.includes('--installed')) {
		const found = names.filter((n) => installed[n]);
		return answer(names.length - found.length, found.map((n) => `${n}\n`).join(''));
	}
	const wanted = names.length > 0 ? names.filter((n) => installed[n]) : Object.keys(installed);
	return answer(0, wanted.map((n) => `${n}-${installed[n]!.version}\n`).join(''));
}

export function apkCommand(run: PkgRun, args: string[]): PkgAnswer {
	const words = args.filter((a) => !a.startsWith('-'));
	const flags = new Set(args.filter((a) => a.startsWith('-')));
	switch (words[0]) {
		case 'update': return apkUpdate(run);
		case 'upgrade': return apkUpgrade(run, flags.has('-U') || flags.has('--update-cache') || flags.has('--no-cache'));
		case 'version':
			if (!(flags.has('-l') && words[1] === '<')) return answer(1, '', "ERROR: the simulator only answers apk version -l '<'\n");
			return apkVersion(run);
		case 'list':
			if (!(flags.has('-u') || flags.has('--upgradable') || flags.has('--upgradeable'))) return answer(1, '', 'ERROR: the simulator only answers apk list -u\n');
			return apkListUpgradable(run);
		case 'info': return apkInfo(run, args.slice(1));
		default: return answer(1, '', `apk-tools 2.14.9, compiled for x86_64.\n\nERROR: unknown command '${words[0] ?? ''}'\n`);
	}
}

/** OpenRC's `rc-service <svc> status` (Alpine's health check). */
export function rcService(run: PkgRun, args: string[]): PkgAnswer {
	const [name, action] = args;
	if (name === undefined) return answer(1, '', ' * rc-service: you need to specify a service\n');
	const state = run.pkgs.services[name];
	if (state === undefined) return answer(1, '', ` * rc-service: service \`${name}' does not exist\n`);
	if (action !== 'status') return answer(1, '', ` * rc-service: the simulator only answers status\n`);
	return state === 'active' ? answer(0, ' * status: started\n') : answer(32, ' * status: crashed\n');
}
