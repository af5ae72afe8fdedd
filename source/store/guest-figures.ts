// A guest's figures: the six numbers every pvestatd cycle moves for every
// running guest. The fleet reader hands them over apart from the rows
// (FleetSnapshot.figures) and the store writes them into the rows it holds,
// so that a poll of an unchanged fleet makes no new row per guest (GuestRow,
// types.ts, says why).

import type {GuestRow} from './types.js';

export const FIGURE_FIELDS = ['cpu', 'mem', 'disk', 'uptime', 'netin', 'netout'] as const;
export type FigureField = (typeof FIGURE_FIELDS)[number];
/** Numbers per guest in FleetSnapshot.figures, in FIGURE_FIELDS' order. */
export const FIGURES_PER_GUEST = FIGURE_FIELDS.length;

// takeFigures, like the fleet reader's putEntryFigures (fleet-mapping.ts), which
// writes them, spells the fields out rather than loop over FIGURE_FIELDS: it
// runs for every guest of every poll, and row[key] over a list of keys is a
// megamorphic access (README Design notes, "Per-poll callbacks are made once").

/** Writes the figures at guest index `i` of `figures` into `row`; whether any of them moved. */
export function takeFigures(row: GuestRow, figures: Float64Array, i: number): boolean {
	const at = i * FIGURES_PER_GUEST;
	const cpu = figures[at]!;
	const mem = figures[at + 1]!;
	const disk = figures[at + 2]!;
	const uptime = figures[at + 3]!;
	const netin = figures[at + 4]!;
	const netout = figures[at + 5]!;
	if (row.cpu === cpu && row.mem === mem && row.disk === disk && row.uptime === uptime && row.netin === netin && row.netout === netout) return false;
	row.cpu = cpu;
	row.mem = mem;
	row.disk = disk;
	row.uptime = uptime;
	row.netin = netin;
	row.netout = netout;
	return true;
}

/** Writes each guest's figures into its row (`rows` in the figures' order); whether any moved. */
export function takeAllFigures(rows: readonly GuestRow[], figures: Float64Array): boolean {
	if (figures.length !== rows.length * FIGURES_PER_GUEST) throw new Error(`figures for ${figures.length / FIGURES_PER_GUEST} guests, rows for ${rows.length}`);
	let moved = false;
	for (let i = 0; i < rows.length; i++) if (takeFigures(rows[i]!, figures, i)) moved = true;
	return moved;
}
