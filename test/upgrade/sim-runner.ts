// A CommandRunner that answers through the simulator's own command
// interpreter in-process (the same `pct exec` answers its SSH side serves),
// with streaming, stop() and dropped channels — for the engine tests and the
// bench, where a real SSH hop would only add noise. One spec'd test goes
// over real SSH (headless.test.ts spawns the CLI with its demo SSH).

import {LineSplitter} from '../../source/ssh/line-splitter.js';
import {spawnSim, REAL_TICKER, type Ticker} from '../../source/sim/ssh/commands.js';
import type {SimState} from '../../source/sim/state.js';
import type {CommandRunner, StreamEnd} from '../../source/ssh/types.js';

export function simStreamRunner(state: SimState, options: {ticker?: Ticker; node?: string} = {}): CommandRunner {
	const shell = {state, ticker: options.ticker ?? REAL_TICKER, ...(options.node ? {node: options.node} : {})};
	const stream: CommandRunner['stream'] = (argv, onLine) => {
		const out = new LineSplitter((l) => onLine(l, 'stdout'));
		const err = new LineSplitter((l) => onLine(l, 'stderr'));
		const process = spawnSim(shell, argv, {stdout: (t) => out.push(t), stderr: (t) => err.push(t)});
		let stopped = false;
		const done: Promise<StreamEnd> = process.exit.then(
			(code) => {
				out.end();
				err.end();
				return stopped ? {code: null, signal: 'TERM'} : {code};
			},
			(error: Error) => ({code: null, error}),
		);
		return {
			done,
			stop() {
				stopped = true;
				process.kill();
			},
		};
	};
	return {
		label: 'sim',
		async run(argv) {
			let stdout = '';
			const handle = stream(argv, (line) => (stdout += `${line}\n`));
			const end = await handle.done;
			return {code: end.code, stdout, stderr: ''};
		},
		stream,
		onStatus: () => () => {},
		close: async () => {},
	};
}
