// The one contract every deck pane implements. A later issue (problems,
// nodes, backups) adds a pane by writing one of these and naming it in a
// layout — not a screen, not a key handler chain.
//
// A pane is: an id/kind, the digit that focuses and zooms it, a title line
// with its state (source, `following`, counts, STALE), a body drawn for an
// exact size, the key scope its keys live in, the action ids it handles, and
// the smallest size it is useful at (the layout engine drops it below that).

import type {ReactElement} from 'react';
import type {StoreApi} from 'zustand/vanilla';
import type {Keymap, Scope} from '../../keymaps/index.js';
import type {AppState} from '../../source/store/types.js';
import type {Tone} from '../theme.js';
import type {MinSize, PaneKind} from './layout-engine.js';

export interface PaneLeafRef {
	id: string;
	pane: PaneKind;
	source?: string;
}

/** What a pane reads when it draws its title or body. */
export interface PaneContext {
	state: AppState;
	store: StoreApi<AppState>;
	keymap: Keymap;
	now: () => number;
	leaf: PaneLeafRef;
	/** Zoomed to the whole body (z, or the old screen digits): panes draw their full screen then. */
	zoomed: boolean;
}

export interface PaneRenderProps extends PaneContext {
	/** The body's size: the pane's rectangle less its title line. */
	width: number;
	height: number;
	focused: boolean;
}

export interface PaneTitle {
	/** Source and counts: "journal 101 plex · following · 1,204 lines". */
	text: string;
	tone?: Tone;
	/** The data is old (the fleet poll failed): the title says STALE. */
	stale?: boolean;
}

export interface Pane {
	kind: PaneKind;
	/** "Fleet", "Topology"… */
	label: string;
	/** The digit that focuses and zooms it (the old screen keys). */
	key: string;
	/** `body`: the size render() gets; `width`: room left on the title line. */
	title(ctx: PaneContext, room: {width: number; body: {width: number; height: number}}): PaneTitle;
	/** The key scope while it is focused (a prompt inside it may change it). */
	scope(state: AppState, zoomed: boolean): Scope;
	/** Action ids its keys run (the keymap test checks each has a handler). */
	actions: readonly string[];
	minSize: MinSize;
	render(props: PaneRenderProps): ReactElement;
	/**
	 * What the title and body are drawn from: store slices, or selections that
	 * are memoised (same identity while unchanged). The deck redraws a pane only
	 * when one of these changed, its rectangle, focus or zoom changed, or its
	 * clock ticked — so a fleet poll redraws the fleet, not the ZFS pane.
	 */
	deps(state: AppState, leaf: PaneLeafRef): readonly unknown[];
	/** How soon the pane's time-based text ("12m ago") may next change, in ms; undefined when it shows none. */
	clockMs?(state: AppState, now: number, zoomed: boolean): number | undefined;
}
