// "What was the last upgrade of X, and what did it snapshot first?" — read
// from the run journals proxdeck writes ($XDG_STATE_HOME/proxdeck/runs), newest
// first, for this host or its cluster. The detail panel shows it and the
// roll-back-the-upgrade key uses its pre-upgrade snapshot.

import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import {readJournal} from './journal.js';
import type {Outcome} from './types.js';

export interface LastUpgrade {
	runId: string;
	/** When the run started (epoch ms). */
	at: number;
	/** Absent while the run has not finished this container. */
	outcome?: Outcome;
	/** The snapshot taken before upgrading, when one was. */
	snapname?: string;
}

/** The newest run that reached `vmid` on this host (or cluster), or undefined. */
export function lastUpgradeOf(dir: string, vmid: number, where: {host: string; cluster?: string}): LastUpgrade | undefined {
	let names: string[];
	try {
		names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
	} catch {
		return undefined;
	}
	// Run ids sort by time (journal.ts newRunId).
	for (const name of names.sort().reverse()) {
		try {
			const run = readJournal(join(dir, name));
			if (run.host !== where.host && (where.cluster === undefined || run.cluster !== where.cluster)) continue;
			const done = run.done.get(vmid);
			const snapname = done?.snapname ?? run.snapshotTaken.get(vmid);
			if (!done && !snapname) continue;
			return {runId: run.id, at: run.startedAt, ...(done ? {outcome: done.outcome} : {}), ...(snapname ? {snapname} : {})};
		} catch {
			// a torn or foreign file: not a run of ours
		}
	}
	return undefined;
}
