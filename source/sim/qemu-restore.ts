// POST /nodes/{node}/qemu with `archive`: qemu-server's create_vm restore
// path. Before the worker forks: the privilege checks, the archive's access
// and existence, and create_and_lock_config (an existing VMID needs force=1;
// the config gets `lock: create`, a new VMID a config holding only that).
// The `qmrestore` worker then refuses a protected or running VM, reads the
// archive (vma: `vma extract`, PBS: `pbs-restore`), frees the disks the
// archive replaces, allocates fresh ones, writes the archive's config with
// them and rescans (disks it did not replace become unusedN). A failure in
// the worker removes the lock and leaves the rest as it is, as on PVE.

import {hasPriv, PermissionDenied} from './acl.js';
import {archiveOwner, archivePath, findBackup, isPbs, pbsTime, storageBase, type SimBackup} from './backup-store.js';
import {handlerError, paramError} from './errors.js';
import type {FixtureGuest, FixtureStorage} from './fixture-types.js';
import {beforeBroadcastChange} from './broadcast.js';
import {markRunning, markStopped, QUICK_FAIL_SEC, simDuration, taskEndMs} from './lxc-ops.js';
import {checkArchiveAccess, restoreSeconds, restoreTarget, type RestoreRequest} from './restore-common.js';
import {schemaRoutes} from './schema.js';
import {parseDiskSize, renderBytes} from './sizes.js';
import type {SimGuest, SimState} from './state.js';
import {setLock} from './state.js';
import {startTask, type SimTask} from './tasks.js';

type Config = FixtureGuest['config'];

/** Drive keys the archive carries data for (foreach_volume's disks); `media=cdrom` drives are not. */
const DRIVE_KEY = /^(ide|sata|scsi|virtio|efidisk|tpmstate)\d+$/;

const isCdrom = (value: string) => /(^|,)media=cdrom(,|$)/.test(value);
const isCloudinit = (value: string) => /(^|[:/])vm-\d+-cloudinit/.test(value);
/** `backup=0` drives are left out of a backup (and commented out on restore). */
const excluded = (value: string) => /(^|,)backup=0(,|$)/.test(value);

/** The drives of a config the archive holds data for, sorted by key (vzdump's device order, and restore's allocation order). */
function archivedDrives(config: Config): string[] {
	return Object.keys(config)
		.filter((k) => DRIVE_KEY.test(k) && typeof config[k] === 'string')
		.filter((k) => {
			const value = String(config[k]);
			return !isCdrom(value) && !isCloudinit(value) && !excluded(value) && value.split(',')[0]!.includes(':');
		})
		.sort();
}

/** The volumes of `vmid` a config references (drives and unusedN), the way rescan finds them owned by the VM. */
function ownedVolumes(config: Config, vmid: number): Array<{key: string; volid: string}> {
	return Object.keys(config)
		.filter((k) => DRIVE_KEY.test(k) || /^unused\d+$/.test(k))
		.map((key) => ({key, volid: String(config[key]).split(',')[0]!}))
		.filter(({volid}) => volid.includes(':') && new RegExp(`(^|[:/])vm-${vmid}-disk-\\d+`).test(volid));
}

const pad2 = (n: number) => String(n).padStart(2, ' ');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C's ctime() in UTC (the simulator's host time): `Sat Feb  3 15:10:31 2024`, as vma prints CTIME. */
function cTime(epochS: number): string {
	const d = new Date(epochS * 1000);
	const hms = d.toISOString().slice(11, 19);
	return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ${hms} ${d.getUTCFullYear()}`;
}

/** printf's %.3g, as vma prints its percentages. */
function g3(value: number): string {
	return String(Number(value.toPrecision(3)));
}

const DECOMPRESS: Record<string, string> = {zst: 'zstd -q -d -c', lzo: 'lzop -d -c', gz: 'zcat'};

/** One disk being restored: where its data goes and what allocating it prints. */
interface RestoredDisk {
	key: string;
	size: number;
	volid: string;
	path: string;
	allocLines: string[];
	/** vma's `write zeros` flag: 0 where the storage has sparseinit. */
	writeZeros: 0 | 1;
}

const LVM = new Set(['lvm', 'lvmthin']);

/** What PVE::Storage::vdisk_alloc names and prints for a disk of `vmid` on `storage` (find_free_diskname picks the lowest free index). */
function allocate(storage: FixtureStorage, vmid: number, index: number, size: number, format: string): Omit<RestoredDisk, 'key' | 'size'> {
	const name = `vm-${vmid}-disk-${index}`;
	if (storage.type === 'zfspool' || storage.type === 'zfs') {
		return {volid: `${storage.storage}:${name}`, path: `/dev/zvol/${storage.pool ?? 'rpool/data'}/${name}`, allocLines: [], writeZeros: 0};
	}
	if (LVM.has(storage.type)) {
		const extent = 4 * 1024 * 1024;
		const rounded = Math.ceil(size / extent) * extent;
		const human = rounded >= 1024 ** 3 ? `${(rounded / 1024 ** 3).toFixed(2)} GiB` : `${(rounded / 1024 ** 2).toFixed(2)} MiB`;
		const lines = [...(rounded === size ? [] : [`  Rounding up size to full physical extent ${human}`]), `  Logical volume "${name}" created.`];
		// Thin pools allocate sparse; a thick LV must be zeroed.
		return {volid: `${storage.storage}:${name}`, path: `/dev/pve/${name}`, allocLines: lines, writeZeros: storage.type === 'lvmthin' ? 0 : 1};
	}
	if (storage.type === 'rbd') return {volid: `${storage.storage}:${name}`, path: `/dev/rbd-pve/${storage.storage}/${name}`, allocLines: [], writeZeros: 0};
	// Directory-like storages hold image files; qemu-img reports creating them.
	const file = `${name}.${format}`;
	const path = `${storageBase(storage)}/images/${vmid}/${file}`;
	const formatting =
		format === 'qcow2'
			? `Formatting '${path}', fmt=qcow2 cluster_size=65536 extended_l2=off preallocation=metadata compression_type=zlib size=${size} lazy_refcounts=off refcount_bits=16`
			: `Formatting '${path}', fmt=raw size=${size}`;
	return {volid: `${storage.storage}:${vmid}/${file}`, path, allocLines: [formatting], writeZeros: 0};
}

/** A deterministic stand-in for random_ether_addr with Proxmox's BC:24:11 prefix. */
function freshMac(state: SimState, vmid: number, n: number): string {
	const x = (state.seed * 31 + vmid * 7 + n * 13 + state.nextPid) & 0xffffff;
	return ['BC', '24', '11', ...[16, 8, 0].map((s) => ((x >> s) & 0xff).toString(16).toUpperCase().padStart(2, '0'))].join(':');
}

function freshUuid(state: SimState, vmid: number, salt: number): string {
	const hex = [...Array(32)].map((_, i) => ((state.seed + vmid * 131 + salt * 17 + i * 7 + state.nextPid) % 16).toString(16)).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** restore_update_config_line over the whole archive config: new disks, no lock/parent/unusedN, a new vmgenid, with `unique` new MACs and SMBIOS UUID. */
function restoredConfig(state: SimState, vmid: number, archived: Config, disks: RestoredDisk[], unique: boolean): Config {
	const config: Config = {};
	const commented: string[] = [];
	for (const [key, raw] of Object.entries(archived)) {
		if (key === 'lock' || key === 'parent' || /^unused\d+$/.test(key)) continue;
		const value = raw;
		const disk = disks.find((d) => d.key === key);
		if (DRIVE_KEY.test(key) && typeof value === 'string' && excluded(value)) {
			// Written back as `#scsi1: …`, which qemu-server reads as part of the description.
			commented.push(`${key}: ${value}`);
		} else if (disk && typeof value === 'string') {
			const options = value.split(',').slice(1).filter((o) => !o.startsWith('format='));
			config[key] = [disk.volid, ...options].join(',');
		} else if (key === 'vmgenid' && value !== '0') {
			config[key] = freshUuid(state, vmid, 1);
		} else if (unique && /^net\d+$/.test(key) && typeof value === 'string') {
			config[key] = value.replace(/^(\w+)=([0-9A-Fa-f:]{17})/, (_, model: string) => `${model}=${freshMac(state, vmid, Number(key.slice(3)))}`);
		} else if (unique && key === 'smbios1' && typeof value === 'string') {
			config[key] = value.replace(/(^|,)uuid=[^,]+/, `$1uuid=${freshUuid(state, vmid, 2)}`);
		} else {
			config[key] = structuredClone(value);
		}
	}
	if (commented.length > 0) {
		const description = typeof config.description === 'string' ? config.description.replace(/\s+$/, '') : '';
		config.description = [description, ...commented].filter(Boolean).join('\n');
	}
	return config;
}

/** The text of the archive's qemu-server.conf (its size is the `CFG:` line), with vzdump's `#qmdump#map` lines. */
function configText(config: Config, drives: string[]): string {
	const map = drives.map((k) => {
		const volid = String(config[k]).split(',')[0]!;
		return `#qmdump#map:${k}:drive-${k}:${volid.split(':')[0]}:${volumeFormat(volid)}:`;
	});
	const lines = Object.entries(config).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
	return [...map, ...lines].join('\n') + '\n';
}

function volumeFormat(volid: string): string {
	const ext = /\.(qcow2|raw|vmdk)$/.exec(volid)?.[1];
	return ext ?? 'raw';
}

/** Keys of the backed-up config qemu-server's schema does not know (a container's config read as a VM's). */
function unknownKeys(config: Config): string[] {
	const route = schemaRoutes().find((r) => r.method === 'POST' && r.template === '/nodes/{node}/qemu');
	const known = route?.info.parameters?.properties ?? {};
	return Object.keys(config)
		.filter((k) => /^[a-z][a-z_-]*\d*$/.test(k) && !(k in known) && k !== 'description')
		.sort();
}

/** Progress lines as `vma extract -v` prints them: every percent, bytes rounded up to its 64 KiB clusters. */
function vmaProgress(total: number, seconds: number): string[] {
	const cluster = 65536;
	return Array.from({length: 100}, (_, i) => {
		const percent = i + 1;
		const read = Math.min(total, Math.ceil((total * percent) / 100 / cluster) * cluster);
		return `progress ${percent}% (read ${read} bytes, duration ${Math.floor((seconds * percent) / 100)} sec)`;
	});
}

/** pbs-restore's progress for one image: every percent, read in its 4 MiB chunks; then its summary (MiB/s, printed as MB/s). */
function pbsProgress(size: number, zeroShare: number, seconds: number): string[] {
	const chunk = 4 * 1024 * 1024;
	const lines = Array.from({length: 100}, (_, i) => {
		const percent = i + 1;
		const read = Math.min(size, Math.ceil((size * percent) / 100 / chunk) * chunk);
		const zeroes = Math.round(read * zeroShare);
		return `progress ${percent}% (read ${read} bytes, zeroes = ${Math.round(zeroShare * 100)}% (${zeroes} bytes), duration ${Math.floor((seconds * percent) / 100)} sec)`;
	});
	const speed = (size / 1024 ** 2 / Math.max(1, seconds)).toFixed(2);
	return [...lines, `restore image complete (bytes=${size}, duration=${seconds.toFixed(2)}s, speed=${speed}MB/s)`];
}

/** Disks a live-restore streams while the VM runs (all but the EFI vars and TPM state). */
const streamed = (d: RestoredDisk) => d.key !== 'efidisk0' && d.key !== 'tpmstate0';

function renderDuration(seconds: number): string {
	const m = Math.floor(seconds / 60);
	return m > 0 ? `${m}m ${seconds % 60}s` : `${seconds}s`;
}

/** pbs_live_restore: the VM started on PBS-backed drives, one block-stream job per disk (BlockJob::monitor's lines, about one per simulated second). */
function liveRestoreLines(storage: FixtureStorage, backup: SimBackup, disks: RestoredDisk[], seconds: number): string[] {
	const repo = pbsRepository(storage);
	const lines = ['starting VM for live-restore', `repository: '${repo}', snapshot: '${pbsSnapshot(backup)}'`];
	for (const d of disks) lines.push(`restoring 'drive-${d.key}' to '${d.volid}'`);
	const total = disks.reduce((sum, d) => sum + d.size, 0);
	const ticks = Math.min(200, Math.max(1, seconds));
	for (let tick = 1; tick <= ticks; tick++) {
		const elapsed = Math.round((seconds * tick) / ticks);
		for (const d of disks) {
			const done = Math.round((d.size * tick) / ticks);
			lines.push(`restore-drive-${d.key}: transferred ${renderBytes(done, 1)} of ${renderBytes(d.size, 1)} (${((done * 100) / Math.max(1, d.size)).toFixed(2)}%) in ${renderDuration(elapsed)}`);
		}
	}
	for (const d of disks) lines.push(`restore-drive-${d.key}: stream-job finished`);
	if (total > 0) lines.push('restore-drive jobs finished successfully, removing all tracking block devices to disconnect from Proxmox Backup Server');
	return lines;
}

const pbsRepository = (storage: FixtureStorage) => `root@pam@${storage.server ?? 'pbs'}:${storage.datastore ?? storage.storage}`;
const pbsSnapshot = (backup: SimBackup) => `vm/${backup.vmid}/${pbsTime(backup.ctime)}`;

const FAILED_BEFORE_DATA = (vmid: number) => `error before or during data restore, some or all disks were not completely restored. VM ${vmid} state is NOT cleaned up.`;

interface Plan {
	steps: string[];
	seconds: number;
	config: Config;
}

/** The archive's storage and the storage each archived drive is restored to. */
interface Targets {
	archive: FixtureStorage;
	drives: Map<string, FixtureStorage>;
}

/** The worker's successful run: the log lines, how long it takes and the config it writes. */
function plan(req: RestoreRequest, guest: SimGuest, backup: SimBackup, targets: Targets, vmid: number, pid: number): Plan {
	const {state, params} = req;
	const drives = archivedDrives(backup.config);
	const old = guest.config;
	// Old disks the archive replaces are freed; the others (and unusedN volumes) stay and are found by the rescan.
	const kept = ownedVolumes(old, vmid)
		.filter(({key}) => !drives.includes(key))
		.map((v) => v.volid);
	const nextIndex = new Map<string, number>();
	const disks: RestoredDisk[] = drives.map((key) => {
		const value = String(backup.config[key]);
		const size = parseDiskSize(value);
		const storage = targets.drives.get(key)!;
		let index = nextIndex.get(storage.storage) ?? 0;
		const taken = (i: number) => kept.some((volid) => volid.startsWith(`${storage.storage}:`) && new RegExp(`vm-${vmid}-disk-${i}(\\.|$)`).test(volid));
		while (taken(index)) index++;
		nextIndex.set(storage.storage, index + 1);
		const format = ['dir', 'nfs', 'cifs', 'btrfs'].includes(storage.type) ? volumeFormat(value.split(',')[0]!) : 'raw';
		return {key, size, ...allocate(storage, vmid, index, size, format)};
	});
	const total = disks.reduce((sum, d) => sum + d.size, 0);
	const live = params['live-restore'] === '1';
	const bwlimit = params.bwlimit !== undefined && Number(params.bwlimit) > 0 ? Number(params.bwlimit) : undefined;
	const seconds = Math.max(restoreSeconds(total), bwlimit ? Math.round(backup.size / (bwlimit * 1024)) : 0);
	const config = restoredConfig(state, vmid, backup.config, disks, params.unique === '1');
	const referenced = new Set(Object.values(config).map((v) => String(v).split(',')[0]));
	const unused = kept.filter((volid) => !referenced.has(volid));
	const unusedLines = unused.map((volid, i) => `VM ${vmid} add unreferenced volume '${volid}' as 'unused${i}' to config`);
	unused.forEach((volid, i) => (config[`unused${i}`] = volid));

	const steps: string[] = [];
	const allocation = disks.flatMap((d) => [...d.allocLines, `new volume ID is '${d.volid}'`]);
	if (isPbs(targets.archive)) {
		const repo = pbsRepository(targets.archive);
		const snapshot = pbsSnapshot(backup);
		steps.push(...allocation);
		const zeroShare = Math.max(0, 1 - backup.size / Math.max(1, total));
		// A live-restore copies only the EFI vars and TPM state before the VM starts; the rest streams while it runs.
		for (const d of live ? disks.filter((x) => !streamed(x)) : disks) {
			const share = Math.max(1, Math.round((seconds * d.size) / Math.max(1, total)));
			steps.push(
				`restore proxmox backup image: /usr/bin/pbs-restore --repository ${repo} ${snapshot} drive-${d.key}.img.fidx ${d.path} --verbose --format raw${d.writeZeros === 0 ? ' --skip-zero' : ''}`,
				`connecting to repository '${repo}'`,
				`open block backend for target '${d.path}'`,
				`starting to restore snapshot '${snapshot}'`,
				'download and verify backup index',
				...pbsProgress(d.size, zeroShare, share),
			);
		}
	} else {
		const file = archivePath(targets.archive, backup.volid);
		const compression = /\.vma\.(\w+)$/.exec(file)?.[1];
		const tmp = `/var/tmp/vzdumptmp${pid}`;
		const pipe: string[] = [];
		let readFrom = file;
		if (bwlimit) {
			steps.push(`applying read rate limit: ${bwlimit}`);
			pipe.push(`cstream -t ${bwlimit * 1024} -- ${readFrom}`);
			readFrom = '-';
		}
		if (compression && DECOMPRESS[compression]) {
			pipe.push(`${DECOMPRESS[compression]} ${readFrom}`);
			readFrom = '-';
		}
		pipe.push(`vma extract -v -r ${tmp}.fifo ${readFrom} ${tmp}`);
		steps.push(`restore vma archive: ${pipe.join(' | ')}`);
		steps.push(`CFG: size: ${configText(backup.config, drives).length} name: qemu-server.conf`);
		disks.forEach((d, i) => steps.push(`DEV: dev_id=${i + 1} size: ${d.size} devname: drive-${d.key}`));
		steps.push(`CTIME: ${cTime(backup.ctime)}`);
		if (bwlimit) for (const id of [...new Set(disks.map((d) => d.volid.split(':')[0]!))]) steps.push(`rate limit for storage ${id}: ${bwlimit} KiB/s`);
		steps.push(...allocation);
		for (const d of disks) steps.push(`map 'drive-${d.key}' to '${d.path}' (write zeros = ${d.writeZeros})`);
		steps.push(...vmaProgress(total, seconds));
		const data = Math.min(total, Math.round(backup.size / (compression ? 0.36 : 1)));
		const sparse = total - data;
		steps.push(`total bytes read ${total}, sparse bytes ${sparse} (${g3((sparse / Math.max(1, total)) * 100)}%)`);
		steps.push(`space reduction due to 4K zero blocks ${g3(0.3 + ((vmid * 7919) % 200) / 100)}%`);
	}
	steps.push('rescan volumes...', ...unusedLines);
	if (live) steps.push(...liveRestoreLines(targets.archive, backup, disks.filter(streamed), seconds));
	return {steps, seconds, config};
}

/** Why the worker dies before any disk is touched, with the warnings it prints first; undefined when it goes on. */
function workerRefusal(req: RestoreRequest, guest: SimGuest, backup: SimBackup, archive: FixtureStorage, vmid: number): {error: string; warnings: string[]} | undefined {
	const {params} = req;
	const emsg = `unable to restore VM ${vmid} -`;
	// PVE::AbstractConfig::check_protection appends its own " - ".
	if (guest.config.protection === 1 || guest.config.protection === '1') return {error: `${emsg} - protection mode enabled`, warnings: []};
	if (guest.status === 'running') return {error: `${emsg} vm is running`, warnings: []};
	// The best-effort early look at the archive's config warns about every key a VM config cannot have.
	const warnings = unknownKeys(backup.config).map((k) => `vm ${vmid} - unable to parse value of '${k}' - unknown setting '${k}'`);
	if (isPbs(archive)) {
		if (backup.subtype !== 'qemu') return {error: `got unexpected backup format '${backup.format}'`, warnings};
		return undefined;
	}
	if (params['live-restore'] === '1') return {error: 'live-restore is only compatible with backup images from a Proxmox Backup Server', warnings};
	// A container's tar archive goes to restore_tar_archive, whose first file is not qemu-server.conf.
	if (backup.subtype !== 'qemu') return {error: `ERROR: file '${archivePath(archive, backup.volid)}' does not look like a QemuServer vzdump backup`, warnings};
	return undefined;
}

/** The storage each archived drive goes to (the `storage` parameter, else the drive's own), or the worker's error. */
function targetStorages(req: RestoreRequest, backup: SimBackup, archive: FixtureStorage): Targets | {error: string} {
	const {state, node, params, principal} = req;
	const drives = new Map<string, FixtureStorage>();
	for (const key of archivedDrives(backup.config)) {
		const id = params.storage ?? String(backup.config[key]).split(':')[0]!;
		const storage = node.storages.find((s) => s.storage === id);
		if (!storage) return {error: `storage '${id}' does not exist`};
		if (!storage.content.split(',').includes('images')) return {error: `Content type 'images' is not available on storage '${id}'`};
		if (!hasPriv(state, principal, `/storage/${id}`, 'Datastore.AllocateSpace')) return {error: `Permission check failed (/storage/${id}, Datastore.AllocateSpace)`};
		drives.set(key, storage);
	}
	return {archive, drives};
}

export function startQemuRestore(req: RestoreRequest): string {
	const {state, node, params, principal} = req;
	const vmid = Number(params.vmid);
	const volid = params.archive ?? '';
	const force = params.force === '1';
	const existing = state.guests.get(vmid);
	// `-f $filename`: the VM's config is on this node.
	const hereVm = existing !== undefined && existing.node === node.name && existing.type === 'qemu';

	if (params.storage !== undefined && !hasPriv(state, principal, `/storage/${params.storage}`, 'Datastore.AllocateSpace')) {
		throw new PermissionDenied(`Permission check failed (/storage/${params.storage}, Datastore.AllocateSpace)`);
	}
	if (params.start === '1' && !hasPriv(state, principal, `/vms/${vmid}`, 'VM.PowerMgmt')) throw new PermissionDenied(`Permission check failed (/vms/${vmid}, VM.PowerMgmt)`);
	// VM.Allocate, or VM.Backup to restore over a VM that exists (force).
	const allowed = hasPriv(state, principal, `/vms/${vmid}`, 'VM.Allocate') || (force && hereVm && hasPriv(state, principal, `/vms/${vmid}`, 'VM.Backup'));
	if (!allowed) throw new PermissionDenied('Permission check failed');
	const drives = Object.keys(params).filter((k) => DRIVE_KEY.test(k));
	if (drives.length > 0) throw paramError(Object.fromEntries(drives.map((k) => [k, "option conflicts with option 'archive'"])));
	if (!volid.includes(':')) {
		if (principal.userid !== 'root@pam' || principal.tokenid !== undefined) throw handlerError('Only root can pass arbitrary filesystem paths.');
		throw handlerError(`can't find file '${volid}'`);
	}
	const archiveStorage = volid.split(':')[0]!;
	if (!node.storages.some((s) => s.storage === archiveStorage)) throw handlerError(`storage '${archiveStorage}' does not exist`);
	checkArchiveAccess(state, principal, volid, vmid, archiveOwner(volid));
	const backup = findBackup(state, node, volid);
	if (!backup) throw handlerError(`can't find file '${volid}'`);

	// create_and_lock_config: check_vmid_unused (pmxcfs refuses a second config for a VMID used elsewhere, force or not), then check_lock.
	const emsg = `unable to restore VM ${vmid} -`;
	if (existing && !(force && hereVm)) throw handlerError(`${emsg} ${existing.type === 'lxc' ? 'CT' : 'VM'} ${vmid} already exists on node '${existing.node}'`);
	if (existing?.lock) throw handlerError(`${emsg} VM is locked (${existing.lock})`);

	const guest = restoreTarget(state, node, vmid, 'qemu', hereVm ? existing : undefined);
	const pid = state.nextPid;
	const common = {node: node.name, type: 'qmrestore', id: String(vmid), user: req.user};
	const unlock = () => {
		if (guest.lock === 'create') setLock(guest, undefined);
	};
	const fail = (error: string, warnings: string[]) =>
		startTask(state, {...common, durationSec: QUICK_FAIL_SEC + simDuration(state, vmid, 0, 1), steps: [...warnings, FAILED_BEFORE_DATA(vmid)], outcome: error, onEnd: unlock});

	const archive = node.storages.find((s) => s.storage === backup.storage)!;
	const refusal = workerRefusal(req, guest, backup, archive, vmid);
	if (refusal) return fail(refusal.error, refusal.warnings);
	const targets = targetStorages(req, backup, archive);
	if ('error' in targets) return fail(targets.error, []);
	const run = plan(req, guest, backup, targets, vmid, pid);
	const live = params['live-restore'] === '1';
	const start = params.start === '1' && !live;
	if (live) {
		// The restored config is written and the VM started (still locked) before the disks stream in.
		beforeBroadcastChange(state, guest);
		guest.config = structuredClone(run.config);
		guest.snapshots = [];
		setLock(guest, 'create');
		markRunning(state, guest, state.clock());
	}
	const steps = [...run.steps, ...(start ? ['Execute autostart'] : [])];
	return startTask(state, {
		...common,
		durationSec: run.seconds + simDuration(state, vmid, 1, 3),
		steps,
		outcome: 'OK',
		onEnd: (task: SimTask) => {
			if (task.exitstatus !== 'OK') {
				unlock();
				// A failed live-restore stops the VM again.
				if (live) markStopped(state, guest, taskEndMs(state, task));
				return;
			}
			// The replaced disks went with their snapshots; the kept ones lost theirs too.
			beforeBroadcastChange(state, guest, taskEndMs(state, task));
			guest.config = run.config;
			guest.snapshots = [];
			delete guest.lock;
			if (params.pool !== undefined) guest.pool = params.pool;
			if (start) markRunning(state, guest, state.clock());
		},
	});
}

