// The deck: the body of the console, split into panes by the current layout
// (layout-engine.ts places them for this size). Each pane gets a title line —
// its digit, name and state, inverse when it has the keys — and its body at
// an exact size. The view reports what it drew (deck.visible) so services
// load only for panes on screen.

import {Box, Text} from 'ink';
import React, {memo, useEffect, useReducer, useRef} from 'react';
import type {StoreApi} from 'zustand/vanilla';
import type {Keymap} from '../../keymaps/index.js';
import type {AppState} from '../../source/store/types.js';
import {sanitize} from '../../source/util/sanitize.js';
import {textWidth, truncate} from '../format.js';
import {theme, toneColor} from '../theme.js';
import {currentLayout} from './layout-registry.js';
import {GAP, isLeaf, leavesOf, placeLayout, type LayoutNode, type PaneKind, type Placement, type Rect} from './layout-engine.js';
import type {PaneContext, PaneLeafRef} from './pane.js';
import {countPaneRender} from './pane-renders.js';
import {PANE_MIN_SIZE} from './pane-sizes.js';
import {PANES} from './panes.js';
import {leafKeys} from './leaf-keys.js';

/** How long a pane's one-line result stays on its title. */
export const DECK_NOTICE_MS = 8000;

const minSize = (pane: PaneKind) => PANES[pane]?.minSize ?? PANE_MIN_SIZE[pane];

/** Where every pane goes for this state and body size (pure; the key handler uses it too). */
export function deckPlacement(store: StoreApi<AppState>, state: AppState, body: {width: number; height: number}): Placement {
	const layout = currentLayout(store, state);
	const {deck} = state;
	const zoomKind = state.ui.screen as PaneKind;
	const zoomLeaf = leavesOf(layout.root).find((l) => l.id === deck.focus && l.pane === zoomKind);
	return placeLayout(layout, body, {
		focus: deck.focus,
		...(deck.zoomed ? {zoom: zoomLeaf ?? {id: zoomKind, pane: zoomKind}} : {}),
		grow: deck.grow[layout.name] ?? {},
		minSize,
	});
}

function bounds(node: LayoutNode, rects: Map<string, Rect>): {width: number; height: number} {
	const all = leavesOf(node).map((l) => rects.get(l.id)!);
	const x0 = Math.min(...all.map((r) => r.x));
	const y0 = Math.min(...all.map((r) => r.y));
	return {width: Math.max(...all.map((r) => r.x + r.width)) - x0, height: Math.max(...all.map((r) => r.y + r.height)) - y0};
}

function PaneTitleLine({ctx, rect, focused, zoomed}: {ctx: PaneContext; rect: Rect; focused: boolean; zoomed: boolean}) {
	const pane = PANES[rect.pane];
	const key = leafKeys(currentLayout(ctx.store, ctx.state), ctx.keymap).get(rect.id) ?? pane.key;
	const head = `${focused ? '▶' : ' '}[${key}] ${pane.label}`;
	const title = pane.title(ctx, {width: rect.width - textWidth(head) - 3, body: {width: rect.width, height: Math.max(0, rect.height - 1)}});
	const notice = ctx.state.deck.notice;
	const showNotice = notice !== undefined && notice.pane === rect.id && ctx.now() - notice.at < DECK_NOTICE_MS;
	const zoom = zoomed ? '  [Z] z: back to the deck' : '';
	const stale = title.stale ? 'STALE ' : '';
	// A result line of this pane's own goes first: the title's counts are padded to the right edge.
	const said = showNotice ? ` · ${sanitize(notice.text)}` : '';
	const rest = truncate(` · ${stale}${sanitize(title.text)}${zoom}`, Math.max(0, rect.width - textWidth(head) - textWidth(said)));
	return (
		<Text wrap="truncate" inverse={focused} bold={focused} color={focused ? undefined : theme.accent}>
			{head}
			{showNotice ? <Text color={notice.tone === 'error' ? theme.danger : notice.tone === 'ok' ? theme.ok : theme.warn}>{said}</Text> : null}
			<Text color={title.stale ? theme.danger : toneColor(title.tone)}>{rest}</Text>
		</Text>
	);
}

function TabBar({placement, focus, width, keys}: {placement: Placement; focus: string; width: number; keys: ReadonlyMap<string, string>}) {
	const tabs = placement.tabs ?? [];
	return (
		<Text wrap="truncate">
			{tabs.map((t, i) => {
				const pane = PANES[t.pane];
				const label = `[${keys.get(t.id) ?? pane.key}] ${pane.label} `;
				return (
					<Text key={t.id} inverse={t.id === focus} color={t.id === focus ? undefined : theme.muted}>
						{(i > 0 ? '│' : '') + label}
					</Text>
				);
			})}
			<Text color={theme.muted}>{truncate('  (small terminal: Tab switches panes)', Math.max(0, width))}</Text>
		</Text>
	);
}

const sameDeps = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

/**
 * Redraws its pane only when what the pane draws from changed (Pane.deps), when
 * its clock says a shown age moved on, or when its rectangle, focus or zoom
 * changed (props). Everything else the store does — a fleet poll, a log line
 * in another pane — passes it by.
 */
interface PaneFrameProps {
	store: StoreApi<AppState>;
	keymap: Keymap;
	now: () => number;
	rect: Rect;
	focused: boolean;
	zoomed: boolean;
}

/**
 * A pane's props, with `state` read from the store when asked, not held: a pane
 * redraws seldom (deps), and its fibers' props would otherwise keep the state of
 * its last draw — at 10,000 guests each such state pins a whole old generation
 * of rows (issue 12). Bodies take these as one `frame` prop, not spread (a
 * spread would read the state once and hold it again). A class, so every
 * instance shares one shape and one getter.
 */
class PaneProps<T extends {store: StoreApi<AppState>}> {
	constructor(fields: T) {
		Object.assign(this, fields);
	}

	get state(): AppState {
		return (this as unknown as T).store.getState();
	}
}

function withState<T extends {store: StoreApi<AppState>}>(fields: T): T & {readonly state: AppState} {
	return new PaneProps(fields) as unknown as T & {readonly state: AppState};
}

const PaneFrame = memo(function PaneFrame({store, keymap, now, rect, focused, zoomed}: PaneFrameProps) {
	const pane = PANES[rect.pane];
	const leaf: PaneLeafRef = {id: rect.id, pane: rect.pane, ...(rect.source !== undefined ? {source: rect.source} : {})};
	const [, redraw] = useReducer((n: number) => n + 1, 0);
	const deps = useRef<readonly unknown[]>(undefined);
	const state = store.getState();
	deps.current = pane.deps(state, leaf);
	useEffect(
		() =>
			store.subscribe((next) => {
				const wanted = pane.deps(next, leaf);
				if (!sameDeps(wanted, deps.current ?? [])) redraw();
			}),
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[store, pane, rect.id, rect.source],
	);
	// The pane's clock: one timer to the moment its shown ages change, re-armed on every draw.
	const wait = pane.clockMs?.(state, now(), zoomed);
	useEffect(() => {
		if (wait === undefined || !Number.isFinite(wait)) return;
		const timer = setTimeout(redraw, Math.max(50, wait));
		return () => clearTimeout(timer);
	});
	countPaneRender(rect.id);
	// The state is read through the store, not held: a pane redraws seldom (deps),
	// and its fiber's props would otherwise keep the state of its last draw — at
	// 10,000 guests each such state pins a whole old generation of rows (issue 12).
	// One object for the title (a PaneContext) and the body (its render props).
	const props = withState({store, keymap, now, leaf, zoomed, width: rect.width, height: rect.height - 1, focused});
	return (
		<Box flexDirection="column" width={rect.width} height={rect.height} flexShrink={0} overflow="hidden">
			<PaneTitleLine ctx={props} rect={rect} focused={focused} zoomed={zoomed} />
			{rect.height > 1 ? pane.render(props) : null}
		</Box>
	);
}, samePaneProps);

function samePaneProps(a: PaneFrameProps, b: PaneFrameProps): boolean {
	const r = a.rect;
	const q = b.rect;
	return a.store === b.store && a.keymap === b.keymap && a.now === b.now && a.focused === b.focused && a.zoomed === b.zoomed && r.id === q.id && r.pane === q.pane && r.source === q.source && r.x === q.x && r.y === q.y && r.width === q.width && r.height === q.height;
}

interface DeckViewProps {
	state: AppState;
	store: StoreApi<AppState>;
	keymap: Keymap;
	width: number;
	height: number;
	now: () => number;
}

export function DeckView({state, store, keymap, width, height, now}: DeckViewProps) {
	const placement = deckPlacement(store, state, {width, height});
	const rects = new Map(placement.rects.map((r) => [r.id, r]));
	const zoomed = placement.zoomed !== undefined;
	const visible = [...new Set(placement.rects.map((r) => r.pane))];
	// Tab cycles the panes drawn; under a tab bar, every pane of the layout.
	const cycle = placement.tabs ? placement.tabs.map((t) => t.id) : placement.rects.map((r) => r.id);
	const sources = placement.rects.filter((r) => r.pane === 'logs').map((r) => (zoomed ? 'all' : (r.source ?? 'follow')));
	const {deckShown, deckFocus} = state.actions;
	const key = `${visible.join(',')}|${cycle.join(',')}|${sources.join(',')}`;
	useEffect(() => {
		deckShown(visible, cycle, sources);
		// A dropped pane cannot keep the keys: the first pane drawn takes them.
		const current = store.getState();
		if (!current.deck.zoomed && !cycle.includes(current.deck.focus)) {
			const first = placement.rects[0];
			if (first) deckFocus(first.id, first.pane, false);
		}
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [key]);

	const renderNode = (node: LayoutNode): React.ReactNode => {
		if (isLeaf(node)) {
			const rect = rects.get(node.id);
			if (!rect) return null;
			return <PaneFrame key={rect.id} store={store} keymap={keymap} now={now} rect={rect} focused={rect.id === state.deck.focus} zoomed={zoomed} />;
		}
		const size = bounds(node, rects);
		// Side by side, an explicit one-column spacer between panes (sizes are exact; nothing flexes).
		const children = node.children.flatMap((child, i) => (node.split === 'row' && i > 0 ? [<Box key={`gap${i}`} width={GAP} flexShrink={0} />, renderNode(child)] : [renderNode(child)]));
		return (
			<Box key={`${leavesOf(node)[0]!.id}+${size.width}x${size.height}`} flexDirection={node.split} width={size.width} height={size.height} flexShrink={0} overflow="hidden">
				{children}
			</Box>
		);
	};
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{placement.tabs ? <TabBar placement={placement} focus={state.deck.focus} width={width} keys={leafKeys(currentLayout(store, state), keymap)} /> : null}
			{renderNode(placement.tree)}
		</Box>
	);
}
