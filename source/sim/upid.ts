// UPID: the task identifier Proxmox hands out for every worker
// (`UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:`). Kept in the
// simulator so it formats exactly what pve-common's PVE::UPID produces.

export interface Upid {
	node: string;
	pid: number;
	pstart: number;
	starttime: number;
	type: string;
	id: string;
	user: string;
}

// pve-common's decode regex (pve-api.md §4); pstart may take 9 hex digits.
const UPID_RE = /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

function hex8(value: number): string {
	return value.toString(16).toUpperCase().padStart(8, '0');
}

export function formatUpid(upid: Upid): string {
	return `UPID:${upid.node}:${hex8(upid.pid)}:${hex8(upid.pstart)}:${hex8(upid.starttime)}:${upid.type}:${upid.id}:${upid.user}:`;
}

/** Returns undefined for anything PVE would answer `unable to parse worker upid`. */
export function parseUpid(text: string): Upid | undefined {
	const match = UPID_RE.exec(text);
	if (!match) return undefined;
	return {
		node: match[1]!,
		pid: Number.parseInt(match[3]!, 16),
		pstart: Number.parseInt(match[4]!, 16),
		starttime: Number.parseInt(match[5]!, 16),
		type: match[6]!,
		id: match[7]!,
		user: match[8]!,
	};
}
