// The ZFS screen: pools as usage bars with zpool's raw fill (parity included)
// and the fill of the storage allocating in each pool, each marked as the
// problems pane marks it (red when not ONLINE, with the faulted device), then what fills them — guests summed over
// their disks and other datasets — in the chosen order. Without SSH it says
// so and shows the API's storage usage instead.

import {Box, Text} from 'ink';
import React from 'react';
import type {Consumer, FillInputs, PoolFigures} from '../source/services/zfs/model.js';
import type {ZfsState} from '../source/store/screen-types.js';
import {sanitize} from '../source/util/sanitize.js';
import {formatAge} from './format.js';
import {ScrollList, type ListLine} from './ScrollList.js';
import {theme} from './theme.js';
import {consumerHeader, consumerLine, NO_SSH_NOTICE, poolLines, SORT_TITLES, storageLines} from './zfs-lines.js';

export interface ZfsViewProps {
	zfs: ZfsState;
	consumers: Consumer[];
	/** Each pool's raw and storage figures with their marks (selectPoolFigures). */
	figures?: ReadonlyMap<string, PoolFigures>;
	/** What the problem list was evaluated on (selectFillInputs): the storage table's marks. */
	fill?: FillInputs;
	width: number;
	height: number;
	now: () => number;
}

function title(zfs: ZfsState, now: number): string {
	const parts = ['ZFS usage'];
	const sample = zfs.sample;
	if (sample?.source === 'ssh') parts.push(`datasets over ${sanitize(sample.sshLabel ?? 'ssh')}`);
	if (zfs.loading && !sample) parts.push('reading…');
	if (sample) parts.push(`read ${formatAge(now - sample.at)}`);
	if (zfs.error) parts.push(`failed: ${sanitize(zfs.error)}`);
	return parts.join(' · ');
}

export function ZfsView({zfs, consumers, figures, fill, width, height, now}: ZfsViewProps) {
	const sample = zfs.sample;
	const top: ListLine[] = [];
	// First, so it is never scrolled or cut away.
	if (sample && sample.source !== 'ssh') top.push({text: NO_SSH_NOTICE, tone: 'warn'});
	top.push(...poolLines(zfs, width, figures));
	for (const note of sample?.notes.slice(0, 2) ?? []) top.push({text: `note: ${sanitize(note)}`, tone: 'muted'});
	if (sample && sample.notes.length > 2) top.push({text: `note: … ${sample.notes.length - 2} more`, tone: 'muted'});
	// The pools stay in view: at most half the body, the rest scrolls the table.
	const body = Math.max(0, height - 1);
	const poolArea = top.slice(0, Math.max(1, Math.floor(body / 2)));
	const rest = Math.max(0, body - poolArea.length - 1);
	let table: React.ReactNode;
	if (sample?.source === 'ssh') {
		const rows = consumers.map((c) => consumerLine(c, width));
		// Nodes SSH did not reach (offline hop, no root SSH between nodes) still show their storage usage.
		if (sample.storages.length > 0) rows.push({text: 'STORAGE of nodes not read over SSH (GET /nodes/…/storage)', tone: 'muted'}, ...storageLines(zfs, width, fill));
		table = (
			<>
				<Text wrap="truncate" bold>
					{`${consumerHeader(width)}  · ${SORT_TITLES[zfs.sort]}`}
				</Text>
				<ScrollList lines={rows.length > 0 ? rows : [{text: 'no datasets', tone: 'muted'}]} cursor={consumers.length > 0 ? zfs.cursor : undefined} height={rest} />
			</>
		);
	} else {
		table = (
			<>
				<Text wrap="truncate" bold>
					STORAGE (GET /nodes/…/storage)
				</Text>
				<ScrollList lines={storageLines(zfs, width, fill)} cursor={undefined} height={rest} />
			</>
		);
	}
	return (
		<Box flexDirection="column" height={height} overflowY="hidden">
			<Text wrap="truncate" bold color={theme.accent}>
				{title(zfs, now())}
			</Text>
			<ScrollList lines={poolArea} cursor={undefined} height={poolArea.length} />
			{body - poolArea.length >= 1 ? table : null}
		</Box>
	);
}
