// API paths of one guest. LXC and QEMU guests live under different subtrees.

import type {GuestKind} from '../store/types.js';

/**
 * A node name as one path segment. encodeURIComponent leaves dots alone, and
 * a node a host calls "." or ".." would be resolved away by URL parsing
 * (`/nodes/../lxc/101` → `/lxc/101`), so dots are encoded too.
 */
export function nodeSegment(node: string): string {
	return encodeURIComponent(node).replace(/\./g, '%2E');
}

export function guestPath(node: string, kind: GuestKind, vmid: number): string {
	return `/nodes/${nodeSegment(node)}/${kind}/${vmid}`;
}
