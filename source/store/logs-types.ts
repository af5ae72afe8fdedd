// State of the logs screen (issue 5): the pane list and its layout. Only
// metadata lives here; the lines themselves stay in ring buffers outside the
// store (source/services/logs), and `version` is bumped at most ~20 times a
// second when any buffer changed, so a fast stream cannot flood React.

/** What a source is doing, as the pane title shows it. */
export type LogSourceStatus =
	| {state: 'connecting'}
	| {state: 'following'}
	| {state: 'reconnecting'; attempt?: number; reason?: string}
	| {state: 'ended'; code: number | null; detail?: string}
	| {state: 'failed'; reason: string};

/** What a pane shows; enough to describe it and to (re)open it. */
export type LogSourceSpec =
	| {kind: 'host'; node: string}
	| {kind: 'guest'; vmid: number; node: string; name: string}
	| {kind: 'task'; node: string; upid: string; label: string}
	| {kind: 'audit'; path: string};

export type LogLayout = 'rows' | 'columns' | 'grid';

export interface LogPaneState {
	id: number;
	source: LogSourceSpec;
	/** Title text (already sanitized): "journal CT 101 plex", "host journal pve". */
	title: string;
	status: LogSourceStatus;
	/** Stick to the newest line. Scrolling up pauses; G resumes. */
	follow: boolean;
	/** While paused: seq of the line drawn at the bottom of the pane. */
	anchorSeq?: number;
	/** Committed filter (regex, case-insensitive); "" = none. */
	filter: string;
	invert: boolean;
	/** Set when the filter is not a valid regex and is matched as literal text. */
	filterLiteral: boolean;
	showTimestamps: boolean;
	wrap: boolean;
}

export type LogPrompt = {kind: 'filter'; draft: string} | {kind: 'open'; cursor: number};

export interface LogsState {
	panes: LogPaneState[];
	layout: LogLayout;
	/** Index into panes of the pane keys act on. */
	focus: number;
	/** Bumped (throttled) when any pane's buffer changed. */
	version: number;
	/** The `/` filter prompt or the `o` source picker, when open. */
	prompt: LogPrompt | null;
	/** One line in the logs footer until the next key (saved to …, invalid regex …). */
	notice?: string;
}

export const MAX_LOG_PANES = 4;

export interface LogsActions {
	logsPaneAdded(pane: LogPaneState): void;
	logsPaneRemoved(id: number): void;
	logsPaneChanged(id: number, patch: Partial<Omit<LogPaneState, 'id'>>): void;
	logsBump(): void;
	logsFocus(delta: number): void;
	logsLayout(layout: LogLayout): void;
	logsPrompt(prompt: LogPrompt | null): void;
	logsNotice(text: string | undefined): void;
}

export interface LogsSliceState {
	logs: LogsState;
}
