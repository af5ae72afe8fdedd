// The bottom line: the filter prompt while it is open, else the key hints of
// the active scope (generated from the keymap).

import {Text} from 'ink';
import React, {memo} from 'react';
import {hintsFor, type Keymap, type Scope} from '../keymaps/index.js';
import {sanitize} from '../source/util/sanitize.js';
import {theme} from './theme.js';

/** Hints of `scopes` in order; a hint whose keys an earlier scope already took is left out. */
export function hintText(keymap: Keymap, scopes: Scope[]): string {
	const taken = new Set<string>();
	const parts: string[] = [];
	for (const scope of scopes) {
		for (const h of hintsFor(keymap, scope)) {
			if (h.keyNames.every((k) => taken.has(k))) continue;
			parts.push(`${h.keys} ${h.description}`);
		}
		for (const b of keymap.bindings) if (b.scope === scope) b.keys.forEach((k) => taken.add(k));
	}
	return parts.join('  ');
}

export const Footer = memo(function Footer({keymap, scopes, filterDraft}: {keymap: Keymap; scopes: Scope[]; filterDraft: string | null}) {
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
	return (
		<Text wrap="truncate" color={theme.muted}>
			{hintText(keymap, scopes)}
		</Text>
	);
});
