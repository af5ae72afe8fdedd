// apt-get / apt / dpkg inside Debian and Ubuntu containers, worded like APT
// 3.0 and dpkg 1.22 (samples: apt-get-upgrade-debian-bookworm.txt,
// apt-get-dist-upgrade-noninteractive-abort.txt). Exit codes as the real
// tools: 100 for apt errors, 1 for "Abort." without -y, dpkg's 1.

import {ScriptBuilder, type Script} from './package-script.js';
import {answer, aptSize, completeUpgrade, failingPackage, orderForFailure, perPackageSec, refreshIndex, refreshSec, setStatus, setVersion, totalKb, tracked, type PkgAnswer, type PkgRun} from './package-run.js';
import {knownUpgrades, rebootRequired, unconfigured, type PendingUpgrade} from './package-state.js';

const APT_CLI_WARNING = '\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n';
const LOCK_ERROR = 'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)\nN: Be aware that removing the lock file is not a solution and may break your system.\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?\n';
const INTERRUPTED = "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem. \n";

interface AptArgs {
	command?: string;
	yes: boolean;
	simulate: boolean;
	quiet: number;
	/** `-o APT::Update::Error-Mode=any`: failed fetches are errors (exit 100) instead of warnings. */
	errorModeAny: boolean;
	upgradable: boolean;
}

function parseAptArgs(args: string[]): AptArgs | string {
	const out: AptArgs = {yes: false, simulate: false, quiet: 0, errorModeAny: false, upgradable: false};
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if (arg === '-y' || arg === '--yes' || arg === '--assume-yes') out.yes = true;
		else if (arg === '-s' || arg === '--simulate' || arg === '--dry-run' || arg === '--just-print' || arg === '--no-act') out.simulate = true;
		else if (arg === '-q' || arg === '--quiet') out.quiet = Math.max(out.quiet, 1);
		else if (arg === '-qq' || arg === '-q=2' || arg === '--quiet=2') out.quiet = 2;
		else if (arg === '--upgradable') out.upgradable = true;
		else if (arg === '-o' || arg.startsWith('-o') || arg.startsWith('--option')) {
			const value = arg === '-o' || arg === '--option' ? args[++i] ?? '' : arg.replace(/^(-o|--option=)/, '');
			if (/^APT::Update::Error-Mode=any$/i.test(value)) out.errorModeAny = true;
		} else if (['--no-install-recommends', '--with-new-pkgs', '--fix-broken', '-f', '--allow-downgrades', '--auto-remove', '--purge'].includes(arg)) continue;
		else if (arg.startsWith('-')) return arg.startsWith('--') ? `E: Command line option --${arg.slice(2).split('=')[0]} is not understood in combination with the other options` : `E: Command line option '${arg.slice(1, 2)}' [from ${arg}] is not known.`;
		else if (out.command === undefined) out.command = arg;
	}
	return out;
}

interface Repo {
	url: string;
	suite: string;
	kb: number;
}

function repos(run: PkgRun): Repo[] {
	const r = run.distro.release;
	if (run.distro.family === 'ubuntu') {
		return [
			{url: 'http://archive.ubuntu.com/ubuntu', suite: r, kb: 265},
			{url: 'http://archive.ubuntu.com/ubuntu', suite: `${r}-updates`, kb: 126},
			{url: 'http://archive.ubuntu.com/ubuntu', suite: `${r}-backports`, kb: 126},
			{url: 'http://security.ubuntu.com/ubuntu', suite: `${r}-security`, kb: 126},
		];
	}
	return [
		{url: 'http://deb.debian.org/debian', suite: r, kb: 138},
		{url: 'http://deb.debian.org/debian', suite: `${r}-updates`, kb: 47.3},
		{url: 'http://deb.debian.org/debian-security', suite: `${r}-security`, kb: 43.4},
	];
}

/** The archive an upgrade comes from (security uploads vs point updates). */
function suiteOf(run: PkgRun, u: PendingUpgrade): string {
	const r = run.distro.release;
	if (u.reboot) return `${r}-security`;
	return run.distro.family === 'ubuntu' ? `${r}-updates` : r;
}

function archiveLabel(run: PkgRun, u: PendingUpgrade): string {
	if (run.distro.family === 'ubuntu') return `Ubuntu:25.04/${suiteOf(run, u)} [amd64]`;
	return u.reboot ? 'Debian-Security:13/stable-security [amd64]' : 'Debian:13.2/stable [amd64]';
}

function pkgArch(name: string): string {
	return /^(lib|perl-base|zlib1g)/.test(name) ? `${name}:amd64` : name;
}

function debFile(u: PendingUpgrade): string {
	return `${u.name}_${u.to.replace(/^\d+:/, '')}_amd64.deb`;
}

function header(b: ScriptBuilder, quiet: number, calculating: boolean): void {
	if (quiet >= 2) return;
	b.out('Reading package lists... Done').out('Building dependency tree... Done').out('Reading state information... Done');
	if (calculating) b.out('Calculating upgrade... Done');
}

function wrapList(names: string[]): string {
	const lines: string[] = [];
	let line = ' ';
	for (const name of names) {
		if (line.length + name.length + 1 > 79 && line.trim()) {
			lines.push(line);
			line = ' ';
		}
		line += ` ${name}`;
	}
	lines.push(line);
	return lines.join('\n');
}

function summary(count: number): string {
	return `${count} upgraded, 0 newly installed, 0 to remove and 0 not upgraded.`;
}

/** `-qq`: apt prints nothing but errors and warnings. */
function silenced(script: Script): Script {
	return {...script, events: script.events.map(({stdout: _stdout, ...rest}) => rest)};
}

export function aptGetUpdate(run: PkgRun, args: AptArgs, cli: 'apt-get' | 'apt'): PkgAnswer {
	const result = refreshLists(run, args, cli);
	return args.quiet >= 2 && 'script' in result ? {...result, script: silenced(result.script)} : result;
}

function refreshLists(run: PkgRun, args: AptArgs, cli: 'apt-get' | 'apt'): PkgAnswer {
	if (run.pkgs.busy) return answer(100, '', 'E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)\nN: Be aware that removing the lock file is not a solution and may break your system.\nE: Unable to lock directory /var/lib/apt/lists/\n');
	const b = new ScriptBuilder();
	if (cli === 'apt') b.err(APT_CLI_WARNING);
	const list = repos(run);
	const host = (url: string) => new URL(url).hostname;
	if (run.pkgs.failure === 'index-error') {
		list.forEach((r, i) => b.out(`Ign:${i + 1} ${r.url} ${r.suite} InRelease`));
		b.wait(refreshSec() * 4);
		list.forEach((r, i) => b.out(`Err:${i + 1} ${r.url} ${r.suite} InRelease\n  Temporary failure resolving '${host(r.url)}'`));
		b.out('Reading package lists... Done');
		const level = args.errorModeAny ? 'E' : 'W';
		for (const r of list) b.err(`${level}: Failed to fetch ${r.url}/dists/${r.suite}/InRelease  Temporary failure resolving '${host(r.url)}'`);
		b.err(`${level}: Some index files failed to download. They have been ignored, or old ones used instead.`);
		return {script: b.end({code: args.errorModeAny ? 100 : 0}), locks: true};
	}
	const stale = run.pkgs.indexStale;
	let fetched = 0;
	list.forEach((r, i) => {
		b.wait(refreshSec() / list.length);
		// A stale index downloads the updates/security lists; a fresh one only checks them.
		if (stale && i > 0) {
			fetched += r.kb;
			b.out(`Get:${i + 1} ${r.url} ${r.suite} InRelease [${r.kb} kB]`);
		} else b.out(`Hit:${i + 1} ${r.url} ${r.suite} InRelease`);
	});
	if (stale) {
		const packagesKb = 52.1 + knownUpgrades({...run.pkgs, indexStale: false}).length * 3.7;
		fetched += packagesKb;
		b.out(`Get:${list.length + 1} ${list[list.length - 1]!.url} ${list[list.length - 1]!.suite}/main amd64 Packages [${packagesKb.toFixed(1)} kB]`);
		b.out(`Fetched ${Math.round(fetched)} kB in ${Math.max(1, Math.round(refreshSec()))}s (${Math.round(fetched / refreshSec())} kB/s)`);
	}
	refreshIndex(b, run);
	b.out('Reading package lists... Done');
	if (cli === 'apt') {
		b.out('Building dependency tree... Done').out('Reading state information... Done');
		const count = knownUpgrades({...run.pkgs, indexStale: false}).length;
		b.out(count === 0 ? 'All packages are up to date.' : `${count} package${count === 1 ? ' can' : 's can'} be upgraded. Run 'apt list --upgradable' to see ${count === 1 ? 'it' : 'them'}.`);
	}
	return {script: b.end({code: 0}), locks: true};
}

/** `apt list --upgradable`: one line per upgrade the local index knows. */
export function aptListUpgradable(run: PkgRun): PkgAnswer {
	const lines = knownUpgrades(run.pkgs).map((u) => `${u.name}/${suiteOf(run, u)} ${u.to} amd64 [upgradable from: ${u.from}]\n`);
	return answer(0, `Listing... Done\n${lines.join('')}`, APT_CLI_WARNING);
}

/** `apt-get -s dist-upgrade`: what would happen, as Inst/Conf lines. */
function simulate(run: PkgRun, args: AptArgs): PkgAnswer {
	const upgrades = knownUpgrades(run.pkgs);
	let out = '';
	if (args.quiet < 2) {
		out += 'Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\nCalculating upgrade... Done\n';
		if (upgrades.length > 0) out += `The following packages will be upgraded:\n${wrapList(upgrades.map((u) => u.name))}\n`;
		out += `${summary(upgrades.length)}\n`;
	}
	for (const u of upgrades) out += `Inst ${u.name} [${u.from}] (${u.to} ${archiveLabel(run, u)})\n`;
	for (const u of upgrades) out += `Conf ${u.name} (${u.to} ${archiveLabel(run, u)})\n`;
	return answer(0, out);
}

export function aptUpgrade(run: PkgRun, args: AptArgs, cli: 'apt-get' | 'apt'): PkgAnswer {
	if (args.simulate) return simulate(run, args);
	if (run.pkgs.busy) return answer(100, '', LOCK_ERROR);
	if (unconfigured(run.pkgs).length > 0) return answer(100, '', INTERRUPTED);
	const upgrades = knownUpgrades(run.pkgs);
	const b = new ScriptBuilder();
	if (cli === 'apt') b.err(APT_CLI_WARNING);
	header(b, args.quiet, true);
	if (upgrades.length === 0) {
		if (args.quiet < 2) b.out(summary(0));
		return {script: b.end({code: 0}), upgrade: true, locks: true};
	}
	const kb = totalKb(upgrades);
	if (args.quiet < 2) {
		b.out(`The following packages will be upgraded:\n${wrapList(upgrades.map((u) => u.name))}`);
		b.out(summary(upgrades.length));
		b.out(`Need to get ${aptSize(kb)} of archives.`);
		b.out(`After this operation, ${aptSize(Math.max(1, kb * 0.004))} of additional disk space will be used.`);
	}
	if (!args.yes) {
		// Without a terminal apt cannot ask, so it aborts (the recorded sample).
		b.out('Do you want to continue? [Y/n] Abort.');
		return {script: b.end({code: 1}), upgrade: true, locks: true};
	}
	const failure = run.pkgs.failure;
	const failing = failure === 'dpkg-error' || failure === 'hang' ? failingPackage(run, upgrades) : undefined;
	const ordered = orderForFailure(upgrades, failing);
	const per = perPackageSec(run, ordered.length);
	ordered.forEach((u, i) => {
		b.wait(per * 0.3);
		b.out(`Get:${i + 1} ${u.reboot ? `${repos(run).at(-1)!.url}` : repos(run)[0]!.url} ${suiteOf(run, u)}/main amd64 ${u.name} amd64 ${u.to} [${aptSize(u.kb)}]`);
	});
	b.out(`Fetched ${aptSize(kb)} in ${Math.max(1, Math.round(per * 0.3 * ordered.length))}s (${aptSize(kb / Math.max(0.1, per * 0.3 * ordered.length))}/s)`);
	// apt hands dpkg the packages in batches and stops after the first failing one,
	// so with an injected failure only the packages up to it are touched.
	const batch = failing ? ordered.slice(0, ordered.indexOf(failing) + 1) : ordered;
	b.out('(Reading database ... 21349 files and directories currently installed.)');
	const dropAt = failure === 'drop-channel' ? Math.max(1, Math.floor(batch.length / 2)) : -1;
	for (const [i, u] of batch.entries()) {
		if (i === dropAt) return {script: b.end({drop: true}), upgrade: true, locks: true};
		b.wait(per * 0.35);
		b.out(`Preparing to unpack .../${String(i).padStart(2, '0')}-${debFile(u)} ...`);
		b.out(`Unpacking ${pkgArch(u.name)} (${u.to}) over (${u.from}) ...`);
		b.effect(() => setVersion(run, u, 'iU'));
	}
	if (dropAt >= 0) return {script: b.end({drop: true}), upgrade: true, locks: true};
	for (const u of batch) {
		b.wait(per * 0.35);
		b.out(`Setting up ${pkgArch(u.name)} (${u.to}) ...`);
		if (u === failing) {
			b.effect(() => setStatus(run, u.name, 'iF'));
			if (failure === 'hang') return {script: b.end({hang: true}), upgrade: true, locks: true};
			b.out(`dpkg: error processing package ${u.name} (--configure):\n installed ${u.name} package post-installation script subprocess returned error exit status 1`);
			continue;
		}
		b.effect(() => setStatus(run, u.name, 'ii'));
	}
	const libc = batch.find((u) => u.name === 'libc-bin' || u.name === 'libc6');
	if (libc) b.out(`Processing triggers for libc-bin (${libc.to}) ...`);
	if (failing) {
		b.out(`Errors were encountered while processing:\n ${failing.name}`);
		b.err('E: Sub-process /usr/bin/dpkg returned an error code (1)');
		return {script: b.end({code: 100}), upgrade: true, locks: true};
	}
	completeUpgrade(b, run, ordered);
	return {script: b.end({code: 0}), upgrade: true, locks: true};
}

/** apt-get / apt entry point. */
export function aptCommand(run: PkgRun, cli: 'apt-get' | 'apt', rawArgs: string[]): PkgAnswer {
	const args = parseAptArgs(rawArgs);
	if (typeof args === 'string') return answer(100, '', `${args}\n`);
	switch (args.command) {
		case 'update': return aptGetUpdate(run, args, cli);
		case 'upgrade': case 'dist-upgrade': return aptUpgrade(run, args, cli);
		case 'full-upgrade': return cli === 'apt' ? aptUpgrade(run, args, cli) : answer(100, '', 'E: Invalid operation full-upgrade\n');
		case 'list':
			if (cli === 'apt' && args.upgradable) return aptListUpgradable(run);
			return answer(100, '', cli === 'apt' ? 'E: the simulator only answers apt list --upgradable\n' : 'E: Invalid operation list\n');
		case undefined: return answer(100, '', cli === 'apt' ? 'apt 3.0.3 (amd64)\n' : 'E: No command given\n');
		default: return answer(100, '', `E: Invalid operation ${args.command}\n`);
	}
}

/** `dpkg --configure -a`: configures what an interrupted or failed run left behind. */
export function dpkgCommand(run: PkgRun, args: string[]): PkgAnswer {
	if (!(args[0] === '--configure' && args[1] === '-a')) return answer(2, '', `dpkg: error: the simulator only answers dpkg --configure -a\n`);
	if (run.pkgs.busy) return answer(2, '', 'dpkg: error: dpkg frontend lock was locked by another process with pid 4242\nNote: removing the lock file is always wrong, and can end up damaging the\nlocked area and the entire system. See <https://wiki.debian.org/Teams/Dpkg/FAQ#db-lock>.\n');
	const pending = unconfigured(run.pkgs);
	const b = new ScriptBuilder();
	let failed: string | undefined;
	for (const name of pending) {
		const entry = run.pkgs.installed[name]!;
		b.wait(perPackageSec(run, pending.length) * 0.4);
		b.out(`Setting up ${pkgArch(name)} (${entry.version}) ...`);
		// The post-installation script that failed (or hung) does so again.
		if (entry.status === 'iF' && (run.pkgs.failure === 'dpkg-error' || run.pkgs.failure === 'hang')) {
			if (run.pkgs.failure === 'hang') return {script: b.end({hang: true}), locks: true};
			b.out(`dpkg: error processing package ${name} (--configure):\n installed ${name} package post-installation script subprocess returned error exit status 1`);
			failed = name;
			continue;
		}
		b.effect(() => setStatus(run, name, 'ii'));
	}
	if (failed) {
		b.out(`Errors were encountered while processing:\n ${failed}`);
		return {script: b.end({code: 1}), locks: true};
	}
	return {script: b.end({code: 0}), locks: true};
}

/** `dpkg-query -W [-f FORMAT] [pkg…]`: installed versions. */
export function dpkgQuery(run: PkgRun, args: string[]): PkgAnswer {
	let format = '${binary:Package}\t${Version}\n';
	const names: string[] = [];
	let show = false;
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		if (arg === '-W' || arg === '--show') show = true;
		else if (arg === '-f' || arg === '--showformat') format = args[++i] ?? '';
		else if (arg.startsWith('--showformat=')) format = arg.slice('--showformat='.length);
		else if (arg.startsWith('-f') && arg.length > 2) format = arg.slice(2);
		else names.push(arg);
	}
	if (!show) return answer(2, '', 'dpkg-query: error: the simulator only answers dpkg-query -W\n');
	const installed = run.pkgs.installed;
	const wanted = names.length > 0 ? names : Object.keys(installed);
	let stdout = '';
	let stderr = '';
	for (const name of wanted) {
		const p = installed[name];
		if (!p) {
			stderr += `dpkg-query: no packages found matching ${name}\n`;
			continue;
		}
		const status = p.status === 'ii' ? 'install ok installed' : p.status === 'iU' ? 'install ok unpacked' : 'install ok half-configured';
		stdout += format
			.replaceAll('${binary:Package}', pkgArch(name))
			.replaceAll('${Package}', name)
			.replaceAll('${Version}', p.version)
			.replaceAll('${Status}', status)
			.replaceAll('${db:Status-Abbrev}', `${p.status} `)
			.replaceAll('\\n', '\n')
			.replaceAll('\\t', '\t');
	}
	return answer(stderr ? 1 : 0, stdout, stderr);
}

/** /var/run/reboot-required and its .pkgs list, present while an upgrade asked for a reboot this boot. */
export function rebootFile(run: PkgRun, path: string): string | undefined {
	if (!rebootRequired(run.pkgs, run.guest)) return undefined;
	const file = path.replace(/^\/var\/run\//, '/run/');
	if (file === '/run/reboot-required') return '*** System restart required ***\n';
	if (file === '/run/reboot-required.pkgs') return run.pkgs.rebootPackages.map((n) => `${n}\n`).join('');
	return undefined;
}
