// API paths of one guest. LXC and QEMU guests live under different subtrees.

import type {GuestKind} from '../store/types.js';

export function guestPath(node: string, kind: GuestKind, vmid: number): string {
	return `/nodes/${encodeURIComponent(node)}/${kind}/${vmid}`;
}
