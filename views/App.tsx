// The console's root component. It owns no data: it reads the store, lays the
// screen out for the size it is given (the CLI passes the terminal size; tests
// pick any), and sends every key through the keymap to a store action.

import {Box, Text, useInput, type Key} from 'ink';
import React, {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {useStore} from 'zustand';
import type {StoreApi} from 'zustand/vanilla';
import {matchAction, type Keymap, type Scope} from '../keymaps/index.js';
import {selectHeaderStats, selectVisibleRows, effectiveFilter} from '../source/store/selectors.js';
import type {AppState} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import {runAction} from './actions.js';
import {layoutColumns} from './columns.js';
import {DetailPanel, detailLines} from './DetailPanel.js';
import {FleetTable} from './FleetTable.js';
import {Footer} from './Footer.js';
import {Header} from './Header.js';
import {HelpOverlay, helpLineCount} from './HelpOverlay.js';
import {splitKeys} from './key-chunks.js';
import {createDialogGuard, openDialogOf, pasteMarker, type GuardVerdict} from './dialog-guard.js';
import {computeLayout, tooSmallMessage} from './layout.js';
import {runScreenAction} from './screen-actions.js';
import {fleetFilterText, ScreenBody, ScreenFooter} from './ScreenBody.js';
import type {Commands} from '../source/services/actions/commands.js';
import {DialogView} from './DialogView.js';
import {busyGuests, busyLine} from './busy.js';
import {OpsPane} from './OpsPane.js';
import {dialogScope, handleOpsKey, keyDisabledReason, refuseDisabledKey, type DisabledContext} from './ops-keys.js';
import {handleLogsKey, logsScope} from './logs/log-keys.js';
import {LogsScreen} from './logs/LogsScreen.js';
import {logsOf} from '../source/services/logs/registry.js';
import {upgradesOf} from '../source/services/upgrade/registry.js';
import {handleUpgradeKey} from './upgrade/upgrade-keys.js';
import {UpgradeScreen} from './upgrade/UpgradeScreen.js';

export interface AppProps {
	store: StoreApi<AppState>;
	keymap: Keymap;
	size: {columns: number; rows: number};
	onQuit: () => void;
	now?: () => number;
	/** Header age redraw interval in ms; 0 turns the timer off (benches). */
	tickMs?: number;
	/** Snapshot, reboot, rollback…: the action dispatcher's command interface (absent: action keys say "no connection"). */
	commands?: Commands;
	/** The clock of the dialog guard (how long ago a dialog opened); tests step it. */
	inputClock?: () => number;
}

/** Which key scope is active: an open prompt wins, then the overlay. */
export function activeScope(state: AppState): Scope {
	if (state.ui.filterDraft !== null) return 'filter';
	if (state.ui.commandDraft !== null) return 'command';
	if (state.ui.overlay === 'help') return 'help';
	if (state.ui.screen === 'logs') return logsScope(state);
	if (state.ui.screen === 'upgrade') return 'upgrade';
	if (state.ui.screen === 'topology') return 'topology';
	if (state.ui.screen === 'zfs') return 'zfs';
	if (state.ui.overlay === 'detail') return 'detail';
	return 'fleet';
}

const FOOTER_SCOPES: Record<Scope, Scope[]> = {
	fleet: ['fleet'],
	detail: ['detail', 'fleet'],
	help: ['help'],
	filter: ['filter'],
	topology: ['topology'],
	zfs: ['zfs'],
	command: ['command'],
	dialog: ['dialog'],
	picker: ['picker'],
	logs: ['logs'],
	logfilter: ['logfilter'],
	logopen: ['logopen'],
	upgrade: ['upgrade'],
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

const monotonic = () => performance.now();

export function App({store, keymap, size, onQuit, now = Date.now, tickMs = 1000, commands, inputClock = monotonic}: AppProps) {
	const state = useStore(store);
	const [helpScroll, setHelpScroll] = useState(0);

	// The handler reads everything through refs and store.getState(), so it is
	// created once and rapid keys never act on a stale render's values.
	const props = useRef({keymap, onQuit, commands, inputClock, now});
	props.current = {keymap, onQuit, commands, inputClock, now};
	// Every dialog acts only on a deliberate key: the guard sees each chunk before the dispatcher does.
	const guard = useRef(createDialogGuard(() => props.current.inputClock())).current;
	useEffect(() => {
		const observe = () => guard.observe(openDialogOf(store.getState(), upgradesOf(store)?.view()));
		observe();
		const offStore = store.subscribe(observe);
		const offUpgrades = upgradesOf(store)?.subscribe(observe);
		return () => {
			offStore();
			offUpgrades?.();
		};
	}, [store, guard]);
	const helpMax = useRef(0);
	const pageRows = useRef(1);
	const bodySize = useRef({width: size.columns, height: 1});

	const onKey = useCallback(
		(input: string, key: Key) => {
			let current = store.getState();
			// A `:` notice ("unknown command") lasts until the next key.
			if (current.ui.commandNotice !== undefined) {
				current.actions.setCommandNotice(undefined);
				current = store.getState();
			}
			const scope = activeScope(current);
			// Read-only, offline nodes, missing privileges: one table decides, here in the one dispatcher, for every key.
			const disabled: DisabledContext = {state: current, keymap: props.current.keymap, commands: props.current.commands, upgrades: upgradesOf(store)};
			if (refuseDisabledKey(matchAction(props.current.keymap, dialogScope(current) ?? scope, input, key), disabled, props.current.now())) return;
			// Dialogs, then action/mark/pane keys: the action dispatcher enforces read-only and privileges.
			if (handleOpsKey(input, key, {store, keymap: props.current.keymap, commands: props.current.commands, scope})) return;
			// Log panes, and the fleet keys that open them.
			if (handleLogsKey(input, key, {store, keymap: props.current.keymap, scope, body: bodySize.current})) return;
			// The upgrade screen's keys, and `u` in the fleet.
			if (handleUpgradeKey(input, key, {store, keymap: props.current.keymap, scope})) return;
			const action = matchAction(props.current.keymap, scope, input, key);
			if (action === undefined) {
				// Unbound printable text typed into the open `:` prompt.
				if (scope === 'command' && input !== '' && !key.ctrl && !key.meta) {
					const typed = sanitize(input);
					if (typed !== '') current.actions.editCommand((current.ui.commandDraft ?? '') + typed);
					return;
				}
				// Unbound printable text typed into the open filter prompt.
				if (scope === 'filter' && input !== '' && !key.ctrl && !key.meta) {
					const typed = sanitize(input);
					if (typed !== '') current.actions.editFilter((current.ui.filterDraft ?? '') + typed);
				}
				return;
			}
			// Quitting during an upgrade run asks first (Ctrl+C again while asking quits).
			const quit = () => {
				if (upgradesOf(store)?.confirmQuit(props.current.onQuit, action === 'app.forceQuit')) return;
				props.current.onQuit();
			};
			if (runScreenAction(action, {state: current, store, scope, quit, pageRows: pageRows.current})) return;
			runAction(action, {
				actions: current.actions,
				hasSelection: current.ui.selectedVmid !== undefined,
				filterDraft: current.ui.filterDraft,
				quit,
				scrollHelp: (delta) => setHelpScroll((s) => (delta === 'reset' ? 0 : Math.max(0, Math.min(helpMax.current, s + delta)))),
			});
		},
		[store],
	);
	// Several keys read in one chunk ("jjj", a pasted "error\r") are handled one by one;
	// while a dialog is open, the guard drops those of a paste or typed before it could be read.
	const onInput = useCallback(
		(input: string, key: Key) => {
			const marker = pasteMarker(input, key);
			if (marker) return guard.paste(marker);
			const keys = splitKeys(input, key);
			guard.chunk(keys.length);
			let refused: GuardVerdict | undefined;
			for (const [one, oneKey] of keys) {
				const dialog = openDialogOf(store.getState(), upgradesOf(store)?.view());
				const action = dialog ? matchAction(props.current.keymap, dialog.scope, one, oneKey) : undefined;
				const typed = action === undefined && one !== '' && !oneKey.ctrl && !oneKey.meta;
				const verdict = guard.judge(dialog, action, typed);
				if (verdict === 'pass') onKey(one, oneKey);
				else refused ??= verdict;
			}
			if (refused) {
				const text = refused === 'pasted' ? 'paste ignored: a dialog takes its keys one at a time' : 'key ignored: the dialog had just opened — read it, then press again';
				store.getState().actions.showNotice({text, tone: 'info', at: props.current.now()});
			}
		},
		[onKey, store, guard],
	);
	useInput(onInput);

	const detailOpen = state.ui.overlay === 'detail' && state.ui.screen === 'fleet';
	const paneOpen = state.pane !== 'none' && state.ui.screen === 'fleet';
	const selected = state.ui.selectedVmid === undefined ? undefined : state.guests.get(state.ui.selectedVmid);
	// The detail panel is as tall as its content (title + lines), within the layout's bounds.
	const detailWanted = detailOpen && !paneOpen && selected ? 1 + detailLines(selected, state.detail, state.nics.get(selected.vmid), now()).length : undefined;
	const layout = computeLayout(size, detailOpen || paneOpen, detailWanted);
	const {setViewportRows} = state.actions;
	useEffect(() => {
		setViewportRows(layout.viewportRows);
	}, [layout.viewportRows, setViewportRows]);

	const placed = useMemo(() => layoutColumns(layout.width), [layout.width]);
	// Memoised on the task list, so the table (memo) redraws only when a task changes.
	const busy = useMemo(() => busyGuests(state.tasks), [state.tasks]);
	const rows = selectVisibleRows(state);
	const stats = selectHeaderStats(state);
	helpMax.current = Math.max(0, helpLineCount(keymap) - layout.bodyHeight);
	pageRows.current = Math.max(1, layout.bodyHeight - 2);
	bodySize.current = {width: layout.width, height: layout.bodyHeight};

	if (layout.tooSmall) return <Text wrap="truncate">{tooSmallMessage(size)}</Text>;

	const scope = activeScope(state);
	const disabledContext: DisabledContext = {state, keymap, commands, upgrades: upgradesOf(store)};
	const disabledReason = (action: string) => keyDisabledReason(action, disabledContext);
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
				marked={state.marks.size}
			/>
			{state.dialog ? (
				<DialogView dialog={state.dialog} height={layout.bodyHeight} width={layout.width} />
			) : state.ui.overlay === 'help' ? (
				<HelpOverlay keymap={keymap} height={layout.bodyHeight} scroll={helpScroll} disabledReason={disabledReason} />
			) : state.ui.screen === 'upgrade' ? (
				<UpgradeScreen controller={upgradesOf(store)} width={layout.width} height={layout.bodyHeight} now={now} />
			) : state.ui.screen === 'logs' ? (
				<LogsScreen state={state} service={logsOf(store)} width={layout.width} height={layout.bodyHeight} />
			) : state.ui.screen !== 'fleet' ? (
				<ScreenBody state={state} width={layout.width} height={layout.bodyHeight} now={now} />
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
						filter={fleetFilterText(state)}
						emptyText={emptyText(state)}
						marks={state.marks}
						busy={busy}
					/>
					{paneOpen ? (
						<OpsPane pane={state.pane as 'tasks' | 'audit'} tasks={state.tasks} taskCursor={state.taskCursor} audit={state.audit} height={layout.detailHeight} now={now} />
					) : detailOpen ? (
						<DetailPanel
							row={selected}
							detail={state.detail}
							nics={selected ? state.nics.get(selected.vmid) : undefined}
							height={layout.detailHeight}
							now={now}
						/>
					) : null}
				</>
			)}
			{state.ui.commandDraft !== null || state.ui.commandNotice !== undefined ? (
				<ScreenFooter keymap={keymap} draft={state.ui.commandDraft} notice={state.ui.commandNotice} />
			) : (
				<Footer
					keymap={keymap}
					scopes={FOOTER_SCOPES[dialogScope(state) ?? scope]}
					filterDraft={state.ui.filterDraft}
					notice={state.notice}
					busy={busyLine(state.tasks)}
					disabledReason={disabledReason}
					now={now}
				/>
			)}
		</Box>
	);
}
