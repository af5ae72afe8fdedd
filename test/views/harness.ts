import {stripVTControlCharacters} from 'node:util';

// Drives an ink-testing-library instance like a user: keys are written one at
// a time with a macrotask between them, because Ink subscribes useInput in a
// passive effect and flushes a lone ESC on setImmediate.

export const KEYS = {
	up: '\u001B[A',
	down: '\u001B[B',
	enter: '\r',
	esc: '\u001B',
	backspace: '\u007F',
	pgUp: '\u001B[5~',
	pgDn: '\u001B[6~',
	home: '\u001B[H',
	end: '\u001B[F',
	ctrlC: '\u0003',
} as const;

const tick = () => new Promise<void>((resolve) => setImmediate(() => setTimeout(resolve, 0)));

interface Instance {
	stdin: {write(data: string): void};
	lastFrame(): string | undefined;
}

/** Yields until Ink has subscribed its input handler and painted. */
export async function settle(): Promise<void> {
	await tick();
	await tick();
}

/** The time between two keys a user presses (more than the dialog guard's quiet time). */
export const KEY_GAP_MS = 300;
let keyTime = 1_000_000;
/**
 * The dialog guard's clock for <App inputClock={keyClock}>: press() steps it
 * by KEY_GAP_MS before each key, as a person's keys are apart; a test steps it
 * itself (advance) to send a key sooner, without sleeping.
 */
export const keyClock = Object.assign(() => keyTime, {
	advance(ms: number): void {
		keyTime += ms;
	},
});

/** Writes each key (a string is one key; pass an array for several) and settles after each. */
export async function press(app: Instance, ...keys: string[]): Promise<void> {
	for (const key of keys) {
		keyClock.advance(KEY_GAP_MS);
		app.stdin.write(key);
		await settle();
	}
}

/** Types text one character at a time (the way a user's keystrokes arrive). */
export async function type(app: Instance, text: string): Promise<void> {
	await press(app, ...[...text]);
}

/**
 * Waits (bounded) until the frame satisfies `predicate`; returns it or throws with the last frame.
 * The bound is generous: a loaded CI machine can stall for seconds, and a passing wait returns at once.
 */
export async function waitForFrame(app: Instance, predicate: (frame: string) => boolean, timeoutMs = 15_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const frame = app.lastFrame() ?? '';
		if (predicate(frame)) return frame;
		if (Date.now() > deadline) throw new Error(`frame never matched; last frame:\n${frame}`);
		await tick();
	}
}

/** The frame as a user reads it: no colour codes. */
export function plain(frame: string): string {
	return stripVTControlCharacters(frame);
}

/** The text of the selected table row (drawn inverse), or undefined. Needs colour on (force-color.ts). */
export function selectedLine(frame: string): string | undefined {
	// Skip the two header lines (the DEMO/READ-ONLY badges are inverse too) and the
	// focused deck pane's title line (inverse, starting with ▶).
	const line = frame
		.split('\n')
		.slice(2)
		.find((l) => l.includes('\u001B[7m') && !stripVTControlCharacters(l).startsWith('▶'));
	return line === undefined ? undefined : stripVTControlCharacters(line);
}

/** The table's data rows (plain text): below the two header lines, starting with a vmid. */
export function tableRows(frame: string): string[] {
	return plain(frame)
		.split('\n')
		.slice(2)
		.filter((l) => /^\s*\d+ /.test(l));
}
