// A window of pre-formatted lines with a highlighted cursor line, scrolled
// just enough to keep the cursor on screen. Used by the topology and ZFS
// screens; exactly `height` lines tall (blank lines pad a short list).

import {Box, Text} from 'ink';
import React, {useRef} from 'react';
import {clampScroll} from '../source/store/store.js';
import {toneColor, type Tone} from './theme.js';

export interface ListLine {
	text: string;
	tone?: Tone;
	bold?: boolean;
}

export function ScrollList({lines, cursor, height}: {lines: ListLine[]; cursor: number | undefined; height: number}) {
	const top = useRef(0);
	const index = cursor === undefined ? -1 : Math.min(cursor, lines.length - 1);
	top.current = clampScroll(top.current, index, lines.length, height);
	const shown = lines.slice(top.current, top.current + height);
	return (
		<Box flexDirection="column" height={height} overflowY="hidden">
			{shown.map((line, i) => (
				<Text key={top.current + i} wrap="truncate" color={toneColor(line.tone)} bold={line.bold} inverse={top.current + i === index}>
					{line.text === '' ? ' ' : line.text}
				</Text>
			))}
		</Box>
	);
}
