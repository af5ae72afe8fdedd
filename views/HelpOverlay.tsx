// The `?` overlay. Every key line comes from the keymap (the same table the
// dispatcher uses) and the column legend from the column table, so help can
// never describe keys or columns that do not exist.

import {Box, Text} from 'ink';
import React, {memo} from 'react';
import {helpSections, type Keymap} from '../keymaps/index.js';
import {COLUMNS} from './columns.js';
import {commandHelp, COMMANDS} from './commands.js';
import {fit} from './format.js';
import {HOT_PERCENT, theme} from './theme.js';

export interface HelpLine {
	text: string;
	heading: boolean;
	/** The key line's action, so a disabled one can say why. */
	action?: string;
}

/** A deck layout as help lists it under `:layout`. */
export interface HelpLayout {
	name: string;
	description: string;
}

// Built once per keymap and set of layouts: App asks for the line count on every render.
const cache = new WeakMap<Keymap, {layouts: string; lines: HelpLine[]}>();

export function helpLines(keymap: Keymap, layouts: readonly HelpLayout[] = []): HelpLine[] {
	const layoutKey = layouts.map((l) => `${l.name}\u0000${l.description}`).join('\u0001');
	const cached = cache.get(keymap);
	if (cached?.layouts === layoutKey) return cached.lines;
	const lines: HelpLine[] = [];
	for (const section of helpSections(keymap)) {
		lines.push({text: section.title, heading: true});
		for (const entry of section.entries) {
			lines.push({text: `  ${fit(entry.keys, 14)} ${entry.description}${entry.dangerous ? '  (dangerous)' : ''}`, heading: false, action: entry.action});
		}
		// The table's legend right after the table's keys: that is where a
		// reader who asks "what does this column mean" is looking.
		if (section.scope === 'fleet') lines.push(...tableLegend(keymap));
	}
	lines.push({text: 'Commands (type : then a name; Tab completes)', heading: true});
	for (const command of COMMANDS) {
		lines.push({text: `  ${commandHelp([command])[0]}`, heading: false});
		// The layouts `:layout NAME` takes, from the layout data (built-ins and the config's).
		if (command.name === 'layout') {
			const width = Math.max(0, ...layouts.map((l) => l.name.length));
			for (const l of layouts) lines.push({text: `      ${fit(l.name, width)}  ${l.description}`, heading: false});
		}
	}
	cache.set(keymap, {layouts: layoutKey, lines});
	return lines;
}

function tableLegend(keymap: Keymap): HelpLine[] {
	const lines: HelpLine[] = [{text: 'Columns', heading: true}];
	const sortKeys = new Map(keymap.bindings.filter((b) => b.action.startsWith('sort.')).map((b) => [b.action.slice(5), b.keys.join('/')]));
	for (const column of COLUMNS) {
		const sort = column.sortKey === undefined ? undefined : sortKeys.get(column.sortKey);
		const hot = column.usage ? `  red at ≥ ${HOT_PERCENT} %` : '';
		lines.push({text: `  ${fit(column.title, 14)} ${sort ? `sort ${sort} (again: reverse)` : 'not sortable'}${hot}`, heading: false});
	}
	lines.push({text: 'Rows', heading: true});
	lines.push({text: '  running: normal · stopped: grey · paused/unknown/other: yellow · selected: inverse', heading: false});
	lines.push({text: '  filter: substring of vmid, name, node, status, tags, lock, bridge/ip; !text inverts', heading: false});
	return lines;
}

export const HelpOverlay = memo(function HelpOverlay({
	keymap,
	layouts,
	height,
	scroll,
	disabledReason,
}: {
	keymap: Keymap;
	layouts?: readonly HelpLayout[];
	height: number;
	scroll: number;
	/** Why an action key cannot run now (read-only, a missing privilege): said on its line. */
	disabledReason?: (action: string) => string | undefined;
}) {
	const lines = helpLines(keymap, layouts);
	const top = Math.max(0, Math.min(scroll, lines.length - height));
	return (
		<Box flexDirection="column" height={height} overflowY="hidden">
			{lines.slice(top, top + height).map((line, i) =>
				line.heading ? (
					<Text key={i} wrap="truncate" bold color={theme.accent}>
						{line.text}
					</Text>
				) : (
					<HelpKeyLine key={i} line={line} reason={line.action === undefined ? undefined : disabledReason?.(line.action)} />
				),
			)}
		</Box>
	);
});

function HelpKeyLine({line, reason}: {line: HelpLine; reason: string | undefined}) {
	if (reason === undefined) return <Text wrap="truncate">{line.text}</Text>;
	return (
		<Text wrap="truncate" dimColor>
			{`${line.text}  — off: ${reason}`}
		</Text>
	);
}

export function helpLineCount(keymap: Keymap, layouts?: readonly HelpLayout[]): number {
	return helpLines(keymap, layouts).length;
}
