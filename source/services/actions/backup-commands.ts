// The backup side of the command interface: back up now (d: a form with the
// backup storages every target's node sees, mode, notes, protected → the
// confirm), the guest's backup list (e) and its restore form (over the guest,
// type-to-confirm; or to the next free VMID), and a storage's prune preview
// (the dry run's removals → the confirm). Only a confirm's OK reaches the
// dispatcher; read-only and privileges are checked before any dialog opens.

import type {StoreApi} from 'zustand/vanilla';
import {selectGuestBackups} from '../../store/backups-slice.js';
import type {ActionRequest, BackupFormDialog, BackupListDialog, BackupMode, Dialog, RestoreFormDialog} from '../../store/ops-types.js';
import type {AppState, GuestKind} from '../../store/types.js';
import {sanitize} from '../../util/sanitize.js';
import type {BackupEntry} from '../backups/model.js';
import {errorLine} from '../error-line.js';
import {guestNoun} from './catalog.js';
import type {ActionDispatcher} from './dispatcher.js';

export const BACKUP_MODES: readonly BackupMode[] = ['snapshot', 'suspend', 'stop'];

/** What the backup dialogs need from the command interface they live in. */
export interface BackupCommandDeps {
	store: StoreApi<AppState>;
	dispatcher: ActionDispatcher;
	clock: () => number;
	info(text: string): void;
	failed(text: string): void;
	confirm(request: ActionRequest, extra: {bulkNote?: string; title?: string; lines?: string[]; warning?: string; typeToConfirm?: string}): void;
	/** "3 containers", "2 guests". */
	howMany(vmids: number[]): string;
}

export interface BackupCommands {
	/** d: the form for the targets. */
	openBackupForm(vmids: number[], bulkNote: string | undefined): void;
	/** e: the guest's backups, newest first. */
	openBackupList(vmid: number): void;
	/** p on a storage (backups pane): the dry run, then the confirm of what it would remove. */
	previewPrune(storage: string, node: string): Promise<void>;
	/** The dialog's keys, for the three backup dialogs; false when `d` is another kind. */
	type(d: Dialog, text: string): boolean;
	backspace(d: Dialog): boolean;
	focus(d: Dialog, delta: number): boolean;
	move(d: Dialog, delta: number): boolean;
	activate(d: Dialog): boolean;
}

const FORM_FIELDS: Array<BackupFormDialog['field']> = ['storage', 'mode', 'notes', 'protected'];
const RESTORE_FIELDS: Array<RestoreFormDialog['field']> = ['target', 'storage'];

const cycle = <T>(list: readonly T[], at: number, delta: number): number => (list.length === 0 ? 0 : (at + delta + list.length) % list.length);
const drop = (s: string) => [...s].slice(0, -1).join('');

/** The kind of guest an archive holds (vzdump's `subtype`); undefined for one proxdeck cannot restore. */
function archiveKind(entry: BackupEntry): GuestKind | undefined {
	return entry.subtype === 'qemu' || entry.subtype === 'lxc' ? entry.subtype : undefined;
}

export function createBackupCommands(deps: BackupCommandDeps): BackupCommands {
	const {store, dispatcher} = deps;
	const actions = () => store.getState().actions;
	const update = (d: Dialog) => actions().updateDialog(d);

	/** Backup storages every one of these nodes sees (a vzdump per node writes to the same storage name). */
	function storagesFor(vmids: number[]): string[] {
		const {guests, backups} = store.getState();
		const nodes = [...new Set(vmids.map((vmid) => guests.get(vmid)?.node).filter((n): n is string => n !== undefined))];
		const names = [...new Set(backups.storages.map((s) => s.storage))];
		return names.filter((name) => nodes.every((node) => backups.storages.some((s) => s.storage === name && s.nodes.includes(node))));
	}

	function openBackupForm(vmids: number[], bulkNote: string | undefined): void {
		const storages = storagesFor(vmids);
		if (storages.length === 0) {
			const read = store.getState().backups.readAt !== undefined;
			return deps.info(read ? 'back up: no backup storage is seen by every node of these guests' : 'back up: the backup storages are not read yet');
		}
		const form: BackupFormDialog = {
			kind: 'backup',
			targets: vmids,
			targetLabel: vmids.length === 1 ? dispatcher.label(vmids[0]!) : deps.howMany(vmids),
			...(bulkNote ? {bulkNote} : {}),
			storages,
			storage: 0,
			mode: 'snapshot',
			notes: '{{guestname}}',
			protected: false,
			field: 'storage',
		};
		actions().openDialog(form);
	}

	function openBackupList(vmid: number): void {
		const entries = selectGuestBackups(store.getState(), vmid);
		const list: BackupListDialog = {kind: 'backups', vmid, label: dispatcher.label(vmid), entries, cursor: 0};
		actions().openDialog(list);
	}

	async function openRestoreForm(d: BackupListDialog, entry: BackupEntry): Promise<void> {
		const row = store.getState().guests.get(d.vmid);
		if (!row) return update({...d, error: 'the guest is not in the fleet any more'});
		const kind = archiveKind(entry);
		if (!kind) return update({...d, error: `a backup of type '${sanitize(entry.subtype)}' cannot be restored here`});
		const base: RestoreFormDialog = {kind: 'restore', vmid: d.vmid, label: d.label, node: row.node, entry, target: 'over', storages: [], storage: 0, field: 'target', loading: true};
		actions().openDialog(base);
		try {
			const [storages, newVmid, guest] = await Promise.all([dispatcher.restoreStorages(row.node, kind), dispatcher.nextId(), dispatcher.loadSnapshots(d.vmid).catch(() => undefined)]);
			// The guest's own storage first (its rootfs, or a VM's first disk; read now, not from a detail panel that may show another guest): a restore puts the disks back where they were.
			const current = String((row.kind === 'qemu' ? guest?.disks?.[0] : guest?.rootfs) ?? '').split(':')[0] ?? '';
			const ordered = current && storages.includes(current) ? [current, ...storages.filter((s) => s !== current)] : storages;
			const now = store.getState().dialog;
			if (now?.kind === 'restore' && now.entry.volid === entry.volid) update({...now, storages: ordered, newVmid, loading: false});
		} catch (error) {
			const now = store.getState().dialog;
			if (now?.kind === 'restore') update({...now, loading: false, error: errorLine(error)});
		}
	}

	function confirmBackup(d: BackupFormDialog): void {
		const storage = d.storages[d.storage];
		if (!storage) return update({...d, error: 'choose a backup storage'});
		actions().closeDialog();
		const params: Record<string, unknown> = {storage, mode: d.mode, compress: 'zstd', notes: d.notes};
		if (d.protected) params.protected = 1;
		const title = `back up ${d.targetLabel} to ${sanitize(storage)} (${d.mode}${d.protected ? ', protected' : ''})?`;
		const warning = d.mode === 'stop' ? 'stop mode shuts each running guest down for the backup and starts it again after.' : d.mode === 'suspend' ? 'suspend mode freezes each running guest while its data is copied.' : undefined;
		deps.confirm({action: 'backup', targets: d.targets, params}, {title, ...(d.bulkNote ? {bulkNote: d.bulkNote} : {}), ...(warning ? {warning} : {})});
	}

	function confirmRestore(d: RestoreFormDialog): void {
		if (d.loading) return;
		const storage = d.storages[d.storage];
		if (d.target === 'new' && d.newVmid === undefined) return update({...d, error: 'the next free VMID is not known'});
		const kind = archiveKind(d.entry) ?? 'lxc';
		const row = store.getState().guests.get(d.vmid);
		if (d.target === 'over' && row && row.kind !== kind) return update({...d, error: `this is a ${guestNoun(kind)}'s backup: it cannot replace a ${guestNoun(row.kind)}; restore it to a new VMID`});
		actions().closeDialog();
		const params: Record<string, unknown> = {volid: d.entry.volid, kind, ...(storage ? {storage} : {}), ...(d.target === 'new' ? {newVmid: d.newVmid} : {})};
		const when = new Date(d.entry.ctime * 1000).toISOString().slice(0, 16).replace('T', ' ');
		const lines = [`${sanitize(d.entry.volid)} (${when} UTC)`];
		if (d.target === 'new') {
			// A VM copy gets new MAC addresses (qmrestore --unique); a container keeps its hwaddr and static address.
			const network = kind === 'qemu' ? 'new MAC addresses and the network settings inside it from the backup' : `${d.label}'s network settings`;
			return deps.confirm(
				{action: 'restore', targets: [d.vmid], params},
				{title: `restore ${d.label}'s backup as a new ${guestNoun(kind)} ${d.newVmid}?`, lines, warning: `${d.label} itself is left alone; the copy ${d.newVmid} is created stopped, with ${network} (change its address before starting both).`},
			);
		}
		const running = row?.status === 'running';
		deps.confirm(
			{action: 'restore', targets: [d.vmid], params},
			{
				title: `restore ${d.label} over itself from this backup?`,
				lines,
				warning: `${running ? `${d.label} is running: it is stopped first. ` : ''}Its disks are replaced by the backup's${storage ? ` (on ${sanitize(storage)})` : ''}: everything written since ${when} is lost.`,
				typeToConfirm: String(d.vmid),
			},
		);
	}

	async function previewPrune(storage: string, node: string): Promise<void> {
		const reason = dispatcher.disabledReason('prunebackups', []);
		if (reason) return deps.info(`prune backups is disabled (${reason})`);
		const marks = await dispatcher.pruneDryRun(node, storage);
		const remove = marks.filter((m) => m.mark === 'remove' && m.vmid !== undefined);
		const kept = marks.filter((m) => m.mark === 'keep').length;
		const protectedCount = marks.filter((m) => m.mark === 'protected').length;
		const keptText = `${kept} kept, ${protectedCount} protected (never pruned)`;
		if (remove.length === 0) return deps.info(`prune ${storage}: its retention removes nothing (${keptText})`);
		const guests = store.getState().guests;
		const inFleet = [...new Set(remove.map((m) => m.vmid!))].filter((vmid) => guests.has(vmid)).sort((a, b) => a - b);
		const outside = remove.filter((m) => !guests.has(m.vmid!));
		const lines = remove
			.filter((m) => guests.has(m.vmid!))
			.map((m) => `${dispatcher.label(m.vmid!)}: ${new Date(m.ctime * 1000).toISOString().slice(0, 16).replace('T', ' ')}  ${sanitize(m.volid)}`);
		if (inFleet.length === 0) return deps.info(`prune ${storage}: only archives of guests no longer in the fleet would go (${outside.length}); prune those with pvesm`);
		const warning = `${keptText}${outside.length > 0 ? `; ${outside.length} archive${outside.length === 1 ? '' : 's'} of guests not in the fleet stay` : ''}.`;
		deps.confirm({action: 'prunebackups', targets: inFleet, params: {storage, node}}, {title: `prune ${lines.length} backup${lines.length === 1 ? '' : 's'} on ${sanitize(storage)}?`, lines, warning});
	}

	return {
		openBackupForm,
		openBackupList,
		previewPrune: (storage, node) => previewPrune(storage, node).catch((error) => deps.failed(`prune ${storage}: ${errorLine(error)}`)),
		type(d, text) {
			if (d.kind === 'backup') {
				if (d.field === 'notes') update({...d, notes: d.notes + text, error: undefined});
				// A space on a choice moves it on (the ↑/↓ keys do too).
				else if (text === ' ') this.move(d, 1);
				return true;
			}
			if (d.kind === 'restore') {
				if (text === ' ') this.move(d, 1);
				return true;
			}
			return d.kind === 'backups';
		},
		backspace(d) {
			if (d.kind === 'backup' && d.field === 'notes') update({...d, notes: drop(d.notes)});
			return d.kind === 'backup' || d.kind === 'restore' || d.kind === 'backups';
		},
		focus(d, delta) {
			if (d.kind === 'backup') update({...d, field: FORM_FIELDS[cycle(FORM_FIELDS, FORM_FIELDS.indexOf(d.field), delta)]!});
			else if (d.kind === 'restore') update({...d, field: RESTORE_FIELDS[cycle(RESTORE_FIELDS, RESTORE_FIELDS.indexOf(d.field), delta)]!});
			return d.kind === 'backup' || d.kind === 'restore' || d.kind === 'backups';
		},
		move(d, delta) {
			if (d.kind === 'backups') {
				if (d.entries.length > 0) update({...d, cursor: Math.max(0, Math.min(d.entries.length - 1, d.cursor + delta)), error: undefined});
				return true;
			}
			if (d.kind === 'backup') {
				if (d.field === 'storage') update({...d, storage: cycle(d.storages, d.storage, delta)});
				else if (d.field === 'mode') update({...d, mode: BACKUP_MODES[cycle(BACKUP_MODES, BACKUP_MODES.indexOf(d.mode), delta)]!});
				else if (d.field === 'protected') update({...d, protected: !d.protected});
				return true;
			}
			if (d.kind === 'restore') {
				if (d.field === 'target') update({...d, target: d.target === 'over' ? 'new' : 'over', error: undefined});
				else update({...d, storage: cycle(d.storages, d.storage, delta)});
				return true;
			}
			return false;
		},
		activate(d) {
			if (d.kind === 'backup') confirmBackup(d);
			else if (d.kind === 'restore') confirmRestore(d);
			else if (d.kind === 'backups') {
				const entry = d.entries[d.cursor];
				if (!entry) return true;
				const reason = dispatcher.disabledReason('restore', [d.vmid]);
				if (reason) update({...d, error: `restore is disabled (${reason})`});
				else void openRestoreForm(d, entry).catch((error) => deps.failed(`restore: ${errorLine(error)}`));
			} else return false;
			return true;
		},
	};
}
