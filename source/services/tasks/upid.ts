// Client-side UPID decoding (shared/research/pve-api.md §4): the node to ask
// for a task's status, and its type, target and user for the tasks pane.

export interface ParsedUpid {
	node: string;
	pid: number;
	pstart: number;
	/** Epoch seconds. */
	starttime: number;
	type: string;
	id: string;
	user: string;
}

const UPID = /^UPID:([a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

/** undefined for anything that is not a UPID (never throws: the host is not trusted). */
export function parseUpid(upid: string): ParsedUpid | undefined {
	const m = UPID.exec(upid);
	if (!m) return undefined;
	return {
		node: m[1]!,
		pid: Number.parseInt(m[2]!, 16),
		pstart: Number.parseInt(m[3]!, 16),
		starttime: Number.parseInt(m[4]!, 16),
		type: m[5]!,
		id: m[6]!,
		user: m[7]!,
	};
}

/** "OK" and "WARNINGS: n" are successes (pve-api.md §3 Tasks). */
export function isTaskSuccess(exitstatus: string | undefined): boolean {
	return exitstatus === 'OK' || (exitstatus ?? '').startsWith('WARNINGS');
}
