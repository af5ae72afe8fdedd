// The logs screen: up to four panes in the chosen split, the `/` filter
// prompt or the `o` picker on its last line, and a one-line notice. It reads
// pane metadata from the store and lines from the logs service's buffers.

import {Box, Text} from 'ink';
import React from 'react';
import type {LogsService} from '../../source/services/logs/panes.js';
import type {AppState} from '../../source/store/types.js';
import {sanitize} from '../../source/util/sanitize.js';
import {theme} from '../theme.js';
import {LogPane} from './LogPane.js';
import {paneGrid} from './pane-layout.js';
import {paneRows} from './pane-rows.js';
import {pickerOptions} from './picker.js';

const EMPTY_HELP = [
	'No log panes open.',
	'o opens one here (host journal, the selected guest, a task log, the audit log).',
	"In the fleet, l opens the selected guest's journal and H the host journal.",
];

function PromptLines({state, service, width}: {state: AppState; service: LogsService | undefined; width: number}) {
	const prompt = state.logs.prompt;
	if (prompt?.kind === 'filter') {
		return (
			<Text wrap="truncate">
				<Text color={theme.accent}>filter /</Text>
				{sanitize(prompt.draft)}
				<Text color={theme.accent}>█</Text>
				<Text color={theme.muted}>{'  regex, case-insensitive; !text inverts; empty clears'}</Text>
			</Text>
		);
	}
	if (prompt?.kind === 'open' && service) {
		const options = pickerOptions(state, service);
		return (
			<Box flexDirection="column" width={width}>
				<Text color={theme.accent}>open a log pane:</Text>
				{options.map((option, i) => (
					<Text key={option.label} wrap="truncate" inverse={i === prompt.cursor} color={option.spec ? undefined : theme.muted}>
						{`  ${option.label}${option.why ? ` (${option.why})` : ''}`}
					</Text>
				))}
			</Box>
		);
	}
	return (
		<Text wrap="truncate" color={theme.warn}>
			{sanitize(state.logs.notice ?? '')}
		</Text>
	);
}

/** Lines the bottom of the screen needs: the picker's list, else one line for a prompt or notice. */
export function promptHeight(state: AppState): number {
	if (state.logs.prompt?.kind === 'open') return 5;
	return state.logs.prompt || state.logs.notice ? 1 : 0;
}

export function LogsScreen({state, service, width, height}: {state: AppState; service: LogsService | undefined; width: number; height: number}) {
	const bottom = Math.min(promptHeight(state), Math.max(0, height - 2));
	const panesHeight = height - bottom;
	// state.logs.version changed when a buffer did: this render reads the buffers afresh.
	const {panes, layout, focus} = state.logs;
	if (!service) {
		return (
			<Box height={height}>
				<Text color={theme.muted}>logs are not available in this session</Text>
			</Box>
		);
	}
	const grid = paneGrid(layout, panes.length, width, panesHeight);
	let index = 0;
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{panes.length === 0 ? (
				<Box flexDirection="column" height={panesHeight}>
					{EMPTY_HELP.map((line) => (
						<Text key={line} wrap="truncate" color={theme.muted}>
							{line}
						</Text>
					))}
				</Box>
			) : (
				<Box flexDirection="column" height={panesHeight}>
					{grid.map((row, r) => (
						<Box key={r} flexDirection="row" height={row[0]!.height} gap={1}>
							{row.map((rect) => {
								const pane = panes[index]!;
								const i = index++;
								const buffer = service.buffer(pane.id);
								const rows = buffer ? paneRows(buffer, pane, service.filterOf(pane), rect.height - 1, rect.width) : [];
								return (
									<LogPane
										key={pane.id}
										pane={pane}
										rows={rows}
										lineCount={buffer?.length ?? 0}
										focused={i === focus}
										width={rect.width}
										height={rect.height}
									/>
								);
							})}
						</Box>
					))}
				</Box>
			)}
			{bottom > 0 ? (
				<Box height={bottom} flexDirection="column">
					<PromptLines state={state} service={service} width={width} />
				</Box>
			) : null}
		</Box>
	);
}
