// The simulator's command interpreter: what a root shell on a Proxmox node
// answers, from the same SimState as the API. Pure apart from time: a command
// gets argv and an output sink and resolves with its exit code; following
// commands (`journalctl -f`, `tail -F`) keep writing on a ticker until they
// are killed or their container stops. The SSH server (server.ts), the tests
// and the real-sshd helper script all drive this one interpreter.
//
// Host:  pct list|status|listsnapshot|exec|config|start|stop|shutdown|reboot|
//        snapshot|delsnapshot|rollback, qm (the same for VMs), pveversion, journalctl, zfs list, zpool
//        list|status, sh|bash -c, true, false, exit, echo, uptime, hostname,
//        cat /etc/os-release, ssh NODE -- command (to another cluster node);
//        anything else → `bash: foo: command not found` (127).
// Inside `pct exec <vmid> -- …` (Debian/Ubuntu; Alpine has busybox):
//        journalctl, tail [-F|-f] [-n N] /var/log/messages (Alpine), cat,
//        uptime, hostname, echo, true, false, exit, sh -c, and the distro's
//        package manager with its health/reboot checks (package-commands.ts;
//        `VAR=value` / `env VAR=value` prefixes are dropped); anything else →
//        `sh: 1: foo: not found` (127).
// When a container stops while a command runs inside it, the command ends
// with 137 (its processes are SIGKILLed; 128+9 is the status `pct exec`
// passes on for a killed process).

import type {SimGuest, SimNode, SimState} from '../state.js';
import {guestUptime, markChanged, nodeUptime} from '../state.js';
import {formatJournalLine, guestJournal, history, hostJournal, latestIndex, type Journal, type JournalFormat, JOURNAL_FORMATS} from './journal.js';
import type {CommandOutcome} from './outcome.js';
import {containerOn, pctList, pctListSnapshot, pctStatus, vmOn} from './pct.js';
import {GUEST_CLI_WRITES, guestCli, pveversion} from './guest-cli.js';
import {packageCommand, stripEnvPrefix} from './package-commands.js';
import {playScript} from './package-script.js';
import {parseCommandList, ShellSyntaxError} from './shell-words.js';
import {osRelease, uptimeLine} from './system-files.js';
import {zfsCommand, zpoolCommand} from './zfs.js';

export type {CommandOutcome} from './outcome.js';

/** Real-time source for follow rates (tests inject a manual one). */
export interface Ticker {
	now(): number;
	/** Calls fn every ms; returns a cancel function. */
	every(ms: number, fn: () => void): () => void;
}

export const REAL_TICKER: Ticker = {
	now: () => performance.now(),
	every(ms, fn) {
		const handle = setInterval(fn, ms);
		return () => clearInterval(handle);
	},
};

export interface SimShellOptions {
	state: SimState;
	/** The node this shell runs on (default: the first node). */
	node?: string;
	/** Lines per second a follow adds (default 2). */
	journalRate?: number;
	hostileLines?: boolean;
	ticker?: Ticker;
}

export interface SimIO {
	stdout(text: string): void;
	stderr(text: string): void;
}

export interface SimProcess {
	/** Resolves with the exit code. */
	exit: Promise<number>;
	/** Ends the command (as SIGTERM would): exit 143. */
	kill(): void;
}

/** Exit status of a process killed by SIGTERM / SIGKILL (128 + signal). */
const KILLED_TERM = 143;
const KILLED_CONTAINER_STOP = 137;
/** A follow never writes more than this many lines per tick, so a huge rate cannot stall the event loop. */
const MAX_BURST = 20_000;

interface Scope {
	node: SimNode;
	/** Set when running inside a container. */
	guest?: SimGuest;
}

class Shell {
	readonly state: SimState;
	readonly rate: number;
	readonly ticker: Ticker;

	constructor(readonly options: SimShellOptions) {
		this.state = options.state;
		this.rate = options.journalRate ?? 2;
		this.ticker = options.ticker ?? REAL_TICKER;
	}

	node(): SimNode {
		const name = this.options.node ?? this.state.nodes.keys().next().value;
		const node = name === undefined ? undefined : this.state.nodes.get(name);
		if (!node) throw new Error(`simulator has no node ${String(name)}`);
		return node;
	}

	async run(argv: string[], io: SimIO, scope: Scope, signal: AbortSignal): Promise<number> {
		const [cmd, ...args] = argv;
		if (cmd === undefined) return 0;
		if (scope.guest) return this.inGuest(cmd, args, io, scope as Required<Scope>, signal);
		switch (cmd) {
			case 'pct': return this.pct(args, io, scope, signal);
			case 'qm': return this.qm(args, io, scope, signal);
			case 'pveversion': return emit(io, pveversion(scope.node, this.state));
			case 'journalctl': {
				const parsed = parseJournalArgs(args);
				if ('error' in parsed) return emit(io, {code: 1, stdout: '', stderr: `${parsed.error}\n`});
				const journal = hostJournal(this.state, scope.node, parsed.unit);
				return this.journal(journal, parsed, io, signal, () => true);
			}
			case 'zfs': return emit(io, zfsCommand(this.state, scope.node, args));
			case 'zpool': return emit(io, zpoolCommand(scope.node, args));
			case 'uptime': return emit(io, ok(uptimeLine(this.state.clock(), nodeUptime(this.state, scope.node), {seed: this.state.seed, key: 0, base: (scope.node.cpuBase ?? 0.1) * scope.node.cpuinfo.cpus}, false)));
			case 'hostname': return emit(io, ok(`${scope.node.name}\n`));
			case 'cat': return emit(io, cat(args, scope));
			case 'ssh': return this.hop(args, io, signal);
			default: {
				const common = await this.common(cmd, args, io, scope, signal);
				if (common !== undefined) return common;
				return emit(io, {code: 127, stdout: '', stderr: `bash: ${cmd}: command not found\n`});
			}
		}
	}

	/** Built-ins both shells know: true, false, exit, echo, sh/bash -c. */
	private async common(cmd: string, args: string[], io: SimIO, scope: Scope, signal: AbortSignal): Promise<number | undefined> {
		switch (cmd) {
			case 'true': return 0;
			case 'false': return 1;
			case 'exit': return Number.parseInt(args[0] ?? '0', 10) & 0xff || 0;
			case 'echo': return emit(io, ok(`${args.join(' ')}\n`));
			case 'sh': case 'bash': case '/bin/sh': case '/bin/bash':
				if (args[0] !== '-c' || args[1] === undefined) return undefined;
				return this.script(args[1], io, scope, signal);
			default: return undefined;
		}
	}

	/**
	 * `ssh [-o opt] [-T] [root@]NODE [--] command…` from one cluster node to
	 * another, as the cluster's own root SSH keys allow (pvecm sets them up;
	 * migration uses them). The command words are joined and run by the other
	 * node's shell. An offline node does not answer; an unknown name does not
	 * resolve; no command would need a terminal. Failures exit 255 as ssh does.
	 */
	private async hop(args: string[], io: SimIO, signal: AbortSignal): Promise<number> {
		let i = 0;
		for (; i < args.length; i++) {
			const arg = args[i]!;
			if (arg === '-o' || arg === '-p' || arg === '-l' || arg === '-i') i++;
			else if (/^-[TtqxnNv46]+$/.test(arg) || /^-o./.test(arg)) continue;
			else break;
		}
		const target = args[i]?.replace(/^[^@]*@/, '');
		let rest = args.slice(i + 1);
		if (rest[0] === '--') rest = rest.slice(1);
		if (target === undefined) return emit(io, {code: 255, stdout: '', stderr: 'usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] destination [command [argument ...]]\n'});
		const node = [...this.state.nodes.values()].find((n) => n.name === target || n.ip === target);
		if (!node) return emit(io, {code: 255, stdout: '', stderr: `ssh: Could not resolve hostname ${target}: Name or service not known\n`});
		if (!node.online) return emit(io, {code: 255, stdout: '', stderr: `ssh: connect to host ${target} port 22: No route to host\n`});
		if (rest.length === 0) return emit(io, {code: 255, stdout: '', stderr: 'Pseudo-terminal will not be allocated because stdin is not a terminal.\n'});
		return this.script(rest.join(' '), io, {node}, signal);
	}

	/** `sh -c` scripts: simple commands joined by `;`, `&&`, `||`; `exit N` ends the script. */
	async script(text: string, io: SimIO, scope: Scope, signal: AbortSignal): Promise<number> {
		let steps;
		try {
			steps = parseCommandList(text);
		} catch (error) {
			if (!(error instanceof ShellSyntaxError)) throw error;
			return emit(io, {code: 2, stdout: '', stderr: `sh: 1: ${error.message}\n`});
		}
		let code = 0;
		for (const step of steps) {
			if ((step.join === '&&' && code !== 0) || (step.join === '||' && code === 0)) continue;
			code = await this.run(step.argv, io, scope, signal);
			if (step.argv[0] === 'exit' || signal.aborted) break;
		}
		return code;
	}

	private async pct(args: string[], io: SimIO, scope: Scope, signal: AbortSignal): Promise<number> {
		const [sub, vmid, ...rest] = args;
		const node = scope.node.name;
		switch (sub) {
			case 'list': return emit(io, pctList(this.state, node));
			case 'status': {
				const guest = containerOn(this.state, node, vmid, 'pct status <vmid> [OPTIONS]');
				if ('code' in guest) return emit(io, guest);
				return emit(io, pctStatus(this.state, guest, rest.includes('--verbose') || rest.includes('-verbose')));
			}
			case 'listsnapshot': {
				const guest = containerOn(this.state, node, vmid, 'pct listsnapshot <vmid>');
				if ('code' in guest) return emit(io, guest);
				return emit(io, pctListSnapshot(guest));
			}
			case 'exec': {
				const guest = containerOn(this.state, node, vmid, 'pct exec <vmid> [<extra-args>] [OPTIONS]');
				if ('code' in guest) return emit(io, guest);
				let i = 0;
				while (rest[i] === '--keep-env') i += 2;
				if (rest[i] === '--') i++;
				const inner = rest.slice(i);
				if (inner.length === 0) return emit(io, {code: 255, stdout: '', stderr: 'missing command\n'});
				if (guest.status !== 'running') return emit(io, {code: 255, stdout: '', stderr: `container '${guest.vmid}' not running!\n`});
				return this.run(inner, io, {node: scope.node, guest}, signal);
			}
			default: {
				if (sub !== undefined && (GUEST_CLI_WRITES.has(sub) || sub === 'config')) return emit(io, await guestCli(this.state, scope.node, 'pct', sub, args.slice(1), {every: (ms, fn) => this.ticker.every(ms, fn), signal}));
				const what = sub === undefined ? 'no command specified' : `unknown command 'pct ${sub}'`;
				return emit(io, {code: 255, stdout: '', stderr: `ERROR: ${what}\nUSAGE: pct <COMMAND> [ARGS] [OPTIONS]\n`});
			}
		}
	}

	/** `qm` on the node: the VM writes and config (guest-cli.ts); list, status and listsnapshot like pct's. */
	private async qm(args: string[], io: SimIO, scope: Scope, signal: AbortSignal): Promise<number> {
		const [sub, ...rest] = args;
		if (sub !== undefined && (GUEST_CLI_WRITES.has(sub) || sub === 'config')) return emit(io, await guestCli(this.state, scope.node, 'qm', sub, rest, {every: (ms, fn) => this.ticker.every(ms, fn), signal}));
		if (sub === 'status' || sub === 'listsnapshot') {
			const vm = vmOn(this.state, scope.node.name, rest[0], `qm ${sub} <vmid>`);
			if ('code' in vm) return emit(io, vm);
			return emit(io, sub === 'status' ? pctStatus(this.state, vm, rest.includes('--verbose') || rest.includes('-verbose')) : pctListSnapshot(vm));
		}
		const what = sub === undefined ? 'no command specified' : `unknown command 'qm ${sub}'`;
		return emit(io, {code: 255, stdout: '', stderr: `ERROR: ${what}\nUSAGE: qm <COMMAND> [ARGS] [OPTIONS]\n`});
	}

	private async inGuest(rawCmd: string, rawArgs: string[], io: SimIO, scope: Required<Scope>, signal: AbortSignal): Promise<number> {
		const {guest} = scope;
		const [cmd = rawCmd, ...args] = stripEnvPrefix([rawCmd, ...rawArgs]);
		const alpine = guest.config.ostype === 'alpine';
		const alive = () => guest.status === 'running';
		const notFound = (): number => emit(io, {code: 127, stdout: '', stderr: alpine ? `sh: ${cmd}: not found\n` : `sh: 1: ${cmd}: not found\n`});
		switch (cmd) {
			case 'journalctl': {
				if (alpine) return notFound();
				const parsed = parseJournalArgs(args);
				if ('error' in parsed) return emit(io, {code: 1, stdout: '', stderr: `${parsed.error}\n`});
				const journal = parsed.unit === undefined ? guestJournal(this.state, guest, this.options) : undefined;
				return this.journal(journal, parsed, io, signal, alive);
			}
			case 'tail': return this.tail(args, io, scope, signal, alive);
			case 'uptime': {
				const load = {seed: this.state.seed, key: guest.vmid, base: guest.usage.cpu * 2};
				return emit(io, ok(uptimeLine(this.state.clock(), guestUptime(this.state, guest), load, alpine)));
			}
			case 'hostname': return emit(io, ok(`${guestJournal(this.state, guest).host}\n`));
			default: {
				const pkg = packageCommand(this.state, guest, [cmd, ...args], () => this.ticker.now());
				if (pkg && 'script' in pkg) return playScript(pkg.script, io, {ticker: this.ticker, speed: () => this.state.packageSpeed, signal, alive});
				if (pkg) return emit(io, pkg);
				if (cmd === 'cat') return emit(io, cat(args, scope));
				return (await this.common(cmd, args, io, scope, signal)) ?? notFound();
			}
		}
	}

	private async tail(args: string[], io: SimIO, scope: Required<Scope>, signal: AbortSignal, alive: () => boolean): Promise<number> {
		let follow = false;
		let count = 10;
		const files: string[] = [];
		for (let i = 0; i < args.length; i++) {
			const arg = args[i]!;
			if (arg === '-F' || arg === '-f' || arg === '--follow') follow = true;
			else if (arg === '-n' || arg === '--lines') count = Number(args[++i] ?? 'x');
			else if (/^-n\d+$/.test(arg)) count = Number(arg.slice(2));
			else if (/^--lines=\d+$/.test(arg)) count = Number(arg.slice(8));
			else files.push(arg);
		}
		if (!Number.isInteger(count) || count < 0) return emit(io, {code: 1, stdout: '', stderr: `tail: invalid number '${args.join(' ')}'\n`});
		const file = files[0];
		if (file === undefined) return emit(io, {code: 1, stdout: '', stderr: 'tail: no file given\n'});
		if (file !== '/var/log/messages' || scope.guest.config.ostype !== 'alpine') {
			return emit(io, {code: 1, stdout: '', stderr: `tail: cannot open '${file}' for reading: No such file or directory\n`});
		}
		const journal = guestJournal(this.state, scope.guest, this.options);
		return this.journal(journal, {follow, count, format: 'syslog'}, io, signal, alive);
	}

	/** History lines, then (with follow) new lines at the configured rate until killed or the container stops. */
	private journal(journal: Journal | undefined, args: JournalArgs, io: SimIO, signal: AbortSignal, alive: () => boolean): Promise<number> {
		if (!journal) {
			io.stdout('-- No entries --\n');
			return Promise.resolve(0);
		}
		const now = this.state.clock();
		const count = args.count ?? (args.follow ? 10 : undefined);
		const lines = history(journal, now, count).flatMap(({k, time}) => {
			const entry = journal.entry(k, time);
			return entry ? [formatJournalLine(args.format, time, journal.host, entry)] : [];
		});
		if (lines.length > 0) io.stdout(`${lines.join('\n')}\n`);
		if (!args.follow) return Promise.resolve(0);
		let k = latestIndex(journal, now) + 1;
		const started = this.ticker.now();
		let sent = 0;
		const tickMs = Math.max(10, Math.min(250, Math.floor(1000 / this.rate)));
		return new Promise<number>((resolve) => {
			const finish = (code: number) => {
				cancel();
				signal.removeEventListener('abort', onAbort);
				resolve(code);
			};
			const onAbort = () => finish(KILLED_TERM);
			const cancel = this.ticker.every(tickMs, () => {
				if (!alive()) return finish(KILLED_CONTAINER_STOP);
				const due = Math.min(MAX_BURST, Math.floor(((this.ticker.now() - started) / 1000) * this.rate) - sent);
				if (due <= 0) return;
				const time = this.state.clock();
				const batch: string[] = [];
				for (let i = 0; i < due; i++, k++) {
					const entry = journal.entry(k, time);
					if (entry) batch.push(formatJournalLine(args.format, time, journal.host, entry));
				}
				sent += due;
				if (batch.length > 0) io.stdout(`${batch.join('\n')}\n`);
			});
			if (signal.aborted) onAbort();
			else signal.addEventListener('abort', onAbort, {once: true});
		});
	}
}

function ok(stdout: string): CommandOutcome {
	return {code: 0, stdout, stderr: ''};
}

function emit(io: SimIO, outcome: CommandOutcome): number {
	if (outcome.stdout) io.stdout(outcome.stdout);
	if (outcome.stderr) io.stderr(outcome.stderr);
	return outcome.code;
}

function cat(args: string[], scope: Scope): CommandOutcome {
	let stdout = '';
	let stderr = '';
	for (const file of args) {
		if (file === '/etc/os-release' || file === '/usr/lib/os-release') {
			stdout += osRelease(scope.guest ? String(scope.guest.config.ostype ?? 'debian') : 'debian');
		} else if (file === '/etc/hostname') {
			stdout += `${scope.guest ? String(scope.guest.config.hostname ?? `CT${scope.guest.vmid}`) : scope.node.name}\n`;
		} else {
			stderr += `cat: ${file}: No such file or directory\n`;
		}
	}
	return {code: stderr ? 1 : 0, stdout, stderr};
}

interface JournalArgs {
	follow: boolean;
	count?: number;
	format: JournalFormat;
	unit?: string;
}

/** journalctl's options that matter here; unknown options are refused as journalctl does. */
export function parseJournalArgs(args: string[]): JournalArgs | {error: string} {
	const out: JournalArgs = {follow: false, format: 'short'};
	for (let i = 0; i < args.length; i++) {
		const arg = args[i]!;
		const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
		const value = () => inline ?? args[++i];
		switch (flag) {
			case '-f': case '--follow': out.follow = true; break;
			case '--no-pager': case '-a': case '--all': case '-q': case '--quiet': case '-b': case '--boot': case '--no-hostname': break;
			case '-n': case '--lines': {
				// `-n` alone means 10; systemd also accepts the count as the next word.
				const next = inline ?? (/^\d+$/.test(args[i + 1] ?? '') ? args[++i] : '10');
				out.count = Number(next);
				break;
			}
			case '-o': case '--output': {
				const format = value();
				if (!JOURNAL_FORMATS.includes(format as JournalFormat)) return {error: `Unknown output format '${format ?? ''}'.`};
				out.format = format as JournalFormat;
				break;
			}
			case '-u': case '--unit': {
				const unit = value();
				if (unit === undefined) return {error: "journalctl: option '--unit' requires an argument"};
				out.unit = unit;
				break;
			}
			default:
				if (/^-n\d+$/.test(arg)) out.count = Number(arg.slice(2));
				else if (/^-o/.test(arg) && JOURNAL_FORMATS.includes(arg.slice(2) as JournalFormat)) out.format = arg.slice(2) as JournalFormat;
				else return {error: `journalctl: unrecognized option '${arg}'`};
		}
	}
	return out;
}

/** Starts a command given as argv. */
export function spawnSim(options: SimShellOptions, argv: string[], io: SimIO): SimProcess {
	const shell = new Shell(options);
	const controller = new AbortController();
	const exit = changes(options, shell.run(argv, io, {node: shell.node()}, controller.signal));
	return {exit, kill: () => controller.abort()};
}

/** A command that ended may have changed packages or services inside a guest. */
function changes(options: SimShellOptions, exit: Promise<number>): Promise<number> {
	void exit.then(
		() => markChanged(options.state),
		() => markChanged(options.state),
	);
	return exit;
}

/** Starts a command given as the string an SSH client sends (parsed like `sh -c`). */
export function spawnSimLine(options: SimShellOptions, line: string, io: SimIO): SimProcess {
	const shell = new Shell(options);
	const controller = new AbortController();
	const exit = changes(options, shell.script(line, io, {node: shell.node()}, controller.signal));
	return {exit, kill: () => controller.abort()};
}

/** Runs a command that ends by itself and collects its output (tests, the sshd helper). */
export async function runSim(options: SimShellOptions, argv: string[]): Promise<CommandOutcome> {
	let stdout = '';
	let stderr = '';
	const process = spawnSim(options, argv, {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t)});
	const code = await process.exit;
	return {code, stdout, stderr};
}
