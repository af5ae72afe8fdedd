// The body of the non-fleet screens (topology, ZFS) and the footer line of
// the `:` prompt. App picks these by ui.screen; each reads its own slice.

import {Text} from 'ink';
import React from 'react';
import {hintText} from './Footer.js';
import type {Keymap} from '../keymaps/index.js';
import {effectiveFilter} from '../source/store/selectors.js';
import type {AppState} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import {theme} from './theme.js';
import {selectTopologyView} from './topology-lines.js';
import {TopologyView} from './TopologyView.js';
import {selectConsumers} from './zfs-lines.js';
import {ZfsView} from './ZfsView.js';

export function ScreenBody({state, width, height, now}: {state: AppState; width: number; height: number; now: () => number}) {
	if (state.ui.screen === 'topology') {
		return <TopologyView lines={selectTopologyView(state).lines} topology={state.topology} height={height} now={now} />;
	}
	if (state.ui.screen === 'zfs') {
		return <ZfsView zfs={state.zfs} consumers={selectConsumers(state)} width={width} height={height} now={now} />;
	}
	return null;
}

/** The `:` prompt while it is open, else the notice a command left. */
export function ScreenFooter({keymap, draft, notice}: {keymap: Keymap; draft: string | null; notice: string | undefined}) {
	if (draft === null) {
		return (
			<Text wrap="truncate" color={theme.warn}>
				{sanitize(notice ?? '')}
			</Text>
		);
	}
	return (
		<Text wrap="truncate">
			<Text color={theme.accent}>:</Text>
			{sanitize(draft)}
			<Text color={theme.accent}>█</Text>
			<Text color={theme.muted}>{'  ' + hintText(keymap, ['command'])}</Text>
		</Text>
	);
}

/** What the fleet title shows as its filter: the topology's vmid set (in brackets) and the typed text. */
export function fleetFilterText(state: AppState): string {
	const label = state.ui.vmidFilter ? `[${state.ui.vmidFilter.label}]` : '';
	return [label, effectiveFilter(state)].filter((s) => s.trim() !== '').join(' ');
}
