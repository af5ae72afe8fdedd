// The guest table's pieces (the fleet pane, views/deck/panes.tsx, draws them):
// its title line and its rows. Only the visible window of rows is drawn, each
// one memoised <Text> holding pre-padded text, so moving the selection
// redraws two rows, not five thousand cells.

import {Text} from 'ink';
import React, {memo} from 'react';
import type {GuestNic, GuestRow} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import type {BackupEntry} from '../source/services/backups/model.js';
import {rowSegments, type PlacedColumn} from './columns.js';
import {textWidth, truncate} from './format.js';
import {statusTone, theme, toneColor} from './theme.js';

interface RowProps {
	row: GuestRow;
	nics: GuestNic[] | undefined;
	selected: boolean;
	placed: PlacedColumn[];
	/** Marked for a bulk action: a ● replaces the row's first (padding) character. */
	marked?: boolean;
	/** A running power/rollback task's word for the STATUS cell ("rebooting…"). */
	busy?: string;
	/** LAST BACKUP: the guest's newest backup, whether backups were read, the minute ages are measured at, the stale window. */
	lastBackup?: BackupEntry;
	backupsRead?: boolean;
	minute?: number;
	backupWindowS?: number;
	/**
	 * The store's figuresSeq. A row keeps its object when only its figures
	 * move (they are written into it: GuestRow, types.ts), so this is what
	 * tells the memo to draw it again.
	 */
	figuresSeq?: number;
}

/** Ages in LAST BACKUP change by the minute: rows are redrawn once a minute, not every second. */
export function minuteOf(now: number): number {
	return Math.floor(now / 60_000) * 60_000;
}

export const FleetRow = memo(function FleetRow({row, nics, selected, placed, marked, busy, lastBackup, backupsRead = false, minute = 0, backupWindowS = 36 * 3600}: RowProps) {
	const segments = rowSegments(row, nics, placed, busy, {...(lastBackup ? {lastBackup} : {}), backupsRead, now: minute, backupWindowS});
	const first = segments[0];
	if (marked && first) segments[0] = {...first, text: '●' + first.text.slice(1)};
	// Ink redraws every character of every line each frame; trailing padding
	// only matters under the selection bar, so other rows drop it.
	const last = segments[segments.length - 1];
	if (!selected && last && !last.hot && !last.tone) segments[segments.length - 1] = {...last, text: last.text.trimEnd()};
	return (
		// A guest on an offline node: its last known values, dimmed (the STATUS cell says unknown).
		<Text wrap="truncate" color={toneColor(busy !== undefined ? 'warn' : statusTone(row.status))} dimColor={row.status === 'unknown'} inverse={selected ? theme.selection.inverse : false}>
			{segments.map((s, i) =>
				s.hot ? (
					<Text key={i} color={theme.danger} bold>
						{s.text}
					</Text>
				) : s.tone ? (
					<Text key={i} color={toneColor(s.tone)}>
						{s.text}
					</Text>
				) : (
					s.text
				),
			)}
		</Text>
	);
});

/** What the fleet pane's title line says: how many rows are shown, of how many, through which filter, from where. */
export interface TitleLineInput {
	/** Rows after the filter, and in the whole fleet. */
	shown: number;
	total: number;
	filter: string;
	scrollTop: number;
	viewportRows: number;
	width: number;
}

/** "guests 20/28 shown  filter /web" on the left, "1-20 of 28" on the right. */
export function titleLine(p: TitleLineInput): string {
	const count = p.shown === p.total ? `guests ${p.total}` : `guests ${p.shown}/${p.total} shown`;
	const filter = p.filter.trim() === '' ? '' : `  filter /${sanitize(p.filter)}`;
	const last = Math.min(p.shown, p.scrollTop + p.viewportRows);
	const range = p.shown === 0 ? '' : `${p.scrollTop + 1}-${last} of ${p.shown}`;
	const left = truncate(count + filter, Math.max(0, p.width - textWidth(range) - 1));
	return left + ' '.repeat(Math.max(1, p.width - textWidth(left) - textWidth(range))) + range;
}
