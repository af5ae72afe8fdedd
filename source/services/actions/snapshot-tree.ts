// Turns GET …/snapshot (unordered, with the pseudo entry "current") into the
// picker's rows: depth-first from the roots, oldest sibling first, the newest
// snapshot (the parent of "current") flagged, and — on ZFS, where Proxmox can
// only roll back to the most recent snapshot — the others marked blocked with
// Proxmox's own wording.

import type {SnapshotEntry} from '../../api/types.js';
import type {PickerEntry} from '../../store/ops-types.js';

/** ZFS subvolumes are named subvol-<vmid>-disk-N (LVM and directories use vm-…). */
export function isZfsRootfs(rootfs: string | undefined): boolean {
	const volume = (rootfs ?? '').split(',')[0] ?? '';
	return /:subvol-\d+-disk-\d+$/.test(volume);
}

export function realSnapshots(list: SnapshotEntry[]): SnapshotEntry[] {
	return list.filter((s) => s.name !== 'current');
}

/** The snapshot "current" hangs off: what Proxmox calls the most recent one. */
export function newestSnapshot(list: SnapshotEntry[]): string | undefined {
	const current = list.find((s) => s.name === 'current');
	if (current?.parent) return current.parent;
	const sorted = realSnapshots(list).sort((a, b) => (b.snaptime ?? 0) - (a.snaptime ?? 0));
	return sorted[0]?.name;
}

export function buildPickerEntries(list: SnapshotEntry[], options: {zfs: boolean; rootfsVolume?: string}): PickerEntry[] {
	const snaps = realSnapshots(list);
	const names = new Set(snaps.map((s) => s.name));
	const newest = newestSnapshot(list);
	const children = new Map<string, SnapshotEntry[]>();
	for (const s of snaps) {
		// A parent that no longer exists makes its child a root.
		const parent = s.parent && names.has(s.parent) ? s.parent : '';
		children.set(parent, [...(children.get(parent) ?? []), s]);
	}
	const out: PickerEntry[] = [];
	const visit = (parent: string, depth: number) => {
		const kids = (children.get(parent) ?? []).sort((a, b) => (a.snaptime ?? 0) - (b.snaptime ?? 0));
		for (const s of kids) {
			const isNewest = s.name === newest;
			out.push({
				snapshot: s,
				depth,
				newest: isNewest,
				rollbackBlocked: options.zfs && !isNewest ? `can't rollback, '${s.name}' is not most recent snapshot on '${options.rootfsVolume ?? 'rootfs'}'` : undefined,
			});
			if (depth < 50) visit(s.name, depth + 1);
		}
	};
	visit('', 0);
	return out;
}

/** Snapshots taken more than `days` days before `nowMs` (the ones a prune deletes). */
export function olderThan(list: SnapshotEntry[], days: number, nowMs: number): SnapshotEntry[] {
	const cutoff = nowMs / 1000 - days * 86_400;
	return realSnapshots(list).filter((s) => s.snaptime !== undefined && s.snaptime < cutoff);
}
