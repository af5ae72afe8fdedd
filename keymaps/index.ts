// The key table as data. keymaps/default.yaml is read once; the user's config
// may rebind any action. The dispatcher (matchAction), the footer (hintsFor)
// and the `?` overlay (helpSections) all read the same Keymap, so what the
// help says is what the keys do.

import type {Key} from 'ink';
import {shippedYaml} from '../source/util/shipped-yaml.js';

export type Scope = 'deck' | 'tasks' | 'problems' | 'nodes' | 'fleet' | 'detail' | 'filter' | 'help' | 'topology' | 'zfs' | 'command' | 'dialog' | 'picker' | 'logs' | 'logfilter' | 'logopen' | 'upgrade' | 'backups' | 'backuplist' | 'global';
export const SCOPES: readonly Scope[] = ['fleet', 'deck', 'detail', 'filter', 'help', 'topology', 'zfs', 'command', 'dialog', 'picker', 'logs', 'logfilter', 'logopen', 'upgrade', 'tasks', 'problems', 'nodes', 'backups', 'backuplist', 'global'];

export interface Binding {
	keys: string[];
	action: string;
	description: string;
	/** The footer's words for the key: the YAML's `label`, else the description (help always shows the description). */
	label: string;
	scope: Scope;
	footer: boolean;
	/** Order in the footer (lower first). */
	footerRank: number;
	dangerous: boolean;
}

export interface Keymap {
	bindings: Binding[];
	/** scope → key name → action id (only the scope's own bindings). */
	lookup: Map<Scope, Map<string, string>>;
}

// Where a key not bound in a scope is looked for next. The detail panel sits
// under the table, so table keys keep working while it is open (the detail
// follows the selection); the prompts and help only fall back to global.
const SCOPE_CHAIN: Record<Scope, Scope[]> = {
	fleet: ['fleet', 'global'],
	detail: ['detail', 'fleet', 'global'],
	filter: ['filter', 'global'],
	help: ['help', 'global'],
	// The topology and ZFS screens, and the `:` prompt (which, like the filter, takes typed text).
	topology: ['topology', 'global'],
	zfs: ['zfs', 'global'],
	command: ['command', 'global'],
	// An open dialog takes every key (prompts take typed text); the snapshot picker has its own.
	dialog: ['dialog', 'global'],
	picker: ['picker', 'global'],
	// The logs screen; its filter prompt takes typed text, its source picker its own keys.
	logs: ['logs', 'global'],
	logfilter: ['logfilter', 'global'],
	logopen: ['logopen', 'global'],
	// The upgrade screen: plan, confirm, run (its dialogs are part of the screen).
	upgrade: ['upgrade', 'global'],
	// The deck's own keys (focus, zoom, layouts) and the tasks strip.
	deck: ['deck', 'global'],
	tasks: ['tasks', 'global'],
	// The problems pane: worst first, Enter jumps to the problem's place.
	problems: ['problems', 'global'],
	// The backups pane: jobs, uncovered guests, backup storages (p previews a prune).
	backups: ['backups', 'global'],
	// A guest's backup list (e): pick the archive to restore from.
	backuplist: ['backuplist', 'global'],
	// The nodes pane: health and pulses per node.
	nodes: ['nodes', 'global'],
	global: ['global'],
};

const NAMED_KEYS = ['up', 'down', 'left', 'right', 'pgup', 'pgdn', 'home', 'end', 'enter', 'esc', 'tab', 'shift+tab', 'backspace', 'space'];

/** True for names a binding may use: a named key, one printable character, or ctrl+<letter>. */
export function isKeyName(name: string): boolean {
	if (NAMED_KEYS.includes(name)) return true;
	if (/^ctrl\+[a-z]$/.test(name)) return true;
	return [...name].length === 1 && /^[\x21-\x7e]$/.test(name);
}

/** The canonical name of one Ink key event, as used in the YAML table. */
export function keyName(input: string, key: Key): string | undefined {
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageUp) return 'pgup';
	if (key.pageDown) return 'pgdn';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.return) return 'enter';
	if (key.escape) return 'esc';
	if (key.tab) return key.shift ? 'shift+tab' : 'tab';
	// Ink 6 reports the Backspace key (0x7f) as `delete`.
	if (key.backspace || key.delete) return 'backspace';
	if (key.ctrl && /^[a-z]$/i.test(input)) return `ctrl+${input.toLowerCase()}`;
	if (input === ' ') return 'space';
	if ([...input].length === 1 && !key.ctrl && !key.meta) return input;
	return undefined;
}

interface RawBinding {
	key: string | string[];
	action: string;
	description: string;
	label?: string;
	scope: string;
	footer?: boolean | number;
	dangerous?: boolean;
}

const ENTRY_KEYS = new Set(['key', 'action', 'description', 'label', 'scope', 'footer', 'dangerous']);

let defaults: Binding[] | undefined;

/**
 * A name from the user's config, quoted for an error line: control characters
 * shown escaped, so a key holding ESC or a line break cannot reach the
 * terminal or split the one line (test/property/keymap.property.test.ts).
 */
function quoted(name: string): string {
	return `"${name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

function defaultBindings(): Binding[] {
	if (defaults) return defaults;
	const raw = shippedYaml('keymaps/default.yaml') as RawBinding[];
	defaults = raw.map((entry, index) => {
		const keys = Array.isArray(entry.key) ? entry.key.map(String) : [String(entry.key)];
		const where = `keymaps/default.yaml entry ${index + 1} (${entry.action})`;
		// A stray key means YAML split an entry (an unquoted comma in a flow mapping cuts the description short).
		const stray = Object.keys(entry).filter((k) => !ENTRY_KEYS.has(k));
		if (stray.length > 0) throw new Error(`${where}: unknown field ${stray.map((k) => `"${k}"`).join(', ')} (quote descriptions that hold commas)`);
		if (typeof entry.description !== 'string' || entry.description === '') throw new Error(`${where}: description missing`);
		if (entry.label !== undefined && (typeof entry.label !== 'string' || entry.label === '')) throw new Error(`${where}: label must be a word or two`);
		if (!SCOPES.includes(entry.scope as Scope)) throw new Error(`${where}: unknown scope "${entry.scope}"`);
		for (const k of keys) if (!isKeyName(k)) throw new Error(`${where}: unknown key name "${k}"`);
		return {
			keys,
			action: entry.action,
			description: entry.description,
			label: entry.label ?? entry.description,
			scope: entry.scope as Scope,
			footer: entry.footer === true || typeof entry.footer === 'number',
			// `footer: N` orders the hints (lower first, so what matters in an incident survives a narrow terminal); `true` is 50.
			footerRank: typeof entry.footer === 'number' ? entry.footer : 50,
			dangerous: entry.dangerous === true,
		};
	});
	return defaults;
}

/**
 * The default table with the user's overrides applied. An override maps an
 * action id to its new key(s) and replaces that action's keys in every scope
 * it is bound in. Unknown actions, unknown key names, and two actions left
 * on the same key in one scope each throw one line that says what to fix.
 */
export function loadKeymap(overrides: Record<string, string | string[]> = {}): Keymap {
	const base = defaultBindings();
	const known = new Set(base.map((b) => b.action));
	for (const [action, value] of Object.entries(overrides)) {
		if (!known.has(action)) throw new Error(`keys: unknown action ${quoted(action)} (known: ${[...known].join(', ')})`);
		const keys = Array.isArray(value) ? value : [value];
		if (keys.length === 0) throw new Error(`keys.${action}: give at least one key`);
		for (const k of keys) {
			if (!isKeyName(k)) throw new Error(`keys.${action}: unknown key name ${quoted(String(k))} (use one character, ctrl+<letter>, or one of ${NAMED_KEYS.join(', ')})`);
		}
	}
	const bindings = base.map((b) => {
		const value = overrides[b.action];
		return value === undefined ? b : {...b, keys: Array.isArray(value) ? [...value] : [value]};
	});
	const lookup = new Map<Scope, Map<string, string>>(SCOPES.map((s) => [s, new Map()]));
	for (const b of bindings) {
		const table = lookup.get(b.scope)!;
		for (const k of b.keys) {
			const taken = table.get(k);
			if (taken !== undefined && taken !== b.action) {
				throw new Error(`keys: "${k}" is bound to both ${taken} and ${b.action} in the ${b.scope} scope`);
			}
			table.set(k, b.action);
		}
	}
	return {bindings, lookup};
}

/** The action a key triggers in `scope` (then its fallback scopes, ending with global). */
export function matchAction(keymap: Keymap, scope: Scope, input: string, key: Key): string | undefined {
	const name = keyName(input, key);
	if (name === undefined) return undefined;
	for (const s of SCOPE_CHAIN[scope]) {
		const action = keymap.lookup.get(s)?.get(name);
		if (action !== undefined) return action;
	}
	return undefined;
}

/** True when any binding of `action` is marked dangerous (read-only mode refuses those). */
export function isDangerous(keymap: Keymap, action: string): boolean {
	return keymap.bindings.some((b) => b.action === action && b.dangerous);
}

const KEY_LABELS: Record<string, string> = {up: '↑', down: '↓', left: '←', right: '→', pgup: 'PgUp', pgdn: 'PgDn', home: 'Home', end: 'End', space: 'Space', backspace: '⌫'};

/** How a key name is shown to the user (`down` → `↓`, `ctrl+f` → `^F`). */
export function keyLabel(name: string): string {
	if (name.startsWith('ctrl+')) return `^${name.slice(5).toUpperCase()}`;
	return KEY_LABELS[name] ?? name;
}

export interface Hint {
	keys: string; // "j/↓"
	keyNames: string[]; // ["j", "down"]
	description: string;
	/** The footer's short words ("back up"); help shows the description. */
	label: string;
	/** The binding's footer rank: which hints a narrow footer keeps (lower first, across the footer's scopes). */
	rank: number;
	action: string;
	dangerous: boolean;
}

function hint(b: Binding): Hint {
	return {keys: b.keys.map(keyLabel).join('/'), keyNames: b.keys, description: b.description, label: b.label, rank: b.footerRank, action: b.action, dangerous: b.dangerous};
}

/** hintsFor's answers by keymap (never changed once loaded) and scope. */
const hintsByKeymap = new WeakMap<Keymap, Map<Scope, readonly Hint[]>>();

/**
 * The footer hints of one scope, by footer rank, then in table order. Worked
 * out once per keymap and scope: the footer asks at every redraw.
 */
export function hintsFor(keymap: Keymap, scope: Scope): readonly Hint[] {
	let byScope = hintsByKeymap.get(keymap);
	if (!byScope) hintsByKeymap.set(keymap, (byScope = new Map()));
	let hints = byScope.get(scope);
	if (!hints) {
		hints = Object.freeze(
			keymap.bindings
				.filter((b) => b.scope === scope && b.footer)
				.map((b, index) => ({b, index}))
				.sort((x, y) => x.b.footerRank - y.b.footerRank || x.index - y.index)
				.map(({b}) => hint(b)),
		);
		byScope.set(scope, hints);
	}
	return hints;
}

export interface HelpSection {
	scope: Scope;
	title: string;
	entries: Hint[];
}

const SECTION_TITLES: Record<Scope, string> = {
	fleet: 'Guest table',
	detail: 'Detail panel',
	filter: 'Filter prompt',
	help: 'Help',
	topology: 'Bridge topology (2, :net)',
	zfs: 'ZFS usage (3, :zfs)',
	command: 'Command prompt (:)',
	dialog: 'Dialogs (confirm, snapshot name)',
	picker: 'Snapshot picker (b)',
	logs: 'Log panes (4, :logs)',
	logfilter: 'Log filter prompt (/ in the logs)',
	logopen: 'Open a log pane (o in the logs)',
	upgrade: 'Bulk upgrades (5, u, :upgrade)',
	deck: 'The deck: every pane (focus, zoom, layouts)',
	tasks: 'Tasks strip (6)',
	problems: 'Problems, worst first (7, !, :problems)',
	backups: 'Backups: jobs, uncovered guests, storages (8, :backups)',
	backuplist: "A guest's backups (e): restore",
	nodes: 'Nodes: health and pulses (9, :nodes)',
	global: 'Everywhere',
};

/** Every binding grouped by scope, for the `?` overlay. */
export function helpSections(keymap: Keymap): HelpSection[] {
	// The deck's keys first: they work in every pane, and a newcomer reads the top of help first.
	return ['deck' as const, ...SCOPES.filter((s) => s !== 'deck')].map((scope) => ({
		scope,
		title: SECTION_TITLES[scope],
		entries: keymap.bindings.filter((b) => b.scope === scope).map(hint),
	})).filter((s) => s.entries.length > 0);
}
