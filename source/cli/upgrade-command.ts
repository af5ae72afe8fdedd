// `proxdeck upgrade`: the upgrade engine without the console, for cron and
// CI. Same target resolution, same dispatcher, audit log and journal as the
// console. Progress goes to stderr, `--json` puts the summary (or the plan
// with --dry-run) on stdout. Never runs unasked: without --yes it prints the
// plan and exits 1. Exit code: 0 only when nothing failed or was rolled back.

import {createActionServices} from '../services/actions/index.js';
import {errorLine, scrubSecrets} from '../services/error-line.js';
import {createFleetSource} from '../services/fleet-source.js';
import {resumeUpgradeRun, startUpgradeRun, UpgradeRefused, type UpgradeRun} from '../services/upgrade/engine.js';
import {unfinishedRuns} from '../services/upgrade/journal.js';
import {blockedLine, resumeBlockers} from '../services/upgrade/busy-guests.js';
import {describeHolder, lockPathOf} from '../services/upgrade/run-lock.js';
import {stateDir, statePaths} from '../services/state-paths.js';
import {fingerprintOf, notifyIfChanged} from '../services/problems/notify.js';
import {join} from 'node:path';
import {planCounts, planHeadline, planLines, summaryLines} from '../services/upgrade/plan-text.js';
import {buildPlan} from '../services/upgrade/probe.js';
import {DEFAULT_OPTIONS, type RunSummary, type UpgradeOptions} from '../services/upgrade/types.js';
import type {GuestRow} from '../store/types.js';
import {createAppStore} from '../store/store.js';
import type {CliArgs, UpgradeArgs} from './args.js';
import {loadConfig} from './config.js';
import {oneLine, openHost, type Io} from './open-host.js';
import {resolveTarget} from './target.js';
import {prunePreUpgradeSnapshots, type PruneResult} from '../services/upgrade/prune.js';
import type {ActionDispatcher} from '../services/actions/dispatcher.js';

/** Containers the selection flags name (AND of tag/node; --vmid lists them; --all is every one). */
export function selectTargets(guests: GuestRow[], u: UpgradeArgs): GuestRow[] {
	const lxc = guests.filter((g) => g.kind === 'lxc' && !g.template);
	const chosen = lxc.filter(
		(g) =>
			(u.all || u.tags.length > 0 || u.node !== undefined || u.vmids.length > 0) &&
			(u.vmids.length === 0 || u.vmids.includes(g.vmid)) &&
			u.tags.every((t) => g.tags.includes(t)) &&
			(u.node === undefined || g.node === u.node),
	);
	return chosen.sort((a, b) => a.vmid - b.vmid);
}

/** 0 only when every container planned for it was upgraded (an interrupted one was rolled back: not upgraded). */
export function exitCodeFor(summary: RunSummary): number {
	return summary.counts.failed + summary.counts['rolled-back'] + summary.counts.interrupted > 0 ? 1 : 0;
}

/** The run's options from the flags; the config file's per-tag health checks run before those given with --health. */
export function optionsFrom(u: UpgradeArgs, configHealth: Record<string, string[]> = {}): UpgradeOptions {
	const health: Record<string, string[]> = {};
	for (const [tag, commands] of [...Object.entries(configHealth), ...Object.entries(u.health)]) (health[tag] ??= []).push(...commands);
	return {
		...DEFAULT_OPTIONS,
		concurrency: u.concurrency,
		maxFailures: u.maxFailures,
		rollback: u.rollback,
		startStopped: u.startStopped,
		allowNoSnapshot: u.withoutSnapshot,
		...(u.backupFirst ? {backupFirst: u.backupFirst} : {}),
		phaseTimeoutMs: u.timeoutSec * 1000,
		health,
	};
}

/**
 * Output of a headless run, line by line. Every secret this process read is
 * masked here too: a reason or a plan line can carry a host's words, and a
 * cron mail or CI log keeps whatever is printed.
 */
function say(io: {stderr: NodeJS.WritableStream}, line: string): void {
	io.stderr.write(`${scrubSecrets(line)}\n`);
}

function print(io: {stdout: NodeJS.WritableStream}, text: string): void {
	io.stdout.write(`${scrubSecrets(text)}\n`);
}

/** --notify URL: the run's summary to a webhook (each run is new, so it is always posted once). */
async function notifySummary(io: Io, url: string, summary: RunSummary, demo: boolean): Promise<void> {
	const status = exitCodeFor(summary) === 0 ? 'OK' : 'WARNING';
	const lines = summaryLines(summary).map(scrubSecrets);
	const title = `proxdeck upgrade ${summary.id} on ${summary.host}: ${lines[0] ?? status}`;
	const statePath = join(demo ? join(stateDir(io.env), 'demo') : stateDir(io.env), 'notify.json');
	const outcome = await notifyIfChanged(url, {subject: `upgrade ${summary.id}`, status, title, lines: lines.slice(1), fingerprint: fingerprintOf(status, [summary.id]), json: summary}, statePath);
	if (outcome.sent) say(io, `notified ${url} (HTTP ${outcome.status})`);
	else if (outcome.reason === 'failed') oneLine(io, `--notify ${url} failed: ${outcome.error}`);
}

/** One stderr line per phase change: "[3/18] 300 wireguard: upgrade". */
function reportProgress(run: UpgradeRun, io: Io): () => void {
	const seen = new Map<number, string>();
	const total = planCounts(run.plan).upgrade;
	return run.subscribe(() => {
		const done = run.rows().filter((r) => r.outcome !== undefined && r.outcome !== 'skipped').length;
		for (const row of run.rows()) {
			if (row.outcome === 'skipped') continue;
			const label = row.outcome ? `${row.outcome}${row.reason ? ` (${row.reason})` : ''}` : row.phase;
			if (seen.get(row.vmid) === label) continue;
			seen.set(row.vmid, label);
			if (row.phase === 'queued') continue;
			say(io, `[${done}/${total}] ${row.vmid} ${row.name}: ${label}`);
		}
	});
}

export async function runUpgradeCommand(args: CliArgs, io: Io): Promise<number> {
	const u = args.upgrade;
	if (!u.resume && !u.all && u.tags.length === 0 && u.vmids.length === 0 && u.node === undefined) {
		oneLine(io, 'choose the containers: --tag, --vmid, --node or --all (see proxdeck --help)');
		return 2;
	}
	let target;
	let config;
	try {
		config = loadConfig(args.config, io.env);
		target = resolveTarget(args, config, io.env);
	} catch (error) {
		oneLine(io, errorLine(error));
		return 1;
	}
	// Before anything is opened: planning alone runs `apt-get update` (as root) in every
	// container, and a resume would roll back and upgrade. Read-only sends nothing at all.
	if (target.readOnly) {
		oneLine(io, 'upgrade refused: read-only mode, nothing was sent (planning refreshes package indexes as root inside the containers)');
		return 1;
	}
	const opened = await openHost(args, target, io, {needsTty: false});
	if (typeof opened === 'number') return opened;
	const {client, demo, ssh} = opened;
	const closeAll = opened.close;
	// The console shows INSECURE in its header; a log of a headless run must say it too.
	if (client.tlsMode === 'insecure') oneLine(io, `warning: INSECURE: the TLS certificate of ${client.target} is not checked (--insecure); pin it with --fingerprint`);
	if (demo && u.simSpeed !== undefined) {
		demo.sim.state.taskSpeed = u.simSpeed;
		demo.sim.state.packageSpeed = u.simSpeed;
	}
	const paths = statePaths(io.env, {demo: demo !== undefined});
	const runsDir = paths.runsDir;
	const store = createAppStore({target: client.target, demo: demo !== undefined, readOnly: target.readOnly, insecure: client.tlsMode === 'insecure'});
	const services = createActionServices({api: client, store, auditPath: args.auditLog ?? demo?.auditLog ?? paths.auditLog, identity: client.identity, host: client.target, taskPollMs: 250, clusterTaskPollMs: 3_600_000});
	try {
		store.getState().actions.fleetReceived(await createFleetSource(client).fetchFleet());
		await services.permissions.refresh().catch(() => {});
		// Runs on this host, or on its cluster reached through another node: known once the fleet is read.
		const cluster = store.getState().clusterName;
		// The demo's journals name the demo, not its simulator's random port: the next start finds them.
		const host = demo ? demo.identity : client.target;
		const unfinished = unfinishedRuns(runsDir, host, cluster);
		const deps = {api: client, runner: ssh?.runner, dispatcher: services.dispatcher, audit: services.audit, identity: client.identity, host, ...(cluster ? {cluster} : {}), runsDir};

		if (unfinished.length > 0 && !u.resume) {
			for (const r of unfinished) {
				if (r.heldBy) oneLine(io, describeHolder(r.id, r.heldBy, lockPathOf(runsDir, r.id)));
				else oneLine(io, `interrupted run ${r.id} (${new Date(r.startedAt).toISOString()}): ${r.done.size} of ${planCounts(r.plan).upgrade} containers finished — resume it with --resume --yes (journal ${r.path})`);
			}
			return 1;
		}
		let run: UpgradeRun;
		if (u.resume) {
			// A run another live proxdeck holds is running, not interrupted: never offered.
			const replay = unfinished.find((r) => !r.heldBy);
			if (!replay) {
				for (const r of unfinished) oneLine(io, describeHolder(r.id, r.heldBy!, lockPathOf(runsDir, r.id)));
				if (unfinished.length === 0) oneLine(io, 'no interrupted run to resume');
				return 1;
			}
			if (!u.yes) {
				oneLine(io, `would resume run ${replay.id}: add --yes to run`);
				return 1;
			}
			if (!ssh) throw new Error('no SSH connection: pct exec cannot run (use --ssh or --local)');
			// Another machine's proxdeck, or an admin, at work on these containers: shows as locks and running tasks.
			const blockers = await resumeBlockers(client, replay);
			if (blockers.length > 0) {
				oneLine(io, blockedLine(replay.id, blockers));
				return 1;
			}
			run = resumeUpgradeRun({...deps, runner: ssh.runner}, replay);
		} else {
			const guests = selectTargets([...store.getState().guests.values()], u);
			if (guests.length === 0) {
				oneLine(io, 'no container matches the selection');
				return 1;
			}
			say(io, `planning ${guests.length} container${guests.length === 1 ? '' : 's'} (refreshing package indexes)…`);
			const plan = await buildPlan({api: client, ...(ssh ? {runner: ssh.runner} : {})}, guests, optionsFrom(u, config.upgradeHealth));
			if (u.dryRun) {
				if (u.json) print(io, JSON.stringify(plan, null, 2));
				else for (const line of planLines(plan)) print(io, line);
				return 0;
			}
			for (const line of planLines(plan)) say(io, line);
			if (!u.yes) {
				oneLine(io, 'nothing was changed: add --yes to run');
				return 1;
			}
			if (plan.entries.every((e) => e.action === 'skip')) {
				oneLine(io, 'nothing to upgrade');
				return 0;
			}
			if (!ssh) throw new Error('no SSH connection: pct exec cannot run (use --ssh or --local)');
			say(io, `${planHeadline(plan)}: starting`);
			run = startUpgradeRun({...deps, runner: ssh.runner}, plan);
		}
		say(io, `journal ${run.journalPath}`);
		const stopProgress = reportProgress(run, io);
		// SIGINT/SIGTERM: stop starting new containers; the ones in flight finish (rollback included).
		const onSignal = () => {
			say(io, 'stopping: no new container starts; waiting for the ones in flight');
			run.requestStop();
		};
		process.on('SIGINT', onSignal);
		process.on('SIGTERM', onSignal);
		let summary: RunSummary;
		try {
			summary = await run.done;
		} finally {
			stopProgress();
			process.off('SIGINT', onSignal);
			process.off('SIGTERM', onSignal);
		}
		for (const line of summaryLines(summary)) say(io, line);
		const files = run.status().summaryFiles;
		if (files) say(io, `summary ${files.json} and ${files.markdown}`);
		const pruned = u.pruneAfter === undefined ? undefined : await pruneAfterRun(services.dispatcher, summary, u.pruneAfter, io);
		if (u.json) print(io, JSON.stringify(pruned ? {...summary, pruned} : summary, null, 2));
		if (args.notify) await notifySummary(io, args.notify, summary, demo !== undefined);
		return exitCodeFor(summary);
	} catch (error) {
		oneLine(io, error instanceof UpgradeRefused ? `upgrade ${error.message}` : errorLine(error));
		return 1;
	} finally {
		services.stop();
		await closeAll();
	}
}

/** `--prune-after DAYS`: old pre-upgrade snapshots of the containers that upgraded cleanly. */
async function pruneAfterRun(dispatcher: ActionDispatcher, summary: RunSummary, days: number, io: {stderr: NodeJS.WritableStream}): Promise<PruneResult[]> {
	const upgraded = summary.containers.filter((c) => c.outcome === 'upgraded').map((c) => c.vmid);
	const results = await prunePreUpgradeSnapshots(dispatcher, upgraded, days, Date.now());
	for (const r of results) {
		if (r.deleted.length > 0) say(io, `pruned ${r.vmid}: ${r.deleted.join(', ')}`);
		if (r.failed) say(io, `prune ${r.vmid} failed: ${r.failed}`);
	}
	return results;
}
