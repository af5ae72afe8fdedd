// The upgrade screen as lines, computed from the controller's view: the plan
// table with its confirm dialog, the run table with progress bar, ETA and the
// focused container's output, or the idle hint with interrupted runs. Pure and
// bounded to the height it is given (frames stay ≤ rows − 1).

import {actionCell, snapshotCell} from '../../source/services/upgrade/plan-text.js';
import {planCounts, planHeadline} from '../../source/services/upgrade/plan-text.js';
import type {UpgradeView} from '../../source/services/upgrade/controller.js';
import type {RunRow} from '../../source/services/upgrade/types.js';
import {sanitize} from '../../source/util/sanitize.js';
import {fit, truncate, wrapLines} from '../format.js';
import type {Tone} from '../theme.js';

export interface Line {
	text: string;
	tone?: Tone;
	inverse?: boolean;
	bold?: boolean;
}

const on = (b: boolean) => (b ? 'on' : 'off');

/** The rows around the cursor that fit in `rows` lines. */
function windowAround<T>(items: T[], cursor: number, rows: number): {items: T[]; first: number} {
	if (items.length <= rows) return {items, first: 0};
	const first = Math.max(0, Math.min(items.length - rows, cursor - Math.floor(rows / 2)));
	return {items: items.slice(first, first + rows), first};
}

function seconds(ms: number): string {
	const s = Math.max(0, Math.round(ms / 1000));
	return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** RESULT: the outcome and its reason; "reboot needed" where the upgrade asks for one. */
function resultText(r: RunRow): string {
	if (!r.outcome) return '';
	const reboot = r.reboot && r.outcome === 'upgraded' ? ' · reboot needed' : '';
	return `${r.outcome}${reboot}${r.reason ? `: ${r.reason}` : ''}`;
}

function button(label: string, focused: boolean): string {
	return focused ? `[▸${label}◂]` : `[ ${label} ]`;
}

/** Lines of `text` wrapped to `width`, each with the same look: text that explains a consequence is never cut. */
function wrapped(text: string, width: number, look: Omit<Line, 'text'> = {}): Line[] {
	return wrapLines(text, width).map((line) => ({...look, text: line}));
}

function planView(view: Extract<UpgradeView, {stage: 'plan'}>, width: number, height: number): Line[] {
	const {plan} = view;
	const o = plan.options;
	const out: Line[] = [
		// The options decide who is upgraded and how: wrapped, never cut.
		...wrapped(`Upgrade plan · ${plan.entries.length} container${plan.entries.length === 1 ? '' : 's'} · concurrency ${o.concurrency} · rollback ${on(o.rollback)} · start-stopped ${on(o.startStopped)} · without snapshot ${on(o.allowNoSnapshot)} · backup first ${o.backupFirst ? `→ ${sanitize(o.backupFirst)}` : 'off'}`, width, {bold: true}),
		{text: `${fit('CT', 6)}${fit('NAME', 15)}${fit('MGR', 7)}${fit('PEND', 5)}${fit('REBOOT', 7)}${fit('SNAP', 5)}ACTION`, tone: 'muted'},
	];
	// Below the table: the focused row's action in full (a skip reason or why there is no snapshot is cut in its cell), then the question or the keys.
	const focused = plan.entries[view.cursor];
	const detail = focused ? wrapped(`${focused.vmid} ${sanitize(focused.name)}: ${sanitize(actionCell(focused))}`, width, {tone: focused.action === 'skip' ? 'muted' : focused.snapshot.possible ? undefined : 'warn'}) : [];
	const bottom: Line[] = wrapped(planHeadline(plan), width, {tone: 'accent'});
	if (view.confirm) {
		const c = planCounts(plan);
		bottom.push(
			...wrapped(`Upgrade ${c.upgrade} container${c.upgrade === 1 ? '' : 's'} (${c.packages} packages), at most ${o.concurrency} at once? Each is snapshotted first${o.rollback ? ' and rolled back if it fails' : ' (no rollback: failures are kept for inspection)'}.`, width, {bold: true}),
		);
		if (c.backupFirst > 0) bottom.push(...wrapped(`${c.backupFirst} cannot be snapshotted: each is backed up to ${sanitize(o.backupFirst ?? '?')} first and restored from it if its upgrade fails.`, width, {tone: 'warn'}));
		if (c.withoutSnapshot > 0) bottom.push(...wrapped(`${c.withoutSnapshot} cannot be snapshotted and will be upgraded WITHOUT a way back.`, width, {tone: 'danger'}));
		bottom.push({text: `${button('Cancel', view.confirm === 'cancel')}  ${button('Upgrade', view.confirm === 'ok')}`, tone: 'accent'});
	} else {
		bottom.push(...wrapped('enter confirm · S start-stopped · W without snapshot · B backup first · R rollback · +/- concurrency · esc back', width, {tone: 'muted'}));
	}
	// The question and its buttons always show; the focused row's detail when there is room for a row besides.
	const spare = height - out.length - bottom.length;
	const shownDetail = detail.slice(0, Math.max(0, Math.min(detail.length, spare - 1)));
	const room = Math.max(1, spare - shownDetail.length);
	const {items, first} = windowAround(plan.entries, view.cursor, room);
	items.forEach((e, i) => {
		const snap = snapshotCell(e);
		out.push({
			text: `${fit(String(e.vmid), 6)}${fit(sanitize(e.name), 15)}${fit(e.manager ?? '-', 7)}${fit(e.pending === undefined ? '?' : String(e.pending), 5)}${fit(e.reboot ? 'yes' : '', 7)}${fit(snap, 5)}${sanitize(actionCell(e))}`,
			tone: e.action === 'skip' ? 'muted' : e.snapshot.possible || e.backupFirst ? undefined : 'warn',
			inverse: first + i === view.cursor,
		});
	});
	out.push(...shownDetail, ...bottom);
	// Bounded from the top: the question and its buttons at the bottom are what must show.
	return out.length > height ? out.slice(out.length - height) : out;
}

function eta(rows: RunRow[], concurrency: number, now: number): string {
	const toRun = rows.filter((r) => r.outcome !== 'skipped');
	const finished = toRun.filter((r) => r.outcome !== undefined && r.startedAt !== undefined && r.endedAt !== undefined);
	const left = toRun.filter((r) => r.outcome === undefined);
	if (left.length === 0) return '';
	if (finished.length === 0) return 'ETA …';
	const avg = finished.reduce((s, r) => s + (r.endedAt! - r.startedAt!), 0) / finished.length;
	// The ones running are part-way through: count what is left of them.
	const remaining = left.reduce((s, r) => s + (r.startedAt !== undefined ? Math.max(0, avg - (now - r.startedAt)) : avg), 0);
	return `ETA ${seconds(remaining / Math.max(1, concurrency))}`;
}

function progressBar(done: number, total: number, width: number): string {
	const cells = Math.max(5, width);
	const full = total === 0 ? cells : Math.round((done / total) * cells);
	return `${'█'.repeat(full)}${'░'.repeat(cells - full)}`;
}

function outcomeTone(row: RunRow): Tone | undefined {
	if (row.outcome === 'upgraded') return 'ok';
	// Interrupted (the session died mid-step; rolled back, resumable) warns like a rollback.
	if (row.outcome === 'rolled-back' || row.outcome === 'interrupted') return 'warn';
	if (row.outcome === 'failed') return 'danger';
	if (row.outcome === 'skipped' || row.outcome === 'not-started') return 'muted';
	return undefined;
}

function runView(view: Extract<UpgradeView, {stage: 'run'}>, width: number, height: number, now: number): Line[] {
	const {run} = view;
	const status = run.status();
	const rows = run.rows();
	const toRun = rows.filter((r) => r.outcome !== 'skipped');
	const done = toRun.filter((r) => r.outcome !== undefined).length;
	const title = status.finished ? `Upgrade run ${run.id} finished` : `Upgrade run ${run.id}`;
	const state = [
		`${done}/${toRun.length}`,
		`${status.running} running`,
		`concurrency ${status.concurrency}`,
		status.finished ? '' : eta(rows, status.concurrency, now),
		status.halted ? `HALTED: ${status.halted}` : status.stopRequested ? 'stopping: no new starts' : '',
	].filter(Boolean);
	const barWidth = Math.max(10, Math.min(30, width - 60));
	const out: Line[] = [
		{text: title, bold: true},
		{text: `${progressBar(done, toRun.length, barWidth)} ${state.join(' · ')}`, tone: status.halted ? 'danger' : 'accent'},
	];
	if (status.summary) {
		const c = status.summary.counts;
		const interrupted = c.interrupted ? ` · interrupted ${c.interrupted}` : '';
		out.push({text: `upgraded ${c.upgraded} · rolled back ${c['rolled-back']} · failed ${c.failed}${interrupted} · skipped ${c.skipped} · not started ${c['not-started']} · ${status.summary.packages} packages`, tone: c.failed + c['rolled-back'] + (c.interrupted ?? 0) > 0 ? 'warn' : 'ok'});
		// The path on a line of its own: it is long, and it is what one copies.
		if (status.summaryFiles?.markdown) out.push({text: `summary ${status.summaryFiles.markdown}`, tone: 'muted'});
	}
	out.push({text: `${fit('CT', 6)}${fit('NAME', 15)}${fit('MGR', 7)}${fit('PHASE', 10)}${fit('TIME', 7)}${fit('PKGS', 5)}RESULT`, tone: 'muted'});
	// The quit and stop questions wrap: they say what happens to the containers in flight.
	const question: Line[] = view.askQuit
		? [
				...wrapped(`Quit while ${status.running} container${status.running === 1 ? ' is' : 's are'} being upgraded? The run stops where it stands.`, width, {bold: true}),
				...wrapped('The next start on this host offers to resume it: finished containers are kept, those caught mid-step are rolled back.', width, {tone: 'muted'}),
				{text: `${button('Keep running', view.askQuit === 'cancel')}  ${button('Quit', view.askQuit === 'ok')}`, tone: 'danger'},
			]
		: view.askStop
			? [
					...wrapped(`Stop starting new containers? The ${status.running} in flight finish, rollbacks included.`, width, {bold: true}),
					{text: `${button('Keep going', view.askStop === 'cancel')}  ${button('Stop new ones', view.askStop === 'ok')}`, tone: 'accent'},
				]
			: [];
	const footer = question.length > 0 ? question.length : 1;
	const tableRoom = Math.max(1, Math.floor((height - out.length - footer) * 0.55));
	const {items, first} = windowAround(rows, view.cursor, tableRoom);
	items.forEach((r, i) => {
		const elapsed = r.startedAt === undefined ? '' : seconds((r.endedAt ?? now) - r.startedAt);
		out.push({
			text: `${fit(String(r.vmid), 6)}${fit(sanitize(r.name), 15)}${fit(r.manager ?? '-', 7)}${fit(r.outcome === 'skipped' ? 'skipped' : r.phase, 10)}${fit(elapsed, 7)}${fit(String(r.packages), 5)}${sanitize(resultText(r))}`,
			tone: outcomeTone(r),
			inverse: first + i === view.cursor,
		});
	});
	const focused = rows[view.cursor];
	const logRoom = height - out.length - footer - 1;
	if (focused && logRoom > 0) {
		out.push({text: truncate(`── output of ${focused.vmid} ${sanitize(focused.name)} ${'─'.repeat(width)}`, width), tone: 'muted'});
		const ring = run.output(focused.vmid);
		const count = ring?.length ?? 0;
		for (let i = Math.max(0, count - logRoom); i < count; i++) {
			const line = ring!.at(i)!;
			out.push({text: line.text, tone: line.level === 'error' ? 'danger' : line.level === 'warn' ? 'warn' : undefined});
		}
	}
	while (out.length < height - footer) out.push({text: ''});
	if (view.askQuit || view.askStop) {
		// The question and its buttons are what must show: the table above gives way.
		out.length = Math.min(out.length, Math.max(0, height - footer));
		out.push(...question);
	} else {
		out.push({text: status.finished ? 'esc back to the fleet · j/k output of another container' : 'j/k output of another container · +/- concurrency · q stop starting new ones', tone: 'muted'});
	}
	return out;
}

function idleView(view: Extract<UpgradeView, {stage: 'idle'}>): Line[] {
	const out: Line[] = [
		{text: 'Bulk upgrades', bold: true},
		{text: 'Mark containers in the fleet (space, ctrl+a, :mark tag=media, :mark node=pve, :mark os=alpine) and press u.'},
		{text: 'proxdeck plans first: package manager, pending upgrades, reboot, snapshot — nothing changes before you confirm.', tone: 'muted'},
	];
	if (view.interrupted.length > 0) {
		out.push({text: ''}, {text: 'Interrupted runs (enter resumes the newest):', tone: 'warn', bold: true});
		for (const r of view.interrupted) {
			const total = planCounts(r.plan).upgrade;
			out.push({text: `${r.id}  started ${new Date(r.startedAt).toISOString().slice(0, 19).replace('T', ' ')}  ${r.done.size}/${total} finished  ${r.path}`, tone: 'warn'});
		}
	}
	return out;
}

export function upgradeLines(view: UpgradeView, width: number, height: number, now: number): Line[] {
	let lines: Line[];
	if (view.stage === 'plan') lines = planView(view, width, height);
	else if (view.stage === 'run') lines = runView(view, width, height, now);
	else if (view.stage === 'planning') lines = [{text: `Planning: ${view.done}/${view.total} containers (reading configs, refreshing package indexes)…`, tone: 'accent'}];
	else lines = idleView(view);
	return lines.slice(0, Math.max(0, height)).map((l) => ({...l, text: truncate(l.text, width)}));
}
