// The end-of-run summary as data, JSON and Markdown (written next to the journal).

import {writeFileSync} from 'node:fs';
import type {Outcome, RunRow, RunSummary, UpgradeOptions} from './types.js';

export const OUTCOMES: Outcome[] = ['upgraded', 'rolled-back', 'failed', 'interrupted', 'skipped', 'not-started'];

export function summarize(input: {id: string; host: string; startedAt: number; endedAt: number; options: UpgradeOptions; rows: RunRow[]; halted?: string; resumed: boolean}): RunSummary {
	const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
	for (const row of input.rows) counts[row.outcome ?? 'not-started']++;
	const {concurrency, maxFailures, rollback, startStopped, allowNoSnapshot, backupFirst} = input.options;
	return {
		id: input.id,
		host: input.host,
		startedAt: new Date(input.startedAt).toISOString(),
		endedAt: new Date(input.endedAt).toISOString(),
		durationMs: input.endedAt - input.startedAt,
		options: {concurrency, maxFailures, rollback, startStopped, allowNoSnapshot, ...(backupFirst ? {backupFirst} : {})},
		counts,
		packages: input.rows.filter((r) => r.outcome === 'upgraded').reduce((sum, r) => sum + r.packages, 0),
		...(input.halted ? {halted: input.halted} : {}),
		resumed: input.resumed,
		containers: input.rows.map((r) => ({
			vmid: r.vmid,
			name: r.name,
			outcome: r.outcome ?? 'not-started',
			...(r.reason ? {reason: r.reason} : {}),
			packages: r.packages,
			...(r.startedAt !== undefined && r.endedAt !== undefined ? {durationMs: r.endedAt - r.startedAt} : {}),
			...(r.reboot !== undefined ? {reboot: r.reboot} : {}),
			...(r.snapname ? {snapname: r.snapname} : {}),
			...(r.backup ? {backup: r.backup} : {}),
		})),
	};
}

const seconds = (ms: number | undefined) => (ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`);
/** Keeps a table cell on one line and its pipes from splitting it. */
const cell = (text: string) => text.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');

export function summaryMarkdown(s: RunSummary): string {
	const lines = [
		`# proxdeck upgrade ${s.id}`,
		'',
		`Host ${cell(s.host)}, ${s.startedAt} → ${s.endedAt} (${seconds(s.durationMs)}), concurrency ${s.options.concurrency}, rollback ${s.options.rollback ? 'on' : 'off'}${s.resumed ? ', resumed after an interruption' : ''}.`,
		'',
		OUTCOMES.map((o) => `${o}: ${s.counts[o]}`).join(' · ') + ` · packages: ${s.packages}`,
		...(s.halted ? ['', `Halted: ${cell(s.halted)}`] : []),
		'',
		'| CT | name | outcome | packages | duration | reboot | reason |',
		'|---:|---|---|---:|---:|---|---|',
		...s.containers.map((c) => `| ${c.vmid} | ${cell(c.name)} | ${c.outcome} | ${c.packages} | ${seconds(c.durationMs)} | ${c.reboot ? 'needed' : ''} | ${cell(c.reason ?? '')} |`),
		'',
	];
	return lines.join('\n');
}

/** Writes <journal>.summary.json and .md; returns their paths. */
export function writeSummaryFiles(journalPath: string, summary: RunSummary): {json: string; markdown: string} {
	const base = journalPath.replace(/\.jsonl$/, '');
	const json = `${base}.summary.json`;
	const markdown = `${base}.summary.md`;
	writeFileSync(json, `${JSON.stringify(summary, null, 2)}\n`, {mode: 0o600});
	writeFileSync(markdown, summaryMarkdown(summary), {mode: 0o600});
	return {json, markdown};
}
