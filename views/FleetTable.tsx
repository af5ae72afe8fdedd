// The guest table: a title line, the column titles and only the visible
// window of rows. Each row is one memoised <Text> holding pre-padded text, so
// moving the selection redraws two rows, not five thousand cells.

import {Box, Text} from 'ink';
import React, {memo} from 'react';
import type {GuestNic, GuestRow, SortKey} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import type {BackupEntry} from '../source/services/backups/model.js';
import {headerLine, rowSegments, type PlacedColumn} from './columns.js';
import {fit, textWidth, truncate} from './format.js';
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

export interface FleetTableProps {
	/** Only the rows on screen. Never the whole fleet: React's development
	 * build diffs changed props for its profiler, and a 5,000-row array
	 * prop made every sort take seconds there. */
	window: GuestRow[];
	/** NICs of the window's rows, index-aligned with `window`. */
	windowNics: Array<GuestNic[] | undefined>;
	/** Rows after the filter, and in the whole fleet. */
	shown: number;
	total: number;
	selectedVmid: number | undefined;
	scrollTop: number;
	viewportRows: number;
	height: number;
	width: number;
	placed: PlacedColumn[];
	sortKey: SortKey;
	sortDesc: boolean;
	filter: string;
	/** Shown instead of rows when there are none (connecting, no data, no match). */
	emptyText: string;
	/** Marked vmids (issue 4). */
	marks?: ReadonlySet<number>;
	/** vmid → STATUS word of a running power/rollback task (busy.ts). */
	busy?: ReadonlyMap<number, string>;
}

/** "guests 20/28 shown  filter /web" on the left, "1-20 of 28" on the right. */
export function titleLine(p: Pick<FleetTableProps, 'shown' | 'total' | 'filter' | 'scrollTop' | 'viewportRows' | 'width'>): string {
	const count = p.shown === p.total ? `guests ${p.total}` : `guests ${p.shown}/${p.total} shown`;
	const filter = p.filter.trim() === '' ? '' : `  filter /${sanitize(p.filter)}`;
	const last = Math.min(p.shown, p.scrollTop + p.viewportRows);
	const range = p.shown === 0 ? '' : `${p.scrollTop + 1}-${last} of ${p.shown}`;
	const left = truncate(count + filter, Math.max(0, p.width - textWidth(range) - 1));
	return left + ' '.repeat(Math.max(1, p.width - textWidth(left) - textWidth(range))) + range;
}

export const FleetTable = memo(function FleetTable(p: FleetTableProps) {
	return (
		<Box flexDirection="column" height={p.height} overflowY="hidden">
			<Text wrap="truncate" color={theme.accent}>
				{titleLine(p)}
			</Text>
			<Text wrap="truncate" bold>
				{fit(headerLine(p.placed, p.sortKey, p.sortDesc), p.width)}
			</Text>
			{p.window.length === 0 ? (
				<Text wrap="truncate" color={theme.muted}>
					{p.emptyText}
				</Text>
			) : (
				p.window.map((row, i) => (
					<FleetRow key={row.vmid} row={row} nics={p.windowNics[i]} selected={row.vmid === p.selectedVmid} placed={p.placed} marked={p.marks?.has(row.vmid)} busy={p.busy?.get(row.vmid)} />
				))
			)}
		</Box>
	);
});
