// The console's root component. It owns no data: it reads the store, lays the
// screen out for the size it is given (the CLI passes the terminal size; tests
// pick any), and sends every key through the keymap to a store action.

import {Box, Text, useInput, type Key} from 'ink';
import React, {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {useStore} from 'zustand';
import type {StoreApi} from 'zustand/vanilla';
import {isDangerous, matchAction, type Keymap, type Scope} from '../keymaps/index.js';
import {selectHeaderStats, selectVisibleRows, effectiveFilter} from '../source/store/selectors.js';
import type {AppState} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import {runAction} from './actions.js';
import {layoutColumns} from './columns.js';
import {DetailPanel} from './DetailPanel.js';
import {FleetTable} from './FleetTable.js';
import {Footer} from './Footer.js';
import {Header} from './Header.js';
import {HelpOverlay, helpLineCount} from './HelpOverlay.js';
import {computeLayout, tooSmallMessage} from './layout.js';

export interface AppProps {
	store: StoreApi<AppState>;
	keymap: Keymap;
	size: {columns: number; rows: number};
	onQuit: () => void;
	now?: () => number;
	/** Header age redraw interval in ms; 0 turns the timer off (benches). */
	tickMs?: number;
}

/** Which key scope is active: an open prompt wins, then the overlay. */
export function activeScope(state: AppState): Scope {
	if (state.ui.filterDraft !== null) return 'filter';
	if (state.ui.overlay === 'help') return 'help';
	if (state.ui.overlay === 'detail') return 'detail';
	return 'fleet';
}

const FOOTER_SCOPES: Record<Scope, Scope[]> = {
	fleet: ['fleet'],
	detail: ['detail', 'fleet'],
	help: ['help'],
	filter: ['filter'],
	global: ['global'],
};

function emptyText(state: AppState): string {
	const {status, lastError} = state.connection;
	if (state.guests.size === 0) {
		if (status === 'connecting') return 'connecting…';
		if (status === 'failed') return `no data: ${sanitize(lastError ?? 'no answer')}`;
		return 'no guests';
	}
	return `no guest matches /${sanitize(effectiveFilter(state))}`;
}

export function App({store, keymap, size, onQuit, now = Date.now, tickMs = 1000}: AppProps) {
	const state = useStore(store);
	const [helpScroll, setHelpScroll] = useState(0);

	// The handler reads everything through refs and store.getState(), so it is
	// created once and rapid keys never act on a stale render's values.
	const props = useRef({keymap, onQuit});
	props.current = {keymap, onQuit};
	const helpMax = useRef(0);

	const onInput = useCallback(
		(input: string, key: Key) => {
			const current = store.getState();
			const scope = activeScope(current);
			const action = matchAction(props.current.keymap, scope, input, key);
			if (action === undefined) {
				// Unbound printable text typed into the open filter prompt.
				if (scope === 'filter' && input !== '' && !key.ctrl && !key.meta) {
					const typed = sanitize(input);
					if (typed !== '') current.actions.editFilter((current.ui.filterDraft ?? '') + typed);
				}
				return;
			}
			// Read-only is enforced here, in the one dispatcher, not per view.
			if (current.badges.readOnly && isDangerous(props.current.keymap, action)) return;
			runAction(action, {
				actions: current.actions,
				hasSelection: current.ui.selectedVmid !== undefined,
				filterDraft: current.ui.filterDraft,
				quit: () => props.current.onQuit(),
				scrollHelp: (delta) => setHelpScroll((s) => (delta === 'reset' ? 0 : Math.max(0, Math.min(helpMax.current, s + delta)))),
			});
		},
		[store],
	);
	useInput(onInput);

	const detailOpen = state.ui.overlay === 'detail';
	const layout = computeLayout(size, detailOpen);
	const {setViewportRows} = state.actions;
	useEffect(() => {
		setViewportRows(layout.viewportRows);
	}, [layout.viewportRows, setViewportRows]);

	const placed = useMemo(() => layoutColumns(layout.width), [layout.width]);
	const rows = selectVisibleRows(state);
	const stats = selectHeaderStats(state);
	helpMax.current = Math.max(0, helpLineCount(keymap) - layout.bodyHeight);

	if (layout.tooSmall) return <Text wrap="truncate">{tooSmallMessage(size)}</Text>;

	const scope = activeScope(state);
	const selectedRow = state.ui.selectedVmid === undefined ? undefined : state.guests.get(state.ui.selectedVmid);
	// Slice with this frame's viewport: the store learns the new size one commit later.
	const scrollTop = Math.max(0, Math.min(state.ui.scrollTop, rows.length - layout.viewportRows));
	const onScreen = rows.slice(scrollTop, scrollTop + layout.viewportRows);
	return (
		<Box flexDirection="column" width={size.columns} height={layout.frameHeight} overflowY="hidden">
			<Header
				connection={state.connection}
				badges={state.badges}
				clusterName={state.clusterName}
				soleNode={state.nodes.length === 1 ? state.nodes[0]!.name : undefined}
				quorate={state.quorate}
				pveVersion={state.pveVersion}
				stats={stats}
				now={now}
				tickMs={tickMs}
			/>
			{state.ui.overlay === 'help' ? (
				<HelpOverlay keymap={keymap} height={layout.bodyHeight} scroll={helpScroll} />
			) : (
				<>
					<FleetTable
						window={onScreen}
						windowNics={onScreen.map((row) => state.nics.get(row.vmid))}
						shown={rows.length}
						total={state.guests.size}
						selectedVmid={state.ui.selectedVmid}
						scrollTop={scrollTop}
						viewportRows={layout.viewportRows}
						height={layout.tableHeight}
						width={layout.width}
						placed={placed}
						sortKey={state.ui.sortKey}
						sortDesc={state.ui.sortDesc}
						filter={effectiveFilter(state)}
						emptyText={emptyText(state)}
					/>
					{detailOpen ? (
						<DetailPanel
							row={selectedRow}
							detail={state.detail}
							nics={selectedRow ? state.nics.get(selectedRow.vmid) : undefined}
							height={layout.detailHeight}
							now={now}
						/>
					) : null}
				</>
			)}
			<Footer keymap={keymap} scopes={FOOTER_SCOPES[scope]} filterDraft={state.ui.filterDraft} />
		</Box>
	);
}
