// The problems slice (services/problems): the ranked list the problems pane
// and the header read, with when each problem was first seen (its age where
// the data gives none), and the pane's cursor. store.ts spreads it in.

import type {Problem, StorageFact} from '../services/problems/types.js';
import type {ProblemCounts} from '../services/problems/rules.js';
import {DEFAULT_THRESHOLDS, type Thresholds} from '../services/problems/thresholds.js';
import type {AppState} from './types.js';

export interface ProblemsState {
	list: Problem[];
	counts: ProblemCounts;
	/** First time each problem id was seen in this session (epoch ms). */
	firstSeen: ReadonlyMap<string, number>;
	/** Index of the highlighted problem in the pane. */
	cursor: number;
	evaluatedAt?: number;
	/**
	 * What the list was evaluated on that other panes show too: the storages'
	 * used/total (/cluster/resources, as `pvesm status` reports them) and the
	 * thresholds (config file). The ZFS pane marks its figures with these, so
	 * it agrees with this list on what is over a bar.
	 */
	storages: readonly StorageFact[];
	thresholds: Thresholds;
}

/** The figures and thresholds an evaluation used (ProblemsState). */
export interface ProblemInputs {
	storages: readonly StorageFact[];
	thresholds: Thresholds;
}

export interface ProblemsSliceState {
	problems: ProblemsState;
}

export interface ProblemsActions {
	problemsEvaluated(list: Problem[], counts: ProblemCounts, at: number, inputs?: ProblemInputs): void;
	moveProblemCursor(delta: number): void;
}

type Set_ = (partial: Partial<AppState>) => void;
type Get = () => AppState;

export function initialProblemsState(): ProblemsSliceState {
	return {problems: {list: [], counts: {critical: 0, warning: 0, info: 0}, firstSeen: new Map(), cursor: 0, storages: [], thresholds: DEFAULT_THRESHOLDS}};
}

function sameList(a: Problem[], b: Problem[]): boolean {
	return a.length === b.length && a.every((p, i) => p.id === b[i]!.id && p.text === b[i]!.text && p.level === b[i]!.level);
}

export function createProblemsActions(set: Set_, get: Get): ProblemsActions {
	return {
		problemsEvaluated(list, counts, at, inputs) {
			const previous = get().problems;
			const storages = inputs?.storages ?? previous.storages;
			const thresholds = inputs?.thresholds ?? previous.thresholds;
			// An evaluation that changes nothing on screen does not redraw anything (new storage figures do: the ZFS pane shows them).
			if (previous.evaluatedAt !== undefined && sameList(previous.list, list) && storages === previous.storages && thresholds === previous.thresholds) return;
			const firstSeen = new Map<string, number>();
			for (const p of list) firstSeen.set(p.id, previous.firstSeen.get(p.id) ?? at);
			// On the worst problem (the top) the cursor stays at the top as worse ones arrive; moved
			// down by the user, it stays on the same problem when the list above it changes.
			const focused = previous.cursor > 0 ? previous.list[previous.cursor]?.id : undefined;
			const kept = focused === undefined ? -1 : list.findIndex((p) => p.id === focused);
			const cursor = kept >= 0 ? kept : previous.cursor === 0 ? 0 : Math.min(previous.cursor, Math.max(0, list.length - 1));
			set({problems: {list, counts, firstSeen, cursor, evaluatedAt: at, storages, thresholds}});
		},
		moveProblemCursor(delta) {
			const p = get().problems;
			const cursor = Math.max(0, Math.min(p.cursor + delta, p.list.length - 1));
			if (cursor !== p.cursor) set({problems: {...p, cursor}});
		},
	};
}
