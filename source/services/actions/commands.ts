// The command interface views use (passed to <App commands={…}>). A key asks
// for an action "on the selected or marked guests"; this module works out the
// targets, refuses with a reason when the action cannot run, and otherwise
// opens the right dialog (confirm, snapshot prompt, snapshot picker). Only a
// dialog's OK reaches the dispatcher — with `confirmed`.

import type {StoreApi} from 'zustand/vanilla';
import {offlineNodeReason, selectVisibleRows} from '../../store/selectors.js';
import type {ActionId, ActionRequest, ConfirmDialog, Dialog, PickerEntry, SnapshotPickerDialog, SnapshotPromptDialog} from '../../store/ops-types.js';
import type {AppState, GuestKind} from '../../store/types.js';
import {sanitize} from '../../util/sanitize.js';
import {wholePercent} from '../../util/percent.js';
import {errorLine} from '../error-line.js';
import {ACTIONS, effectFor, guestNoun, hostCommands} from './catalog.js';
import type {ActionDispatcher, DispatchOutcome} from './dispatcher.js';
import {defaultSnapshotName, snapshotNameError} from './snapshot-name.js';
import {buildPickerEntries, isZfsRootfs, newestSnapshot, olderThan} from './snapshot-tree.js';
import {poolUsageForGuest} from '../zfs/model.js';
import {createBackupCommands} from './backup-commands.js';
import {haHostCommand, haNote, haSid} from './ha.js';

/** Seed default: snapshots older than this many days are pruned. */
export const PRUNE_DAYS = 7;

export interface Commands {
	/** A key asked for `action` on the marked guests, else the selected one. */
	request(action: ActionId): void;
	/** Why the key cannot run now (footer/help show it dimmed), or undefined. */
	disabledReason(action: ActionId): string | undefined;
	/** Roll one guest back to a named snapshot (its pre-upgrade one): straight to the confirm (Cancel focused). */
	rollbackTo(vmid: number, snapname: string, why: string): void;
	/** Start these guests (the problems pane's fix): always behind a confirm, one or many. */
	startGuests(vmids: number[], why: string): void;
	/** p on a backup storage: what its retention would remove, then (confirmed) prune it. */
	pruneBackups(storage: string, node: string): void;
	dialog: DialogCommands;
}

export interface DialogCommands {
	/** Printable text typed into the focused field. */
	type(text: string): void;
	backspace(): void;
	/** tab / → / ← : next field or button. */
	focusNext(): void;
	focusPrev(): void;
	/** ↑/↓ in the snapshot picker. */
	move(delta: number): void;
	/** space in the picker: start after rollback. */
	toggle(): void;
	/** enter: the focused button, the prompt's submit, the picker's rollback. */
	activate(): void;
	/** d in the picker: delete the snapshot under the cursor (asks first). */
	deleteSnapshot(): void;
	cancel(): void;
}

export interface CommandsOptions {
	store: StoreApi<AppState>;
	dispatcher: ActionDispatcher;
	clock?: () => number;
	/** Runs of dispatched requests (tests await them). */
	onDispatch?: (run: Promise<DispatchOutcome[]>) => void;
}

export function createCommands(options: CommandsOptions): Commands {
	const {store, dispatcher} = options;
	const clock = options.clock ?? Date.now;
	const actions = () => store.getState().actions;
	const info = (text: string) => actions().showNotice({text, tone: 'info', at: clock()});
	const failed = (text: string) => actions().showNotice({text: `✗ ${text}`, tone: 'error', at: clock()});

	const targets = () => actionTargets(store.getState());
	/** Container unless the fleet says VM (a guest that left the fleet is refused by the dispatcher anyway). */
	const kindOf = (vmid: number): GuestKind => store.getState().guests.get(vmid)?.kind ?? 'lxc';
	/** "3 containers", "2 VMs", "4 guests" (mixed). */
	const howMany = (vmids: number[]): string => {
		const kinds = [...new Set(vmids.map(kindOf))];
		return `${vmids.length} ${kinds.length === 1 ? `${guestNoun(kinds[0]!)}s` : 'guests'}`;
	};
	const commandsFor = (action: ActionId, vmid: number, params: Record<string, unknown>) => {
		// An HA-managed guest's start/stop runs as ha-manager on the host (Proxmox routes the status call through HA).
		const sid = haSid(store.getState().guests.get(vmid));
		const ha = sid ? haHostCommand(action, sid, params) : undefined;
		return ha ? [ha] : hostCommands(action, kindOf(vmid), vmid, params);
	};

	function run(request: ActionRequest, confirmed: boolean): void {
		const promise = dispatcher.dispatch(request, {confirmed});
		options.onDispatch?.(promise);
		promise.catch((error) => failed(`${request.action}: ${errorLine(error)}`));
	}

	function confirm(request: ActionRequest, extra: {bulkNote?: string; title?: string; lines?: string[]; warning?: string; typeToConfirm?: string} = {}): void {
		const spec = ACTIONS[request.action];
		const names = request.targets.map((vmid) => dispatcher.label(vmid));
		const ha = haNote(request.action, request.targets.map((vmid) => store.getState().guests.get(vmid)));
		const warning = [extra.warning ?? (request.action === 'rollback' ? rollbackStopNote(request) : ''), ha ?? ''].filter(Boolean).join(' ');
		const dialog: ConfirmDialog = {
			kind: 'confirm',
			title: extra.title ?? `${spec.verb} ${request.targets.length === 1 ? names[0] : howMany(request.targets)}?`,
			targets: extra.lines ?? names,
			bulkNote: extra.bulkNote,
			effect: effectFor(request.action, request.targets.map(kindOf)),
			...(warning ? {warning} : {}),
			commands: request.targets.flatMap((vmid) => commandsFor(request.action, vmid, paramsOf(request, vmid))),
			request,
			focus: 'cancel',
			// Rolling back several guests at once: type how many; a restore over a guest: its VMID.
			typeToConfirm: extra.typeToConfirm ?? (request.action === 'rollback' && request.targets.length > 1 ? String(request.targets.length) : undefined),
			typed: '',
		};
		actions().openDialog(dialog);
	}

	/**
	 * Proxmox stops a running guest for a rollback and leaves it stopped
	 * unless asked to start it after: say so, so a rollback during an incident
	 * does not surprise anyone with a second outage.
	 */
	function rollbackStopNote(request: ActionRequest): string {
		const running = request.targets.filter((vmid) => store.getState().guests.get(vmid)?.status === 'running');
		if (running.length === 0) return '';
		const who = running.length === 1 ? `${dispatcher.label(running[0]!)} is running` : `${running.length} of them are running`;
		const them = running.length === 1 ? 'it' : 'them';
		if (request.params.start === 1) return `${who}: the rollback stops ${them} and starts ${them} again after.`;
		return `${who}: the rollback stops ${them} and ${running.length === 1 ? 'it stays' : 'they stay'} stopped (space in the snapshot picker: start after).`;
	}

	function paramsOf(request: ActionRequest, vmid: number): Record<string, unknown> {
		const names = request.params.snapnames as Record<number, string> | undefined;
		return names?.[vmid] !== undefined ? {...request.params, snapname: names[vmid]} : request.params;
	}

	const backups = createBackupCommands({store, dispatcher, clock, info, failed, confirm, howMany});

	/** The snapshot tree of one guest; on ZFS (a container's subvol, a VM's disk on a zfspool) only the newest can be rolled back to. */
	async function pickerEntries(vmid: number): Promise<{zfs: boolean; entries: PickerEntry[]}> {
		const {snapshots, rootfs, zfsDisk} = await dispatcher.loadSnapshots(vmid);
		const zfs = isZfsRootfs(rootfs) || zfsDisk !== undefined;
		return {zfs, entries: buildPickerEntries(snapshots, {zfs, rootfsVolume: zfsDisk ?? rootfs?.split(',')[0]})};
	}

	async function openPicker(vmid: number, browseOnly?: string): Promise<void> {
		const base: SnapshotPickerDialog = {kind: 'picker', vmid, label: dispatcher.label(vmid), loading: true, entries: [], cursor: 0, startAfter: false, zfs: false, ...(browseOnly ? {browseOnly} : {})};
		actions().openDialog(base);
		try {
			const {zfs, entries} = await pickerEntries(vmid);
			const newest = Math.max(0, entries.findIndex((e) => e.newest));
			actions().updateDialog({...base, loading: false, entries, zfs, cursor: newest});
		} catch (error) {
			actions().updateDialog({...base, loading: false, error: errorLine(error)});
		}
	}

	async function rollbackTo(vmid: number, snapname: string, why: string): Promise<void> {
		const reason = dispatcher.disabledReason('rollback', [vmid]);
		if (reason) return info(`rollback is disabled (${reason})`);
		const {entries} = await pickerEntries(vmid);
		const entry = entries.find((e) => e.snapshot.name === snapname);
		if (!entry) return failed(`rollback: ${dispatcher.label(vmid)} has no snapshot '${sanitize(snapname)}' any more`);
		// ZFS rolls back only to the newest snapshot: say why here, as the picker would.
		if (entry.rollbackBlocked) return failed(`rollback to '${sanitize(snapname)}': ${entry.rollbackBlocked}`);
		confirm({action: 'rollback', targets: [vmid], params: {snapname}}, {title: `roll back ${dispatcher.label(vmid)} to '${sanitize(snapname)}' (${why})?`});
	}

	function startGuests(vmids: number[], why: string): void {
		const present = vmids.filter((vmid) => store.getState().guests.has(vmid));
		if (present.length === 0) return info('start: none of those guests is in the fleet any more');
		const reason = dispatcher.disabledReason('start', present);
		if (reason) return info(`start is disabled (${reason})`);
		const names = present.map((vmid) => dispatcher.label(vmid));
		confirm({action: 'start', targets: present, params: {}}, {title: `start ${present.length === 1 ? names[0] : `${present.length} guests`} — ${why}?`});
	}

	async function bulkRollback(vmids: number[], bulkNote: string | undefined): Promise<void> {
		const snapnames: Record<number, string> = {};
		const lines: string[] = [];
		for (const vmid of vmids) {
			const {snapshots} = await dispatcher.loadSnapshots(vmid);
			const newest = newestSnapshot(snapshots);
			if (!newest) return failed(`rollback: ${dispatcher.label(vmid)} has no snapshot`);
			snapnames[vmid] = newest;
			lines.push(`${dispatcher.label(vmid)} → ${sanitize(newest)} (its newest snapshot)`);
		}
		confirm({action: 'rollback', targets: vmids, params: {snapnames}}, {bulkNote, lines});
	}

	async function preparePrune(vmids: number[], bulkNote: string | undefined): Promise<void> {
		const snapshots: Record<number, string[]> = {};
		const lines: string[] = [];
		for (const vmid of vmids) {
			const old = olderThan((await dispatcher.loadSnapshots(vmid)).snapshots, PRUNE_DAYS, clock()).sort((a, b) => (a.snaptime ?? 0) - (b.snaptime ?? 0));
			if (old.length === 0) continue;
			snapshots[vmid] = old.map((s) => s.name);
			for (const s of old) lines.push(`${dispatcher.label(vmid)}: ${sanitize(s.name)} (${new Date((s.snaptime ?? 0) * 1000).toISOString().slice(0, 16).replace('T', ' ')})`);
		}
		const withOld = Object.keys(snapshots).map(Number);
		if (withOld.length === 0) return info(`prune: no snapshot older than ${PRUNE_DAYS} days`);
		confirm({action: 'prune', targets: withOld, params: {days: PRUNE_DAYS, snapshots}}, {bulkNote, lines, title: `prune ${lines.length} snapshot${lines.length === 1 ? '' : 's'} older than ${PRUNE_DAYS} days?`});
	}

	function request(action: ActionId): void {
		const {vmids, bulkNote} = targets();
		if (vmids.length === 0) return info(`${ACTIONS[action].verb}: no guest selected`);
		const reason = dispatcher.disabledReason(action, vmids);
		const guard = (p: Promise<void>) => void p.catch((error) => failed(`${ACTIONS[action].verb}: ${errorLine(error)}`));
		// "What snapshots does X have" is an incident question in read-only mode too: b still lists them
		// (not from an offline node: reading them would only fail).
		if (reason && action === 'rollback' && vmids.length === 1 && !offlineNodeReason(store.getState(), vmids)) return guard(openPicker(vmids[0]!, reason));
		if (reason) return info(`${ACTIONS[action].verb} is disabled (${reason})`);
		switch (action) {
			case 'snapshot': {
				// RAM can be saved only from a running VM (Proxmox ignores vmstate otherwise): offered when every target is one.
				const guests = store.getState().guests;
				const ramPossible = vmids.every((vmid) => guests.get(vmid)?.kind === 'qemu' && guests.get(vmid)?.status === 'running');
				const prompt: SnapshotPromptDialog = {
					kind: 'snapshot',
					targets: vmids,
					targetLabel: vmids.length === 1 ? dispatcher.label(vmids[0]!) : howMany(vmids),
					bulkNote,
					name: defaultSnapshotName(new Date(clock())),
					description: '',
					field: 'name',
					guestKind: kindOf(vmids[0]!),
					...(ramPossible ? {vmstate: false} : {}),
					warning: snapshotPoolWarning(store.getState(), vmids),
				};
				return actions().openDialog(prompt);
			}
			case 'start': {
				// Harmless for one container (started at once, its pct equivalent said); many at once ask first.
				const startRequest: ActionRequest = {action, targets: vmids, params: {}};
				// An HA resource in error or fence will not start from a request alone: ask, and say why.
				const stuck = vmids.some((vmid) => ['error', 'fence'].includes(store.getState().guests.get(vmid)?.hastate ?? ''));
				if (vmids.length > 1 || stuck) return confirm(startRequest, {bulkNote});
				const viaHa = haSid(store.getState().guests.get(vmids[0]!)) ? ' (through HA)' : '';
				info(`starting ${dispatcher.label(vmids[0]!)}${viaHa} · $ ${commandsFor('start', vmids[0]!, {}).join(' && ')}`);
				return run(startRequest, false);
			}
			case 'rollback':
				return vmids.length === 1 ? guard(openPicker(vmids[0]!)) : guard(bulkRollback(vmids, bulkNote));
			case 'prune':
				return guard(preparePrune(vmids, bulkNote));
			case 'delsnapshot':
				// Deleting needs a snapshot: it is done from the picker.
				return guard(openPicker(vmids[0]!));
			case 'backup':
				return backups.openBackupForm(vmids, bulkNote);
			case 'restore':
				// A restore is of one guest: the selected one, not the marks.
				if (vmids.length > 1) return info('restore: one guest at a time (ctrl+x clears the marks)');
				return backups.openBackupList(vmids[0]!);
			default:
				return confirm({action, targets: vmids, params: {}}, {bulkNote});
		}
	}

	const current = (): Dialog | undefined => store.getState().dialog;

	const dialog: DialogCommands = {
		type(text) {
			const d = current();
			if (d && backups.type(d, text)) return;
			if (d?.kind === 'snapshot') {
				// On the include-RAM box a space ticks or unticks it; other text has nowhere to go.
				if (d.field === 'vmstate') {
					if (text === ' ') actions().updateDialog({...d, vmstate: !d.vmstate});
					return;
				}
				const next = d.field === 'name' ? {...d, name: d.name + text} : {...d, description: d.description + text};
				actions().updateDialog({...next, error: undefined});
			} else if (d?.kind === 'confirm' && d.typeToConfirm !== undefined) {
				actions().updateDialog({...d, typed: d.typed + text});
			}
		},
		backspace() {
			const d = current();
			if (d && backups.backspace(d)) return;
			const drop = (s: string) => [...s].slice(0, -1).join('');
			if (d?.kind === 'snapshot') {
				if (d.field === 'name') actions().updateDialog({...d, name: drop(d.name), error: undefined});
				else if (d.field === 'description') actions().updateDialog({...d, description: drop(d.description)});
			}
			else if (d?.kind === 'confirm') actions().updateDialog({...d, typed: drop(d.typed)});
		},
		focusNext() {
			const d = current();
			if (d && backups.focus(d, 1)) return;
			if (d?.kind === 'confirm') actions().updateDialog({...d, focus: d.focus === 'cancel' ? 'ok' : 'cancel'});
			else if (d?.kind === 'snapshot') actions().updateDialog({...d, field: snapshotFields(d)[(snapshotFields(d).indexOf(d.field) + 1) % snapshotFields(d).length]!});
		},
		focusPrev() {
			const d = current();
			if (d && backups.focus(d, -1)) return;
			if (d?.kind === 'snapshot') {
				const fields = snapshotFields(d);
				return actions().updateDialog({...d, field: fields[(fields.indexOf(d.field) + fields.length - 1) % fields.length]!});
			}
			dialog.focusNext();
		},
		move(delta) {
			const d = current();
			if (d && backups.move(d, delta)) return;
			if (d?.kind === 'picker' && d.entries.length > 0) actions().updateDialog({...d, cursor: Math.max(0, Math.min(d.entries.length - 1, d.cursor + delta))});
		},
		toggle() {
			const d = current();
			if (d?.kind === 'picker') actions().updateDialog({...d, startAfter: !d.startAfter});
		},
		activate() {
			const d = current();
			if (!d || backups.activate(d)) return;
			if (d.kind === 'confirm') {
				if (d.focus === 'cancel') return actions().closeDialog();
				if (d.typeToConfirm !== undefined && d.typed.trim() !== d.typeToConfirm) return;
				actions().closeDialog();
				return run(d.request, true);
			}
			if (d.kind === 'snapshot') {
				const name = d.name.trim();
				const error = snapshotNameError(name);
				if (error) return actions().updateDialog({...d, error});
				actions().closeDialog();
				const params: Record<string, unknown> = {snapname: name};
				if (d.description.trim() !== '') params.description = d.description.trim();
				if (d.vmstate) params.vmstate = 1;
				return run({action: 'snapshot', targets: d.targets, params}, false);
			}
			if (d.kind !== 'picker') return;
			const entry = d.entries[d.cursor];
			if (!entry) return;
			if (d.browseOnly) return actions().updateDialog({...d, error: `rollback is disabled (${d.browseOnly})`});
			if (entry.rollbackBlocked) return actions().updateDialog({...d, error: entry.rollbackBlocked});
			const params: Record<string, unknown> = {snapname: entry.snapshot.name};
			if (d.startAfter) params.start = 1;
			// A VM snapshot with RAM: Proxmox resumes the VM from it after the rollback, whatever `start` says.
			const ram = kindOf(d.vmid) === 'qemu' && entry.snapshot.vmstate === 1;
			const warning = ram ? `the snapshot includes RAM: ${d.label} runs again from that moment after the rollback.` : undefined;
			confirm({action: 'rollback', targets: [d.vmid], params}, {title: `roll back ${d.label} to '${sanitize(entry.snapshot.name)}'?`, ...(warning ? {warning} : {})});
		},
		deleteSnapshot() {
			const d = current();
			if (d?.kind !== 'picker') return;
			const entry = d.entries[d.cursor];
			if (!entry) return;
			const reason = dispatcher.disabledReason('delsnapshot', [d.vmid]);
			if (reason) return actions().updateDialog({...d, error: `delete is disabled (${reason})`});
			confirm({action: 'delsnapshot', targets: [d.vmid], params: {snapname: entry.snapshot.name}}, {title: `delete snapshot '${sanitize(entry.snapshot.name)}' of ${d.label}?`});
		},
		cancel() {
			actions().closeDialog();
		},
	};

	return {
		request,
		disabledReason: (action) => dispatcher.disabledReason(action, targets().vmids),
		rollbackTo: (vmid, snapname, why) => void rollbackTo(vmid, snapname, why).catch((error) => failed(`rollback: ${errorLine(error)}`)),
		startGuests,
		pruneBackups: (storage, node) => void backups.previewPrune(storage, node),
		dialog,
	};
}

/** The prompt's fields in tab order: the include-RAM box only when offered. */
function snapshotFields(d: SnapshotPromptDialog): Array<SnapshotPromptDialog['field']> {
	return d.vmstate === undefined ? ['name', 'description'] : ['name', 'description', 'vmstate'];
}

/** What an action key acts on: the marked guests (with a note on how many), else the selected one. */
export function actionTargets(state: AppState): {vmids: number[]; bulkNote?: string} {
	const marked = [...state.marks].filter((vmid) => state.guests.has(vmid)).sort((a, b) => a - b);
	if (marked.length > 0) {
		const visible = new Set(selectVisibleRows(state).map((r) => r.vmid));
		const hidden = marked.filter((vmid) => !visible.has(vmid)).length;
		return {vmids: marked, bulkNote: `${marked.length} marked${hidden > 0 ? ` (${hidden} hidden by the filter)` : ''}`};
	}
	return {vmids: state.ui.selectedVmid === undefined ? [] : [state.ui.selectedVmid]};
}

/**
 * A snapshot on a nearly full pool can fill it (every later write then costs
 * twice); say so before the snapshot is taken. Known once the ZFS screen has
 * read the datasets; without that data nothing is claimed either way.
 */
export function snapshotPoolWarning(state: AppState, vmids: number[]): string | undefined {
	const hot = vmids.flatMap((vmid) => poolUsageForGuest(state.zfs, vmid).filter((usage) => usage.warn).map((usage) => ({vmid, usage})));
	if (hot.length === 0) return undefined;
	const pools = [...new Map(hot.map(({usage}) => [`${usage.node}/${usage.pool}`, usage])).values()];
	const described = pools.map((u) => `${u.node}/${u.pool} ${wholePercent(u.fraction * 100)} %${u.health === 'ONLINE' ? '' : ` ${u.health}`}`).join(', ');
	return `warning: pool ${described} — a snapshot keeps old blocks and can fill it`;
}
