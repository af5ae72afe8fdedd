// `:ctx NAME` at run time: opens the named cluster (its secret read now, no
// prompt — the screen is the console's), and only once it answers swaps the
// console over to a fresh store and services for it, then closes the previous
// cluster's connections. A failure is a notice on the console, which stays on
// the cluster it was on: nothing is lost. Marks, filters and the selection
// belong to the old store and stay behind.

import type {ContextSwitcher} from '../services/contexts/registry.js';
import {attachContexts} from '../services/contexts/registry.js';
import {scrubSecrets} from '../services/error-line.js';
import type {CliArgs} from './args.js';
import type {UserConfig} from './config.js';
import {wireConsole, type WiredConsole} from './console-wiring.js';
import {openHost, type Io, type OpenHost} from './open-host.js';
import {contextTarget, type Target} from './target.js';

export interface ContextSwitchOptions {
	config: UserConfig;
	args: CliArgs;
	io: Io;
	/** The console as started, and the context it was started on (none: a host or the demo). */
	initial: WiredConsole;
	initialName: string | undefined;
	/** The console now shows `next` (re-render with its store and commands). */
	show(next: WiredConsole, name: string): void;
	/** Opens a target without asking anything (tests may wrap it); default openHost. */
	open?: (target: Target, report: (line: string) => void) => Promise<OpenHost | number>;
}

export interface ContextSwitchService extends ContextSwitcher {
	current(): WiredConsole;
	/** The console is closing: stops the current services, and any switch still under way. */
	close(): Promise<void>;
}

export function createContextSwitcher(options: ContextSwitchOptions): ContextSwitchService {
	const {config, args, io} = options;
	let current = options.initial;
	let currentName = options.initialName;
	let switching: string | undefined;
	let closed = false;
	const open =
		options.open ?? ((target: Target, report: (line: string) => void) => openHost(args, target, io, {needsTty: false, interactive: false, report}));
	// Every secret this process read (the new context's too) is masked, whatever path the message took.
	const notice = (text: string) => current.store.getState().actions.setCommandNotice(scrubSecrets(text));

	async function switchTo(name: string): Promise<void> {
		const context = config.contexts[name]!;
		const first = context.endpoints[0]!;
		notice(`context ${name}: connecting to ${first.host}:${first.port}…`);
		const target = contextTarget(context, config, args);
		let failure = '';
		const opened = await open(target, (line) => (failure = line));
		if (typeof opened === 'number') {
			notice(`cannot switch to context ${name}: ${failure || 'no answer'} — still on ${currentName ?? 'the previous host'}`);
			return;
		}
		const next = wireConsole(opened, target, config, args, io);
		if (closed) {
			await next.stop();
			return;
		}
		attachContexts(next.store, service);
		const previous = current;
		const previousName = currentName;
		current = next;
		currentName = name;
		next.start();
		options.show(next, name);
		await previous.stop();
		next.store.getState().actions.setCommandNotice(`context ${name}: ${opened.client.target} · ${previousName ?? 'the previous host'} disconnected`);
	}

	const service: ContextSwitchService = {
		list() {
			return Object.values(config.contexts).map((c) => ({name: c.name, endpoint: `${c.endpoints[0]!.host}:${c.endpoints[0]!.port}`, current: c.name === currentName}));
		},
		switchTo(name) {
			const known = Object.keys(config.contexts);
			if (!config.contexts[name]) return notice(`no context ${JSON.stringify(name)} (have: ${known.join(', ') || 'none'})`);
			if (name === currentName) return notice(`already on context ${name}`);
			if (switching) return notice(`already switching to context ${switching}`);
			if (current.upgradeRunning()) return notice(`an upgrade run is in progress on ${currentName ?? 'this host'}: let it finish (or stop it) before switching`);
			switching = name;
			void switchTo(name)
				.catch((error: unknown) => notice(`cannot switch to context ${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`))
				.finally(() => {
					switching = undefined;
				});
		},
		current: () => current,
		async close() {
			closed = true;
			await current.stop();
		},
	};
	attachContexts(current.store, service);
	return service;
}
