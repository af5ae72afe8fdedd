// The backups pane (Pane contract, views/deck/pane.ts): the cluster's backup
// jobs with their next run and last result, the guests no job covers, and
// each backup storage's usage. It draws the store's backups slice (filled by
// services/backups) and the task list; keys live in backups-keys.ts.

import {fleetShape} from '../../source/store/guest-shape.js';
import {Box} from 'ink';
import React from 'react';
import type {AppState} from '../../source/store/types.js';
import type {Pane, PaneRenderProps} from '../deck/pane.js';
import {PANE_MIN_SIZE} from '../deck/pane-sizes.js';
import {ScrollList} from '../ScrollList.js';
import {backupsLines, stopIndices, type BackupsLine} from './backups-lines.js';

let linesCache: {backups: AppState['backups']; tasks: AppState['tasks']; shape: object; minute: number; lines: BackupsLine[]} | undefined;

/** The pane's lines, rebuilt when the backups, tasks or guests change, or a minute passes (the ages). */
export function selectBackupsLines(state: AppState, now: number): BackupsLine[] {
	const minute = Math.floor(now / 60_000);
	const c = linesCache;
	if (c && c.backups === state.backups && c.tasks === state.tasks && c.shape === fleetShape(state.guests) && c.minute === minute) return c.lines;
	const lines = backupsLines(state.backups, state.tasks, minute * 60_000, (vmid) => state.guests.get(vmid)?.name);
	linesCache = {backups: state.backups, tasks: state.tasks, shape: fleetShape(state.guests), minute, lines};
	return lines;
}

function BackupsBody({frame}: {frame: PaneRenderProps}) {
	const {state, width, height, now, focused} = frame;
	const lines = selectBackupsLines(state, now());
	const stops = stopIndices(lines);
	const cursor = focused && stops.length > 0 ? stops[Math.min(state.backups.cursor, stops.length - 1)] : undefined;
	return (
		<Box width={width} height={height} overflow="hidden">
			<ScrollList lines={lines} cursor={cursor} height={height} />
		</Box>
	);
}

export const backupsPane: Pane = {
	kind: 'backups',
	label: 'backups',
	key: '8',
	title({state}) {
		const b = state.backups;
		if (b.readAt === undefined) return {text: b.error ? 'not read' : 'reading…', tone: b.error ? 'danger' : undefined};
		const never = [...state.guests.keys()].filter((vmid) => !b.newest.has(vmid)).length;
		const parts = [`${b.jobs.length} job${b.jobs.length === 1 ? '' : 's'}`, `${b.notBackedUp.length} in no job`, `${never} never backed up`];
		return {text: parts.join(' · '), tone: never > 0 || b.notBackedUp.length > 0 ? 'warn' : 'ok', ...(b.error ? {stale: true} : {})};
	},
	scope: () => 'backups',
	actions: ['backups.down', 'backups.up', 'backups.top', 'backups.bottom', 'backups.open', 'backups.prune'],
	minSize: PANE_MIN_SIZE.backups,
	render: (p) => <BackupsBody frame={p} />,
	deps: (s) => [s.backups, fleetShape(s.guests), s.tasks, s.deck.notice],
	// The jobs' next and last runs read in minutes and hours.
	clockMs: () => 60_000,
};
