// What the upgrade screen drives: plan the marked containers, change the
// plan's options, confirm, run, change the concurrency, ask to stop starting
// new ones, resume an interrupted run. It holds the screen's state outside the
// store (run output changes many times a second) and tells the view through
// subscribe(); the store only learns which screen is shown and the notices.

import type {StoreApi} from 'zustand/vanilla';
import type {LxcConfig} from '../../api/types.js';
import type {CommandRunner} from '../../ssh/types.js';
import type {AppState} from '../../store/types.js';
import {offlineNodeReason} from '../../store/selectors.js';
import {errorLine} from '../error-line.js';
import {guestPath} from '../guest-path.js';
import {resumeUpgradeRun, startUpgradeRun, type EngineDeps, type UpgradeRun} from './engine.js';
import {lastUpgradeOf, type LastUpgrade} from './last-upgrade.js';
import {unfinishedRuns, type JournalReplay} from './journal.js';
import {blockedLine, resumeBlockers} from './busy-guests.js';
import {describeHolder, lockPathOf, RunBusy} from './run-lock.js';
import {planCounts} from './plan-text.js';
import {mapLimit} from './pool.js';
import {buildPlan} from './probe.js';
import {DEFAULT_OPTIONS, type UpgradeOptions, type UpgradePlan} from './types.js';

export type UpgradeView =
	| {stage: 'idle'; interrupted: JournalReplay[]}
	| {stage: 'planning'; done: number; total: number}
	| {stage: 'plan'; plan: UpgradePlan; cursor: number; confirm?: 'cancel' | 'ok'}
	| {stage: 'run'; run: UpgradeRun; cursor: number; askStop?: 'cancel' | 'ok'; askQuit?: 'cancel' | 'ok'};

export type PlanToggle = 'startStopped' | 'allowNoSnapshot' | 'rollback';

export interface UpgradeController {
	view(): UpgradeView;
	/** Changes whenever the view or the run changes (for useSyncExternalStore). */
	version(): number;
	subscribe(listener: () => void): () => void;
	/** `u` / `:upgrade`: plans these containers and shows the upgrade screen. */
	plan(vmids: number[]): void;
	/** Why upgrading these containers is refused now (read-only, no SSH, an offline node), or undefined. */
	disabledReason(vmids: number[]): string | undefined;
	toggle(option: PlanToggle): void;
	/** B: containers that cannot be snapshotted back up first (to the backup storage with the most room) — or no longer. */
	toggleBackupFirst(): void;
	move(delta: number): void;
	/** enter: opens the confirm dialog (plan) or presses its focused button. */
	activate(): void;
	/** tab/←/→ in a dialog. */
	switchFocus(): void;
	/** esc/q: closes a dialog, asks to stop a run, or leaves the screen. */
	back(): void;
	concurrency(delta: number): void;
	resume(): void;
	/**
	 * q / Ctrl+C / :q while a run is active: shows the upgrade screen asking
	 * whether to quit (Cancel focused) and returns true; `quit` is called if the
	 * user confirms, or at once when `force` repeats the request while asking.
	 * Returns false when no run is active (quit right away).
	 */
	confirmQuit(quit: () => void, force: boolean): boolean;
	/** `:mark os=alpine`: marks the containers whose ostype matches (reads configs). */
	markByOs(os: string): Promise<number>;
	/**
	 * The console is closing: an active run is abandoned where it stands,
	 * before SSH closes, so no rollback is left half-done; its journal offers it
	 * for resuming at the next start on this host (finished containers are kept,
	 * the ones caught mid-step are rolled back then).
	 */
	stop(): void;
	/** The newest proxdeck upgrade of this guest and its pre-upgrade snapshot, from the run journals. */
	lastUpgrade(vmid: number): LastUpgrade | undefined;
}

/** What the engine needs, except that the SSH runner may be missing (then runs are refused with the reason). */
export interface ControllerOptions extends Omit<EngineDeps, 'runner'> {
	store: StoreApi<AppState>;
	runner?: CommandRunner;
	options?: Partial<UpgradeOptions>;
}

export function createUpgradeController(o: ControllerOptions): UpgradeController {
	const clock = o.clock ?? Date.now;
	/** Unfinished runs of this host or its cluster (the cluster is known once the fleet is read). */
	const unfinished = () => unfinishedRuns(o.runsDir, o.host, o.store.getState().clusterName);
	// A run another live proxdeck holds is running there, not interrupted: never offered for resuming.
	const interruptedRuns = () => unfinished().filter((r) => !r.heldBy);
	const runningElsewhere = () => unfinished().filter((r) => r.heldBy !== undefined);
	let view: UpgradeView = {stage: 'idle', interrupted: interruptedRuns()};
	let version = 0;
	let options: UpgradeOptions = {...DEFAULT_OPTIONS, ...o.options};
	let planTargets: number[] = [];
	let planSeq = 0;
	let unsubscribeRun: (() => void) | undefined;
	let quitConfirmed: (() => void) | undefined;
	let resuming = false;
	const listeners = new Set<() => void>();
	const actions = () => o.store.getState().actions;
	const notice = (text: string, tone: 'ok' | 'error' | 'info' = 'info') => actions().showNotice({text, tone, at: clock()});
	// An interrupted run on this host is said at start, not only on screen 5.
	const [newest] = view.interrupted;
	const [elsewhere] = runningElsewhere();
	if (elsewhere) notice(describeHolder(elsewhere.id, elsewhere.heldBy!, lockPathOf(o.runsDir, elsewhere.id)), 'info');
	else if (newest) {
		const total = planCounts(newest.plan).upgrade;
		notice(`interrupted upgrade run ${newest.id}: ${newest.done.size} of ${total} done — 5 to resume or review`, 'error');
	}

	function set(next: UpgradeView): void {
		view = next;
		changed();
	}
	function changed(): void {
		version++;
		for (const l of listeners) l();
	}
	const running = () => view.stage === 'run' && !view.run.status().finished;

	function refuseReason(): string | undefined {
		if (o.store.getState().badges.readOnly) return 'read-only';
		if (!o.runner) return 'no SSH connection (pct exec): start with --ssh or --local';
		return undefined;
	}

	function disabledReason(vmids: number[]): string | undefined {
		return refuseReason() ?? offlineNodeReason(o.store.getState(), vmids);
	}

	async function makePlan(vmids: number[]): Promise<void> {
		const seq = ++planSeq;
		const guests = vmids.map((v) => o.store.getState().guests.get(v)).filter((g) => g !== undefined);
		set({stage: 'planning', done: 0, total: guests.length});
		try {
			const plan = await buildPlan({api: o.api, ...(o.runner ? {runner: o.runner} : {}), clock}, guests, options, (done, total) => {
				if (seq === planSeq && view.stage === 'planning') set({stage: 'planning', done, total});
			});
			if (seq === planSeq) set({stage: 'plan', plan, cursor: 0});
		} catch (error) {
			if (seq !== planSeq) return;
			notice(`✗ upgrade plan: ${errorLine(error)}`, 'error');
			set({stage: 'idle', interrupted: interruptedRuns()});
		}
	}

	function watch(run: UpgradeRun): void {
		unsubscribeRun?.();
		unsubscribeRun = run.subscribe(changed);
		run.done.then(
			(s) => {
				// A run that ends while "quit?" is asked leaves nothing to ask about.
				if (view.stage === 'run' && view.run === run && view.askQuit) set({...view, askQuit: undefined});
				const bad = s.counts['rolled-back'] + s.counts.failed + s.counts.interrupted > 0;
				const interrupted = s.counts.interrupted > 0 ? `, ${s.counts.interrupted} interrupted (rolled back)` : '';
				notice(`${bad ? '✗' : '✓'} upgrade run ${s.id}: ${s.counts.upgraded} upgraded, ${s.counts['rolled-back']} rolled back, ${s.counts.failed} failed${interrupted}`, bad ? 'error' : 'ok');
			},
			() => {},
		);
	}

	function startRun(plan: UpgradePlan, replay?: JournalReplay): void {
		const reason = refuseReason();
		if (reason) return notice(`upgrade is disabled (${reason})`);
		try {
			const cluster = o.store.getState().clusterName;
			const deps = {api: o.api, runner: o.runner!, dispatcher: o.dispatcher, audit: o.audit, identity: o.identity, host: o.host, ...(cluster ? {cluster} : {}), runsDir: o.runsDir, clock};
			const run = replay ? resumeUpgradeRun(deps, replay) : startUpgradeRun(deps, plan);
			watch(run);
			set({stage: 'run', run, cursor: 0});
		} catch (error) {
			notice(error instanceof RunBusy ? errorLine(error) : `✗ upgrade ${errorLine(error)}`, 'error');
		}
	}

	const osCache = new Map<number, string>();

	return {
		view: () => view,
		version: () => version,
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		disabledReason,
		plan(vmids) {
			// Refused: one line, and the screen does not change (read-only acts as it looks).
			const reason = running() ? undefined : disabledReason(vmids);
			if (reason) return notice(`upgrade is disabled (${reason})`);
			actions().setScreen('upgrade');
			if (running()) return notice('an upgrade run is in progress: wait for it, or press q to stop starting new ones');
			if (vmids.length === 0) return set({stage: 'idle', interrupted: interruptedRuns()});
			planTargets = vmids;
			void makePlan(vmids);
		},
		toggle(option) {
			if (view.stage !== 'plan' || view.confirm) return;
			options = {...options, [option]: !options[option]};
			// Start-stopped and without-snapshot change who is upgraded: plan again. Rollback only changes the run.
			if (option === 'rollback') set({...view, plan: {...view.plan, options}});
			else void makePlan(planTargets);
		},
		toggleBackupFirst() {
			if (view.stage !== 'plan' || view.confirm) return;
			if (options.backupFirst) {
				const {backupFirst: _off, ...rest} = options;
				options = rest;
			} else {
				const storage = roomiestBackupStorage(o.store.getState(), planTargets);
				if (!storage) return notice(o.store.getState().backups.readAt === undefined ? 'backup first: the backup storages are not read yet' : 'backup first: no backup storage is seen by every node of these containers');
				options = {...options, backupFirst: storage};
			}
			// Who is upgraded changes (the unsnapshottable ones join or leave): plan again.
			void makePlan(planTargets);
		},
		move(delta) {
			if (view.stage === 'plan' && !view.confirm) set({...view, cursor: Math.max(0, Math.min(view.plan.entries.length - 1, view.cursor + delta))});
			else if (view.stage === 'run' && !view.askStop && !view.askQuit) set({...view, cursor: Math.max(0, Math.min(view.run.rows().length - 1, view.cursor + delta))});
		},
		activate() {
			if (view.stage === 'plan') {
				if (!view.confirm) {
					if (!view.plan.entries.some((e) => e.action === 'upgrade')) return notice('nothing to upgrade in this plan');
					return set({...view, confirm: 'cancel'});
				}
				if (view.confirm === 'cancel') return set({...view, confirm: undefined});
				return startRun(view.plan);
			}
			if (view.stage === 'run' && view.askQuit) {
				if (view.askQuit === 'ok') return quitConfirmed?.();
				return set({...view, askQuit: undefined});
			}
			if (view.stage === 'run' && view.askStop) {
				if (view.askStop === 'ok') view.run.requestStop();
				return set({...view, askStop: undefined});
			}
			if (view.stage === 'idle' && view.interrupted.length > 0) this.resume();
		},
		switchFocus() {
			if (view.stage === 'plan' && view.confirm) set({...view, confirm: view.confirm === 'cancel' ? 'ok' : 'cancel'});
			else if (view.stage === 'run' && view.askQuit) set({...view, askQuit: view.askQuit === 'cancel' ? 'ok' : 'cancel'});
			else if (view.stage === 'run' && view.askStop) set({...view, askStop: view.askStop === 'cancel' ? 'ok' : 'cancel'});
		},
		back() {
			if (view.stage === 'plan' && view.confirm) return set({...view, confirm: undefined});
			if (view.stage === 'run' && view.askQuit) return set({...view, askQuit: undefined});
			if (view.stage === 'run' && view.askStop) return set({...view, askStop: undefined});
			if (view.stage === 'run' && !view.run.status().finished && !view.run.status().stopRequested) return set({...view, askStop: 'cancel'});
			actions().deckBack();
		},
		concurrency(delta) {
			if (view.stage === 'run') view.run.setConcurrency(view.run.status().concurrency + delta);
			else if (view.stage === 'plan') {
				options = {...options, concurrency: Math.max(1, Math.min(16, options.concurrency + delta))};
				set({...view, plan: {...view.plan, options}});
			}
		},
		lastUpgrade(vmid) {
			const cluster = o.store.getState().clusterName;
			return lastUpgradeOf(o.runsDir, vmid, {host: o.host, ...(cluster ? {cluster} : {})});
		},
		resume() {
			const replay = interruptedRuns()[0];
			if (!replay) {
				const [elsewhere] = runningElsewhere();
				return notice(elsewhere ? describeHolder(elsewhere.id, elsewhere.heldBy!, lockPathOf(o.runsDir, elsewhere.id)) : 'no interrupted upgrade run');
			}
			const reason = refuseReason();
			if (reason) return notice(`upgrade is disabled (${reason})`);
			if (running() || resuming) return;
			resuming = true;
			// Another machine's proxdeck, or an admin, at work on these containers shows as locks and running tasks.
			void resumeBlockers(o.api, replay)
				.then((blockers) => {
					if (blockers.length > 0) notice(blockedLine(replay.id, blockers), 'error');
					else startRun(replay.plan, replay);
				})
				.finally(() => (resuming = false));
		},
		confirmQuit(quit, force) {
			if (view.stage !== 'run' || view.run.status().finished) return false;
			if (view.askQuit && force) {
				quit();
				return true;
			}
			quitConfirmed = quit;
			// The question must be what Enter answers: an open dialog would be drawn over it.
			actions().closeDialog();
			actions().setScreen('upgrade');
			set({...view, askStop: undefined, askQuit: 'cancel'});
			return true;
		},
		async markByOs(os) {
			const guests = [...o.store.getState().guests.values()].filter((g) => g.kind === 'lxc');
			await mapLimit(guests.filter((g) => !osCache.has(g.vmid)), 6, async (g) => {
				const config = await o.api.request<LxcConfig>('GET', `${guestPath(g.node, 'lxc', g.vmid)}/config`).catch(() => undefined);
				if (config?.ostype) osCache.set(g.vmid, config.ostype);
			});
			const matching = guests.filter((g) => osCache.get(g.vmid) === os.toLowerCase()).map((g) => g.vmid);
			actions().markAll(matching);
			return matching.length;
		},
		stop() {
			unsubscribeRun?.();
			// done rejects with "run abandoned"; watch() already handles that.
			if (view.stage === 'run' && !view.run.status().finished) view.run.abandon();
		},
	};
}

/** The backup storage every target's node sees with the most free space (backup first's default). */
export function roomiestBackupStorage(state: Pick<AppState, 'guests' | 'backups'>, vmids: readonly number[]): string | undefined {
	const nodes = [...new Set(vmids.map((vmid) => state.guests.get(vmid)?.node).filter((n): n is string => n !== undefined))];
	const free = (name: string) => Math.min(...state.backups.storages.filter((s) => s.storage === name).map((s) => (s.total ?? 0) - (s.used ?? 0)));
	const names = [...new Set(state.backups.storages.map((s) => s.storage))].filter((name) => nodes.every((node) => state.backups.storages.some((s) => s.storage === name && s.nodes.includes(node))));
	return names.sort((a, b) => free(b) - free(a))[0];
}
