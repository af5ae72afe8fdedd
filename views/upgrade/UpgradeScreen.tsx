// The upgrade screen: draws the controller's view (upgrade-lines.ts) and
// re-renders when the run changes, not only when the store does.

import {Box, Text} from 'ink';
import React, {useSyncExternalStore} from 'react';
import type {UpgradeController} from '../../source/services/upgrade/controller.js';
import {toneColor} from '../theme.js';
import {upgradeLines} from './upgrade-lines.js';

export function UpgradeScreen({controller, width, height, now}: {controller: UpgradeController | undefined; width: number; height: number; now: () => number}) {
	const noop = (): (() => void) => () => {};
	useSyncExternalStore(controller ? controller.subscribe : noop, controller ? controller.version : () => 0);
	if (!controller) return <Text wrap="truncate">Upgrades need a connection.</Text>;
	const lines = upgradeLines(controller.view(), width, height, now());
	return (
		<Box flexDirection="column" height={height} overflowY="hidden">
			{lines.map((line, i) => (
				<Text key={i} wrap="truncate" color={toneColor(line.tone)} inverse={line.inverse} bold={line.bold}>
					{line.text === '' ? ' ' : line.text}
				</Text>
			))}
		</Box>
	);
}
