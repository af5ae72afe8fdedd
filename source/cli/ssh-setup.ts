// Builds the CommandRunner that reaches what the API cannot (pct exec, journals,
// zfs list): SSH to the host, local processes when proxdeck runs on the host
// itself, or the demo simulator's SSH side. Without any of these the console
// still works; the views that need SSH say so.

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {homedir, tmpdir} from 'node:os';
import {join} from 'node:path';
import {createLocalRunner, detectLocalHost} from '../ssh/local-runner.js';
import type {CommandRunner} from '../ssh/types.js';
import type {RunningSimSsh} from '../sim/ssh/index.js';
import type {SimState} from '../sim/state.js';
import {expandHome} from './config.js';

// ssh2 (and the simulator's SSH side) load on first use: a console without SSH,
// and every console until its SSH is set up, starts without evaluating them.
const sshRunnerModule = () => import('../ssh/ssh-runner.js');

export interface SshChoice {
	/** 'ssh' to the API host, 'local' processes, or none. */
	mode: 'ssh' | 'local' | 'none';
	user: string;
	port: number;
	keyPath?: string;
	acceptNewHostKey: boolean;
	knownHostsPath: string;
}

export interface SshFlags {
	ssh?: boolean;
	sshUser?: string;
	sshPort?: number;
	sshKey?: string;
	acceptNewHostKey?: boolean;
	local?: boolean;
}

/** --local, or running on a PVE host (/etc/pve) → local; --ssh or an ssh user/key → ssh. */
export function chooseSsh(flags: SshFlags, pveDir = '/etc/pve'): SshChoice {
	const wantsSsh = flags.ssh === true || flags.sshUser !== undefined || flags.sshKey !== undefined;
	const mode = flags.local === true ? 'local' : wantsSsh ? 'ssh' : detectLocalHost(pveDir) ? 'local' : 'none';
	return {
		mode,
		user: flags.sshUser ?? 'root',
		port: flags.sshPort ?? 22,
		keyPath: flags.sshKey !== undefined ? expandHome(flags.sshKey) : undefined,
		acceptNewHostKey: flags.acceptNewHostKey === true,
		knownHostsPath: join(homedir(), '.ssh', 'known_hosts'),
	};
}

/** "[user@]host[:port]" (OpenSSH's ProxyJump) as the runner takes it; the user defaults to the target's. */
export function parseJump(jump: string, user: string): {host: string; port: number; username: string} {
	const at = jump.lastIndexOf('@');
	const username = at === -1 ? user : jump.slice(0, at);
	const rest = at === -1 ? jump : jump.slice(at + 1);
	const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest) ?? /^([^:]+)(?::(\d+))?$/.exec(rest);
	return {host: match?.[1] ?? rest, port: match?.[2] ? Number(match[2]) : 22, username};
}

export async function createRunner(choice: SshChoice, host: string, passphrase?: string, jump?: string): Promise<CommandRunner | undefined> {
	if (choice.mode === 'local') return createLocalRunner();
	if (choice.mode === 'none') return undefined;
	const {createSshRunner} = await sshRunnerModule();
	return createSshRunner({
		host,
		port: choice.port,
		username: choice.user,
		...(jump ? {jump: parseJump(jump, choice.user)} : {}),
		knownHostsPath: choice.knownHostsPath,
		acceptNewHostKey: choice.acceptNewHostKey,
		// With no key named, the agent answers (as plain `ssh` would).
		...(choice.keyPath ? {privateKeyPath: choice.keyPath, ...(passphrase !== undefined ? {passphrase} : {})} : {agent: true}),
	});
}

export interface DemoSsh {
	server: RunningSimSsh;
	runner: CommandRunner;
	close(): Promise<void>;
}

/**
 * The demo's SSH: the simulator's SSH side with a throwaway client key and a
 * known_hosts holding exactly its host key, so even the demo verifies the
 * host key instead of skipping the check.
 */
export async function startDemoSsh(state: SimState): Promise<DemoSsh> {
	const [{createSshRunner}, {generateEd25519}, {startSimSsh}] = await Promise.all([sshRunnerModule(), import('../ssh/keygen.js'), import('../sim/ssh/index.js')]);
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-demo-ssh-'));
	const clientKey = generateEd25519();
	const keyPath = join(dir, 'id_ed25519');
	writeFileSync(keyPath, clientKey.private, {mode: 0o600});
	const server = await startSimSsh({state, authorizedKeys: [clientKey.public]});
	const knownHostsPath = join(dir, 'known_hosts');
	writeFileSync(knownHostsPath, `${server.knownHostsLine}\n`, {mode: 0o600});
	const runner = createSshRunner({
		host: server.host,
		port: server.port,
		username: 'root',
		privateKeyPath: keyPath,
		knownHostsPath,
		acceptNewHostKey: false,
	});
	return {
		server,
		runner,
		async close() {
			await runner.close().catch(() => {});
			await server.close().catch(() => {});
			rmSync(dir, {recursive: true, force: true});
		},
	};
}
