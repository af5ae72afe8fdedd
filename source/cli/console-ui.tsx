// The console on screen: its services, the Ink tree and the `:ctx` switcher.
// main.tsx loads this module (and with it Ink, React, the views and the
// services: most of proxdeck's code) only after the host answered and the
// fleet's first read was sent, so the loading overlaps the host's answer
// instead of coming before the question (issue 12).

import {render} from 'ink';
import type {Keymap} from '../../keymaps/index.js';
import {ConsoleRoot} from './console-root.js';
import type {CliArgs} from './args.js';
import type {UserConfig} from './config.js';
import {wireConsole, type WiredConsole} from './console-wiring.js';
import {createContextSwitcher} from './context-switch.js';
import {firstFleetAnswer} from './first-answer.js';
import type {Io, OpenHost} from './open-host.js';
import type {Target} from './target.js';

export interface ConsoleStart {
	opened: OpenHost;
	target: Target;
	config: UserConfig;
	args: CliArgs;
	io: Io;
	keymap: Keymap;
	/** GET /cluster/resources, already sent: it answers the fleet's first poll. */
	firstResources?: Promise<unknown>;
}

/** Starts the console; resolves with its cleanup once the first frame is drawn. */
export async function startConsole(start: ConsoleStart, quit: () => void): Promise<() => Promise<void>> {
	const {opened, target, config, args, io, keymap} = start;
	const initial = wireConsole(opened, target, config, args, io, start.firstResources ? {resources: start.firstResources} : {});
	// Each console (one per :ctx switch) is its own tree: no component state outlives its cluster.
	let generation = 0;
	const element = (wired: WiredConsole) => (
		<ConsoleRoot key={generation++} store={wired.store} keymap={keymap} stdout={io.stdout} onQuit={quit} commands={wired.commands} />
	);
	initial.start();
	// The first frame shows the fleet: drawing before its first answer cost a whole cold frame (first-answer.ts).
	await firstFleetAnswer(initial.store);
	performance.mark('proxdeck:fleet-stored');
	const app = render(element(initial), {
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
	performance.mark('proxdeck:first-render');
	// `:ctx NAME` switches clusters through this service; the views only ask it (services/contexts/registry.ts).
	const contexts = createContextSwitcher({
		config,
		args,
		io,
		initial,
		initialName: target.kind === 'host' ? target.context : undefined,
		show: (next) => app.rerender(element(next)),
	});
	return async () => {
		app.unmount();
		await contexts.close();
	};
}
