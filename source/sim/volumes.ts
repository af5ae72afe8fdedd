// A guest's volumes (a container's rootfs and mpN, a VM's disks) and what their
// storage can do, the way foreach_volume and PVE::Storage's feature table see them.
// Snapshot rules hang on this: bind mounts and plain directory/NFS images
// cannot be snapshotted, and ZFS can only roll back to its newest snapshot.

import type {FixtureGuest} from './fixture-types.js';
import type {SimState} from './state.js';

export interface GuestVolume {
	/** Config key: `rootfs`, `mp0`, … or a VM drive: `scsi0`, `efidisk0`, … */
	key: string;
	/** `local-zfs:subvol-101-disk-0`, or a host path for a bind mount. */
	volid: string;
	/** The storage's plugin type (`zfspool`, `lvmthin`, `dir` …); undefined for bind mounts and unknown storages. */
	storageType?: string;
}

/** Storage plugins whose volumes support `snapshot` (PVE::Storage volume_has_feature, raw/subvol formats). */
const SNAPSHOT_CAPABLE = new Set(['zfspool', 'lvmthin', 'rbd', 'btrfs', 'zfs']);

/** qemu-server's drive keys in foreach_volume's order (bus by bus, then the EFI and TPM state disks). */
const VM_DRIVE_ORDER = ['ide', 'sata', 'scsi', 'virtio', 'efidisk', 'tpmstate'];
const VM_DRIVE = /^(ide|sata|scsi|virtio|efidisk|tpmstate)(\d+)$/;

function volumeOrder(key: string): [number, number] {
	if (key === 'rootfs') return [-1, 0];
	const drive = VM_DRIVE.exec(key);
	if (drive) return [VM_DRIVE_ORDER.indexOf(drive[1]!), Number(drive[2])];
	return [0, Number(key.slice(2))];
}

/** A CD-ROM drive is no volume of the guest (`none,media=cdrom` or an ISO). */
function isCdrom(value: string): boolean {
	return /(^|,)media=cdrom(,|$)/.test(value);
}

/** rootfs first, then mp0, mp1, … (containers); a VM's drives bus by bus (foreach_volume's order). */
export function guestVolumes(state: SimState, node: string, config: FixtureGuest['config']): GuestVolume[] {
	const keys = Object.keys(config)
		.filter((k) => k === 'rootfs' || /^mp\d+$/.test(k) || (VM_DRIVE.test(k) && !isCdrom(String(config[k]))))
		.sort((a, b) => {
			const [ga, na] = volumeOrder(a);
			const [gb, nb] = volumeOrder(b);
			return ga - gb || na - nb;
		});
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
