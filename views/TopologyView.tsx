// The bridge topology screen: a title (what was read, progress while guest
// configs are being read), then problems and the tree per node as one
// scrollable list. Data comes from the store; the topology service fills it.

import {Box, Text} from 'ink';
import React from 'react';
import type {TopologyState} from '../source/store/screen-types.js';
import {formatAge} from './format.js';
import {ScrollList} from './ScrollList.js';
import {theme} from './theme.js';
import type {TopoLine} from './topology-lines.js';

export interface TopologyViewProps {
	lines: TopoLine[];
	topology: TopologyState;
	height: number;
	now: () => number;
}

export function topologyTitle(topology: TopologyState, now: number, age: (ms: number) => string = formatAge): string {
	const parts = ['Bridge topology'];
	if (topology.progress) parts.push(`reading guest configs ${topology.progress.done}/${topology.progress.total}`);
	if (topology.fetchedAt === undefined) parts.push('reading node networks…');
	else parts.push(`networks read ${age(now - topology.fetchedAt)}`);
	return parts.join(' · ');
}

export function TopologyView({lines, topology, height, now}: TopologyViewProps) {
	// Where the cursor is in a tree longer than the screen.
	const position = lines.length > Math.max(0, height - 1) ? ` · line ${Math.min(lines.length, topology.cursor + 1)}/${lines.length}` : '';
	return (
		<Box flexDirection="column" height={height} overflowY="hidden">
			<Text wrap="truncate" bold color={theme.accent}>
				{topologyTitle(topology, now()) + position}
			</Text>
			<ScrollList lines={lines} cursor={topology.cursor} height={Math.max(0, height - 1)} />
		</Box>
	);
}
