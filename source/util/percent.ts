// The one rule for a percentage on screen and against a bar: a figure is
// printed whole and never above its value, so "90%" beside a guest means the
// 90 % bar is reached. Rounding printed 89.6 % as "90%" in the fleet while the
// rules, comparing the value itself, raised nothing (seen in the demo: 401
// immich `3.6G/4G 90%`, no memory problem).

/**
 * Floating-point slack: 29 / 100 * 100 is 28.999999999999996. A figure exactly
 * at a whole percent must print as it and count as at that bar; 1e-9 of a
 * percent is far below anything a byte count can tell apart.
 */
const SLACK = 1e-9;

/** The whole percent a figure prints as: its floor, so never a bar it has not reached. */
export function wholePercent(percent: number): number {
	return Math.floor(percent + SLACK);
}

/** Whether a percent is at or above a bar, by the same measure wholePercent prints with: wholePercent(p) >= bar exactly when this holds, for a whole bar. */
export function atOrAbove(percent: number, bar: number): boolean {
	return percent + SLACK >= bar;
}
