// Routes a command run inside a container (`pct exec <vmid> -- …`) to the
// simulated package manager of its distro, plus the health and reboot checks
// an upgrade engine runs around it. Returns undefined for anything else, so
// the caller answers `not found` as before; a manager that does not belong to
// the distro (apk on Debian) is not found either.

import type {SimGuest, SimState} from '../state.js';
import {guestDistro, guestPackages} from './package-state.js';
import {answer, tracked, type PkgAnswer, type PkgRun} from './package-run.js';
import type {Script} from './package-script.js';
import {aptCommand, dpkgCommand, dpkgQuery, rebootFile} from './pkg-apt.js';
import {apkCommand, rcService} from './pkg-apk.js';
import {dnfCommand, needsRestarting, rpmQuery} from './pkg-dnf.js';
import {pacmanCommand} from './pkg-pacman.js';
import {zypperCommand} from './pkg-zypper.js';

/** What the interpreter does with a package command: print and exit, or play a timed script. */
export type PackageOutcome = {code: number; stdout: string; stderr: string} | {script: Script};

/** Drops leading `VAR=value` words and an `env VAR=value …` prefix (e.g. `DEBIAN_FRONTEND=noninteractive apt-get …`). */
export function stripEnvPrefix(argv: string[]): string[] {
	let i = 0;
	if (argv[0] === 'env' || argv[0] === '/usr/bin/env') i = 1;
	while (i < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]!)) i++;
	return i === 0 ? argv : argv.slice(i);
}

/** `/usr/bin/apt-get` → `apt-get`. */
function baseName(cmd: string): string {
	return cmd.slice(cmd.lastIndexOf('/') + 1);
}

function systemctl(run: PkgRun, args: string[]): PkgAnswer {
	const quiet = args.includes('--quiet') || args.includes('-q');
	const [verb, ...units] = args.filter((a) => !a.startsWith('-'));
	const stateOf = (unit: string) => run.pkgs.services[unit.replace(/\.service$/, '')];
	switch (verb) {
		case 'is-active': {
			const states = units.map((u) => stateOf(u) ?? 'inactive');
			return answer(states.every((s) => s === 'active') && units.length > 0 ? 0 : 3, quiet ? '' : states.map((s) => `${s}\n`).join(''));
		}
		case 'is-failed': {
			const states = units.map((u) => stateOf(u) ?? 'inactive');
			return answer(states.some((s) => s === 'failed') ? 0 : 1, quiet ? '' : states.map((s) => `${s}\n`).join(''));
		}
		case 'restart': case 'start': {
			const unit = units[0] ?? '';
			const state = stateOf(unit);
			if (state === undefined) return answer(5, '', `Failed to ${verb} ${unit}: Unit ${unit.replace(/\.service$/, '')}.service not found.\n`);
			if (state === 'failed') {
				const name = `${unit.replace(/\.service$/, '')}.service`;
				return answer(1, '', `Job for ${name} failed because the control process exited with error code.\nSee "systemctl status ${name}" and "journalctl -xeu ${name}" for details.\n`);
			}
			return answer(0);
		}
		default: return answer(1, '', `Unknown command verb '${verb ?? ''}', the simulator answers is-active, is-failed, start and restart.\n`);
	}
}

/** `test -f|-e FILE` and `[ -f FILE ]` for the reboot-required flag files. */
function testFile(run: PkgRun, cmd: string, args: string[]): PkgAnswer | undefined {
	const words = cmd === '[' ? (args[args.length - 1] === ']' ? args.slice(0, -1) : undefined) : args;
	if (!words || words.length !== 2 || (words[0] !== '-f' && words[0] !== '-e')) return undefined;
	return answer(run.pkgs.manager === 'apt' && rebootFile(run, words[1]!) !== undefined ? 0 : 1);
}

function dispatch(run: PkgRun, cmd: string, args: string[]): PkgAnswer | undefined {
	const manager = run.pkgs.manager;
	const alpine = run.distro.family === 'alpine';
	switch (cmd) {
		case 'apt-get': case 'apt': return manager === 'apt' ? aptCommand(run, cmd, args) : undefined;
		case 'dpkg': return manager === 'apt' ? dpkgCommand(run, args) : undefined;
		case 'dpkg-query': return manager === 'apt' ? dpkgQuery(run, args) : undefined;
		case 'apk': return manager === 'apk' ? apkCommand(run, args) : undefined;
		case 'rc-service': return alpine ? rcService(run, args) : undefined;
		case 'dnf': case 'yum': case 'dnf5': return manager === 'dnf' ? dnfCommand(run, args) : undefined;
		case 'needs-restarting': return manager === 'dnf' ? needsRestarting(run) : undefined;
		case 'rpm': return manager === 'dnf' || manager === 'zypper' ? rpmQuery(run, args) : undefined;
		case 'pacman': return manager === 'pacman' ? pacmanCommand(run, args) : undefined;
		case 'zypper': return manager === 'zypper' ? zypperCommand(run, args) : undefined;
		case 'systemctl': return alpine ? undefined : systemctl(run, args);
		case 'test': case '[': return testFile(run, cmd, args);
		case 'cat': {
			// Only the reboot flag files; every other file is the interpreter's own `cat`.
			if (!args.every((a) => /^\/(var\/)?run\/reboot-required(\.pkgs)?$/.test(a)) || args.length === 0) return undefined;
			const parts = args.map((a) => (manager === 'apt' ? rebootFile(run, a) : undefined));
			const missing = args.filter((_, i) => parts[i] === undefined).map((a) => `cat: ${a}: No such file or directory\n`);
			return answer(missing.length > 0 ? 1 : 0, parts.filter((p) => p !== undefined).join(''), missing.join(''));
		}
		default: return undefined;
	}
}

/**
 * A package-manager (or health/reboot check) command inside `guest`, or
 * undefined when it is not one. `now` is the SSH side's ticker clock, used
 * for the upgrade log.
 */
export function packageCommand(state: SimState, guest: SimGuest, argv: string[], now: () => number): PackageOutcome | undefined {
	const [first, ...args] = argv;
	if (first === undefined) return undefined;
	const distro = guestDistro(guest);
	const pkgs = guestPackages(state, guest);
	if (!distro || !pkgs) return undefined;
	const run: PkgRun = {state, guest, pkgs, distro, now};
	const result = dispatch(run, baseName(first), args);
	if (!result || !('script' in result)) return result;
	return {script: result.locks || result.upgrade ? tracked(run, result.script, {upgrade: result.upgrade === true}) : result.script};
}
