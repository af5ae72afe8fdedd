// UPID: the task identifier Proxmox hands out for every worker,
// `UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>:` (uppercase hex,
// trailing colon; shared/research/pve-api.md §4). The simulator formats it as
// pve-common's PVE::UPID does; the client decodes it to know which node to ask
// about a task and what to show for it.

import type {UpidFields} from './types.js';

// pve-common's decode regex; pstart may take 9 hex digits. Control characters
// are refused too (PVE never writes them; pve-common's \s does not cover ESC):
// type, id and user are drawn in the tasks pane, and an ESC there reached the
// terminal (test/property/upid.property.test.ts).
const UPID_RE = /^UPID:([a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/\u0000-\u001f\u007f-\u009f]+):([^:\s/\u0000-\u001f\u007f-\u009f]*):([^:\s/\u0000-\u001f\u007f-\u009f]+):$/;

function hex8(value: number): string {
	return value.toString(16).toUpperCase().padStart(8, '0');
}

export function formatUpid(upid: UpidFields): string {
	return `UPID:${upid.node}:${hex8(upid.pid)}:${hex8(upid.pstart)}:${hex8(upid.starttime)}:${upid.type}:${upid.id}:${upid.user}:`;
}

/**
 * undefined for anything that is not a UPID — what PVE answers with `unable to
 * parse worker upid`. Never throws: a host's text is not trusted.
 */
export function parseUpid(text: string): UpidFields | undefined {
	const match = UPID_RE.exec(text);
	if (!match) return undefined;
	return {
		node: match[1]!,
		pid: Number.parseInt(match[2]!, 16),
		pstart: Number.parseInt(match[3]!, 16),
		starttime: Number.parseInt(match[4]!, 16),
		type: match[5]!,
		id: match[6]!,
		user: match[7]!,
	};
}
