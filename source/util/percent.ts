// The one rule for a percentage on screen and against a bar: a figure is
// printed whole and never above its value, so "90%" beside a guest means the
// 90 % bar is reached. Rounding printed 89.6 % as "90%" in the fleet while the
// rules, comparing the value itself, raised nothing (seen in the demo: 401
// immich `3.6G/4G 90%`, no memory problem).

/**
 * Floating-point slack: 29 / 100 * 100 is 28.999999999999996. A figure exactly
 * at a whole percent must print as it and count as at that bar. 1e-9 of a
 * percent is 100 bytes of a 10 TB pool: a figure that close under a bar prints
 * as at it and counts as at it, everywhere alike, as long as every comparison
 * with a bar goes through atOrAbove.
 */
const SLACK = 1e-9;

/** x's floor, x counted whole when floating point left it a hair under (SLACK). */
export function floorWithSlack(x: number): number {
	return Math.floor(x + SLACK);
}

/** The whole percent a figure prints as: its floor, so never a bar it has not reached. */
export function wholePercent(percent: number): number {
	return floorWithSlack(percent);
}

/** Whether a percent is at or above a bar, by the same measure wholePercent prints with: wholePercent(p) >= bar exactly when this holds, for a whole bar. */
export function atOrAbove(percent: number, bar: number): boolean {
	return percent + SLACK >= bar;
}
