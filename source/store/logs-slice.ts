// The logs slice of the store (logs-types.ts): pane metadata, focus, layout,
// the prompt. The logs service (source/services/logs/panes.ts) writes it;
// store.ts spreads it in.

import type {LogsActions, LogsSliceState, LogsState} from './logs-types.js';
import {MAX_LOG_PANES} from './logs-types.js';
import type {AppState} from './types.js';

type Set_ = (partial: Partial<AppState>) => void;
type Get = () => AppState;

export function initialLogsState(): LogsSliceState {
	return {logs: {panes: [], layout: 'columns', focus: 0, version: 0, prompt: null}};
}

export function createLogsActions(set: Set_, get: Get): LogsActions {
	function logs(patch: Partial<LogsState>): void {
		set({logs: {...get().logs, ...patch}});
	}
	return {
		logsPaneAdded(pane) {
			const {panes} = get().logs;
			if (panes.length >= MAX_LOG_PANES) return;
			logs({panes: [...panes, pane], focus: panes.length});
		},
		logsPaneRemoved(id) {
			const {panes, focus} = get().logs;
			const next = panes.filter((p) => p.id !== id);
			if (next.length === panes.length) return;
			logs({panes: next, focus: Math.max(0, Math.min(focus, next.length - 1))});
		},
		logsPaneChanged(id, patch) {
			const {panes} = get().logs;
			if (!panes.some((p) => p.id === id)) return;
			logs({panes: panes.map((p) => (p.id === id ? {...p, ...patch} : p))});
		},
		logsBump() {
			logs({version: get().logs.version + 1});
		},
		logsFocus(delta) {
			const {panes, focus} = get().logs;
			if (panes.length === 0) return;
			const next = (((focus + delta) % panes.length) + panes.length) % panes.length;
			if (next !== focus) logs({focus: next});
		},
		logsLayout(layout) {
			if (get().logs.layout !== layout) logs({layout});
		},
		logsPrompt(prompt) {
			logs({prompt});
		},
		logsNotice(text) {
			if (get().logs.notice !== text) logs({notice: text});
		},
	};
}
