// A fixed number of reads per cycle for reads that exist once per node (or
// per guest), so the requests per minute at idle do not grow with the cluster
// (issue 12). Each key is read at most every `everyMs`; when more are due
// than the budget allows, the longest unread go first, and the others wait for
// a later cycle. One node is read exactly as often as before; 32 nodes share
// the same few reads per cycle, each revisited every ceil(32 / budget) cycles.

export interface DueOptions {
	now: number;
	/** A key read within this long is not due. */
	everyMs: number;
	/** Reads per cycle, never-read keys included unless `unreadAtOnce`. */
	budget: number;
	/**
	 * Never-read keys are all due at once, beside the budget: the start-up (or
	 * pane-open) sweep of a cluster's nodes, which PVE bounds to a few dozen.
	 */
	unreadAtOnce?: boolean;
}

/** The keys to read this cycle: never read first, then the longest unread among those due, at most `budget` of those. */
export function dueReads<K>(keys: Iterable<K>, readAt: ReadonlyMap<K, number>, options: DueOptions): K[] {
	const unread: K[] = [];
	const due: Array<[K, number]> = [];
	for (const key of keys) {
		const at = readAt.get(key);
		if (at === undefined) {
			unread.push(key);
			// A budget filled by never-read keys is the answer: the rest need not be looked at
			// (10,000 guests' snapshot lists take ~40 minutes to read once at 8 a cycle).
			if (!options.unreadAtOnce && unread.length >= options.budget) return unread.slice(0, options.budget);
		} else if (options.now - at >= options.everyMs) due.push([key, at]);
	}
	due.sort((a, b) => a[1] - b[1]);
	if (options.unreadAtOnce) return [...unread, ...due.slice(0, options.budget).map(([key]) => key)];
	return [...unread, ...due.map(([key]) => key)].slice(0, options.budget);
}
