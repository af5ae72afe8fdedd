// Shared generators and settings for the property suites: hostile text (what a
// host or guest could send), and one run configuration so the whole property
// suite stays reproducible and quick. A failure prints its seed and path;
// FC_SEED=<n> replays another seed, FC_RUNS=<n> runs more cases locally.

import fc from 'fast-check';

export const PROPERTY_RUNS = Number(process.env.FC_RUNS ?? 200);

/**
 * CPU milliseconds (user + system) this process spent in `run`. Time budgets
 * are on this, not on the wall clock: it holds while other test files or
 * another job share the cores, and a backtracking regex still spends minutes.
 */
export function cpuMs(run: () => unknown): number {
	const start = process.cpuUsage();
	run();
	const used = process.cpuUsage(start);
	return (used.user + used.system) / 1000;
}

/** fast-check parameters for one property: a fixed seed unless FC_SEED says otherwise. */
export function runs(numRuns = PROPERTY_RUNS): fc.Parameters<unknown> {
	return {numRuns, seed: Number(process.env.FC_SEED ?? 20261203)};
}

/** Characters a terminal acts on: every C0 control, DEL, the C1 range, ESC and bidi/zero-width oddities. */
export const controlChar = fc.oneof(
	fc.integer({min: 0x00, max: 0x1f}).map((c) => String.fromCharCode(c)),
	fc.integer({min: 0x7f, max: 0x9f}).map((c) => String.fromCharCode(c)),
	fc.constantFrom('\u001b', '\r', '\n', '\r\n', '\t', '\u200b', '\u202e', '\ufeff'),
);

/** Escape sequences hosts have been seen to send (colours, title, clear, OSC 8 links, 8-bit CSI). */
export const escapeSequence = fc.constantFrom(
	'\u001b[31m', '\u001b[0m', '\u001b[2J', '\u001b]0;owned\u0007', '\u001b]8;;http://x\u001b\\', '\u001bc', '\u001b(B', '\u009b31m', '\u001bP1$r\u001b\\', '\u001b[?1049h',
);

/** Arbitrary text with a bias towards what breaks parsers and terminals. */
export const hostileText = fc
	.array(
		fc.oneof(
			{weight: 4, arbitrary: fc.string({unit: 'grapheme'})},
			{weight: 2, arbitrary: fc.string({unit: 'binary'})},
			{weight: 2, arbitrary: controlChar},
			{weight: 1, arbitrary: escapeSequence},
			{weight: 1, arbitrary: fc.constantFrom(',', '=', ':', ';', '\t', ' ', '|', '@', '[', ']', '{', '}', '#', '"', "'", '-', '/')},
		),
		{maxLength: 24},
	)
	.map((parts) => parts.join(''));

/** A very long line (64 KiB to 1 MiB) of one repeated piece, for "never hangs" checks. */
export const longLine = fc.tuple(fc.constantFrom('a', 'é', '\u001b[', ',', ':', '\t', 'x=1,'), fc.integer({min: 1 << 16, max: 1 << 20})).map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)));

/** True when the text holds a character a terminal would act on (C0 except nothing, DEL, C1, ESC). */
export function hasControl(text: string): boolean {
	return /[\u0000-\u001f\u007f-\u009f]/.test(text);
}
