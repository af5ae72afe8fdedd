// State of the deck (issue 11): which layout is shown, which pane has the
// keys, whether it is zoomed, how the user resized splits, and what the view
// last drew — the services read `visible` so they load only for panes on
// screen. The focused pane's kind is also ui.screen, so key scopes keep
// following "the screen the user is on".

/** A pane kind (views/deck/layout-engine.ts PaneKind, repeated here so the store does not import views). */
export type DeckPaneKind = 'fleet' | 'topology' | 'zfs' | 'logs' | 'tasks' | 'upgrade' | 'problems' | 'backups' | 'nodes';

export interface DeckNotice {
	/** Leaf id of the pane the line belongs to; it is shown there and nowhere else. */
	pane: string;
	text: string;
	tone: 'ok' | 'error' | 'info';
	at: number;
}

export interface DeckState {
	/** Layout name (layouts/*.yaml or the config's `layouts:`). */
	layout: string;
	/** Leaf id of the focused pane. */
	focus: string;
	zoomed: boolean;
	/** Layout name → leaf id → cells added to its share (the grow/shrink keys). */
	grow: Record<string, Record<string, number>>;
	/** Log panes follow the fleet selection (after the cursor rests). */
	follow: boolean;
	/** Pane kinds drawn in the last frame (the view reports them). */
	visible: readonly DeckPaneKind[];
	/** Leaf ids drawn in the last frame, in layout order (focus cycles through them). */
	shown: readonly string[];
	/** Sources of the log panes drawn (follow, host, all, 1–4): what the follow controller keeps open. */
	logSources: readonly string[];
	/** The log service pane the follow source shows, and the host journal one. */
	followPane?: number;
	hostPane?: number;
	/** The tasks strip shows failed tasks only. */
	tasksFailedOnly: boolean;
	notice?: DeckNotice;
}

export interface DeckActions {
	/** Focus a leaf (of `kind`); optionally zoom it. */
	deckFocus(id: string, kind: DeckPaneKind, zoom?: boolean): void;
	deckZoom(zoomed: boolean): void;
	/** Esc in a pane: unzoom, else focus the fleet. */
	deckBack(): void;
	deckLayout(name: string, focus: {id: string; kind: DeckPaneKind}): void;
	deckGrow(id: string, delta: number): void;
	deckFollow(on: boolean): void;
	deckShown(visible: readonly DeckPaneKind[], shown: readonly string[], logSources: readonly string[]): void;
	deckLogPanes(patch: {followPane?: number | undefined; hostPane?: number | undefined}): void;
	deckTasksFailedOnly(on: boolean): void;
	deckNotice(notice: DeckNotice | undefined): void;
}

export interface DeckSliceState {
	deck: DeckState;
}
