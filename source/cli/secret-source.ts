// Where a context's secret (token secret or password) comes from, as the
// config file names it: an environment variable, a file only its owner can
// read, or a command such as `pass show pve/token`. The command runs without a
// shell (its words are argv, so nothing in it is expanded or interpreted), its
// output is trimmed and checked like any secret, and a failure is one line
// that names the command — never its output.

import {execFile} from 'node:child_process';
import {expandHome} from './config.js';
import {checkSecret, readSecretFile, SecretError, type SecretKind} from './secrets.js';

export type SecretSource = {env: string} | {file: string} | {command: string[]};

/** Long enough for a gpg-agent pinentry, short enough that a hung command does not hang proxdeck. */
const COMMAND_TIMEOUT_MS = 60_000;
/** A secret is a line; a command printing more than this is not printing a secret. */
const COMMAND_OUTPUT_LIMIT = 64 * 1024;

/**
 * `{env: NAME}`, `{file: PATH}` or `{command: "pass show pve/token"}` (a string is split at
 * whitespace, a list is taken as argv) — or a message naming what is wrong.
 */
export function parseSecretSource(value: unknown): SecretSource | string {
	const expected = 'expected one of {env: NAME}, {file: PATH}, {command: "pass show pve/token"}';
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return expected;
	const entries = Object.entries(value as Record<string, unknown>);
	if (entries.length !== 1) return expected;
	const [kind, what] = entries[0]!;
	if (kind === 'env') return typeof what === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(what) ? {env: what} : 'env: expected an environment variable name';
	if (kind === 'file') return typeof what === 'string' && what !== '' ? {file: what} : 'file: expected a path';
	if (kind === 'command') {
		const argv = typeof what === 'string' ? what.trim().split(/\s+/) : what;
		if (!Array.isArray(argv) || argv.length === 0 || !argv.every((w) => typeof w === 'string' && w !== '')) return 'command: expected a command line or a list of words';
		return {command: argv as string[]};
	}
	return `unknown source ${JSON.stringify(kind).slice(0, 40)} (${expected})`;
}

export function describeSource(source: SecretSource): string {
	if ('env' in source) return `$${source.env}`;
	if ('file' in source) return source.file;
	return `\`${source.command.join(' ')}\``;
}

/** Printable, one line, short: a command's complaint as it may be shown. */
function firstLine(text: string): string {
	return (text.split('\n').find((line) => line.trim() !== '') ?? '').replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, 160);
}

function runCommand(argv: string[], label: string): Promise<string> {
	const [file, ...args] = argv;
	return new Promise((resolve, reject) => {
		const child = execFile(
			file!,
			args,
			{shell: false, timeout: COMMAND_TIMEOUT_MS, maxBuffer: COMMAND_OUTPUT_LIMIT, encoding: 'utf8', windowsHide: true},
			(error, stdout, stderr) => {
				if (!error) return resolve(stdout);
				const e = error as NodeJS.ErrnoException & {killed?: boolean; code?: number | string; signal?: string};
				let why: string;
				if (e.code === 'ENOENT') why = 'not found';
				else if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') why = 'printed more than a secret';
				else if (e.killed && e.signal) why = `did not finish within ${COMMAND_TIMEOUT_MS / 1000} s`;
				else why = `failed (${typeof e.code === 'number' ? `exit ${e.code}` : (e.signal ?? e.code ?? 'error')})${firstLine(stderr) ? `: ${firstLine(stderr)}` : ''}`;
				reject(new SecretError(`${label}: the command ${describeSource({command: argv})} ${why}`));
			},
		);
		// Nothing to read from us: a command that wants input gets end-of-file instead of waiting for it.
		child.stdin?.end();
	});
}

/** Reads the secret now. `label` names where the source was configured ("contexts.home.secret"). */
export async function readSecretSource(source: SecretSource, kind: SecretKind, label: string, env: NodeJS.ProcessEnv): Promise<string> {
	if ('env' in source) {
		const value = env[source.env];
		if (value === undefined || value === '') throw new SecretError(`${label}: $${source.env} is not set`);
		return checkSecret(value, kind, `$${source.env} (${label})`);
	}
	if ('file' in source) return readSecretFile(expandHome(source.file), kind, `${label} file`);
	const output = await runCommand(source.command, label);
	// `pass` prints the secret, a newline and possibly more lines (username: …): the first line is the secret.
	const secret = output.split('\n')[0]!.trim();
	if (secret === '') throw new SecretError(`${label}: the command ${describeSource(source)} printed nothing`);
	return checkSecret(secret, kind, `the output of ${describeSource(source)} (${label})`);
}
