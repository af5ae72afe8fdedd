// A package-manager run as a timed script: lines (and state changes) at
// simulated offsets, then an ending — an exit code, a hang until killed, or a
// dropped channel. Building the script is pure; playScript() replays it on
// the SSH side's ticker, scaled by the state's packageSpeed, so tests drive
// minutes of apt output in a few manual ticks.

import type {SimIO, Ticker} from './commands.js';

export interface ScriptEvent {
	/** Simulated seconds after the start. */
	atSec: number;
	stdout?: string;
	stderr?: string;
	/** A change to the container's state at this moment (a package unpacked, configured…). */
	effect?: () => void;
}

export type ScriptEnd = {code: number} | {hang: true} | {drop: true};

/** How a played script ended, for the stats and lock bookkeeping. */
export type ScriptFinish = 'exit' | 'killed' | 'dropped' | 'stopped';

export interface Script {
	events: ScriptEvent[];
	end: ScriptEnd;
	/** Called once, however the script ends. */
	onFinish?: (how: ScriptFinish, code: number | undefined) => void;
}

/** The SSH channel is closed without an exit status (the client sees the stream end with no code). */
export class ChannelDropped extends Error {
	constructor() {
		super('channel dropped');
	}
}

/** Builds a script line by line while advancing a simulated clock. */
export class ScriptBuilder {
	private t = 0;
	readonly events: ScriptEvent[] = [];

	/** Advances simulated time. */
	wait(seconds: number): this {
		this.t += Math.max(0, seconds);
		return this;
	}

	out(text: string): this {
		this.events.push({atSec: this.t, stdout: text.endsWith('\n') ? text : `${text}\n`});
		return this;
	}

	err(text: string): this {
		this.events.push({atSec: this.t, stderr: text.endsWith('\n') ? text : `${text}\n`});
		return this;
	}

	effect(fn: () => void): this {
		this.events.push({atSec: this.t, effect: fn});
		return this;
	}

	get elapsed(): number {
		return this.t;
	}

	end(end: ScriptEnd, onFinish?: Script['onFinish']): Script {
		return {events: this.events, end, ...(onFinish ? {onFinish} : {})};
	}
}

export interface PlayOptions {
	ticker: Ticker;
	/** Simulated seconds per ticker second, read at every tick: a test that changes the state's packageSpeed mid-run
	 * (slow while it checks something during an upgrade, fast to let it finish) changes the script already playing. */
	speed: () => number;
	signal: AbortSignal;
	/** False once the container stopped: the command dies with it. */
	alive: () => boolean;
}

const KILLED_TERM = 143;
const KILLED_CONTAINER_STOP = 137;
const TICK_MS = 25;

/** Replays a script; resolves with its exit code, rejects with ChannelDropped for a dropped channel. */
export function playScript(script: Script, io: SimIO, options: PlayOptions): Promise<number> {
	let tickedAt = options.ticker.now();
	/** Simulated seconds played so far: each tick's real time at the speed set then. */
	let elapsedSec = 0;
	const speed = () => {
		const s = options.speed();
		return s > 0 ? s : 1;
	};
	let next = 0;
	let settled = false;
	return new Promise<number>((resolve, reject) => {
		let cancel = () => {};
		const finish = (how: ScriptFinish, code?: number) => {
			if (settled) return;
			settled = true;
			cancel();
			options.signal.removeEventListener('abort', onAbort);
			script.onFinish?.(how, code);
			if (how === 'dropped') reject(new ChannelDropped());
			else resolve(code ?? KILLED_TERM);
		};
		const onAbort = () => finish('killed', KILLED_TERM);
		/** Emits what is due; returns true once the script has ended. */
		const step = (): void => {
			if (!options.alive()) return finish('stopped', KILLED_CONTAINER_STOP);
			const now = options.ticker.now();
			elapsedSec += ((now - tickedAt) / 1000) * speed();
			tickedAt = now;
			let stdout = '';
			let stderr = '';
			const flush = () => {
				if (stdout) io.stdout(stdout);
				if (stderr) io.stderr(stderr);
				stdout = stderr = '';
			};
			while (next < script.events.length && script.events[next]!.atSec <= elapsedSec + 1e-9) {
				const event = script.events[next++]!;
				if (event.effect) {
					flush(); // output before a state change is seen before it
					event.effect();
				}
				if (event.stdout) stdout += event.stdout;
				if (event.stderr) {
					if (stdout) flush();
					stderr += event.stderr;
				}
			}
			flush();
			if (next < script.events.length) return;
			const end = script.end;
			if ('code' in end) finish('exit', end.code);
			else if ('drop' in end) finish('dropped');
			// A hang waits for the abort signal (the channel closing).
		};
		if (options.signal.aborted) return onAbort();
		options.signal.addEventListener('abort', onAbort, {once: true});
		step();
		if (!settled) cancel = options.ticker.every(TICK_MS, step);
	});
}
