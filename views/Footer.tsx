// The bottom line: the filter prompt while it is open, else the key hints of
// the active scope (generated from the keymap). Hints are fitted to the width
// the line has: each is shown whole or not at all, the best-ranked first.

import {Text} from 'ink';
import React, {memo} from 'react';
import {hintsFor, type Hint, type Keymap, type Scope} from '../keymaps/index.js';
import type {Notice} from '../source/store/ops-types.js';
import {sanitize} from '../source/util/sanitize.js';
import {textWidth} from './format.js';
import {theme} from './theme.js';

/** The hints of `scopes` in order; a hint whose keys an earlier scope already took is left out. */
export function footerHints(keymap: Keymap, scopes: Scope[]): Hint[] {
	const taken = new Set<string>();
	const hints: Hint[] = [];
	for (const scope of scopes) {
		for (const h of hintsFor(keymap, scope)) {
			if (h.keyNames.every((k) => taken.has(k))) continue;
			hints.push(h);
		}
		for (const b of keymap.bindings) if (b.scope === scope) b.keys.forEach((k) => taken.add(k));
	}
	return hints;
}

export interface HintPart {
	text: string;
	disabled: boolean;
}

/** Between two footer parts. */
const GAP = '  ';

interface Item {
	text: string;
	reason: string | undefined;
}

/**
 * Items as footer parts: "s snapshot"; a disabled one is dimmed and says why.
 * Disabled hints that share the reason are one part with the reason once,
 * first, where the first of them stands ("[read-only] s snapshot, r reboot"):
 * every disabled key reads as disabled in plain text too, and the line keeps
 * room for the keys.
 */
function partsOf(items: Item[]): HintPart[] {
	const parts: Array<{items: string[]; reason?: string}> = [];
	const byReason = new Map<string, {items: string[]; reason?: string}>();
	for (const item of items) {
		const group = item.reason === undefined ? undefined : byReason.get(item.reason);
		if (group) group.items.push(item.text);
		else {
			const part = {items: [item.text], ...(item.reason !== undefined ? {reason: item.reason} : {})};
			if (item.reason !== undefined) byReason.set(item.reason, part);
			parts.push(part);
		}
	}
	return parts.map((p) => ({text: `${p.reason !== undefined ? `[${p.reason}] ` : ''}${p.items.join(', ')}`, disabled: p.reason !== undefined}));
}

function partsWidth(parts: HintPart[]): number {
	return parts.reduce((sum, p, i) => sum + textWidth(p.text) + (i > 0 ? GAP.length : 0), 0);
}

/**
 * The footer parts of `scopes` that fit `width` columns (all of them without
 * a width). Hints are taken by rank (the YAML's `footer: N`, compared across
 * the scopes; a tie goes to the earlier scope) while the line still fits,
 * each whole or not at all, and shown in the scopes' order: the pane's keys,
 * then the deck's. So a narrow terminal loses the least useful keys, never
 * half a word, and never Tab or `:` to one long action hint.
 */
export function hintParts(keymap: Keymap, scopes: Scope[], disabledReason?: (action: string) => string | undefined, width?: number): HintPart[] {
	const hints = footerHints(keymap, scopes);
	const items = hints.map((h): Item => ({text: `${h.keys} ${h.label}`, reason: disabledReason?.(h.action)}));
	if (width === undefined) return partsOf(items);
	const byRank = hints.map((h, i) => ({rank: h.rank, i})).sort((x, y) => x.rank - y.rank || x.i - y.i);
	const kept = new Set<number>();
	let parts: HintPart[] = [];
	for (const {i} of byRank) {
		const next = partsOf(items.filter((_, j) => j === i || kept.has(j)));
		// The first hint that does not fit ends the line: a shorter, less useful one after it would read as random.
		if (partsWidth(next) > width) break;
		kept.add(i);
		parts = next;
	}
	return parts;
}

/** Hints of `scopes` as one line that fits `width` (see hintParts); a disabled run reads "[read-only] s snapshot, r reboot". */
export function hintText(keymap: Keymap, scopes: Scope[], disabledReason?: (action: string) => string | undefined, width?: number): string {
	return hintParts(keymap, scopes, disabledReason, width)
		.map((p) => p.text)
		.join(GAP);
}

/** How long an action's one-line notice stays in the footer. */
export const NOTICE_MS = 15_000;

export const Footer = memo(function Footer({
	keymap,
	scopes,
	filterDraft,
	notice,
	disabledReason,
	busy,
	now = Date.now,
	width,
}: {
	keymap: Keymap;
	scopes: Scope[];
	/** The columns the line has; hints that do not fit whole are left out. */
	width: number;
	filterDraft: string | null;
	/** The last action's outcome (✓/✗ …), shown before the hints for NOTICE_MS. */
	notice?: Notice;
	/** Why an action key cannot run now; its hint is dimmed with the reason. */
	disabledReason?: (action: string) => string | undefined;
	/** This session's running action ("rebooting plex (100)…"), shown first until its task ends. */
	busy?: string;
	now?: () => number;
}) {
	if (filterDraft !== null) {
		const draft = sanitize(filterDraft);
		return (
			<Text wrap="truncate">
				<Text color={theme.accent}>/</Text>
				{draft}
				<Text color={theme.accent}>█</Text>
				<Text color={theme.muted}>{GAP + hintText(keymap, ['filter'], undefined, width - textWidth(`/${draft}█${GAP}`))}</Text>
			</Text>
		);
	}
	// While an action runs, the ✓ of the one before it is no longer news (a failure or a hint still is).
	const showNotice = notice !== undefined && now() - notice.at < NOTICE_MS && (busy === undefined || notice.tone !== 'ok');
	if (!showNotice && !disabledReason && !busy) {
		return (
			<Text wrap="truncate" color={theme.muted}>
				{hintText(keymap, scopes, undefined, width)}
			</Text>
		);
	}
	const busyText = busy ? `⟳ ${busy}${GAP}` : '';
	const noticeText = showNotice ? sanitize(notice.text) + GAP : '';
	// What the busy and result lines leave (a line longer than the footer is cut as before; no hint then).
	const room = width - textWidth(busyText) - textWidth(noticeText);
	return (
		<Text wrap="truncate" color={theme.muted}>
			{busy ? (
				<Text color={theme.warn} bold>
					{busyText}
				</Text>
			) : (
				''
			)}
			{showNotice ? (
				<Text color={notice.tone === 'ok' ? theme.ok : notice.tone === 'error' ? theme.danger : theme.warn} bold>
					{noticeText}
				</Text>
			) : (
				''
			)}
			{hintParts(keymap, scopes, disabledReason, room).map((part, i) => {
				const text = `${i > 0 ? GAP : ''}${part.text}`;
				return part.disabled ? (
					<Text key={i} dimColor>
						{text}
					</Text>
				) : (
					text
				);
			})}
		</Text>
	);
});
