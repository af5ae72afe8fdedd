// A container's volumes (rootfs, mpN) and what their storage can do, the way
// PVE::LXC::Config->foreach_volume and PVE::Storage's feature table see them.
// Snapshot rules hang on this: bind mounts and plain directory/NFS images
// cannot be snapshotted, and ZFS can only roll back to its newest snapshot.

import type {FixtureGuest} from './fixture-types.js';
import type {SimState} from './state.js';

export interface GuestVolume {
	/** Config key: `rootfs`, `mp0`, … */
	key: string;
	/** `local-zfs:subvol-101-disk-0`, or a host path for a bind mount. */
	volid: string;
	/** The storage's plugin type (`zfspool`, `lvmthin`, `dir` …); undefined for bind mounts and unknown storages. */
	storageType?: string;
}

/** Storage plugins whose volumes support `snapshot` (PVE::Storage volume_has_feature, raw/subvol formats). */
const SNAPSHOT_CAPABLE = new Set(['zfspool', 'lvmthin', 'rbd', 'btrfs', 'zfs']);

/** rootfs first, then mp0, mp1, … in numeric order (foreach_volume's order). */
export function guestVolumes(state: SimState, node: string, config: FixtureGuest['config']): GuestVolume[] {
	const keys = Object.keys(config)
		.filter((k) => k === 'rootfs' || /^mp\d+$/.test(k))
		.sort((a, b) => (a === 'rootfs' ? -1 : b === 'rootfs' ? 1 : Number(a.slice(2)) - Number(b.slice(2))));
	const storages = state.nodes.get(node)?.storages ?? [];
	return keys.map((key) => {
		const value = String(config[key]);
		const first = value.split(',')[0] ?? '';
		const volid = first.startsWith('volume=') ? first.slice('volume='.length) : first;
		if (volid.startsWith('/') || !volid.includes(':')) return {key, volid};
		const storage = storages.find((s) => s.storage === volid.split(':')[0]);
		return {key, volid, ...(storage ? {storageType: storage.type} : {})};
	});
}

export function canSnapshot(volume: GuestVolume): boolean {
	return volume.storageType !== undefined && SNAPSHOT_CAPABLE.has(volume.storageType);
}

/** ZFS keeps snapshots linear: rolling back destroys newer ones, so PVE refuses unless the target is the newest. */
export function rollbackNeedsNewest(volume: GuestVolume): boolean {
	return volume.storageType === 'zfspool' || volume.storageType === 'zfs';
}
