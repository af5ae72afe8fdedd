// Can a pre-upgrade snapshot be taken of this container? Decided on the
// client from its config and the node's storage list, the way Proxmox decides
// (PVE::LXC::Config snapshot prepare → PVE::Storage volume_has_feature):
// every volume (rootfs, mpN) must live on a storage whose plugin supports
// snapshots; a bind mount (a host path) or a `dir`/NFS storage cannot. A lock
// refuses it too, and so does a storage at or above the red fill threshold —
// a snapshot there could fill the pool mid-upgrade.

import {parseMountPoint} from '../../util/pve-config.js';
import {snapshotWarnFill} from '../zfs/model.js';
import {wholePercent} from '../../util/percent.js';

/** GET /nodes/{node}/storage entry (the fields this reads; 0/1 booleans as sent). */
export interface NodeStorage {
	storage: string;
	type: string;
	used?: number;
	total?: number;
	active?: number;
}

/** Storage plugins whose volumes support `snapshot` (raw/subvol formats). */
const SNAPSHOT_CAPABLE = new Set(['zfspool', 'zfs', 'lvmthin', 'rbd', 'btrfs']);

export interface SnapshotVerdict {
	possible: boolean;
	/** Why not ("mp0 is a bind mount (/tank/data)"), in Proxmox's words where it has some. */
	reason?: string;
}

/**
 * rootfs and mpN volumes of a container config. Read as PVE reads the
 * property string: the bare part (or `volume=`) wherever it stands — not "the
 * part before the first comma", which took `mp=/data,tank:vol` for a bind mount
 * named "mp=/data" (test/property/pve-config.property.test.ts).
 */
export function guestVolumes(config: Record<string, unknown>): Array<{key: string; volume: string}> {
	return Object.keys(config)
		.filter((k) => k === 'rootfs' || /^mp\d+$/.test(k))
		.sort((a, b) => (a === 'rootfs' ? -1 : b === 'rootfs' ? 1 : Number(a.slice(2)) - Number(b.slice(2))))
		.map((key) => ({key, volume: parseMountPoint(key, String(config[key])).volume}));
}

export function snapshotVerdict(config: Record<string, unknown>, storages: NodeStorage[]): SnapshotVerdict {
	if (typeof config.lock === 'string' && config.lock !== '') return {possible: false, reason: `locked (${config.lock})`};
	for (const {key, volume} of guestVolumes(config)) {
		if (volume.startsWith('/') || !volume.includes(':')) {
			return {possible: false, reason: `snapshot feature is not available: ${key} is a bind mount (${volume})`};
		}
		const name = volume.split(':')[0]!;
		const storage = storages.find((s) => s.storage === name);
		if (!storage) return {possible: false, reason: `storage '${name}' of ${key} is unknown on this node`};
		if (!SNAPSHOT_CAPABLE.has(storage.type)) return {possible: false, reason: `snapshot feature is not available: ${key} is on '${name}' (${storage.type})`};
		if (storage.total && storage.used !== undefined && snapshotWarnFill(storage.used / storage.total)) {
			return {possible: false, reason: `storage '${name}' is ${wholePercent((storage.used / storage.total) * 100)} % full`};
		}
	}
	return {possible: true};
}
