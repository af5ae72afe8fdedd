// The deck's layout engine: a layout (a tree of splits whose leaves name a
// pane) and a body size in, one rectangle per shown pane out. Pure, so every
// size can be unit-tested without rendering. Below a size where a pane would
// get less than its minimum, panes are dropped in the layout's declared
// order; when one pane is left of several (or none fits), the deck shows one
// pane under a tab bar that lists them all.

export type PaneKind = 'fleet' | 'topology' | 'zfs' | 'logs' | 'tasks' | 'upgrade' | 'problems' | 'backups' | 'nodes';
export const PANE_KINDS: readonly PaneKind[] = ['fleet', 'topology', 'zfs', 'logs', 'tasks', 'upgrade', 'problems', 'backups', 'nodes'];

/** A fixed number of rows/columns, or a percent of the split's extent ("40%"). */
export type SizeSpec = number | `${number}%`;

export interface PaneLeaf {
	/** Unique in the layout (defaults to the pane kind; `logs-2` when a kind repeats). */
	id: string;
	pane: PaneKind;
	size?: SizeSpec;
	/** What the pane shows, for panes with several sources (logs: follow, host, all, 1–4). */
	source?: string;
}

export interface SplitNode {
	/** row: children side by side; column: children stacked (as in Ink's flexDirection). */
	split: 'row' | 'column';
	size?: SizeSpec;
	children: LayoutNode[];
}

export type LayoutNode = PaneLeaf | SplitNode;

export interface DeckLayout {
	name: string;
	description: string;
	root: LayoutNode;
	/** Leaf ids, dropped first to last when the body is too small for every pane. */
	drop: string[];
}

export interface Rect {
	id: string;
	pane: PaneKind;
	source?: string;
	x: number;
	y: number;
	width: number;
	height: number;
}

export interface Placement {
	rects: Rect[];
	/** Leaf ids dropped for lack of room. */
	dropped: string[];
	/** Set when one pane is shown of several: every leaf, for the tab bar drawn on the body's first line. */
	tabs?: Array<{id: string; pane: PaneKind}>;
	/** Set when a pane is zoomed to the whole body. */
	zoomed?: string;
	/** The tree that was placed (after drops), for the view to nest its boxes the same way. */
	tree: LayoutNode;
}

export interface MinSize {
	width: number;
	height: number;
}

export interface PlaceOptions {
	/** Focused leaf id: the one pane shown when only one fits. */
	focus?: string;
	/** A zoomed leaf (or pane kind) takes the whole body. */
	zoom?: {id: string; pane: PaneKind; source?: string};
	/** Leaf id → cells added to (or taken from) its share of the parent split. */
	grow?: Readonly<Record<string, number>>;
	minSize(pane: PaneKind): MinSize;
}

export function isLeaf(node: LayoutNode): node is PaneLeaf {
	return (node as PaneLeaf).pane !== undefined;
}

export function leavesOf(node: LayoutNode): PaneLeaf[] {
	return isLeaf(node) ? [node] : node.children.flatMap(leavesOf);
}

/** Cells a size asks for out of `extent`; undefined for "share what is left". */
function resolveSize(size: SizeSpec | undefined, extent: number): number | undefined {
	if (size === undefined) return undefined;
	if (typeof size === 'number') return size;
	return Math.floor((extent * Number.parseFloat(size)) / 100);
}

/** Splits `avail` cells among the children: fixed and percent sizes first, the rest shared by the unsized ones. */
export function splitSizes(children: readonly LayoutNode[], avail: number, grow: (i: number) => number = () => 0): number[] {
	const n = children.length;
	const asked = children.map((c) => resolveSize(c.size, avail));
	// With no unsized child the last one takes what is left, so the split is always filled.
	if (!asked.includes(undefined)) asked[n - 1] = undefined;
	const sizes = asked.map((s) => Math.max(1, s ?? 0));
	const flex = asked.map((s, i) => (s === undefined ? i : -1)).filter((i) => i >= 0);
	const fixed = sizes.reduce((sum, s, i) => (asked[i] === undefined ? sum : sum + s), 0);
	const rest = Math.max(0, avail - fixed);
	flex.forEach((i, k) => {
		sizes[i] = Math.max(1, Math.floor(rest / flex.length) + (k < rest % flex.length ? 1 : 0));
	});
	// Grow/shrink keys: one child gains, the others give (the last ones first), each keeping a cell.
	for (let i = 0; i < n; i++) {
		const delta = grow(i);
		if (delta === 0) continue;
		const target = Math.max(1, Math.min(avail - (n - 1), sizes[i]! + delta));
		let change = target - sizes[i]!;
		sizes[i] = target;
		for (let j = n - 1; j >= 0 && change !== 0; j--) {
			if (j === i) continue;
			const give = change > 0 ? Math.min(change, sizes[j]! - 1) : change;
			sizes[j] = sizes[j]! - give;
			change -= give;
		}
	}
	// Too much asked (small terminals): take the excess from the end.
	let excess = sizes.reduce((a, b) => a + b, 0) - avail;
	for (let j = n - 1; j >= 0 && excess > 0; j--) {
		const give = Math.min(excess, sizes[j]! - 1);
		sizes[j] = sizes[j]! - give;
		excess -= give;
	}
	return sizes;
}

/** Side-by-side panes are one column apart (a gap keeps their lines from running together). */
export const GAP = 1;

function place(node: LayoutNode, x: number, y: number, width: number, height: number, grow: Readonly<Record<string, number>>, out: Rect[]): void {
	if (isLeaf(node)) {
		out.push({id: node.id, pane: node.pane, ...(node.source !== undefined ? {source: node.source} : {}), x, y, width, height});
		return;
	}
	const across = node.split === 'row';
	const gaps = across ? GAP * (node.children.length - 1) : 0;
	const avail = Math.max(node.children.length, (across ? width : height) - gaps);
	const sizes = splitSizes(node.children, avail, (i) => {
		const child = node.children[i]!;
		return isLeaf(child) ? (grow[child.id] ?? 0) : 0;
	});
	let at = across ? x : y;
	node.children.forEach((child, i) => {
		const size = sizes[i]!;
		if (across) place(child, at, y, size, height, grow, out);
		else place(child, x, at, width, size, grow, out);
		at += size + (across ? GAP : 0);
	});
}

/** The tree without one leaf; a split left with one child is replaced by it (keeping the split's size). */
export function withoutLeaf(node: LayoutNode, id: string): LayoutNode | undefined {
	if (isLeaf(node)) return node.id === id ? undefined : node;
	const children = node.children.map((c) => withoutLeaf(c, id)).filter((c): c is LayoutNode => c !== undefined);
	if (children.length === 0) return undefined;
	if (children.length === 1) {
		const only = children[0]!;
		return node.size === undefined ? {...only, size: undefined} : {...only, size: node.size};
	}
	return {...node, children};
}

function fits(rects: Rect[], minSize: PlaceOptions['minSize']): boolean {
	return rects.every((r) => {
		const min = minSize(r.pane);
		return r.width >= min.width && r.height >= min.height;
	});
}

/** Rectangles for a layout in a body of `size`, dropping panes in the declared order until each has its minimum. */
export function placeLayout(layout: DeckLayout, size: {width: number; height: number}, options: PlaceOptions): Placement {
	const all = leavesOf(layout.root);
	const full = (leaf: {id: string; pane: PaneKind; source?: string}, top = 0): Rect => ({
		id: leaf.id,
		pane: leaf.pane,
		...(leaf.source !== undefined ? {source: leaf.source} : {}),
		x: 0,
		y: top,
		width: size.width,
		height: Math.max(0, size.height - top),
	});
	if (options.zoom) {
		const leaf = all.find((l) => l.id === options.zoom!.id) ?? options.zoom;
		return {rects: [full(leaf)], dropped: [], zoomed: leaf.id, tree: {id: leaf.id, pane: leaf.pane, ...(leaf.source !== undefined ? {source: leaf.source} : {})}};
	}
	let tree: LayoutNode | undefined = layout.root;
	const dropped: string[] = [];
	const order = [...layout.drop];
	for (;;) {
		const rects: Rect[] = [];
		place(tree, 0, 0, size.width, size.height, options.grow ?? {}, rects);
		if (fits(rects, options.minSize)) {
			if (rects.length === 1 && all.length > 1) break;
			return {rects, dropped, tree};
		}
		const next = order.shift();
		if (next === undefined) break;
		const smaller: LayoutNode | undefined = withoutLeaf(tree, next);
		if (smaller === undefined) break;
		if (smaller !== tree) dropped.push(next);
		tree = smaller;
	}
	// One pane under a tab bar: the focused one, else the first that was kept.
	const kept = leavesOf(tree);
	const shown = all.find((l) => l.id === options.focus) ?? kept[0] ?? all[0]!;
	return {
		rects: [full(shown, all.length > 1 ? 1 : 0)],
		dropped: all.filter((l) => l.id !== shown.id).map((l) => l.id),
		...(all.length > 1 ? {tabs: all.map((l) => ({id: l.id, pane: l.pane}))} : {}),
		tree: {...shown, size: undefined},
	};
}
