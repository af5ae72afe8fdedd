// The upgrade engine: runs a plan, at most N containers at once, each through
//   [start →] snapshot pre-upgrade-<time> → refresh index → upgrade → health
//   check [→ shutdown] → done
// and on a failure (non-zero exit, a hang past the phase limit, a dropped
// channel, the container no longer running, a per-tag health command failing)
// rolls the container back to its pre-upgrade snapshot. After K failures, or
// when asked to stop, no new container starts; the ones in flight finish —
// including their rollback, so nothing is left half-rolled-back.
// Snapshot, rollback, start and shutdown go through the action dispatcher
// (read-only, privileges, audit, task tracking); the upgrade command itself is
// audited here the same way. Every step is journaled before it starts.

import type {SnapshotEntry} from '../../api/types.js';
import {RingBuffer} from '../logs/ring-buffer.js';
import type {CommandRunner, StreamHandle} from '../../ssh/types.js';
import type {ActionId} from '../../store/ops-types.js';
import {sanitize} from '../../util/sanitize.js';
import type {ActionDispatcher, DispatchOutcome} from '../actions/dispatcher.js';
import type {AuditLog} from '../audit.js';
import {errorLine} from '../error-line.js';
import type {ApiRequester} from '../fleet-source.js';
import {guestPath} from '../guest-path.js';
import {describeEnd, execIn, type ExecEnd, type ExecResult} from './exec.js';
import {newRunId, openJournal, type Journal, type JournalEvent, type JournalReplay} from './journal.js';
import {acquireRunLock} from './run-lock.js';
import {MANAGERS} from './managers.js';
import {summarize, writeSummaryFiles} from './summary.js';
import type {Outcome, Phase, PlanEntry, RunRow, RunSummary, UpgradeOptions, UpgradePlan} from './types.js';

export interface EngineDeps {
	api: ApiRequester;
	runner: CommandRunner;
	dispatcher: Pick<ActionDispatcher, 'dispatch' | 'disabledReason'>;
	audit: AuditLog;
	identity: string;
	host: string;
	/** The cluster's name, recorded so the run is found again through any of its nodes. */
	cluster?: string;
	runsDir: string;
	clock?: () => number;
	/** Lines kept per container for the log pane (default 2000). */
	outputLines?: number;
}

export class UpgradeRefused extends Error {}

export interface RunStatus {
	concurrency: number;
	running: number;
	failures: number;
	/** Set once no new container will start: K failures or a stop request. */
	halted?: string;
	stopRequested: boolean;
	finished: boolean;
	summary?: RunSummary;
	summaryFiles?: {json: string; markdown: string};
}

export interface UpgradeRun {
	readonly id: string;
	readonly journalPath: string;
	readonly plan: UpgradePlan;
	rows(): RunRow[];
	status(): RunStatus;
	/** The container's streamed output (refresh, upgrade, checks). */
	output(vmid: number): RingBuffer | undefined;
	setConcurrency(n: number): void;
	/** Stop starting new containers; the ones in flight finish (rollback included). */
	requestStop(): void;
	/** Test/crash hook: stops everything at once without another journal line, as a killed process would. */
	abandon(): void;
	subscribe(listener: () => void): () => void;
	done: Promise<RunSummary>;
}

class Abandoned extends Error {}

const pad = (n: number) => String(n).padStart(2, '0');

/** pre-upgrade-YYYYMMDD-HHMMSS (UTC: the same name whichever host's clock reads it). */
export function preUpgradeName(at: Date): string {
	return `pre-upgrade-${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}-${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
}

/** What a resumed container must do first. */
// `interrupted`: the container was caught mid-step by the end of the previous
// session; its recovery ends as `interrupted`, not as a failure (--max-failures).
type Recovery =
	| {kind: 'fresh'}
	| {kind: 'continue'; snapname?: string; backup?: string}
	| {kind: 'rollback'; snapname: string; reason: string; interrupted: boolean}
	| {kind: 'restore'; backup: string; reason: string; interrupted: boolean}
	| {kind: 'report'; reason: string}
	| {kind: 'shutdown'};

/**
 * The SSH connection itself went (a network blip, sshd restarted): the step
 * was cut by the transport, not failed by the container. Rolled back like an
 * interruption, not counted toward --max-failures; the runner reconnects for
 * the next containers. (One channel closing alone stays a failure.)
 */
function connectionLost(end: ExecEnd): boolean {
	return end.kind === 'dropped' && end.lost === true;
}

export function startUpgradeRun(deps: EngineDeps, plan: UpgradePlan): UpgradeRun {
	return createRun(deps, plan, undefined);
}

export function resumeUpgradeRun(deps: EngineDeps, replay: JournalReplay): UpgradeRun {
	return createRun(deps, replay.plan, replay);
}

function createRun(deps: EngineDeps, plan: UpgradePlan, replay: JournalReplay | undefined): UpgradeRun {
	const clock = deps.clock ?? Date.now;
	const options: UpgradeOptions = plan.options;
	const toRun = plan.entries.filter((e) => e.action === 'upgrade');
	// Read-only mode, or a token that lacks snapshot/rollback rights, refuses the whole run: nothing is sent.
	const targets = toRun.map((e) => e.vmid);
	// Backup-first containers need back up and restore rights instead.
	const backedUp = toRun.filter((e) => e.backupFirst).map((e) => e.vmid);
	const checks: Array<[ActionId, number[]]> = [
		['snapshot', targets],
		['rollback', targets],
		['backup', backedUp],
		['restore', backedUp],
	];
	for (const [action, vmids] of checks) {
		const reason = vmids.length > 0 ? deps.dispatcher.disabledReason(action, vmids) : undefined;
		if (reason) throw new UpgradeRefused(reason === 'read-only' ? 'refused: read-only mode, nothing was sent' : `refused: ${reason}`);
	}

	const startedAt = replay?.startedAt ?? clock();
	const id = replay?.id ?? newRunId(new Date(startedAt));
	// One process per run: another live proxdeck on it throws RunBusy here, before one journal line.
	const lock = acquireRunLock(deps.runsDir, id);
	const journal: Journal = openJournal(deps.runsDir, id);
	const snapname = preUpgradeName(new Date(startedAt));
	let abandoned = false;
	const write = (event: JournalEvent) => {
		if (!abandoned) journal.append(event);
	};
	if (replay) write({t: 'resume', at: clock()});
	else write({t: 'run', id, host: deps.host, ...(deps.cluster ? {cluster: deps.cluster} : {}), at: startedAt, plan});

	// Which node each container is on: commands for another node go through the connected one.
	const nodeOf = new Map(plan.entries.map((e) => [e.vmid, e.node]));
	const rows: RunRow[] = plan.entries.map((e) => ({
		vmid: e.vmid,
		name: e.name,
		...(e.manager ? {manager: e.manager} : {}),
		phase: e.action === 'skip' ? 'done' : 'queued',
		packages: e.pending ?? 0,
		lines: 0,
		...(e.action === 'skip' ? {outcome: 'skipped' as Outcome, reason: e.skipReason} : {}),
	}));
	const rowOf = new Map(rows.map((r) => [r.vmid, r]));
	const outputs = new Map<number, RingBuffer>();
	const listeners = new Set<() => void>();
	const handles = new Set<StreamHandle>();
	const emit = () => {
		for (const l of listeners) l();
	};
	let concurrency = Math.max(1, options.concurrency);
	let running = 0;
	let failures = 0;
	let halted: string | undefined = replay?.halted;
	let stopRequested = false;
	let finished = false;
	let summary: RunSummary | undefined;
	let summaryFiles: RunStatus['summaryFiles'];

	// Streams are tracked so abandon() can close them all, as a dying process would.
	const runner: CommandRunner = {
		...deps.runner,
		label: deps.runner.label,
		run: (argv, o) => deps.runner.run(argv, o),
		stream(argv, onLine, o) {
			const handle = deps.runner.stream(argv, onLine, o);
			handles.add(handle);
			void handle.done.finally(() => handles.delete(handle)).catch(() => {});
			return handle;
		},
		onStatus: (l) => deps.runner.onStatus(l),
		close: () => deps.runner.close(),
	};

	function check(): void {
		if (abandoned) throw new Abandoned();
	}

	function setPhase(row: RunRow, phase: Phase, extra: {snapname?: string; interrupted?: boolean; backup?: string} = {}): void {
		check();
		write({t: 'step', vmid: row.vmid, step: phase, at: clock(), ...extra});
		row.phase = phase;
		emit();
	}

	const counted = new Set<number>();
	/** Counted when the failure is known (before its rollback), so the halt takes effect at once. */
	function noteFailure(vmid: number): void {
		if (counted.has(vmid)) return;
		counted.add(vmid);
		failures++;
		if (failures >= options.maxFailures && !halted) {
			halted = `${failures} failure${failures === 1 ? '' : 's'} (limit ${options.maxFailures}): no new container starts`;
			write({t: 'halt', at: clock(), reason: halted});
		}
	}

	function finish(row: RunRow, outcome: Outcome, reason?: string): void {
		check();
		row.phase = 'done';
		row.outcome = outcome;
		row.endedAt = clock();
		if (reason) row.reason = reason;
		write({
			t: 'done',
			vmid: row.vmid,
			outcome,
			at: row.endedAt,
			packages: row.packages,
			...(reason ? {reason} : {}),
			...(row.startedAt !== undefined ? {durationMs: row.endedAt - row.startedAt} : {}),
			...(row.reboot !== undefined ? {reboot: row.reboot} : {}),
			...(row.snapname ? {snapname: row.snapname} : {}),
			...(row.backup ? {backup: row.backup} : {}),
		});
		if (outcome === 'failed' || outcome === 'rolled-back') noteFailure(row.vmid);
		emit();
	}

	function out(vmid: number): RingBuffer {
		let ring = outputs.get(vmid);
		if (!ring) {
			ring = new RingBuffer(deps.outputLines ?? 2000);
			outputs.set(vmid, ring);
		}
		return ring;
	}

	async function exec(row: RunRow, line: string): Promise<ExecResult> {
		const ring = out(row.vmid);
		ring.append(`$ ${line}`);
		const node = nodeOf.get(row.vmid);
		const result = await execIn(runner, {vmid: row.vmid, ...(node ? {node} : {})}, line, options.phaseTimeoutMs, (text) => {
			ring.append(sanitize(text));
			row.lines++;
			emit();
		});
		check();
		return result;
	}

	async function action(action: ActionId, vmid: number, params: Record<string, unknown>): Promise<DispatchOutcome> {
		const [outcome] = await deps.dispatcher.dispatch({action, targets: [vmid], params}, {confirmed: true});
		check();
		return outcome ?? {vmid, ok: false, result: 'no outcome'};
	}

	async function guestStatus(entry: PlanEntry): Promise<string | undefined> {
		try {
			const current = await deps.api.request<{status?: string}>('GET', `${guestPath(entry.node, 'lxc', entry.vmid)}/status/current`);
			return current.status;
		} catch {
			return undefined;
		}
	}

	async function waitRunning(entry: PlanEntry): Promise<boolean> {
		const until = clock() + options.phaseTimeoutMs;
		for (;;) {
			if ((await guestStatus(entry)) === 'running') return true;
			check();
			if (clock() > until) return false;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	/**
	 * A failed container: back to its snapshot (or kept, and said why). A
	 * container caught by an interruption (`interrupted`) goes back the same way
	 * but ends `interrupted`, which no --max-failures counts; only a rollback
	 * that itself fails makes it a failure.
	 */
	async function failed(row: RunRow, entry: PlanEntry, reason: string, snap: string | undefined, interrupted = false): Promise<void> {
		out(row.vmid).append(`${interrupted ? '!' : '✗'} ${reason}`);
		if (!interrupted) noteFailure(row.vmid);
		emit();
		if (!snap && row.backup) return restoreBackup(row, entry, reason, row.backup, interrupted);
		if (!snap) return finish(row, 'failed', `${reason}; no snapshot to roll back to`);
		if (!options.rollback) return finish(row, interrupted ? 'interrupted' : 'failed', `${reason}; kept for inspection (--no-rollback), snapshot ${snap}`);
		setPhase(row, 'rollback', {snapname: snap, ...(interrupted ? {interrupted: true} : {})});
		const wasRunning = entry.status === 'running';
		const result = await action('rollback', row.vmid, wasRunning ? {snapname: snap, start: 1} : {snapname: snap});
		if (!result.ok) return finish(row, 'failed', `${reason}; rollback to ${snap} failed: ${result.result}`);
		out(row.vmid).append(`↺ rolled back to ${snap}`);
		const rolledBack: Outcome = interrupted ? 'interrupted' : 'rolled-back';
		// `start: 1` queues a start task after the rollback's: wait for it, so "rolled back" means "serving again".
		if (wasRunning && !(await waitRunning(entry))) return finish(row, rolledBack, `${reason}; rolled back to ${snap} but not running again`);
		finish(row, rolledBack, interrupted ? `${reason}; rolled back to ${snap}` : reason);
	}

	/** A backup-first container's way back: restore its pre-upgrade backup over it (stopped first), then start it if it ran. */
	async function restoreBackup(row: RunRow, entry: PlanEntry, reason: string, volid: string, interrupted: boolean): Promise<void> {
		if (!options.rollback) return finish(row, interrupted ? 'interrupted' : 'failed', `${reason}; kept for inspection (--no-rollback), backup ${volid}`);
		setPhase(row, 'restore', {backup: volid, ...(interrupted ? {interrupted: true} : {})});
		const restored = await action('restore', row.vmid, {volid});
		if (!restored.ok) return finish(row, 'failed', `${reason}; restore from ${volid} failed: ${restored.result}`);
		out(row.vmid).append(`↺ restored from ${volid}`);
		const rolledBack: Outcome = interrupted ? 'interrupted' : 'rolled-back';
		if (entry.status === 'running') {
			const started = await action('start', row.vmid, {});
			if (!started.ok || !(await waitRunning(entry))) return finish(row, rolledBack, `${reason}; restored from backup ${volid} but not running again`);
		}
		finish(row, rolledBack, `${reason}; restored from backup ${volid}`);
	}

	/** A backup-first container: vzdump to the chosen storage, then the new archive's volid (newest of this guest there). */
	async function takeBackup(row: RunRow, entry: PlanEntry): Promise<{volid?: string; error?: string}> {
		const storage = options.backupFirst!;
		setPhase(row, 'backup');
		const began = Math.floor(clock() / 1000) - 1;
		const done = await action('backup', row.vmid, {storage, mode: 'snapshot', notes: `proxdeck pre-upgrade (run ${id})`});
		if (!done.ok) return {error: `backup to ${storage} failed: ${done.result}`};
		const list = await deps.api
			.request<Array<{volid: string; ctime?: number}>>('GET', `/nodes/${encodeURIComponent(entry.node)}/storage/${encodeURIComponent(storage)}/content`, {content: 'backup', vmid: row.vmid})
			.catch(() => []);
		check();
		const newest = (Array.isArray(list) ? list : []).filter((b) => (b.ctime ?? 0) >= began).sort((a, b) => (b.ctime ?? 0) - (a.ctime ?? 0))[0];
		return newest ? {volid: newest.volid} : {error: `backup to ${storage} ended OK but no new archive of ${row.vmid} is listed there`};
	}

	async function healthProblem(row: RunRow, entry: PlanEntry): Promise<{reason: string; lost: boolean} | undefined> {
		const status = await guestStatus(entry);
		check();
		if (status !== undefined && status !== 'running') return {reason: `container is ${status} after the upgrade`, lost: false};
		for (const tag of entry.tags) {
			for (const command of options.health[tag] ?? []) {
				const result = await exec(row, command);
				if (result.end.kind !== 'exit' || result.end.code !== 0) return {reason: `health check failed: ${describeEnd(command, result.end, options.phaseTimeoutMs)}`, lost: connectionLost(result.end)};
			}
		}
		return undefined;
	}

	async function upgradeOne(row: RunRow, entry: PlanEntry, recovery: Recovery): Promise<void> {
		row.startedAt = clock();
		const spec = MANAGERS[entry.manager!];
		if (recovery.kind === 'report') return finish(row, 'interrupted', recovery.reason);
		if (recovery.kind === 'rollback') {
			row.snapname = recovery.snapname;
			return failed(row, entry, recovery.reason, recovery.snapname, recovery.interrupted);
		}
		if (recovery.kind === 'restore') {
			row.backup = recovery.backup;
			return failed(row, entry, recovery.reason, undefined, recovery.interrupted);
		}
		if (recovery.kind === 'continue' && recovery.backup) row.backup = recovery.backup;
		if (recovery.kind !== 'shutdown') {
			if (entry.startStop && (await guestStatus(entry)) !== 'running') {
				setPhase(row, 'start');
				const started = await action('start', row.vmid, {});
				if (!started.ok) return finish(row, 'failed', `start failed: ${started.result}`);
			}
			let snap = recovery.kind === 'continue' ? recovery.snapname : undefined;
			if (!snap && entry.snapshot.possible) {
				setPhase(row, 'snapshot', {snapname});
				const taken = await action('snapshot', row.vmid, {snapname, description: `proxdeck pre-upgrade (run ${id})`});
				if (!taken.ok) return finish(row, 'failed', `snapshot failed: ${taken.result}`);
				snap = snapname;
			}
			if (snap) row.snapname = snap;
			if (!snap && entry.backupFirst && !row.backup) {
				const backup = await takeBackup(row, entry);
				if (!backup.volid) return finish(row, 'failed', backup.error);
				row.backup = backup.volid;
				out(row.vmid).append(`✓ backed up to ${backup.volid}`);
			}
			// The refresh step journals the archive: a resumed run restores from it.
			setPhase(row, 'refresh', row.backup ? {backup: row.backup} : {});
			const refresh = await exec(row, spec.refresh);
			if (refresh.end.kind !== 'exit' || refresh.end.code !== 0) return failed(row, entry, `index refresh: ${describeEnd(spec.refresh.split(' ')[0]!, refresh.end, options.phaseTimeoutMs)}`, snap, connectionLost(refresh.end));
			setPhase(row, 'upgrade');
			const auditId = deps.audit.begin({host: deps.host, identity: deps.identity, action: 'upgrade', targets: [row.vmid], params: {manager: spec.kind, command: spec.upgrade, run: id}});
			const began = clock();
			const upgrade = await exec(row, spec.upgrade);
			const ok = upgrade.end.kind === 'exit' && upgrade.end.code === 0;
			deps.audit.end(auditId, {result: ok ? 'OK' : describeEnd('upgrade', upgrade.end, options.phaseTimeoutMs), durationMs: clock() - began});
			if (!ok) return failed(row, entry, describeEnd(`${spec.kind} upgrade`, upgrade.end, options.phaseTimeoutMs), snap, connectionLost(upgrade.end));
			setPhase(row, 'health');
			const problem = await healthProblem(row, entry);
			if (problem) return failed(row, entry, problem.reason, snap, problem.lost);
			if (spec.rebootCheck) {
				const reboot = await exec(row, spec.rebootCheck);
				row.reboot = reboot.end.kind === 'exit' && reboot.end.code === spec.rebootExit;
			} else row.reboot = entry.reboot;
		}
		if (entry.startStop) {
			setPhase(row, 'shutdown');
			const stopped = await action('shutdown', row.vmid, {});
			if (!stopped.ok) return finish(row, 'upgraded', `upgraded, but the shutdown afterwards failed: ${stopped.result}`);
		}
		out(row.vmid).append('✓ upgraded');
		finish(row, 'upgraded');
	}

	// ---- resume: what each unfinished container of the journal needs ----
	const recoveries = new Map<number, Recovery>();
	async function planRecovery(entry: PlanEntry): Promise<Recovery> {
		const last = replay?.steps.get(entry.vmid);
		if (!replay || !last) return {kind: 'fresh'};
		const taken = replay.snapshotTaken.get(entry.vmid);
		const backup = replay.backupTaken.get(entry.vmid);
		switch (last.step) {
			case 'start':
				return {kind: 'fresh'};
			case 'snapshot': {
				// The task may or may not have finished before the interruption: ask the host.
				const list = await deps.api.request<SnapshotEntry[]>('GET', `${guestPath(entry.node, 'lxc', entry.vmid)}/snapshot`).catch(() => [] as SnapshotEntry[]);
				return list.some((s) => s.name === last.snapname) ? {kind: 'continue', snapname: last.snapname} : {kind: 'fresh'};
			}
			case 'backup':
				// The backup may not have finished: take it again.
				return {kind: 'fresh'};
			case 'refresh':
				// Nothing installed yet: carry on from the refresh with the snapshot (or backup) already taken.
				return {kind: 'continue', ...(taken ? {snapname: taken} : {}), ...(backup ? {backup} : {})};
			case 'upgrade':
			case 'health':
				if (!taken && backup && options.rollback) return {kind: 'restore', backup, reason: `interrupted during ${last.step} (previous session)`, interrupted: true};
				if (taken && options.rollback) return {kind: 'rollback', snapname: taken, reason: `interrupted during ${last.step} (previous session)`, interrupted: true};
				return {kind: 'report', reason: `interrupted during ${last.step} (previous session)${taken ? `; kept for inspection, snapshot ${taken}` : '; no snapshot: check it by hand'}`};
			case 'restore':
				if (backup) return {kind: 'restore', backup, reason: 'interrupted during its restore (previous session)', interrupted: last.interrupted === true};
				return {kind: 'report', reason: 'interrupted during its restore (previous session); check it by hand'};
			case 'rollback':
				// A failure's rollback stays a failure; an interruption's rollback stays an interruption.
				return {kind: 'rollback', snapname: last.snapname ?? taken ?? snapname, reason: 'interrupted during its rollback (previous session)', interrupted: last.interrupted === true};
			case 'shutdown':
				return {kind: 'shutdown'};
			default:
				return {kind: 'fresh'};
		}
	}

	const queue: PlanEntry[] = [];

	function startNext(): void {
		while (!abandoned && running < concurrency && queue.length > 0) {
			// Recoveries of the previous session run even when halted: they finish what was begun.
			const index = halted || stopRequested ? queue.findIndex((e) => (recoveries.get(e.vmid)?.kind ?? 'fresh') !== 'fresh' && recoveries.get(e.vmid)?.kind !== 'continue') : 0;
			if (index < 0) break;
			const entry = queue.splice(index, 1)[0]!;
			const row = rowOf.get(entry.vmid)!;
			running++;
			emit();
			void upgradeOne(row, entry, recoveries.get(entry.vmid) ?? {kind: 'fresh'})
				.catch((error) => {
					if (error instanceof Abandoned || abandoned) return;
					try {
						finish(row, 'failed', `internal error: ${errorLine(error)}`);
					} catch {
						// abandoned meanwhile
					}
				})
				.finally(() => {
					running--;
					startNext();
					maybeFinish();
				});
		}
	}

	let resolveDone: (s: RunSummary) => void = () => {};
	let rejectDone: (e: Error) => void = () => {};
	const done = new Promise<RunSummary>((resolve, reject) => {
		resolveDone = resolve;
		rejectDone = reject;
	});
	done.catch(() => {});

	function maybeFinish(): void {
		if (finished || abandoned || running > 0) return;
		if (queue.length > 0 && !halted && !stopRequested) return;
		for (const entry of queue.splice(0)) {
			const row = rowOf.get(entry.vmid)!;
			finish(row, 'not-started', halted ?? 'stopped on request before it started');
		}
		finished = true;
		const endedAt = clock();
		write({t: 'end', at: endedAt});
		summary = summarize({id, host: deps.host, startedAt, endedAt, options: {...options, concurrency}, rows, ...(halted ? {halted} : {}), resumed: replay !== undefined});
		summaryFiles = writeSummaryFiles(journal.path, summary);
		lock.release();
		emit();
		resolveDone(summary);
	}

	async function begin(): Promise<void> {
		for (const entry of toRun) {
			const previous = replay?.done.get(entry.vmid);
			const row = rowOf.get(entry.vmid)!;
			if (previous) {
				// Finished in the previous session: shown as it ended, never run again.
				Object.assign(row, {phase: 'done', outcome: previous.outcome, packages: previous.packages, ...(previous.reason ? {reason: previous.reason} : {}), ...(previous.reboot !== undefined ? {reboot: previous.reboot} : {}), ...(previous.snapname ? {snapname: previous.snapname} : {})});
				if (previous.outcome === 'failed' || previous.outcome === 'rolled-back') {
					counted.add(entry.vmid);
					failures++;
				}
				continue;
			}
			recoveries.set(entry.vmid, await planRecovery(entry));
			queue.push(entry);
		}
		// Recoveries first: finish what the last session left half-done.
		queue.sort((a, b) => Number((recoveries.get(b.vmid)?.kind ?? 'fresh') !== 'fresh') - Number((recoveries.get(a.vmid)?.kind ?? 'fresh') !== 'fresh'));
		emit();
		startNext();
		maybeFinish();
	}
	begin().catch((error) => {
		lock.release();
		rejectDone(error instanceof Error ? error : new Error(String(error)));
	});

	return {
		id,
		journalPath: journal.path,
		plan,
		rows: () => rows,
		status: () => ({concurrency, running, failures, ...(halted ? {halted} : {}), stopRequested, finished, ...(summary ? {summary} : {}), ...(summaryFiles ? {summaryFiles} : {})}),
		output: (vmid) => outputs.get(vmid),
		setConcurrency(n) {
			concurrency = Math.max(1, Math.min(16, Math.floor(n)));
			emit();
			startNext();
		},
		requestStop() {
			if (stopRequested) return;
			stopRequested = true;
			emit();
			maybeFinish();
		},
		abandon() {
			abandoned = true;
			// The process lets go of the run (the console closing): the next one may resume it.
			lock.release();
			for (const handle of [...handles]) handle.stop();
			rejectDone(new Error('run abandoned'));
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		done,
	};
}
