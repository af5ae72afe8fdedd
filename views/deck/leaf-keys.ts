// The key that focuses each pane of a layout, shown in its title ("[4] logs").
// A pane kind's first leaf has the kind's digit (1 fleet … 7 problems); a
// layout that repeats a kind (`:layout logs`: four log panes) gives the
// repeats the keymap's extra pane keys (0, ), (), so no two titles share a
// number and each number goes to the pane that shows it.

import type {Keymap} from '../../keymaps/index.js';
import {leavesOf, type DeckLayout, type PaneLeaf} from './layout-engine.js';
import {PANES} from './panes.js';

/** Keymap actions of the repeated panes' keys, in layout order. */
export const EXTRA_PANE_ACTIONS: readonly string[] = ['deck.pane2', 'deck.pane3', 'deck.pane4'];

const cache = new WeakMap<DeckLayout, WeakMap<Keymap, Map<string, string>>>();

/** Leaf id → its key, for every leaf that has one. */
export function leafKeys(layout: DeckLayout, keymap: Keymap): ReadonlyMap<string, string> {
	const known = cache.get(layout)?.get(keymap);
	if (known) return known;
	const keys = new Map<string, string>();
	const seen = new Set<string>();
	let extra = 0;
	for (const leaf of leavesOf(layout.root)) {
		if (!seen.has(leaf.pane)) {
			seen.add(leaf.pane);
			keys.set(leaf.id, PANES[leaf.pane].key);
			continue;
		}
		const action = EXTRA_PANE_ACTIONS[extra++];
		const key = keymap.bindings.find((b) => b.scope === 'deck' && b.action === action)?.keys[0];
		if (key !== undefined) keys.set(leaf.id, key);
	}
	const byKeymap = cache.get(layout) ?? new WeakMap();
	byKeymap.set(keymap, keys);
	cache.set(layout, byKeymap);
	return keys;
}

/** The repeated leaf an extra pane key goes to (`deck.pane2` → the layout's first repeat), if the layout has it. */
export function extraLeaf(layout: DeckLayout, action: string): PaneLeaf | undefined {
	const index = EXTRA_PANE_ACTIONS.indexOf(action);
	const seen = new Set<string>();
	const repeats = leavesOf(layout.root).filter((leaf) => (seen.has(leaf.pane) ? true : (seen.add(leaf.pane), false)));
	return index === -1 ? undefined : repeats[index];
}
