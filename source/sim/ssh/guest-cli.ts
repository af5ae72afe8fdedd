// `pct` and `qm` as a node's root shell runs them: the write subcommands
// (start, stop, shutdown, reboot, snapshot, delsnapshot, rollback) call the
// same operations as the HTTPS API (lxc-power, lxc-snapshots) as root@pam,
// then — like the CLI's fork_worker, which runs the worker in the foreground
// — wait for the task, print its log and exit 0, or print the error and exit
// 255 ($upid_exit's `exit(-1)`). `config` prints the config as pct/qm config
// do (sorted keys, no digest). Also `pveversion`.

import {ApiError} from '../errors.js';
import {configDigest} from '../handlers-guest.js';
import type {OpActor} from '../lxc-ops.js';
import {rebootContainer, shutdownContainer, startContainer, stopContainer} from '../lxc-power.js';
import {createSnapshot, deleteSnapshot, rollbackSnapshot} from '../lxc-snapshots.js';
import type {SimGuest, SimNode, SimState} from '../state.js';
import {advanceTasks, findTask} from '../tasks.js';
import type {CommandOutcome} from './outcome.js';
import {guestOn} from './pct.js';

export type GuestCli = 'pct' | 'qm';

/** The subcommands this module answers (the rest of pct is in pct.ts / commands.ts). */
export const GUEST_CLI_WRITES = new Set(['start', 'stop', 'shutdown', 'reboot', 'snapshot', 'delsnapshot', 'rollback']);

/** How a CLI run waits: the shell's ticker, and its abort signal (a killed `pct start` leaves its task running). */
export interface CliWait {
	every(ms: number, fn: () => void): () => void;
	signal: AbortSignal;
}

const USAGE: Record<string, string> = {
	start: '<vmid> [OPTIONS]',
	stop: '<vmid> [OPTIONS]',
	shutdown: '<vmid> [OPTIONS]',
	reboot: '<vmid> [OPTIONS]',
	snapshot: '<vmid> <snapname> [OPTIONS]',
	delsnapshot: '<vmid> <snapname> [OPTIONS]',
	rollback: '<vmid> <snapname> [OPTIONS]',
	config: '<vmid> [OPTIONS]',
};

function fail(message: string): CommandOutcome {
	return {code: 255, stdout: '', stderr: message.endsWith('\n') ? message : `${message}\n`};
}

function usage(cli: GuestCli, sub: string): string {
	return `Usage: ${cli} ${sub} ${USAGE[sub] ?? ''}`.trimEnd();
}

/** `--name value`, `-name value`, `--name=value`; a boolean option may stand alone. */
function parseOptions(words: string[], booleans: ReadonlySet<string>): {positional: string[]; options: Record<string, string>} | {error: string} {
	const positional: string[] = [];
	const options: Record<string, string> = {};
	for (let i = 0; i < words.length; i++) {
		const word = words[i]!;
		if (!/^--?[a-zA-Z]/.test(word)) {
			positional.push(word);
			continue;
		}
		const body = word.replace(/^--?/, '');
		const eq = body.indexOf('=');
		const name = eq >= 0 ? body.slice(0, eq) : body;
		if (eq >= 0) options[name] = body.slice(eq + 1);
		else if (booleans.has(name) && !/^(0|1|true|false|yes|no)$/.test(words[i + 1] ?? '')) options[name] = '1';
		else if (words[i + 1] === undefined) return {error: `400 Parameter verification failed.\n${name}: missing value for option\n`};
		else options[name] = words[++i]!;
	}
	return {positional, options};
}

function flag(value: string | undefined): boolean | undefined {
	return value === undefined ? undefined : /^(1|true|yes)$/.test(value);
}

const BOOLEANS = new Set(['skiplock', 'overrule-shutdown', 'forceStop', 'start', 'force', 'vmstate']);
const KNOWN: Record<string, readonly string[]> = {
	start: ['skiplock'],
	stop: ['skiplock', 'overrule-shutdown'],
	shutdown: ['timeout', 'forceStop'],
	reboot: ['timeout'],
	snapshot: ['description', 'vmstate'],
	delsnapshot: ['force'],
	rollback: ['start'],
	config: ['current', 'snapshot'],
};


/** pct/qm config: sorted keys, digest left out, the description as one encoded line. */
function printConfig(config: SimGuest['config']): string {
	let out = '';
	for (const key of Object.keys(config).sort()) {
		if (key === 'digest' || key === 'lxc') continue;
		const raw = config[key];
		// PVE::Tools::encode_text: the description's newlines become %0A (and % itself %25).
		const value = key === 'description' ? String(raw).replace(/%/g, '%25').replace(/\n/g, '%0A') : String(raw);
		out += `${key}: ${value}\n`;
	}
	return out;
}

/** Runs `pct|qm <sub> …` for a write or config; resolves with the command's outcome once its task stopped. */
export async function guestCli(state: SimState, node: SimNode, cli: GuestCli, sub: string, words: string[], wait: CliWait): Promise<CommandOutcome> {
	const parsed = parseOptions(words, BOOLEANS);
	if ('error' in parsed) return fail(parsed.error + usage(cli, sub));
	const {positional, options} = parsed;
	const unknown = Object.keys(options).filter((o) => !(KNOWN[sub] ?? []).includes(o));
	if (unknown.length > 0) {
		return fail(`400 Parameter verification failed.\n${unknown.map((o) => `${o}: property is not defined in schema and the schema does not allow additional properties`).join('\n')}\n${usage(cli, sub)}`);
	}
	const needed = sub === 'snapshot' || sub === 'delsnapshot' || sub === 'rollback' ? 2 : 1;
	if (positional.length < needed) return fail(`400 not enough arguments\n${usage(cli, sub)}`);
	if (positional.length > needed) return fail(`400 too many arguments\n${usage(cli, sub)}`);
	const [vmid, snapname] = positional as [string, string | undefined];
	advanceTasks(state);
	const guest = guestOn(state, node.name, cli === 'pct' ? 'lxc' : 'qemu', vmid, usage(cli, sub));
	if ('code' in guest) return guest;
	if (sub === 'config') {
		return {code: 0, stdout: printConfig({...guest.config, digest: configDigest(guest.config)}), stderr: ''};
	}
	const actor: OpActor = {state, guest, user: 'root@pam'};
	let upid: string;
	try {
		upid = fork(actor, sub, snapname, options);
	} catch (error) {
		if (!(error instanceof ApiError)) throw error;
		const errors = error.errors ? Object.entries(error.errors).map(([k, v]) => `${k}: ${v.replace(/\n$/, '')}\n`).join('') : '';
		return fail(error.status === 400 ? `400 ${error.message}\n${errors}${usage(cli, sub)}` : error.message);
	}
	return finished(state, upid, wait);
}

function fork(actor: OpActor, sub: string, snapname: string | undefined, options: Record<string, string>): string {
	switch (sub) {
		case 'start': return startContainer(actor, {skiplock: flag(options.skiplock)});
		case 'stop': return stopContainer(actor, {skiplock: flag(options.skiplock), overruleShutdown: flag(options['overrule-shutdown'])});
		case 'shutdown': return shutdownContainer(actor, {...(options.timeout !== undefined ? {timeout: Number(options.timeout)} : {}), forceStop: flag(options.forceStop)});
		case 'reboot': return rebootContainer(actor, options.timeout !== undefined ? {timeout: Number(options.timeout)} : {});
		case 'snapshot': return createSnapshot(actor, snapname!, {...(options.description !== undefined ? {description: options.description} : {}), vmstate: flag(options.vmstate)});
		case 'delsnapshot': return deleteSnapshot(actor, snapname!, {force: flag(options.force)});
		case 'rollback': return rollbackSnapshot(actor, snapname!, {start: flag(options.start)});
		default: throw new Error(`not a guest write: ${sub}`);
	}
}

/** Waits for the task as the CLI's foreground worker does; its log on stdout, its error on stderr. */
function finished(state: SimState, upid: string, wait: CliWait): Promise<CommandOutcome> {
	return new Promise((resolve) => {
		const check = (): boolean => {
			advanceTasks(state);
			const task = findTask(state, upid);
			if (!task || task.exitstatus === undefined) return false;
			const stdout = task.steps.map((line) => `${line}\n`).join('');
			const ok = task.exitstatus === 'OK' || task.exitstatus.startsWith('WARNINGS');
			resolve(ok ? {code: 0, stdout, stderr: ''} : {code: 255, stdout, stderr: `${task.exitstatus}\n`});
			return true;
		};
		if (check()) return;
		const stop = wait.every(50, () => {
			if (check()) done();
		});
		const onAbort = () => {
			done();
			resolve({code: 143, stdout: '', stderr: ''});
		};
		const done = () => {
			stop();
			wait.signal.removeEventListener('abort', onAbort);
		};
		wait.signal.addEventListener('abort', onAbort, {once: true});
	});
}

/** `pveversion`: the manager version and the running kernel, as on the node. */
export function pveversion(node: SimNode, state: SimState): CommandOutcome {
	const kernel = node.kversion.split(' ')[1] ?? node.kversion;
	const manager = node.pveversion || `pve-manager/${state.version.version}/${state.version.repoid}`;
	return {code: 0, stdout: `${manager} (running kernel: ${kernel})\n`, stderr: ''};
}
