// proxdeck's entry point: parse the command line, pick the target (demo or a
// real host), check that it answers, then hand the terminal to the console
// and give it back intact on every way out (q, Ctrl+C, SIGTERM, a crash).

import {readFileSync} from 'node:fs';
import {render} from 'ink';
import {createClient, type PveClient} from '../api/client.js';
import {createSession} from '../services/session.js';
import {createActionServices} from '../services/actions/index.js';
import {defaultAuditPath} from '../services/audit.js';
import {createAppStore} from '../store/store.js';
import {loadKeymap} from '../../keymaps/index.js';
import {ConsoleRoot} from './console-root.js';
import {helpText, parseArgs, UsageError, type CliArgs} from './args.js';
import {loadConfig, type UserConfig} from './config.js';
import {startDemo, type Demo} from './demo.js';
import {explainConnectError} from './explain.js';
import {promptHidden} from './prompt.js';
import {runSimulatorCommand} from './sim-command.js';
import {chooseSsh, createRunner, startDemoSsh} from './ssh-setup.js';
import type {CommandRunner} from '../ssh/index.js';
import {loadCredentials} from '../ssh/auth-config.js';
import {resolveTarget, TargetError, type Target} from './target.js';
import {packagePath} from '../util/package-root.js';
import {createUpgradeController} from '../services/upgrade/controller.js';
import {defaultRunsDir} from '../services/upgrade/journal.js';
import {attachUpgrades} from '../services/upgrade/registry.js';

export interface Io {
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
	env: NodeJS.ProcessEnv;
}

const defaultIo: Io = {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env};

function version(): string {
	const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as {version: string};
	return pkg.version;
}

/** Known, expected failures: shown as one line, exit code 1 (2 for usage). */
export function oneLine(io: Io, message: string): void {
	io.stderr.write(`proxdeck: ${message}\n`);
}

export interface Connection {
	client: PveClient;
	label: string;
	demo?: Demo;
}

export async function connect(target: Target, io: Io): Promise<Connection> {
	if (target.kind === 'demo') {
		const demo = await startDemo(target.fleet);
		const client = createClient({
			host: demo.sim.host,
			port: demo.sim.port,
			auth: {kind: 'token', tokenId: demo.token.tokenId, secret: demo.token.secret},
			fingerprint: demo.sim.fingerprint,
		});
		return {client, label: 'simulator', demo};
	}
	let auth: Parameters<typeof createClient>[0]['auth'];
	if (target.credentials.kind === 'token') {
		auth = {kind: 'token', tokenId: target.credentials.tokenId, secret: target.credentials.secret};
	} else {
		const password = target.credentials.password ?? (await promptHidden(`password for ${target.credentials.username}@${target.host}: `, io.stdin, io.stderr));
		if (password === undefined) throw new TargetError(`no password for ${target.credentials.username}: set PROXDECK_PASSWORD or run in a terminal`);
		auth = {kind: 'password', username: target.credentials.username, password};
	}
	let ca: string | undefined;
	if (target.ca) {
		try {
			ca = readFileSync(target.ca, 'utf8');
		} catch (error) {
			throw new TargetError(`cannot read CA file ${target.ca} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
		}
	}
	const client = createClient({host: target.host, port: target.port, auth, fingerprint: target.fingerprint, insecure: target.insecure, ca});
	return {client, label: client.target};
}

/**
 * The SSH side, opened before the screen is taken over so that a key's
 * passphrase can still be asked for on the terminal. Host keys are verified
 * when the first command runs; a refusal shows in the view that needed SSH.
 */
export async function openSsh(args: CliArgs, target: Target, demo: Demo | undefined, io: Io): Promise<{runner: CommandRunner; close(): Promise<void>} | undefined> {
	if (demo) return startDemoSsh(demo.sim.state);
	if (target.kind !== 'host') return undefined;
	const choice = chooseSsh(args);
	let passphrase: string | undefined;
	if (choice.mode === 'ssh' && choice.keyPath) {
		const credentials = await loadCredentials({
			privateKeyPath: choice.keyPath,
			passphrase: async () => (await promptHidden(`passphrase for ${choice.keyPath}: `, io.stdin, io.stderr)) ?? '',
		});
		passphrase = credentials.passphrase;
	}
	const runner = createRunner(choice, target.host, passphrase);
	return runner && {runner, close: () => runner.close()};
}

async function runConsole(args: CliArgs, io: Io): Promise<number> {
	let config: UserConfig;
	let target: Target;
	let keymap: ReturnType<typeof loadKeymap>;
	try {
		config = loadConfig(args.config, io.env);
		target = resolveTarget(args, config, io.env);
		keymap = loadKeymap(config.keys);
	} catch (error) {
		// ConfigError, TargetError and keymap override errors all carry one line.
		oneLine(io, error instanceof Error ? error.message.split('\n')[0]! : String(error));
		return 1;
	}
	for (const warning of config.warnings) oneLine(io, `warning: ${warning}`);

	let connection: Connection;
	try {
		connection = await connect(target, io);
	} catch (error) {
		oneLine(io, error instanceof Error ? error.message.split('\n')[0]! : String(error));
		return 1;
	}
	const {client, demo} = connection;
	const closeAll = async () => {
		await client.close().catch(() => {});
		await demo?.sim.close().catch(() => {});
	};
	// One read before taking over the screen: a wrong token, an unreachable host
	// or a certificate mismatch ends here with one clear line.
	try {
		await client.request('GET', '/version');
	} catch (error) {
		await closeAll();
		oneLine(io, explainConnectError(error, client.target, client.identity));
		return 1;
	}

	// Checked after the connection so that a wrong token or host is reported
	// even when the output is piped (and so the checks can be tested headless).
	if (!io.stdout.isTTY) {
		await closeAll();
		oneLine(io, 'stdout is not a terminal: the console needs one (run `proxdeck sim` for the simulator alone)');
		return 1;
	}

	let ssh: {runner: CommandRunner; close(): Promise<void>} | undefined;
	try {
		ssh = await openSsh(args, target, demo, io);
	} catch (error) {
		await closeAll();
		oneLine(io, error instanceof Error ? error.message.split('\n')[0]! : String(error));
		return 1;
	}

	const store = createAppStore({
		target: demo ? `simulator ${client.target}` : client.target,
		demo: demo !== undefined,
		readOnly: target.readOnly,
	});
	const session = createSession({api: client, store, refreshMs: target.refreshMs, runner: ssh?.runner});
	// Snapshot, reboot, rollback…: one dispatcher (read-only, privileges, confirmation, audit, task tracking).
	const actionServices = createActionServices({
		api: client,
		store,
		auditPath: args.auditLog ?? defaultAuditPath(io.env),
		identity: client.identity,
		host: client.target,
		onChanged: () => void session.refreshNow(),
	});
	// Bulk upgrades (u, 5, :upgrade): plans and runs through the same dispatcher; the journal is in $XDG_STATE_HOME/proxdeck/runs.
	const upgrades = createUpgradeController({
		store,
		api: client,
		...(ssh ? {runner: ssh.runner} : {}),
		dispatcher: actionServices.dispatcher,
		audit: actionServices.audit,
		identity: client.identity,
		host: client.target,
		runsDir: defaultRunsDir(io.env),
	});
	attachUpgrades(store, upgrades);
	return runFullScreen(io, async (quit) => {
		session.start();
		actionServices.start();
		const app = render(<ConsoleRoot store={store} keymap={keymap} stdout={io.stdout} onQuit={quit} commands={actionServices.commands} />, {
			stdout: io.stdout,
			stdin: io.stdin,
			stderr: io.stderr,
			exitOnCtrlC: false,
			patchConsole: false,
			maxFps: 30,
			// incrementalRendering stays off: in Ink 6.8 it leaves stale lines behind when
			// the frame height changes (seen in tmux as a duplicated header line).
			incrementalRendering: false,
		});
		return async () => {
			app.unmount();
			upgrades.stop();
			actionServices.stop();
			session.stop();
			await ssh?.close();
			await closeAll();
		};
	});
}

/**
 * Runs the console on the alternate screen and restores the terminal however
 * it ends. `start` receives `quit` and returns its own cleanup.
 */
async function runFullScreen(io: Io, start: (quit: () => void) => Promise<() => Promise<void>>): Promise<number> {
	const enter = '\u001B[?1049h\u001B[?25l\u001B[H\u001B[2J';
	const leave = '\u001B[?25h\u001B[?1049l';
	let restored = false;
	const restore = () => {
		if (restored) return;
		restored = true;
		io.stdout.write(leave);
	};
	let resolveQuit: (code: number) => void = () => {};
	const quitting = new Promise<number>((resolve) => (resolveQuit = resolve));
	const onSignal = () => resolveQuit(130);
	const onCrash = (error: unknown) => {
		restore();
		io.stderr.write(`proxdeck: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exit(70);
	};
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	process.on('SIGINT', onSignal);
	process.on('uncaughtException', onCrash);
	process.on('exit', restore);
	io.stdout.write(enter);
	let cleanup: (() => Promise<void>) | undefined;
	try {
		cleanup = await start(() => resolveQuit(0));
		return await quitting;
	} finally {
		await cleanup?.().catch(() => {});
		restore();
		process.off('SIGTERM', onSignal);
		process.off('SIGHUP', onSignal);
		process.off('SIGINT', onSignal);
		process.off('uncaughtException', onCrash);
		process.off('exit', restore);
	}
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
	let args: CliArgs;
	try {
		args = parseArgs(argv);
	} catch (error) {
		if (error instanceof UsageError) {
			oneLine(io, error.message);
			return 2;
		}
		throw error;
	}
	if (args.help) {
		io.stdout.write(helpText());
		return 0;
	}
	if (args.version) {
		io.stdout.write(`${version()}\n`);
		return 0;
	}
	if (args.command === 'sim') return runSimulatorCommand(args, io);
	if (args.command === 'upgrade') return (await import('./upgrade-command.js')).runUpgradeCommand(args, io);
	return runConsole(args, io);
}
