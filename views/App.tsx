// The console's root component: a thin shell over the deck. It owns no data:
// it reads the store, draws the header, the deck of panes (views/deck) for the
// size it is given (the CLI passes the terminal size; tests pick any), the
// footer of the focused pane's keys, and sends every key through the one
// dispatcher: keymap → action id (deck keys, then the focused pane's scope,
// then global) → the handler of that action.

import {Box, Text, useInput, type Key} from 'ink';
import React, {useCallback, useRef, useState} from 'react';
import {useStore} from 'zustand';
import type {StoreApi} from 'zustand/vanilla';
import {isDangerous, matchAction, type Keymap, type Scope} from '../keymaps/index.js';
import {selectHeaderStats} from '../source/store/selectors.js';
import type {AppState} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import {runAction} from './actions.js';
import {Footer} from './Footer.js';
import {Header} from './Header.js';
import {HelpOverlay, helpLineCount} from './HelpOverlay.js';
import {splitKeys} from './key-chunks.js';
import {computeLayout, tooSmallMessage} from './layout.js';
import {runScreenAction} from './screen-actions.js';
import {ScreenFooter} from './ScreenBody.js';
import type {Commands} from '../source/services/actions/commands.js';
import {DialogView} from './DialogView.js';
import {dialogScope, handleOpsKey, keyDisabledReason} from './ops-keys.js';
import {handleLogsKey} from './logs/log-keys.js';
import {upgradesOf} from '../source/services/upgrade/registry.js';
import {handleUpgradeKey} from './upgrade/upgrade-keys.js';
import {theme} from './theme.js';
import {handleDeckKey} from './deck/deck-keys.js';
import {DECK_NOTICE_MS, deckPlacement, DeckView} from './deck/DeckView.js';
import {paneScope} from './deck/panes.js';

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
}

/** Which key scope is active: an open prompt wins, then the overlay, then the focused pane's. */
export function activeScope(state: AppState): Scope {
	if (state.ui.filterDraft !== null) return 'filter';
	if (state.ui.commandDraft !== null) return 'command';
	if (state.ui.overlay === 'help') return 'help';
	return paneScope(state.ui.screen, state, state.deck.zoomed);
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
	tasks: ['tasks'],
	deck: ['deck'],
	global: ['global'],
};

/** The footer lists the focused pane's keys, then the deck's (focus, zoom). */
function footerScopes(scope: Scope): Scope[] {
	const own = FOOTER_SCOPES[scope];
	return DECK_FOOTER.has(scope) ? [...own, 'deck'] : own;
}

const DECK_FOOTER: ReadonlySet<Scope> = new Set(['fleet', 'detail', 'topology', 'zfs', 'logs', 'upgrade', 'tasks']);

/** Always at the footer's right end, whatever the width: a newcomer's way in. */
const HELP_HINT = '? help';

export function App({store, keymap, size, onQuit, now = Date.now, tickMs = 1000, commands}: AppProps) {
	const state = useStore(store);
	const [helpScroll, setHelpScroll] = useState(0);

	// The handler reads everything through refs and store.getState(), so it is
	// created once and rapid keys never act on a stale render's values.
	const props = useRef({keymap, onQuit, commands});
	props.current = {keymap, onQuit, commands};
	const helpMax = useRef(0);
	const helpPage = useRef(1);
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
			// The focused pane's rectangle: page keys move by its height, the log keys lay out within it.
			const placement = deckPlacement(store, current, bodySize.current);
			const focusedRect = placement.rects.find((r) => r.id === current.deck.focus) ?? placement.rects[0];
			const paneBody = focusedRect ? {width: focusedRect.width, height: Math.max(1, focusedRect.height - 1)} : bodySize.current;
			const scrollHelp = (delta: number | 'reset' | 'page' | 'pageUp' | 'top' | 'bottom') =>
				setHelpScroll((s) => {
					if (delta === 'reset' || delta === 'top') return 0;
					if (delta === 'bottom') return helpMax.current;
					const by = delta === 'page' ? helpPage.current : delta === 'pageUp' ? -helpPage.current : delta;
					return Math.max(0, Math.min(helpMax.current, s + by));
				});
			// Dialogs, then action/mark/pane keys: the action dispatcher enforces read-only and privileges.
			if (handleOpsKey(input, key, {store, keymap: props.current.keymap, commands: props.current.commands, scope})) return;
			// The deck: focus, zoom, resize, follow, digits; the compact panes' keys; help paging.
			if (handleDeckKey(input, key, {store, keymap: props.current.keymap, scope, pageRows: Math.max(1, paneBody.height - 1), paneWidth: paneBody.width, commands: props.current.commands, scrollHelp})) return;
			// Log panes, and the fleet keys that open them.
			if (handleLogsKey(input, key, {store, keymap: props.current.keymap, scope, body: paneBody})) return;
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
			// Read-only is enforced here, in the one dispatcher, not per view.
			if (current.badges.readOnly && isDangerous(props.current.keymap, action)) return;
			// Quitting during an upgrade run asks first (Ctrl+C again while asking quits).
			const quit = () => {
				if (upgradesOf(store)?.confirmQuit(props.current.onQuit, action === 'app.forceQuit')) return;
				props.current.onQuit();
			};
			if (runScreenAction(action, {state: current, store, scope, quit, pageRows: Math.max(1, paneBody.height - 1)})) return;
			runAction(action, {
				actions: current.actions,
				hasSelection: current.ui.selectedVmid !== undefined,
				filterDraft: current.ui.filterDraft,
				quit,
				scrollHelp,
			});
		},
		[store],
	);
	// Several keys read in one chunk ("jjj", a pasted "error\r") are handled one by one.
	const onInput = useCallback(
		(input: string, key: Key) => {
			for (const [one, oneKey] of splitKeys(input, key)) onKey(one, oneKey);
		},
		[onKey],
	);
	useInput(onInput);

	const layout = computeLayout(size, false);
	helpMax.current = Math.max(0, helpLineCount(keymap) - layout.bodyHeight);
	helpPage.current = Math.max(1, layout.bodyHeight - 1);
	bodySize.current = {width: layout.width, height: layout.bodyHeight};

	if (layout.tooSmall) return <Text wrap="truncate">{tooSmallMessage(size)}</Text>;

	const scope = activeScope(state);
	// An action's result line belongs to the fleet (it acted on the fleet's guests) and expires.
	const notice = state.notice && state.ui.screen === 'fleet' && now() - state.notice.at < DECK_NOTICE_MS ? state.notice : undefined;
	const hintWidth = Math.max(0, size.columns - HELP_HINT.length - 2);
	return (
		<Box flexDirection="column" width={size.columns} height={layout.frameHeight} overflowY="hidden">
			<Header
				connection={state.connection}
				badges={state.badges}
				clusterName={state.clusterName}
				soleNode={state.nodes.length === 1 ? state.nodes[0]!.name : undefined}
				quorate={state.quorate}
				pveVersion={state.pveVersion}
				stats={selectHeaderStats(state)}
				now={now}
				tickMs={tickMs}
				marked={state.marks.size}
			/>
			{state.dialog ? (
				<DialogView dialog={state.dialog} height={layout.bodyHeight} width={layout.width} />
			) : state.ui.overlay === 'help' ? (
				<HelpOverlay keymap={keymap} height={layout.bodyHeight} scroll={helpScroll} disabledReason={(action) => keyDisabledReason(action, commands)} />
			) : (
				<DeckView state={state} store={store} keymap={keymap} width={layout.width} height={layout.bodyHeight} now={now} />
			)}
			{state.ui.commandDraft !== null || state.ui.commandNotice !== undefined ? (
				<ScreenFooter keymap={keymap} draft={state.ui.commandDraft} notice={state.ui.commandNotice} />
			) : (
				<Box width={size.columns} height={1}>
					<Box width={hintWidth} height={1} overflow="hidden">
						<Footer
							keymap={keymap}
							scopes={footerScopes(dialogScope(state) ?? scope)}
							filterDraft={state.ui.filterDraft}
							notice={notice}
							disabledReason={(action) => keyDisabledReason(action, commands)}
							now={now}
						/>
					</Box>
					<Text color={theme.accent}>{'  ' + HELP_HINT}</Text>
				</Box>
			)}
		</Box>
	);
}
