// What the upgrade journals say, as problem facts: runs that ended with
// failures, runs that never ended, and containers left needing a reboot.
// Only this host's (or cluster's) runs, and only recent ones.

import {runsOf} from '../upgrade/journal.js';
import type {RunFact} from './types.js';

/**
 * Runs started within `days` (default 7) on `host` or its cluster, newest first. A run a live
 * proxdeck holds (its lock) is running, not interrupted: it is left out until it ends.
 */
export function runFacts(dir: string, host: string, cluster: string | undefined, now: number, days = 7): RunFact[] {
	return runsOf(dir, host, cluster)
		.filter((replay) => now - replay.startedAt <= days * 86_400_000 && !replay.heldBy)
		.map((replay) => {
			const done = [...replay.done.values()];
			return {
				id: replay.id,
				state: replay.ended ? 'finished' : 'interrupted',
				failed: done.filter((d) => d.outcome === 'failed' || d.outcome === 'rolled-back').map((d) => d.vmid),
				rebootNeeded: done.filter((d) => d.outcome === 'upgraded' && d.reboot === true).map((d) => d.vmid),
				at: Math.max(replay.startedAt, ...done.map((d) => d.at)),
			};
		});
}
