// What the upgrade journals say, as problem facts: runs that ended with
// failures, runs that never ended, and containers left needing a reboot.
// Only this host's (or cluster's) runs, and only recent ones.

import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import {readJournal} from '../upgrade/journal.js';
import type {RunFact} from './types.js';

/** Runs started within `days` (default 7) on `host` or its cluster, newest first. */
export function runFacts(dir: string, host: string, cluster: string | undefined, now: number, days = 7): RunFact[] {
	let names: string[];
	try {
		names = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
	} catch {
		return [];
	}
	const out: RunFact[] = [];
	for (const name of names.sort().reverse()) {
		try {
			const replay = readJournal(join(dir, name));
			if (replay.host !== host && (cluster === undefined || replay.cluster !== cluster)) continue;
			if (now - replay.startedAt > days * 86_400_000) continue;
			const done = [...replay.done.values()];
			const last = Math.max(replay.startedAt, ...done.map((d) => d.at));
			out.push({
				id: replay.id,
				state: replay.ended ? 'finished' : 'interrupted',
				failed: done.filter((d) => d.outcome === 'failed' || d.outcome === 'rolled-back').map((d) => d.vmid),
				rebootNeeded: done.filter((d) => d.outcome === 'upgraded' && d.reboot === true).map((d) => d.vmid),
				at: last,
			});
		} catch {
			// unreadable or not a journal: nothing to say about it
		}
	}
	return out;
}
