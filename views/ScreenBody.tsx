// The footer line of the `:` prompt, and the fleet title's filter text. (The
// topology and ZFS bodies are deck panes now: views/deck/panes.tsx.)

import {Text} from 'ink';
import React from 'react';
import {hintText} from './Footer.js';
import {textWidth} from './format.js';
import type {Keymap} from '../keymaps/index.js';
import {effectiveFilter} from '../source/store/selectors.js';
import type {AppState} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import {theme} from './theme.js';

/** The `:` prompt while it is open, else the notice a command left; `width` is the line's (hints that do not fit whole are left out). */
export function ScreenFooter({keymap, draft, notice, width}: {keymap: Keymap; draft: string | null; notice: string | undefined; width: number}) {
	if (draft === null) {
		return (
			<Text wrap="truncate" color={theme.warn}>
				{sanitize(notice ?? '')}
			</Text>
		);
	}
	const typed = sanitize(draft);
	return (
		<Text wrap="truncate">
			<Text color={theme.accent}>:</Text>
			{typed}
			<Text color={theme.accent}>█</Text>
			<Text color={theme.muted}>{'  ' + hintText(keymap, ['command'], undefined, width - textWidth(`:${typed}█  `))}</Text>
		</Text>
	);
}

/** What the fleet title shows as its filter: the topology's vmid set (in brackets) and the typed text. */
export function fleetFilterText(state: AppState): string {
	const label = state.ui.vmidFilter ? `[${state.ui.vmidFilter.label}]` : '';
	return [label, effectiveFilter(state)].filter((s) => s.trim() !== '').join(' ');
}
