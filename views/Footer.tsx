// The bottom line: the filter prompt while it is open, else the key hints of
// the active scope (generated from the keymap).

import {Text} from 'ink';
import React, {memo} from 'react';
import {hintsFor, type Hint, type Keymap, type Scope} from '../keymaps/index.js';
import type {Notice} from '../source/store/ops-types.js';
import {sanitize} from '../source/util/sanitize.js';
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

/**
 * The hints as footer parts: "s snapshot"; a disabled one is dimmed and says
 * why. A run of disabled hints that share the reason is one part with the
 * reason once, first ("[read-only] s snapshot, r reboot"): every disabled key
 * reads as disabled in plain text too, the reason survives a narrow terminal
 * cutting the line, and the line keeps room for the keys.
 */
export function hintParts(keymap: Keymap, scopes: Scope[], disabledReason?: (action: string) => string | undefined): HintPart[] {
	const runs: Array<{items: string[]; reason?: string}> = [];
	for (const h of footerHints(keymap, scopes)) {
		const reason = disabledReason?.(h.action);
		const last = runs[runs.length - 1];
		if (reason !== undefined && last?.reason === reason) last.items.push(`${h.keys} ${h.description}`);
		else runs.push({items: [`${h.keys} ${h.description}`], ...(reason !== undefined ? {reason} : {})});
	}
	return runs.map((r) => ({text: `${r.reason !== undefined ? `[${r.reason}] ` : ''}${r.items.join(', ')}`, disabled: r.reason !== undefined}));
}

/** Hints of `scopes` as one line; a disabled action reads "s snapshot (read-only)". */
export function hintText(keymap: Keymap, scopes: Scope[], disabledReason?: (action: string) => string | undefined): string {
	return hintParts(keymap, scopes, disabledReason)
		.map((p) => p.text)
		.join('  ');
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
}: {
	keymap: Keymap;
	scopes: Scope[];
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
		return (
			<Text wrap="truncate">
				<Text color={theme.accent}>/</Text>
				{sanitize(filterDraft)}
				<Text color={theme.accent}>█</Text>
				<Text color={theme.muted}>{'  ' + hintText(keymap, ['filter'])}</Text>
			</Text>
		);
	}
	// While an action runs, the ✓ of the one before it is no longer news (a failure or a hint still is).
	const showNotice = notice !== undefined && now() - notice.at < NOTICE_MS && (busy === undefined || notice.tone !== 'ok');
	if (!showNotice && !disabledReason && !busy) {
		return (
			<Text wrap="truncate" color={theme.muted}>
				{hintText(keymap, scopes)}
			</Text>
		);
	}
	return (
		<Text wrap="truncate" color={theme.muted}>
			{busy ? (
				<Text color={theme.warn} bold>
					{`⟳ ${busy}  `}
				</Text>
			) : (
				''
			)}
			{showNotice ? (
				<Text color={notice.tone === 'ok' ? theme.ok : notice.tone === 'error' ? theme.danger : theme.warn} bold>
					{sanitize(notice.text) + '  '}
				</Text>
			) : (
				''
			)}
			{hintParts(keymap, scopes, disabledReason).map((part, i) => {
				const text = `${i > 0 ? '  ' : ''}${part.text}`;
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
