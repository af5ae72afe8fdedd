// `proxdeck check`: the problems pane's rules without the console, for cron,
// a systemd timer or a monitoring system. Output and exit code follow the
// monitoring-plugin convention (Nagios, Icinga, Checkmk): a first line
// "PROXDECK CRITICAL - 2 critical · 5 warning | critical=2 warning=5 info=1",
// then one line per problem; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN
// (the cluster could not be read). Reads only; a PVEAuditor token will do.

import {join} from 'node:path';
import {errorLine} from '../services/error-line.js';
import {collectFacts} from '../services/problems/collect.js';
import {fingerprintOf, notifyIfChanged} from '../services/problems/notify.js';
import {ago, countProblems, countsLine, evaluateProblems, type ProblemCounts} from '../services/problems/rules.js';
import {runFacts} from '../services/problems/run-facts.js';
import {DEFAULT_THRESHOLDS} from '../services/problems/thresholds.js';
import type {Problem} from '../services/problems/types.js';
import {stateDir, statePaths} from '../services/state-paths.js';
import type {CliArgs} from './args.js';
import {loadConfig} from './config.js';
import {openHost, type Io} from './open-host.js';
import {resolveTarget} from './target.js';

export const EXIT = {OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3} as const;
export type CheckStatus = keyof typeof EXIT;

export function statusOf(counts: ProblemCounts): CheckStatus {
	return counts.critical > 0 ? 'CRITICAL' : counts.warning > 0 ? 'WARNING' : 'OK';
}

/** "PROXDECK CRITICAL - 2 critical · 5 warning | critical=2 warning=5 info=1" */
export function summaryLine(status: CheckStatus, counts: ProblemCounts, what: string): string {
	return `PROXDECK ${status} - ${countsLine(counts)} on ${what} | critical=${counts.critical} warning=${counts.warning} info=${counts.info}`;
}

/** "CRITICAL gateway 300 wireguard is stopped — cuts off 2 guests", its age where known, details indented under it. */
export function problemLines(problems: Problem[], now: number): string[] {
	return problems.flatMap((p) => [
		`${p.level.toUpperCase().padEnd(8)} ${p.text}${p.since !== undefined ? ` (${ago(Math.max(0, now - p.since))} ago)` : ''}`,
		...(p.details ?? []).map((d) => `         ↳ ${d}`),
	]);
}

/** Where --notify remembers what it last posted (the demo's apart, like its audit log). */
function notifyStatePath(io: Io, demo: boolean): string {
	return join(demo ? join(stateDir(io.env), 'demo') : stateDir(io.env), 'notify.json');
}

async function notify(io: Io, url: string, subject: string, status: CheckStatus, title: string, lines: string[], json: unknown, demo: boolean): Promise<void> {
	const outcome = await notifyIfChanged(url, {subject, status, title, lines, fingerprint: fingerprintOf(status, []), json}, notifyStatePath(io, demo));
	if (outcome.sent) io.stderr.write(`notified ${url} (HTTP ${outcome.status})\n`);
	else if (outcome.reason === 'failed') io.stderr.write(`proxdeck: --notify ${url} failed: ${outcome.error}\n`);
}

/** The cluster could not be read: UNKNOWN on stdout (and to the webhook: that is a state change too). */
async function unknown(io: Io, args: CliArgs, message: string): Promise<number> {
	const title = `PROXDECK UNKNOWN - ${message}`;
	const json = {status: 'UNKNOWN', exitCode: EXIT.UNKNOWN, error: message};
	if (args.upgrade.json) io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
	else io.stdout.write(`${title}\n`);
	const demo = args.demo || (args.host === undefined);
	if (args.notify) await notify(io, args.notify, `check ${demo ? 'demo' : (args.host ?? '')}`, 'UNKNOWN', title, [], json, demo);
	return EXIT.UNKNOWN;
}

export async function runCheckCommand(args: CliArgs, io: Io): Promise<number> {
	let config;
	let target;
	try {
		config = loadConfig(args.config, io.env);
		target = resolveTarget(args, config, io.env);
	} catch (error) {
		return unknown(io, args, errorLine(error));
	}
	// openHost reports its failure on stderr; the plugin line on stdout says the same.
	let failure = '';
	const stderr = Object.create(io.stderr, {write: {value: (chunk: string) => ((failure += chunk), io.stderr.write(chunk))}}) as NodeJS.WriteStream;
	const opened = await openHost({...args, ssh: false}, target, {...io, stderr}, {needsTty: false});
	if (typeof opened === 'number') return unknown(io, args, failure.replace(/^proxdeck: /, '').trim().split('\n')[0] || 'cannot reach the cluster');
	const {client, demo} = opened;
	try {
		const facts = await collectFacts(client);
		const paths = statePaths(io.env, {demo: demo !== undefined});
		facts.runs = runFacts(paths.runsDir, client.target, facts.clusterName, facts.now);
		const problems = evaluateProblems(facts, config.thresholds ?? DEFAULT_THRESHOLDS);
		const counts = countProblems(problems);
		const status = statusOf(counts);
		// The demo's port is new every run: name it by what it simulates, so --notify can compare runs.
		const what = demo ? `the demo${args.scenario ? ` (scenario ${args.scenario})` : ''}` : client.target;
		const title = summaryLine(status, counts, what);
		const lines = problemLines(problems, facts.now);
		const result = {status, exitCode: EXIT[status], target: client.target, checkedAt: new Date(facts.now).toISOString(), counts, problems};
		if (args.upgrade.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
		else io.stdout.write(`${[title, ...lines].join('\n')}\n`);
		if (args.notify) await notify(io, args.notify, `check ${demo ? 'demo' : (args.host ?? client.target)}`, status, title, lines, result, demo !== undefined);
		return EXIT[status];
	} catch (error) {
		return unknown(io, args, errorLine(error));
	} finally {
		await opened.close();
	}
}
