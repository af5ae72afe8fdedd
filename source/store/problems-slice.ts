// The problems slice (services/problems): the ranked list the problems pane
// and the header read, with when each problem was first seen (its age where
// the data gives none), and the pane's cursor. store.ts spreads it in.

import type {Problem} from '../services/problems/types.js';
import type {ProblemCounts} from '../services/problems/rules.js';
import type {AppState} from './types.js';

export interface ProblemsState {
	list: Problem[];
	counts: ProblemCounts;
	/** First time each problem id was seen in this session (epoch ms). */
	firstSeen: ReadonlyMap<string, number>;
	/** Index of the highlighted problem in the pane. */
	cursor: number;
	evaluatedAt?: number;
}

export interface ProblemsSliceState {
	problems: ProblemsState;
}

export interface ProblemsActions {
	problemsEvaluated(list: Problem[], counts: ProblemCounts, at: number): void;
	moveProblemCursor(delta: number): void;
}

type Set_ = (partial: Partial<AppState>) => void;
type Get = () => AppState;

export function initialProblemsState(): ProblemsSliceState {
	return {problems: {list: [], counts: {critical: 0, warning: 0, info: 0}, firstSeen: new Map(), cursor: 0}};
}

function sameList(a: Problem[], b: Problem[]): boolean {
	return a.length === b.length && a.every((p, i) => p.id === b[i]!.id && p.text === b[i]!.text && p.level === b[i]!.level);
}

export function createProblemsActions(set: Set_, get: Get): ProblemsActions {
	return {
		problemsEvaluated(list, counts, at) {
			const previous = get().problems;
			// An evaluation that changes nothing on screen does not redraw anything.
			if (previous.evaluatedAt !== undefined && sameList(previous.list, list)) return;
			const firstSeen = new Map<string, number>();
			for (const p of list) firstSeen.set(p.id, previous.firstSeen.get(p.id) ?? at);
			// On the worst problem (the top) the cursor stays at the top as worse ones arrive; moved
			// down by the user, it stays on the same problem when the list above it changes.
			const focused = previous.cursor > 0 ? previous.list[previous.cursor]?.id : undefined;
			const kept = focused === undefined ? -1 : list.findIndex((p) => p.id === focused);
			const cursor = kept >= 0 ? kept : previous.cursor === 0 ? 0 : Math.min(previous.cursor, Math.max(0, list.length - 1));
			set({problems: {list, counts, firstSeen, cursor, evaluatedAt: at}});
		},
		moveProblemCursor(delta) {
			const p = get().problems;
			const cursor = Math.max(0, Math.min(p.cursor + delta, p.list.length - 1));
			if (cursor !== p.cursor) set({problems: {...p, cursor}});
		},
	};
}
