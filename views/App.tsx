// The console's root component: a thin shell over the deck. It owns no data:
// it reads the store, draws the header, the deck of panes (views/deck) for the
// size it is given (the CLI passes the terminal size; tests pick any), the
// footer of the focused pane's keys, and sends every key through the one
// dispatcher: keymap → action id (deck keys, then the focused pane's scope,
// then global) → the handler of that action.

import {noteInput} from '../source/util/input-activity.js';
import {Box, Text, useInput, type Key} from 'ink';
import React, {useCallback, useEffect, useRef, useState} from 'react';
import {useAppState} from './use-app-state.js';
import type {StoreApi} from 'zustand/vanilla';
import {matchAction, type Keymap, type Scope} from '../keymaps/index.js';
import {selectHeaderStats} from '../source/store/selectors.js';
import type {AppState} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import {runAction} from './actions.js';
import {Footer} from './Footer.js';
import {Header} from './Header.js';
import {HelpOverlay, helpLineCount} from './HelpOverlay.js';
import {splitKeys} from './key-chunks.js';
import {createDialogGuard, openDialogOf, pasteMarker, type GuardVerdict} from './dialog-guard.js';
import {busyLine} from './busy.js';
import {computeLayout, tooSmallMessage} from './layout.js';
import {runScreenAction} from './screen-actions.js';
import {ScreenFooter} from './ScreenBody.js';
import type {Commands} from '../source/services/actions/commands.js';
import {DialogView} from './DialogView.js';
import {dialogScope, handleOpsKey, keyDisabledReason, refuseDisabledKey, type DisabledContext} from './ops-keys.js';
import {handleLogsKey} from './logs/log-keys.js';
import {upgradesOf} from '../source/services/upgrade/registry.js';
import {handleUpgradeKey} from './upgrade/upgrade-keys.js';
import {theme} from './theme.js';
import {handleDeckKey} from './deck/deck-keys.js';
import {DECK_NOTICE_MS, deckPlacement, DeckView} from './deck/DeckView.js';
import {paneScope} from './deck/panes.js';
import {layoutsOf} from './deck/layout-registry.js';
import {elsewhereReason, noEffectReason, PANE_KEY_SCOPES, sayOnFocus} from './deck/key-reasons.js';

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
	problems: ['problems'],
	backups: ['backups'],
	backuplist: ['backuplist'],
	nodes: ['nodes'],
	deck: ['deck'],
	global: ['global'],
};

/** The footer lists the focused pane's keys, then the deck's (focus, zoom). */
function footerScopes(scope: Scope): Scope[] {
	const own = FOOTER_SCOPES[scope];
	return DECK_FOOTER.has(scope) ? [...own, 'deck'] : own;
}

const DECK_FOOTER: ReadonlySet<Scope> = new Set(['fleet', 'detail', 'topology', 'zfs', 'logs', 'upgrade', 'tasks', 'problems', 'backups', 'nodes']);

/** Always at the footer's right end, whatever the width: a newcomer's way in. */
const HELP_HINT = '? help';

const monotonic = () => performance.now();

/** Redraws once the newest result line (footer or a pane title) has expired, even if nothing else changes. */
function useNoticeExpiry(times: Array<number | undefined>, now: () => number): void {
	const [, redraw] = useState(0);
	const newest = Math.max(-Infinity, ...times.filter((t): t is number => t !== undefined));
	useEffect(() => {
		if (!Number.isFinite(newest)) return;
		// A line stamped by another clock (Date.now() against a test's) waits at most its whole lifetime.
		const left = Math.min(DECK_NOTICE_MS, newest + DECK_NOTICE_MS - now());
		if (left < 0) return;
		const timer = setTimeout(() => redraw((n) => n + 1), left + 20);
		return () => clearTimeout(timer);
	}, [newest, now]);
}

export function App({store, keymap, size, onQuit, now = Date.now, tickMs = 1000, commands, inputClock = monotonic}: AppProps) {
	const state = useAppState(store);
	const pollTime = useCallback(() => store.getState().connection.lastOkAt, [store]);
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
	useNoticeExpiry([state.notice?.at, state.deck.notice?.at], now);
	// The help's last scroll position, asked for by a help key: building the help's lines is not the first frame's work (~15 ms cold).
	const helpMax = useRef<() => number>(() => 0);
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
					if (delta === 'bottom') return helpMax.current();
					const by = delta === 'page' ? helpPage.current : delta === 'pageUp' ? -helpPage.current : delta;
					return Math.max(0, Math.min(helpMax.current(), s + by));
				});
			// Read-only, offline nodes, missing privileges: one table decides, here in the one dispatcher, for every key.
			const disabled: DisabledContext = {state: current, keymap: props.current.keymap, commands: props.current.commands, upgrades: upgradesOf(store)};
			const bound = matchAction(props.current.keymap, dialogScope(current) ?? scope, input, key);
			if (refuseDisabledKey(bound, disabled, props.current.now())) return;
			// A key that would change nothing now (esc without a filter) says why instead.
			const idle = !dialogScope(current) && PANE_KEY_SCOPES.has(scope) && bound !== undefined ? noEffectReason(bound, current) : undefined;
			if (idle) return sayOnFocus(current, idle, props.current.now());
			// Dialogs, then action/mark/pane keys: the action dispatcher enforces read-only and privileges.
			if (handleOpsKey(input, key, {store, keymap: props.current.keymap, commands: props.current.commands, scope})) return;
			// The deck: focus, zoom, resize, follow, digits; the compact panes' keys; help paging.
			if (handleDeckKey(input, key, {store, keymap: props.current.keymap, scope, pageRows: Math.max(1, paneBody.height - 1), paneWidth: paneBody.width, commands: props.current.commands, scrollHelp})) return;
			// Log panes, and the fleet keys that open them.
			if (handleLogsKey(input, key, {store, keymap: props.current.keymap, scope, body: paneBody})) return;
			// The upgrade screen's keys, and `u` in the fleet.
			if (handleUpgradeKey(input, key, {store, keymap: props.current.keymap, scope})) return;
			// A pane's scope falls back to the deck's keys (`?`, `:` in the tasks and problems panes).
			const action = matchAction(props.current.keymap, scope, input, key) ?? (PANE_KEY_SCOPES.has(scope) ? matchAction(props.current.keymap, 'deck', input, key) : undefined);
			if (action === undefined) {
				// A key of another pane says whose it is, rather than nothing.
				const elsewhere = PANE_KEY_SCOPES.has(scope) ? elsewhereReason(props.current.keymap, scope, input, key) : undefined;
				if (elsewhere) return sayOnFocus(current, elsewhere, props.current.now());
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
	// Several keys read in one chunk ("jjj", a pasted "error\r") are handled one by one;
	// while a dialog is open, the guard drops those of a paste or typed before it could be read.
	const onInput = useCallback(
		(input: string, key: Key) => {
			noteInput();
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

	const layout = computeLayout(size, false);
	const layouts = layoutsOf(store);
	helpMax.current = () => Math.max(0, helpLineCount(keymap, layouts) - layout.bodyHeight);
	helpPage.current = Math.max(1, layout.bodyHeight - 1);
	bodySize.current = {width: layout.width, height: layout.bodyHeight};

	if (layout.tooSmall) return <Text wrap="truncate">{tooSmallMessage(size)}</Text>;

	const scope = activeScope(state);
	// A result line stays on the pane it belongs to (the one focused when it came) and expires.
	const notice = state.notice && (state.notice.pane ?? 'fleet') === state.deck.focus && now() - state.notice.at < DECK_NOTICE_MS ? state.notice : undefined;
	const hintWidth = Math.max(0, size.columns - HELP_HINT.length - 2);
	// Reads the state when asked, not the one of this render: a memoised callback
	// made in this render (onKey) shares its scope, and would keep that state —
	// a whole generation of rows at 10,000 guests — for as long as it lives.
	const disabledReason = (action: string) => keyDisabledReason(action, {state: store.getState(), keymap, commands, upgrades: upgradesOf(store)});
	return (
		<Box flexDirection="column" width={size.columns} height={layout.frameHeight} overflowY="hidden">
			<Header
				connection={state.connection}
				pollTime={pollTime}
				badges={state.badges}
				clusterName={state.clusterName}
				soleNode={state.nodes.length === 1 ? state.nodes[0]!.name : undefined}
				quorate={state.quorate}
				pveVersion={state.pveVersion}
				stats={selectHeaderStats(state)}
				now={now}
				tickMs={tickMs}
				marked={state.marks.size}
				problems={state.problems.evaluatedAt === undefined ? undefined : state.problems.counts}
			/>
			{state.dialog ? (
				<DialogView dialog={state.dialog} height={layout.bodyHeight} width={layout.width} />
			) : state.ui.overlay === 'help' ? (
				<HelpOverlay keymap={keymap} layouts={layouts} height={layout.bodyHeight} scroll={helpScroll} disabledReason={disabledReason} />
			) : (
				<DeckView state={state} store={store} keymap={keymap} width={layout.width} height={layout.bodyHeight} now={now} />
			)}
			{state.ui.commandDraft !== null || state.ui.commandNotice !== undefined ? (
				<ScreenFooter keymap={keymap} draft={state.ui.commandDraft} notice={state.ui.commandNotice} width={size.columns} />
			) : (
				<Box width={size.columns} height={1}>
					<Box width={hintWidth} height={1} overflow="hidden">
						<Footer
							keymap={keymap}
							scopes={footerScopes(dialogScope(state) ?? scope)}
							filterDraft={state.ui.filterDraft}
							notice={notice}
							busy={busyLine(state.tasks)}
							disabledReason={disabledReason}
							now={now}
							width={hintWidth}
						/>
					</Box>
					<Text color={theme.accent}>{'  ' + HELP_HINT}</Text>
				</Box>
			)}
		</Box>
	);
}
