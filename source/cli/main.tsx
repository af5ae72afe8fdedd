// proxdeck's entry point: parse the command line, pick the target (demo or a
// real host), check that it answers, then hand the terminal to the console
// and give it back intact on every way out (q, Ctrl+C, SIGTERM, a crash).

import {readFileSync} from 'node:fs';
import {loadKeymap} from '../../keymaps/index.js';
import {helpText, parseArgs, UsageError, type CliArgs} from './args.js';
import {loadConfig, type UserConfig} from './config.js';
import {resolveTarget, type Target} from './target.js';
import {oneLine, openHost, type Io} from './open-host.js';
import {packagePath} from '../util/package-root.js';
import {scrubSecrets} from '../services/error-line.js';
import {firstResourcesRead} from './first-answer.js';

const defaultIo: Io = {stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env};

function version(): string {
	const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as {version: string};
	return pkg.version;
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

	// The console itself (Ink, React, the views and services: most of the code)
	// loads while the host is reached and answers; the fleet's first read goes out
	// alongside the check that the host answers (GET /version), not after it.
	// A host that fails the check ends the process before the console is needed.
	const consoleUi = import('./console-ui.js');
	consoleUi.catch(() => {}); // a failure to load is thrown by the await below
	let firstResources: Promise<unknown> | undefined;
	const opened = await openHost(args, target, io, {
		needsTty: true,
		alongsideCheck: (client) => {
			firstResources = firstResourcesRead(client);
			firstResources.then(() => performance.mark('proxdeck:fleet-read'), () => {}); // a failure is the first poll's to report
		},
	});
	if (typeof opened === 'number') return opened;
	const {startConsole} = await consoleUi;
	// The start's phases as User Timing marks ('proxdeck:…', four per start,
	// nothing listens unless bench/start-profile.mjs does): issue 12's first frame.
	performance.mark('proxdeck:ui-loaded');
	return runFullScreen(io, (quit) => {
		// Handed over once and forgotten here: this closure lives as long as the
		// console, and the promise holds the whole first answer (10,000 entries).
		const first = firstResources;
		firstResources = undefined;
		return startConsole({opened, target, config, args, io, keymap, ...(first ? {firstResources: first} : {})}, quit);
	});
}

/**
 * Runs the console on the alternate screen and restores the terminal however
 * it ends. `start` receives `quit` and returns its own cleanup.
 */
async function runFullScreen(io: Io, start: (quit: () => void) => Promise<() => Promise<void>>): Promise<number> {
	// Bracketed paste (?2004): the terminal marks a paste, so a pasted key never presses a dialog button (views/dialog-guard.ts).
	const enter = '\u001B[?1049h\u001B[?2004h\u001B[?25l\u001B[H\u001B[2J';
	const leave = '\u001B[?2004l\u001B[?25h\u001B[?1049l';
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
		io.stderr.write(`proxdeck: internal error: ${scrubSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
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
	// The simulator, ssh2 and the commands below load only when asked for: the console's first frame needs none of them.
	if (args.command === 'sim') return (await import('./sim-command.js')).runSimulatorCommand(args, io);
	if (args.command === 'check') return (await import('./check-command.js')).runCheckCommand(args, io);
	if (args.command === 'backups') return (await import('./backup-command.js')).runBackupsCommand(args, io);
	if (args.command === 'backup') return (await import('./backup-command.js')).runBackupCommand(args, io);
	if (args.command === 'upgrade') return (await import('./upgrade-command.js')).runUpgradeCommand(args, io);
	return runConsole(args, io);
}
