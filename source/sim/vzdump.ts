// POST /nodes/{node}/vzdump: one `vzdump` task that backs up the node's own
// guests in vmid order (guests elsewhere are logged as external and
// skipped), writing the log lines PVE's VZDump / VZDump::LXC write (see the
// recorded samples) and, when it ends, the archives — pruned afterwards by
// the job's or the storage's retention unless `remove=0`.

import {hasPriv, PermissionDenied, type Principal} from './acl.js';
import type {SimBackup} from './backup-store.js';
import {archiveName, backupsOn, hasBackupContent, isPbs, logTime, storageOn} from './backup-store.js';
import {paramError} from './errors.js';
import type {FixtureStorage} from './fixture-types.js';
import {lockMessage, simDuration} from './lxc-ops.js';
import {formatRetention, keepsAll, markBackups, parseRetention, type Retention} from './prune.js';
import {guestSizes} from './sizes.js';
import {snapshotPackages} from './ssh/package-state.js';
import type {SimGuest, SimNode, SimState} from './state.js';
import {guestName, setLock, snapshotConfigOf} from './state.js';
import {startTask} from './tasks.js';
import {guestVolumes} from './volumes.js';

export interface VzdumpRequest {
	state: SimState;
	node: SimNode;
	principal: Principal;
	user: string;
	/** Validated parameters as received (strings). */
	params: Record<string, string>;
}

/** Parameters echoed on the `starting new backup job` line, in the order vzdump prints them. */
const ECHOED = ['mode', 'compress', 'storage', 'node', 'notes-template', 'protected', 'prune-backups', 'remove', 'all', 'exclude', 'mailnotification'];

function quoteArg(value: string): string {
	return /^[\w.,:/=-]+$/.test(value) ? value : `'${value}'`;
}

function commandLine(vmids: number[], params: Record<string, string>): string {
	const args = ECHOED.filter((k) => params[k] !== undefined).map((k) => `--${k} ${quoteArg(params[k]!)}`);
	return ['vzdump', ...vmids.map(String), ...args].join(' ');
}

/** `{{guestname}}`, `{{vmid}}`, `{{node}}`, `{{cluster}}` as vzdump expands a notes template. */
function expandNotes(template: string, state: SimState, guest: SimGuest): string {
	return template
		.replaceAll('{{guestname}}', guestName(guest))
		.replaceAll('{{vmid}}', String(guest.vmid))
		.replaceAll('{{node}}', guest.node)
		.replaceAll('{{cluster}}', state.clusterName ?? '')
		.replaceAll('\\n', '\n');
}

function sizeText(bytes: number): string {
	return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)}GiB` : `${Math.round(bytes / 1024 ** 2)}MiB`;
}

function hms(seconds: number): string {
	const s = Math.round(seconds);
	return [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
}

/** The mount point lines and whether every included volume can be snapshotted. */
function mountLines(state: SimState, guest: SimGuest): {lines: string[]; snapshotOk: boolean} {
	const lines: string[] = [];
	let snapshotOk = true;
	for (const volume of guestVolumes(state, guest.node, guest.config)) {
		const raw = String(guest.config[volume.key]);
		const mp = volume.key === 'rootfs' ? '/' : (/(?:^|,)mp=([^,]+)/.exec(raw)?.[1] ?? '');
		if (volume.key !== 'rootfs' && !volume.volid.includes(':')) {
			lines.push(`excluding bind mount point ${volume.key} ('${mp}') from backup (not a volume)`);
			continue;
		}
		if (volume.key !== 'rootfs' && !/(?:^|,)backup=1/.test(raw)) {
			lines.push(`excluding volume mount point ${volume.key} ('${mp}') from backup (disabled)`);
			continue;
		}
		lines.push(`including mount point ${volume.key} ('${mp}') in backup`);
		if (!['zfspool', 'lvmthin', 'rbd', 'btrfs', 'zfs'].includes(volume.storageType ?? '')) snapshotOk = false;
	}
	return {lines, snapshotOk};
}

interface GuestRun {
	guest: SimGuest;
	lines: string[];
	error?: string;
	backup?: SimBackup;
	removed: string[];
	seconds: number;
}

function retentionFor(params: Record<string, string>, storage: FixtureStorage): Retention {
	return parseRetention(params['prune-backups'] ?? storage['prune-backups']);
}

/** What one guest's section of the log says, and the archive it leaves (added when the task ends). */
function backupGuest(req: VzdumpRequest, storage: FixtureStorage, guest: SimGuest, startS: number, keep: Retention): GuestRun {
	const {state, params} = req;
	const out = (line: string) => run.lines.push(`INFO: ${line}`);
	const run: GuestRun = {guest, lines: [], removed: [], seconds: 0};
	out(`Starting Backup of VM ${guest.vmid} (${guest.type})`);
	out(`Backup started at ${logTime(startS)}`);
	out(`status = ${guest.status}`);
	const locked = lockMessage(guest);
	if (locked) {
		run.error = locked;
		run.lines.push(`ERROR: Backup of VM ${guest.vmid} failed - ${locked}`);
		run.seconds = 1;
		return run;
	}
	out(`${guest.type === 'lxc' ? 'CT' : 'VM'} Name: ${guestName(guest)}`);
	const mounts = guest.type === 'lxc' ? mountLines(state, guest) : {lines: [], snapshotOk: true};
	for (const line of mounts.lines) out(line);
	let mode = params.mode ?? 'snapshot';
	if (guest.status !== 'running') mode = 'stop';
	else if (mode === 'snapshot' && !mounts.snapshotOk) {
		out('mode failure - some volumes do not support snapshots');
		out("trying 'suspend' mode instead");
		mode = 'suspend';
	}
	out(`backup mode: ${mode}`);
	out('ionice priority: 7');
	const bytes = Math.round(guestSizes(state, guest).maxdisk * Math.min(0.9, Math.max(0.05, guest.usage.disk)));
	const rate = 80 + Math.round(simDuration(state, guest.vmid, 0, 1) * 170); // MiB/s
	const seconds = Math.max(4, Math.round(bytes / (rate * 1024 * 1024)));
	const ctime = startS;
	const name = archiveName(storage, guest.type, guest.vmid, ctime, params.compress ?? '0');
	if (mode === 'stop' && guest.status === 'running') out('stopping virtual guest');
	if (mode === 'snapshot') out("create storage snapshot 'vzdump'");
	if (isPbs(storage)) {
		out(`creating Proxmox Backup Server archive '${name.target}'`);
		out(`Starting backup: ${name.target}`);
		out(`Client name: ${guest.node}`);
		out('Starting backup protocol: ' + new Date(ctime * 1000).toUTCString());
		out(`root.pxar: had to upload ${sizeText(bytes * 0.3)} of ${sizeText(bytes)} in ${seconds}.00s, average speed ${rate}.00 MiB/s).`);
		out(`Duration: ${seconds}.00s`);
	} else {
		if (mode === 'suspend') out(`starting first sync /proc/${state.nextPid}/root/ to ${name.target.replace(/\.tar(\.\w+)?$/, '.tmp')}`);
		out(`creating vzdump archive '${name.target}'`);
		out(`Total bytes written: ${bytes} (${sizeText(bytes)}, ${rate}MiB/s)`);
	}
	const size = Math.round(bytes * (params.compress && params.compress !== '0' ? 0.36 : 1));
	if (!isPbs(storage)) out(`archive file size: ${Math.round(size / 1_000_000)}MB`);
	const notes = params['notes-template'] ? expandNotes(params['notes-template'], state, guest) : undefined;
	if (notes !== undefined) out('adding notes to backup');
	if (params.protected === '1') out('marking backup as protected');
	run.backup = {
		storage: storage.storage,
		node: guest.node,
		vmid: guest.vmid,
		subtype: guest.type,
		volid: name.volid,
		format: name.format,
		ctime,
		size,
		...(notes !== undefined ? {notes} : {}),
		protected: params.protected === '1',
		config: snapshotConfigOf(guest.config),
		...(guest.type === 'lxc' ? packagesOf(state, guest) : {}),
	};
	// Pruning runs right after this guest's archive exists (VZDump::exec_backup_task).
	if (params.remove !== '0' && !keepsAll(keep)) {
		out(`prune older backups with retention: ${formatRetention(keep)}`);
		const node = state.nodes.get(guest.node)!;
		const group = [...backupsOn(state, node, storage).filter((b) => b.vmid === guest.vmid && b.subtype === guest.type), run.backup];
		const marked = markBackups(
			group.map((b) => ({volid: b.volid, ctime: b.ctime, vmid: b.vmid, type: b.subtype, protected: b.protected})),
			keep,
		);
		run.removed = marked.filter((m) => m.mark === 'remove').map((m) => m.volid);
		for (const volid of run.removed) out(`removing backup '${volid}'`);
		out(`pruned ${run.removed.length} backup(s)${run.removed.length > 0 ? ' not covered by keep-retention policy' : ''}`);
	}
	if (mode === 'snapshot') out("cleanup temporary 'vzdump' snapshot");
	if (mode === 'stop' && guest.status === 'running') out('restarting vm');
	out(`Finished Backup of VM ${guest.vmid} (${hms(seconds)})`);
	out(`Backup finished at ${logTime(startS + seconds)}`);
	run.seconds = seconds;
	return run;
}

function packagesOf(state: SimState, guest: SimGuest): Pick<SimBackup, 'packages'> {
	const packages = snapshotPackages(state, guest);
	return packages ? {packages} : {};
}

/** The guests a request selects, split into this node's (in vmid order) and the skipped external ones. */
function selection(state: SimState, node: SimNode, params: Record<string, string>): {local: SimGuest[]; external: number[]} {
	const excluded = new Set((params.exclude ?? '').split(/[,;\s]+/).filter(Boolean).map(Number));
	const ids = params.all === '1' ? [...state.guests.keys()].filter((id) => !excluded.has(id)) : (params.vmid ?? '').split(/[,;\s]+/).filter(Boolean).map(Number);
	const unique = [...new Set(ids)].sort((a, b) => a - b);
	const local = unique.map((id) => state.guests.get(id)).filter((g): g is SimGuest => g !== undefined && g.node === node.name);
	const external = unique.filter((id) => state.guests.get(id)?.node !== node.name);
	return {local, external};
}

/** VZDump::verify_vzdump_parameters: what is refused before any task starts. */
function verifyParameters(params: Record<string, string>): void {
	if (params.all === '1' && params.vmid !== undefined) throw paramError({all: "option conflicts with option 'vmid'"});
	if (params.exclude !== undefined && params.vmid !== undefined) throw paramError({exclude: "option conflicts with option 'vmid'"});
	if (params.all !== '1' && params.vmid === undefined && params.exclude === undefined && params.pool === undefined && params.stop !== '1') throw paramError({vmid: 'property is missing'});
}

export function startVzdump(req: VzdumpRequest): string {
	const {state, node, params, principal} = req;
	verifyParameters(params);
	const storageId = params.storage ?? 'local';
	const storage = storageOn(node, storageId);
	const keep = retentionFor(params, storage);
	const {local, external} = selection(state, node, params);
	// API2::VZDump: VM.Backup on every selected guest, Datastore.AllocateSpace on the target.
	for (const guest of local) {
		if (!hasPriv(state, principal, `/vms/${guest.vmid}`, 'VM.Backup')) throw new PermissionDenied(`Permission check failed (/vms/${guest.vmid}, VM.Backup)`);
	}
	if (!hasPriv(state, principal, `/storage/${storageId}`, 'Datastore.AllocateSpace')) throw new PermissionDenied(`Permission check failed (/storage/${storageId}, Datastore.AllocateSpace)`);
	if (params['prune-backups'] !== undefined && !hasPriv(state, principal, `/storage/${storageId}`, 'Datastore.Allocate')) throw new PermissionDenied(`Permission check failed (/storage/${storageId}, Datastore.Allocate)`);

	const id = local.length === 1 ? String(local[0]!.vmid) : '';
	const lines = [`INFO: starting new backup job: ${commandLine(local.map((g) => g.vmid).concat(external).sort((a, b) => a - b), params)}`];
	if (external.length > 0) lines.push(`INFO: skip external VMs: ${external.join(', ')}`);
	if (!hasBackupContent(storage)) {
		const error = `can't use storage '${storageId}' for backups - wrong content type`;
		return startTask(state, {node: node.name, type: 'vzdump', id, user: req.user, durationSec: 0.5, steps: lines, outcome: error});
	}
	let clockS = Math.floor(state.clock() / 1000) + 1;
	const runs: GuestRun[] = [];
	for (const guest of local) {
		const run = backupGuest(req, storage, guest, clockS, keep);
		runs.push(run);
		lines.push(...run.lines);
		clockS += run.seconds + 1;
	}
	const failed = runs.filter((r) => r.error !== undefined);
	lines.push(failed.length === 0 ? 'INFO: Backup job finished successfully' : 'INFO: Backup job finished with errors');
	const held = runs.filter((r) => r.error === undefined).map((r) => r.guest);
	for (const guest of held) setLock(guest, 'backup');
	return startTask(state, {
		node: node.name,
		type: 'vzdump',
		id,
		user: req.user,
		durationSec: Math.max(1, clockS - Math.floor(state.clock() / 1000)),
		steps: lines,
		outcome: failed.length === 0 ? 'OK' : 'job errors',
		onEnd: (task) => {
			for (const guest of held) if (guest.lock === 'backup') setLock(guest, undefined);
			// An interrupted job leaves no archive behind.
			if (task.exitstatus === 'received interrupt') return;
			for (const run of runs) {
				if (!run.backup) continue;
				state.backups = state.backups.filter((b) => !run.removed.includes(b.volid));
				state.backups.push(run.backup);
			}
		},
	});
}
