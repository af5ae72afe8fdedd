// Layout arithmetic, kept pure so it can be tested without rendering. Ink 6
// clears the whole terminal on every frame whose height reaches the terminal
// height (flicker), so every pane gets an explicit height and the frame is
// never taller than rows − 1.

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 12;

export const HEADER_HEIGHT = 2;
export const FOOTER_HEIGHT = 1;
/** The table's title line and its column-title line. */
export const TABLE_CHROME = 2;

export interface Layout {
	tooSmall: boolean;
	width: number;
	frameHeight: number;
	tableHeight: number;
	/** Data rows the table can show. */
	viewportRows: number;
	/** 0 when the detail panel is closed. */
	detailHeight: number;
	/** Lines for the help overlay (it replaces the table and detail). */
	bodyHeight: number;
}

/**
 * `detailLines`: how many lines the open panel has to show (the detail panel
 * knows; the tasks and audit panes take half the body). The panel gets what it
 * needs, at least 6 lines and at most 60 % of the body, and the table keeps at
 * least one data row.
 */
export function computeLayout(size: {columns: number; rows: number}, detailOpen: boolean, detailLines?: number): Layout {
	const tooSmall = size.columns < MIN_COLUMNS || size.rows < MIN_ROWS;
	const frameHeight = Math.max(1, size.rows - 1);
	const bodyHeight = Math.max(0, frameHeight - HEADER_HEIGHT - FOOTER_HEIGHT);
	let detailHeight = 0;
	if (detailOpen) {
		const half = Math.floor(bodyHeight / 2);
		const wanted = detailLines === undefined ? half : Math.min(detailLines, Math.floor(bodyHeight * 0.6));
		detailHeight = Math.min(Math.max(6, wanted), bodyHeight - TABLE_CHROME - 1);
		detailHeight = Math.max(0, detailHeight);
	}
	const tableHeight = bodyHeight - detailHeight;
	return {
		tooSmall,
		width: size.columns,
		frameHeight,
		tableHeight,
		viewportRows: Math.max(1, tableHeight - TABLE_CHROME),
		detailHeight,
		bodyHeight,
	};
}

export function tooSmallMessage(size: {columns: number; rows: number}): string {
	// Short enough to be read whole in the smallest terminals it is shown in.
	return `too small: ${size.columns}×${size.rows}, need ${MIN_COLUMNS}×${MIN_ROWS}`;
}
