// POST /nodes/{node}/lxc with restore=1: bring a container back from a
// vzdump archive, over itself (force=1; refused while it runs, as
// pve-container's create_vm refuses) or under a new VMID. The worker holds
// `lock: create`, frees the old volumes (their snapshots go with them),
// allocates fresh ones from the archive's config and restores the config.

import {hasPriv, PermissionDenied} from './acl.js';
import {archiveOwner, findBackup} from './backup-store.js';
import {handlerError} from './errors.js';
import type {FixtureGuest} from './fixture-types.js';
import {beforeBroadcastChange} from './broadcast.js';
import {simDuration, taskEndMs} from './lxc-ops.js';
import {parseDiskSize} from './sizes.js';
import {restorePackages} from './ssh/package-state.js';
import {checkArchiveAccess, restoreSeconds, restoreTarget, type RestoreRequest} from './restore-common.js';
import type {SimNode} from './state.js';
import {startTask} from './tasks.js';

const VOLUME_KEY = /^(rootfs|mp\d+)$/;

/** A fresh volume name for `vmid` on `storage`, the way each plugin names container volumes. */
function volumeName(node: SimNode, storageId: string, vmid: number, index: number): string {
	const type = node.storages.find((s) => s.storage === storageId)?.type;
	if (type === 'zfspool' || type === 'btrfs') return `${storageId}:subvol-${vmid}-disk-${index}`;
	if (type === 'lvmthin' || type === 'lvm' || type === 'rbd') return `${storageId}:vm-${vmid}-disk-${index}`;
	return `${storageId}:${vmid}/vm-${vmid}-disk-${index}.raw`;
}

/** The archive's config with its volumes re-allocated for `vmid` (on `storage` when given). */
function restoredConfig(node: SimNode, backupConfig: FixtureGuest['config'], vmid: number, storage: string | undefined): FixtureGuest['config'] {
	const config = structuredClone(backupConfig);
	let index = 0;
	for (const key of Object.keys(config).filter((k) => VOLUME_KEY.test(k)).sort((a, b) => (a === 'rootfs' ? -1 : b === 'rootfs' ? 1 : a.localeCompare(b)))) {
		const value = String(config[key]);
		const [volume, ...options] = value.split(',');
		// Bind mounts stay as they are; volumes left out of the backup are not restored.
		if (!volume?.includes(':')) continue;
		if (key !== 'rootfs' && !options.includes('backup=1')) {
			delete config[key];
			continue;
		}
		const target = storage ?? volume.split(':')[0]!;
		config[key] = [volumeName(node, target, vmid, index++), ...options].join(',');
	}
	delete config.lock;
	delete config.parent;
	return config;
}

function totalBytes(config: FixtureGuest['config']): number {
	return Object.keys(config)
		.filter((k) => VOLUME_KEY.test(k))
		.reduce((sum, k) => sum + parseDiskSize(config[k]), 0);
}

export function startRestore(req: RestoreRequest): string {
	const {state, node, params, principal} = req;
	const vmid = Number(params.vmid);
	const volid = params.ostemplate ?? '';
	const existing = state.guests.get(vmid);
	const sameHere = existing !== undefined && existing.node === node.name && existing.type === 'lxc';
	const force = params.force === '1';
	if (!(sameHere && params.restore === '1' && force)) {
		// PVE::Cluster::check_vmid_unused
		if (existing) throw handlerError(`${existing.type === 'lxc' ? 'CT' : 'VM'} ${vmid} already exists on node '${existing.node}'`);
	} else {
		if (existing.status === 'running') throw handlerError("can't overwrite running container");
		if (existing.config.protection === 1 || existing.config.protection === '1') throw handlerError(`unable to restore CT ${vmid} - protection mode enabled`);
	}
	// Restoring over an existing guest needs only VM.Backup; a new one needs VM.Allocate.
	const needed = sameHere ? 'VM.Backup' : 'VM.Allocate';
	if (!hasPriv(state, principal, `/vms/${vmid}`, needed)) throw new PermissionDenied(`Permission check failed (/vms/${vmid}, ${needed})`);
	checkArchiveAccess(state, principal, volid, vmid, archiveOwner(volid));
	const backup = findBackup(state, node, volid);
	if (!backup) throw handlerError(`volume '${volid}' does not exist`);
	if (backup.subtype !== 'lxc') throw handlerError(`unable to restore '${volid}' - not a container backup`);
	if (params.storage !== undefined && !node.storages.some((s) => s.storage === params.storage)) throw handlerError(`storage '${params.storage}' does not exist`);

	const config = restoredConfig(node, backup.config, vmid, params.storage);
	const guest = restoreTarget(state, node, vmid, 'lxc', sameHere ? existing : undefined);
	const bytes = Math.round(totalBytes(config) * 0.4);
	const seconds = restoreSeconds(totalBytes(config));
	const steps = [
		`recovering backed-up configuration from '${volid}'`,
		`restoring '${volid}' now..`,
		...(backup.format.startsWith('pbs-') ? [] : [`Total bytes read: ${bytes} (${(bytes / 1024 ** 3).toFixed(1)}GiB, 150MiB/s)`]),
		`Detected container architecture: ${typeof config.arch === 'string' ? config.arch : 'amd64'}`,
		'merging backed-up and given configuration..',
	];
	return startTask(state, {
		node: node.name,
		type: 'vzrestore',
		id: String(vmid),
		user: req.user,
		durationSec: seconds + simDuration(state, vmid, 1, 3),
		steps,
		outcome: 'OK',
		onEnd: (task) => {
			if (task.exitstatus !== 'OK') return; // a failed restore keeps `lock: create`, as on PVE
			// The old volumes were destroyed with their snapshots; the archive's config and disks replace them.
			beforeBroadcastChange(state, guest, taskEndMs(state, task));
			guest.config = config;
			guest.snapshots = [];
			delete guest.lock;
			if (guest.type === 'lxc') restorePackages(state, guest, backup.packages);
		},
	});
}
