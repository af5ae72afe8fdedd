// One log pane: a title line (source, status, line count, filter) and the
// visible lines, coloured by level. Width and height are given; every line is
// already cut to the width, so the pane never grows the frame.

import {Box, Text} from 'ink';
import React, {memo} from 'react';
import type {LogPaneState} from '../../source/store/logs-types.js';
import {theme, type Tone, toneColor} from '../theme.js';
import type {PaneRow} from './pane-rows.js';

export function statusText(pane: LogPaneState): {text: string; tone?: Tone} {
	const s = pane.status;
	switch (s.state) {
		case 'connecting':
			return {text: 'connecting…', tone: 'muted'};
		case 'following':
			return pane.follow ? {text: 'following', tone: 'ok'} : {text: 'paused', tone: 'warn'};
		case 'reconnecting':
			return {text: `reconnecting…${s.attempt !== undefined ? ` (attempt ${s.attempt})` : ''}`, tone: 'warn'};
		case 'ended':
			return {text: `ended (${s.code ?? 'signal'})${s.detail ? `: ${s.detail}` : ''}`, tone: 'muted'};
		case 'failed':
			return {text: `failed: ${s.reason}`, tone: 'danger'};
	}
}

function filterText(pane: LogPaneState): string {
	if (pane.filter === '') return '';
	return `${pane.invert ? '!' : ''}/${pane.filter}/${pane.filterLiteral ? ' (text)' : ''}`;
}

const LEVEL_TONE: Record<PaneRow['level'], Tone | undefined> = {error: 'danger', warn: 'warn', info: undefined};

// Rows are recomputed each render; the memo skips panes whose rows and title did not change identity.
export const LogPane = memo(function LogPane({
	pane,
	rows,
	lineCount,
	focused,
	width,
	height,
}: {
	pane: LogPaneState;
	rows: PaneRow[];
	lineCount: number;
	focused: boolean;
	width: number;
	height: number;
}) {
	const status = statusText(pane);
	const filter = filterText(pane);
	const flags = [pane.wrap ? 'wrap' : '', pane.showTimestamps ? '' : 'no time'].filter(Boolean).join(' ');
	const details = `  ${lineCount.toLocaleString('en-US')} lines${filter ? `  ${filter}` : ''}${flags ? `  ${flags}` : ''}`;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text wrap="truncate" bold={focused} inverse={focused}>
				{focused ? '▶ ' : '  '}
				{pane.title}
				{'  '}
				<Text color={toneColor(status.tone)}>{status.text}</Text>
				<Text color={focused ? undefined : theme.muted}>
					{details}
				</Text>
			</Text>
			{rows.length === 0 && lineCount > 0 && filter ? <Text color={theme.muted}>{`  no line matches ${filter}`}</Text> : null}
			{rows.map((row) => (
				<Text key={row.key} wrap="truncate" color={toneColor(LEVEL_TONE[row.level])}>
					{row.text === '' ? ' ' : row.text}
				</Text>
			))}
		</Box>
	);
});
