// Backup endpoints: storage content, vzdump, restore, prune, the cluster's
// backup jobs, the guests no job covers and the next free VMID.

import {hasPriv, principalName, PermissionDenied} from './acl.js';
import {backupsOn, contentEntry, storageOn} from './backup-store.js';
import {handlerError, paramError} from './errors.js';
import type {FixtureBackupJob} from './fixture-types.js';
import type {Handler, HandlerContext} from './handler-types.js';
import {principalOf} from './handler-types.js';
import {startRestore} from './lxc-restore.js';
import {nodeOf} from './handlers-node.js';
import {startQemuRestore} from './qemu-restore.js';
import {markBackups, parseRetention} from './prune.js';
import type {SimState} from './state.js';
import {guestName} from './state.js';
import {startTask} from './tasks.js';
import {startVzdump} from './vzdump.js';

function requestOf(ctx: HandlerContext) {
	const principal = principalOf(ctx);
	return {state: ctx.state, node: nodeOf(ctx), principal, user: principalName(principal), params: ctx.params};
}

export const getStorageContent: Handler = (ctx) => {
	const node = nodeOf(ctx);
	const storage = storageOn(node, ctx.params.storage!);
	// Only backups are simulated; other content types list nothing.
	if (ctx.params.content !== undefined && ctx.params.content !== 'backup') return {data: []};
	const vmid = ctx.params.vmid === undefined ? undefined : Number(ctx.params.vmid);
	return {data: backupsOn(ctx.state, node, storage).filter((b) => vmid === undefined || b.vmid === vmid).map(contentEntry)};
};

export const postVzdump: Handler = (ctx) => ({data: startVzdump(requestOf(ctx))});

/** POST /nodes/{node}/lxc: only restores are simulated (creating from a template is not). */
export const postLxcCreate: Handler = (ctx) => {
	if (ctx.params.restore !== '1') throw handlerError('creating containers from a template is not simulated; use restore=1');
	return {data: startRestore(requestOf(ctx))};
};

/** POST /nodes/{node}/qemu: only restores (`archive`) are simulated (creating an empty VM is not). */
export const postQemuCreate: Handler = (ctx) => {
	if (ctx.params.archive === undefined) throw handlerError('creating VMs without an archive is not simulated; use archive=<backup volid>');
	return {data: startQemuRestore(requestOf(ctx))};
};

function pruneCandidates(ctx: HandlerContext) {
	const node = nodeOf(ctx);
	const storage = storageOn(node, ctx.params.storage!);
	const keep = parseRetention(ctx.params['prune-backups'] ?? storage['prune-backups']);
	const vmid = ctx.params.vmid === undefined ? undefined : Number(ctx.params.vmid);
	const backups = backupsOn(ctx.state, node, storage).filter((b) => (vmid === undefined || b.vmid === vmid) && (ctx.params.type === undefined || b.subtype === ctx.params.type));
	return {node, storage, marked: markBackups(backups.map((b) => ({volid: b.volid, ctime: b.ctime, vmid: b.vmid, type: b.subtype, protected: b.protected})), keep)};
}

export const getPruneBackups: Handler = (ctx) => ({
	data: pruneCandidates(ctx).marked.map((m) => ({volid: m.volid, ctime: m.ctime, mark: m.mark, type: m.type, vmid: m.vmid})),
});

export const deletePruneBackups: Handler = (ctx) => {
	const {state, params} = ctx;
	const principal = principalOf(ctx);
	const storagePath = `/storage/${params.storage}`;
	// Datastore.Allocate on the storage, or for one guest AllocateSpace + VM.Backup.
	const allowed =
		hasPriv(state, principal, storagePath, 'Datastore.Allocate') ||
		(params.vmid !== undefined && hasPriv(state, principal, storagePath, 'Datastore.AllocateSpace') && hasPriv(state, principal, `/vms/${params.vmid}`, 'VM.Backup'));
	if (!allowed) throw new PermissionDenied(`Permission check failed (${storagePath}, Datastore.Allocate)`);
	const {node, storage, marked} = pruneCandidates(ctx);
	const removed = marked.filter((m) => m.mark === 'remove').map((m) => m.volid);
	return {
		data: startTask(state, {
			node: node.name,
			type: 'prunebackups',
			id: `${params.vmid !== undefined ? `${params.vmid}@` : ''}${storage.storage}`,
			user: principalName(principal),
			durationSec: 1 + removed.length * 0.2,
			// No log function is passed: the plugin's default prints the bare message.
			steps: removed.map((volid) => `removing backup '${volid}'`),
			outcome: 'OK',
			onEnd: (task) => {
				if (task.exitstatus !== 'OK') return;
				state.backups = state.backups.filter((b) => !(b.storage === storage.storage && removed.includes(b.volid)));
			},
		}),
	};
};

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** The next time a calendar event like `02:00`, `sat 15:00` or `mon..fri 21:30` fires (UTC host time); undefined for forms not simulated. */
export function nextRun(schedule: string, nowS: number): number | undefined {
	const match = /^(?:([a-z]{3})(?:\.\.([a-z]{3}))?\s+)?(\d{1,2})(?::(\d{2}))?$/.exec(schedule.trim());
	if (!match) return undefined;
	const [, from, to, hour, minute] = match;
	const days = new Set<number>();
	if (from === undefined) for (let d = 0; d < 7; d++) days.add(d);
	else {
		const a = WEEKDAYS.indexOf(from);
		const b = to === undefined ? a : WEEKDAYS.indexOf(to);
		if (a < 0 || b < 0) return undefined;
		for (let d = a; ; d = (d + 1) % 7) {
			days.add(d);
			if (d === b) break;
		}
	}
	const now = new Date(nowS * 1000);
	for (let offset = 0; offset <= 7; offset++) {
		const t = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset, Number(hour), Number(minute ?? 0)) / 1000;
		if (t > nowS && days.has(new Date(t * 1000).getUTCDay())) return t;
	}
	return undefined;
}

function jobEntry(state: SimState, job: FixtureBackupJob): Record<string, unknown> {
	const {nextRunIn, enabled, all, 'prune-backups': prune, ...rest} = job;
	const nowS = Math.floor(state.clock() / 1000);
	const next = nextRunIn !== undefined ? Math.floor(state.startedAt / 1000) + nextRunIn : nextRun(job.schedule, nowS);
	const entry: Record<string, unknown> = {type: 'vzdump', ...rest, enabled: enabled === false ? 0 : 1};
	if (all) entry.all = 1;
	// jobs.cfg keeps the retention as a property string; the API answers it as an object of strings.
	if (prune) entry['prune-backups'] = Object.fromEntries(prune.split(',').map((p) => p.split('=') as [string, string]));
	if (enabled !== false && next !== undefined) entry['next-run'] = next;
	return entry;
}

export const getClusterBackup: Handler = ({state}) => ({data: state.backupJobs.map((job) => jobEntry(state, job))});

/** Whether an enabled job selects this guest (vmid list, or all minus exclude, on its node if the job is pinned). */
function covers(job: FixtureBackupJob, vmid: number, node: string): boolean {
	if (job.enabled === false) return false;
	if (job.node !== undefined && job.node !== node) return false;
	const list = (text: string | undefined) => (text ?? '').split(/[,;\s]+/).filter(Boolean).map(Number);
	if (job.all) return !list(job.exclude).includes(vmid);
	return list(job.vmid).includes(vmid);
}

export const getNotBackedUp: Handler = ({state}) => ({
	data: [...state.guests.values()]
		.filter((g) => !state.backupJobs.some((job) => covers(job, g.vmid, g.node)))
		.sort((a, b) => a.vmid - b.vmid)
		.map((g) => ({vmid: g.vmid, type: g.type, name: guestName(g)})),
});

export const getNextId: Handler = ({state, params}) => {
	if (params.vmid !== undefined) {
		if (state.guests.has(Number(params.vmid))) throw paramError({vmid: `VM ${params.vmid} already exists`});
		return {data: params.vmid};
	}
	for (let id = 100; id < 1_000_000_000; id++) if (!state.guests.has(id)) return {data: String(id)};
	throw handlerError('unable to get any free VMID in range [100, 999999999]');
};
