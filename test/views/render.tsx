// Renders <App> for tests with a fixed clock and no header timer.

import {render} from 'ink-testing-library';
import React from 'react';
import type {StoreApi} from 'zustand/vanilla';
import {loadKeymap, type Keymap} from '../../keymaps/index.js';
import type {AppState} from '../../source/store/types.js';
import {App} from '../../views/App.js';
import {keyClock, settle} from './harness.js';

export const NOW = 1_012_000; // 12 s after data.ts's receivedAt

export async function renderApp(
	store: StoreApi<AppState>,
	options: {size?: {columns: number; rows: number}; keymap?: Keymap; onQuit?: () => void; layout?: string; now?: () => number} = {},
) {
	// Tests of one pane's own behaviour may pick the layout that shows it alone (`fleet`); the default is the deck.
	if (options.layout !== undefined) store.getState().actions.deckLayout(options.layout, {id: 'fleet', kind: 'fleet'});
	const app = render(
		<App
			store={store}
			keymap={options.keymap ?? loadKeymap()}
			size={options.size ?? {columns: 120, rows: 30}}
			onQuit={options.onQuit ?? (() => {})}
			now={options.now ?? (() => NOW)}
			tickMs={0}
			inputClock={keyClock}
		/>,
	);
	// ink-testing-library's stdout always says 100 columns, and Ink sizes its
	// output grid by it: a pane drawn right of column 100 would be shifted left.
	// Tell Ink the terminal is as wide as the test says.
	const columns = (options.size ?? {columns: 120}).columns;
	Object.defineProperty(app.stdout, 'columns', {value: columns, configurable: true});
	app.stdout.emit('resize');
	await settle();
	return app;
}
