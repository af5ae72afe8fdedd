// Where each log pane goes, kept pure: up to four panes stacked (rows), side
// by side (columns) or 2×2 (grid), each with an explicit width and height so
// the frame never outgrows the terminal. Panes that would be narrower than
// MIN_SIDE_BY_SIDE are stacked instead.

import type {LogLayout} from '../../source/store/logs-types.js';

export interface PaneRect {
	width: number;
	height: number;
}

/** Narrowest pane drawn beside another (a journal line with its time and unit needs about this much). */
export const MIN_SIDE_BY_SIDE = 60;

/** Splits `total` into `n` sizes differing by at most one, the larger first. */
export function split(total: number, n: number): number[] {
	const base = Math.floor(total / n);
	const extra = total - base * n;
	return Array.from({length: n}, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * The panes as rows of rects: rows layout = one pane per row; columns = one
 * row of panes; grid = two rows (the second may hold one pane). Columns are
 * separated by one blank column, which is taken from the widths here.
 */
export function paneGrid(layout: LogLayout, count: number, width: number, height: number): PaneRect[][] {
	if (count <= 0) return [];
	let perRow = layout === 'rows' ? [1, 1, 1, 1].slice(0, count) : layout === 'columns' || count <= 2 ? [count] : [2, count - 2];
	// Side by side only while each pane keeps a readable line; narrower, they are stacked.
	if (Math.max(...perRow) > 1 && width / Math.max(...perRow) < MIN_SIDE_BY_SIDE) perRow = [1, 1, 1, 1].slice(0, count);
	const heights = split(height, perRow.length);
	return perRow.map((n, r) => {
		const widths = split(Math.max(0, width - (n - 1)), n);
		return widths.map((w) => ({width: w, height: heights[r]!}));
	});
}
