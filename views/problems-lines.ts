// The problems pane's lines as a pure function of the store's problem list:
// worst first, a level mark and colour, the age, and the correlated details
// (a down gateway's dependents) indented under their problem. The pane and
// tests both draw from here.

import {ago} from '../source/services/problems/rules.js';
import type {ProblemsState} from '../source/store/problems-slice.js';
import type {Problem, ProblemLevel} from '../source/services/problems/types.js';
import {truncate} from './format.js';
import type {Tone} from './theme.js';

export const LEVEL_MARK: Record<ProblemLevel, string> = {critical: '✖', warning: '▲', info: 'i'};
export const LEVEL_TONE: Record<ProblemLevel, Tone> = {critical: 'danger', warning: 'warn', info: 'muted'};

export interface ProblemLine {
	text: string;
	tone?: Tone;
	/** Index into the problem list of the problem this line belongs to. */
	problem: number;
	/** A detail line under its problem (not a cursor stop). */
	detail: boolean;
}

/** The age shown: what the data says (a task's end), else since this session first saw it. */
export function problemAge(p: Problem, firstSeen: ReadonlyMap<string, number>, now: number): string {
	const since = p.since ?? firstSeen.get(p.id);
	if (since === undefined) return '';
	return now - since < 60_000 ? 'now' : ago(now - since);
}

/** One problem's head line: mark, text, `[S]` where S fixes it, the age right-aligned where it fits. */
function headText(p: Problem, state: ProblemsState, now: number, width: number): string {
	const age = problemAge(p, state.firstSeen, now);
	// S (the footer says what it does) starts what a rule says should run.
	const fix = p.fix ? ' [S]' : '';
	const head = `${LEVEL_MARK[p.level]} ${p.text}${fix}`;
	// The age is right-aligned where it fits, so the texts line up.
	const room = width - age.length - 1;
	return age && room > 10 ? `${truncate(head, room).padEnd(room)} ${age}` : truncate(head, width);
}

/**
 * Every line of the list; a line's text is formatted when it is read, so a
 * pane showing 12 of 3,000 problems (a 10,000-guest fleet) formats 12.
 */
export function problemLines(state: ProblemsState, now: number, width: number, options: {details?: boolean} = {}): ProblemLine[] {
	const context: LineContext = {state, now, width};
	const out: ProblemLine[] = [];
	state.list.forEach((p, i) => {
		out.push(new DeferredLine(context, p, i, -1));
		if (options.details !== false) for (let d = 0; d < (p.details?.length ?? 0); d++) out.push(new DeferredLine(context, p, i, d));
	});
	return out;
}

/** What every line of one problemLines call formats with. */
interface LineContext {
	state: ProblemsState;
	now: number;
	width: number;
}

/**
 * A line formatted on first read. A class, not an object literal with a
 * getter: the literal made five objects a line (itself, its getter's
 * accessor pair and closure, the format closure, its context), and at
 * 3,000 problems each poll's list outlived its young generation, ~0.4 MB
 * of old-space garbage a poll (issue 12).
 */
class DeferredLine implements ProblemLine {
	private formatted: string | undefined;
	readonly tone: Tone;
	readonly detail: boolean;

	constructor(
		private readonly context: LineContext,
		private readonly source: Problem,
		readonly problem: number,
		/** Which of the problem's details this line is; -1 for its head line. */
		private readonly detailIndex: number,
	) {
		this.detail = detailIndex >= 0;
		this.tone = this.detail ? 'muted' : LEVEL_TONE[source.level];
	}

	get text(): string {
		this.formatted ??= this.detail
			? truncate(`    ↳ ${this.source.details![this.detailIndex]}`, this.context.width)
			: headText(this.source, this.context.state, this.context.now, this.context.width);
		return this.formatted;
	}
}

/** "✖ 2 critical · ▲ 5 warning" for a title or the header ("no problems" when clear). */
export function countsText(counts: ProblemsState['counts']): string {
	const parts = [counts.critical ? `${LEVEL_MARK.critical} ${counts.critical} critical` : '', counts.warning ? `${LEVEL_MARK.warning} ${counts.warning} warning` : '', counts.info ? `${counts.info} info` : ''].filter(Boolean);
	return parts.length > 0 ? parts.join(' · ') : 'no problems';
}
