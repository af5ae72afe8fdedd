// Deck layouts as data: the built-ins in layouts/*.yaml and the user's own
// under the config file's `layouts:` key, both read through one validator that
// names the exact key at fault in one line ("layouts.mine.root.children[1].size:
// …"), so a typo never leaves a half-drawn deck.

import {shippedYaml, shippedYamlFiles} from '../../source/util/shipped-yaml.js';
import {isLeaf, leavesOf, PANE_KINDS, type DeckLayout, type LayoutNode, type PaneKind, type SizeSpec} from './layout-engine.js';

export class LayoutError extends Error {}

/** The layout `npm start` opens with. */
export const DEFAULT_LAYOUT = 'triage';

const LOG_SOURCES = ['follow', 'host', 'all', '1', '2', '3', '4'];
const LAYOUT_KEYS = new Set(['description', 'root', 'drop']);
const SPLIT_KEYS = new Set(['split', 'size', 'children']);
const LEAF_KEYS = new Set(['pane', 'id', 'size', 'source']);

function fail(where: string, message: string): never {
	throw new LayoutError(`${where}: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkSize(where: string, value: unknown): SizeSpec | undefined {
	if (value === undefined) return undefined;
	if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
	if (typeof value === 'string' && /^\d{1,3}(\.\d+)?%$/.test(value) && Number.parseFloat(value) > 0 && Number.parseFloat(value) <= 100) return value as SizeSpec;
	return fail(`${where}.size`, `expected rows/columns (a whole number) or a percent like "40%" (got ${JSON.stringify(value)})`);
}

function checkNode(where: string, value: unknown, seen: Map<PaneKind, number>): LayoutNode {
	if (!isObject(value)) fail(where, 'expected a mapping with "pane" or "split"');
	if ('pane' in value) {
		for (const key of Object.keys(value)) if (!LEAF_KEYS.has(key)) fail(`${where}.${key}`, `unknown key (known: ${[...LEAF_KEYS].join(', ')})`);
		const pane = value.pane;
		if (typeof pane !== 'string' || !PANE_KINDS.includes(pane as PaneKind)) fail(`${where}.pane`, `unknown pane ${JSON.stringify(pane)} (known: ${PANE_KINDS.join(', ')})`);
		const kind = pane as PaneKind;
		const count = (seen.get(kind) ?? 0) + 1;
		seen.set(kind, count);
		const id = value.id === undefined ? (count === 1 ? kind : `${kind}-${count}`) : value.id;
		if (typeof id !== 'string' || id === '') fail(`${where}.id`, 'expected a name');
		const source = value.source === undefined ? undefined : String(value.source);
		if (source !== undefined && kind !== 'logs') fail(`${where}.source`, `only log panes take a source (this is ${kind})`);
		if (source !== undefined && !LOG_SOURCES.includes(source)) fail(`${where}.source`, `unknown log source ${JSON.stringify(value.source)} (known: ${LOG_SOURCES.join(', ')})`);
		const size = checkSize(where, value.size);
		return {id, pane: kind, ...(size !== undefined ? {size} : {}), ...(kind === 'logs' ? {source: source ?? 'follow'} : {})};
	}
	if (!('split' in value)) fail(where, 'expected "pane: <name>" or "split: row|column"');
	for (const key of Object.keys(value)) if (!SPLIT_KEYS.has(key)) fail(`${where}.${key}`, `unknown key (known: ${[...SPLIT_KEYS].join(', ')})`);
	if (value.split !== 'row' && value.split !== 'column') fail(`${where}.split`, `expected row (side by side) or column (stacked), got ${JSON.stringify(value.split)}`);
	if (!Array.isArray(value.children) || value.children.length < 2) fail(`${where}.children`, 'expected a list of at least two panes or splits');
	const size = checkSize(where, value.size);
	const children = value.children.map((c, i) => checkNode(`${where}.children[${i}]`, c, seen));
	return {split: value.split, ...(size !== undefined ? {size} : {}), children};
}

/** One layout from parsed YAML; `where` names it in errors ("layouts.mine"). */
export function parseLayout(name: string, value: unknown, where = `layouts.${name}`): DeckLayout {
	if (!isObject(value)) fail(where, 'expected a mapping with root (and description, drop)');
	for (const key of Object.keys(value)) if (!LAYOUT_KEYS.has(key)) fail(`${where}.${key}`, `unknown key (known: ${[...LAYOUT_KEYS].join(', ')})`);
	if (value.root === undefined) fail(`${where}.root`, 'missing: give a pane or a split');
	const root = checkNode(`${where}.root`, value.root, new Map());
	const ids = leavesOf(root).map((l) => l.id);
	const twice = ids.find((id, i) => ids.indexOf(id) !== i);
	if (twice !== undefined) fail(`${where}.root`, `two panes share the id "${twice}" (give one an id:)`);
	const drop = value.drop === undefined ? [] : value.drop;
	if (!Array.isArray(drop)) fail(`${where}.drop`, 'expected a list of pane ids, dropped first to last when the terminal is small');
	drop.forEach((id, i) => {
		if (typeof id !== 'string' || !ids.includes(id)) fail(`${where}.drop[${i}]`, `no pane ${JSON.stringify(id)} in this layout (panes: ${ids.join(', ')})`);
	});
	const description = value.description === undefined ? '' : String(value.description);
	return {name, description, root, drop: drop as string[]};
}

/** `layouts:` from the config file: name → layout; throws one line naming the key. */
export function parseUserLayouts(value: unknown): DeckLayout[] {
	if (value === undefined) return [];
	if (!isObject(value)) fail('layouts', 'expected a mapping of layout name → layout');
	return Object.entries(value).map(([name, layout]) => {
		if (!/^[a-z0-9][a-z0-9_-]*$/i.test(name)) fail(`layouts.${name}`, 'a layout name is letters, digits, - and _');
		return parseLayout(name, layout);
	});
}

let builtIns: DeckLayout[] | undefined;

/** layouts/*.yaml, read once; a broken built-in is a bug, so it throws. */
export function builtInLayouts(): DeckLayout[] {
	if (builtIns) return builtIns;
	builtIns = shippedYamlFiles('layouts').map((path) => parseLayout(path.replace(/^layouts\/|\.yaml$/g, ''), shippedYaml(path), path));
	return builtIns;
}

/** Built-ins, then the user's (a user layout of the same name replaces the built-in). */
export function allLayouts(user: DeckLayout[] = []): DeckLayout[] {
	const names = new Set(user.map((l) => l.name));
	return [...builtIns ?? builtInLayouts()].filter((l) => !names.has(l.name)).concat(user);
}

export function findLayout(layouts: readonly DeckLayout[], name: string): DeckLayout | undefined {
	// Help calls triage "the default": `:layout default` means it.
	return layouts.find((l) => l.name === (name === 'default' ? 'triage' : name));
}

/** The first leaf of a kind in a layout (what `2` zooms when the layout has a topology pane). */
export function leafOfKind(layout: DeckLayout, pane: PaneKind): string | undefined {
	return leavesOf(layout.root).find((l) => l.pane === pane)?.id;
}

export {isLeaf};
