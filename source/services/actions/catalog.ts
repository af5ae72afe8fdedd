// What each action is: the privilege it needs, whether it must be confirmed,
// the API call it makes for one guest, the `pct` (container) or `qm` (VM)
// command that does the same on the host, and the effect a confirm dialog
// states. Data, not behaviour: the dispatcher reads it.

import type {ActionId} from '../../store/ops-types.js';
import type {GuestKind} from '../../store/types.js';

export interface ApiCall {
	method: 'POST' | 'DELETE';
	/** Below /nodes/{node}/lxc/{vmid} or /nodes/{node}/qemu/{vmid}. */
	path: string;
	params?: Record<string, unknown>;
}

export interface ActionSpec {
	id: ActionId;
	/** Verb for notices and dialogs ("snapshot", "reboot"). */
	verb: string;
	/** Any one of these on /vms/<vmid> is enough. */
	privileges: readonly string[];
	/** Never runs without a confirmed dialog. */
	dangerous: boolean;
	/** What the dialog says it does; `{guest}` becomes "container", "VM" or "guest" (mixed targets). */
	effect: string;
}

export const ACTIONS: Record<ActionId, ActionSpec> = {
	snapshot: {id: 'snapshot', verb: 'snapshot', privileges: ['VM.Snapshot'], dangerous: false, effect: 'takes a snapshot of the {guest}'},
	start: {id: 'start', verb: 'start', privileges: ['VM.PowerMgmt'], dangerous: false, effect: 'starts the {guest}'},
	reboot: {id: 'reboot', verb: 'reboot', privileges: ['VM.PowerMgmt'], dangerous: true, effect: 'reboots the {guest}: its services go down for a moment'},
	shutdown: {id: 'shutdown', verb: 'shutdown', privileges: ['VM.PowerMgmt'], dangerous: true, effect: 'shuts the {guest} down cleanly: its services stop'},
	stop: {id: 'stop', verb: 'stop', privileges: ['VM.PowerMgmt'], dangerous: true, effect: 'stops the {guest} at once (like pulling the plug)'},
	rollback: {
		id: 'rollback',
		verb: 'rollback',
		privileges: ['VM.Snapshot', 'VM.Snapshot.Rollback'],
		dangerous: true,
		effect: 'rolls the {guest} back: everything written since the snapshot is lost',
	},
	delsnapshot: {id: 'delsnapshot', verb: 'delete snapshot', privileges: ['VM.Snapshot'], dangerous: true, effect: 'deletes the snapshot for good'},
	prune: {id: 'prune', verb: 'prune', privileges: ['VM.Snapshot'], dangerous: true, effect: 'deletes the listed snapshots for good'},
	// One vzdump task per node (POST /nodes/{node}/vzdump); the storage's retention may prune older archives.
	backup: {id: 'backup', verb: 'back up', privileges: ['VM.Backup'], dangerous: false, effect: 'writes a vzdump backup of each guest to the chosen storage'},
	// Over the guest (stopped first) or to a new VMID; the overwrite is type-to-confirm in the console.
	restore: {
		id: 'restore',
		verb: 'restore',
		privileges: ['VM.Backup'],
		dangerous: true,
		effect: "stops the {guest} and replaces its disks and config with the backup's: everything written since is lost",
	},
	// A guest's archives on one storage past its retention (DELETE …/prunebackups?vmid=); protected ones stay.
	prunebackups: {
		id: 'prunebackups',
		verb: 'prune backups',
		privileges: ['VM.Backup'],
		dangerous: true,
		effect: "deletes the guest's backups the retention does not keep, for good (protected ones stay)",
	},
};

/** What one guest of this kind is called in a dialog. */
export function guestNoun(kind: GuestKind): string {
	return kind === 'qemu' ? 'VM' : 'container';
}

/** The effect line for these kinds of targets ("reboots the VM: …"). */
export function effectFor(action: ActionId, kinds: readonly GuestKind[]): string {
	const distinct = [...new Set(kinds)];
	const noun = distinct.length === 1 ? guestNoun(distinct[0]!) : 'guest';
	return ACTIONS[action].effect.replaceAll('{guest}', noun);
}

/** Actions the dispatcher sends as one call per guest (prune, backup and restore have their own shapes). */
export type PerGuestAction = Exclude<ActionId, 'prune' | 'backup' | 'restore' | 'prunebackups'>;

/** Where a restore of an archive of this kind is posted (below /nodes/{node}): create_vm of pve-container or of qemu-server. */
export function restoreEndpoint(kind: GuestKind): string {
	return kind === 'qemu' ? 'qemu' : 'lxc';
}

/**
 * The restore form for an archive of `kind`: over the guest (force) or to a new VMID.
 * Containers: POST …/lxc with restore=1 and ostemplate; VMs: POST …/qemu with archive,
 * and a VM restored as a new guest gets new MAC addresses (unique) so it can run beside the original.
 */
export function restoreParams(vmid: number, kind: GuestKind, params: Record<string, unknown>): Record<string, unknown> {
	const newVmid = typeof params.newVmid === 'number' ? params.newVmid : undefined;
	const out: Record<string, unknown> = kind === 'qemu' ? {vmid: newVmid ?? vmid, archive: str(params.volid)} : {vmid: newVmid ?? vmid, ostemplate: str(params.volid), restore: 1};
	if (newVmid === undefined) out.force = 1;
	else if (kind === 'qemu') out.unique = 1;
	if (str(params.storage)) out.storage = str(params.storage);
	return out;
}

/** vzdump's form for the guests of one node: the dialog's choices with proxdeck's defaults (snapshot mode, zstd, the guest's name as notes). */
export function vzdumpParams(vmids: number[], params: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {vmid: vmids.join(','), storage: str(params.storage), mode: str(params.mode) || 'snapshot', compress: str(params.compress) || 'zstd'};
	out['notes-template'] = typeof params.notes === 'string' ? params.notes : '{{guestname}}';
	if (params.protected) out.protected = 1;
	return out;
}

function str(value: unknown): string {
	return typeof value === 'string' ? value : '';
}

/** The API call for one guest (prune runs one delsnapshot call per listed snapshot). */
export function apiCallFor(action: PerGuestAction, params: Record<string, unknown>): ApiCall {
	const snap = encodeURIComponent(str(params.snapname));
	switch (action) {
		case 'snapshot': {
			const description = str(params.description);
			// vmstate (include RAM) exists only for VMs; the caller sets it only for a running VM.
			return {method: 'POST', path: '/snapshot', params: {snapname: str(params.snapname), ...(description ? {description} : {}), ...(params.vmstate ? {vmstate: 1} : {})}};
		}
		case 'rollback':
			return {method: 'POST', path: `/snapshot/${snap}/rollback`, params: params.start ? {start: 1} : undefined};
		case 'delsnapshot':
			return {method: 'DELETE', path: `/snapshot/${snap}`};
		default:
			return {method: 'POST', path: `/status/${action}`};
	}
}

/** Quotes a word for a POSIX shell only when it needs it. */
function shellWord(word: string): string {
	return /^[A-Za-z0-9_.,:=/@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The `pct` (container) or `qm` (VM) command(s) that do the same on the host, shown in every dialog. */
export function hostCommands(action: ActionId, kind: GuestKind, vmid: number, params: Record<string, unknown>): string[] {
	const tool = kind === 'qemu' ? 'qm' : 'pct';
	const snap = shellWord(str(params.snapname));
	switch (action) {
		case 'snapshot': {
			const description = str(params.description);
			const vmstate = kind === 'qemu' && params.vmstate ? ' --vmstate 1' : '';
			return [`${tool} snapshot ${vmid} ${snap}${description ? ` --description ${shellWord(description)}` : ''}${vmstate}`];
		}
		case 'rollback':
			return [`${tool} rollback ${vmid} ${snap}${params.start ? ' --start 1' : ''}`];
		case 'delsnapshot':
			return [`${tool} delsnapshot ${vmid} ${snap}`];
		case 'backup': {
			const form = vzdumpParams([vmid], params);
			const flags = ['storage', 'mode', 'compress', 'notes-template', 'protected'].filter((k) => form[k] !== undefined && form[k] !== '').map((k) => `--${k} ${shellWord(String(form[k]))}`);
			return [`vzdump ${vmid} ${flags.join(' ')}`];
		}
		case 'restore': {
			const form = restoreParams(vmid, kind, params);
			const extra = `${form.storage ? ` --storage ${shellWord(String(form.storage))}` : ''}${form.force ? ' --force 1' : ''}${form.unique ? ' --unique 1' : ''}`;
			const volid = shellWord(str(params.volid));
			const restore = kind === 'qemu' ? `qmrestore ${volid} ${String(form.vmid)}${extra}` : `pct restore ${String(form.vmid)} ${volid}${extra}`;
			return [...(form.force ? [`${tool} stop ${vmid}`] : []), restore];
		}
		case 'prunebackups': {
			const keep = str(params.retention);
			return [`pvesm prune-backups ${shellWord(str(params.storage))} --vmid ${vmid}${keep ? ` --prune-backups ${shellWord(keep)}` : ''}`];
		}
		case 'prune': {
			const names = (params.snapshots as Record<number, string[]> | undefined)?.[vmid] ?? [];
			return names.map((name) => `${tool} delsnapshot ${vmid} ${shellWord(name)}`);
		}
		default:
			return [`${tool} ${action} ${vmid}`];
	}
}
