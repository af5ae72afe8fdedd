// The lines a log pane draws this frame, computed from its ring buffer without
// copying it: walk back from the bottom line (the newest when following, the
// anchor when paused) through the lines the filter shows until the pane is
// full. Cost is bounded by the pane height (plus lines the filter hides).

import type {LineFilter} from '../../source/services/logs/filter.js';
import type {LogLevel, RingBuffer} from '../../source/services/logs/ring-buffer.js';
import type {LogPaneState} from '../../source/store/logs-types.js';

export interface PaneRow {
	/** Stable per line and wrap segment, for React keys. */
	key: string;
	text: string;
	level: LogLevel;
}

/** Below this width a pane shows the time of day only: a full ISO stamp would take half its line. */
export const NARROW_PANE = 100;

/** "2026-11-23T16:40:05+00:00" as is in a wide pane, "16:40:05" in a narrow one. */
export function stamp(ts: string, width: number): string {
	if (width >= NARROW_PANE) return ts;
	return /\d\d:\d\d:\d\d/.exec(ts)?.[0] ?? ts;
}

/** Splits text into width-wide chunks (by code point); at least one chunk. */
export function wrapText(text: string, width: number): string[] {
	const chars = [...text];
	if (chars.length <= width || width <= 0) return [text];
	const out: string[] = [];
	for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''));
	return out;
}

function truncate(text: string, width: number): string {
	const chars = [...text];
	return chars.length <= width ? text : chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}

export function paneRows(buffer: RingBuffer, pane: LogPaneState, filter: LineFilter, height: number, width: number): PaneRow[] {
	if (height <= 0 || buffer.length === 0) return [];
	let bottom = buffer.length - 1;
	if (!pane.follow && pane.anchorSeq !== undefined) {
		const at = buffer.indexOfSeq(pane.anchorSeq);
		// An anchor that scrolled out of the buffer shows the oldest page.
		bottom = at !== -1 ? at : pane.anchorSeq < (buffer.oldest()?.seq ?? 0) ? Math.min(buffer.length - 1, height - 1) : buffer.length - 1;
	}
	const collected: PaneRow[][] = [];
	let rows = 0;
	for (let i = bottom; i >= 0 && rows < height; i--) {
		const line = buffer.at(i)!;
		if (!filter.all && !filter.test(line)) continue;
		const text = pane.showTimestamps && line.ts ? `${stamp(line.ts, width)} ${line.text}` : line.text;
		const pieces = pane.wrap ? wrapText(text, width) : [truncate(text, width)];
		collected.push(pieces.map((piece, j) => ({key: `${line.seq}.${j}`, text: piece, level: line.level})));
		rows += pieces.length;
	}
	const flat = collected.reverse().flat();
	return flat.slice(Math.max(0, flat.length - height));
}
