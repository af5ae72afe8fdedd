// The store slice for actions: marks, the open dialog, tracked tasks, the
// one-line notice, the audit entries shown in the audit pane and the token's
// privileges. Services write it (source/services/actions, tasks, audit);
// views only read it and route keys to the command interface.

import type {SnapshotEntry} from '../api/types.js';
import type {BackupEntry} from '../services/backups/model.js';
import type {GuestKind} from './types.js';

/** Every mutating action proxdeck can run; the dispatcher is the only way to run one. */
export type ActionId = 'snapshot' | 'reboot' | 'start' | 'shutdown' | 'stop' | 'rollback' | 'delsnapshot' | 'prune' | 'backup' | 'restore' | 'prunebackups';

export interface ActionRequest {
	action: ActionId;
	targets: number[];
	/** snapname, description, start (rollback), days (prune), snapshots per vmid (prune). */
	params: Record<string, unknown>;
}

/** A dialog is data: the view draws it, keys edit it through store actions. */
export type Dialog = ConfirmDialog | SnapshotPromptDialog | SnapshotPickerDialog | BackupFormDialog | BackupListDialog | RestoreFormDialog;

export type BackupMode = 'snapshot' | 'suspend' | 'stop';

/** Back up now (d): where, how, notes, protected; Enter goes on to the confirm. */
export interface BackupFormDialog {
	kind: 'backup';
	targets: number[];
	targetLabel: string;
	bulkNote?: string;
	/** Backup storages every target's node sees (a storage picker shows only these). */
	storages: string[];
	/** Index into `storages`. */
	storage: number;
	mode: BackupMode;
	notes: string;
	protected: boolean;
	field: 'storage' | 'mode' | 'notes' | 'protected';
	error?: string;
}

/** One guest's backups, newest first (e): Enter restores from the one under the cursor. */
export interface BackupListDialog {
	kind: 'backups';
	vmid: number;
	label: string;
	entries: BackupEntry[];
	cursor: number;
	error?: string;
}

/** Restore one archive: over the guest or to a new VMID, onto a storage; Enter goes on to the confirm. */
export interface RestoreFormDialog {
	kind: 'restore';
	vmid: number;
	label: string;
	node: string;
	entry: BackupEntry;
	target: 'over' | 'new';
	/** The next free VMID (/cluster/nextid), once read. */
	newVmid?: number;
	/** Storages on the node that hold the archive's kind of volumes (container rootdir, VM images); the first is where the guest's rootfs or first disk is now. */
	storages: string[];
	storage: number;
	field: 'target' | 'storage';
	loading: boolean;
	error?: string;
}

export interface ConfirmDialog {
	kind: 'confirm';
	title: string;
	/** Who is affected, one line per target (bounded by the view). */
	targets: string[];
	/** "N marked (M hidden by the filter)" for bulk actions. */
	bulkNote?: string;
	effect: string;
	/** A consequence easy to miss, drawn in warning colour (a running container a rollback will stop). */
	warning?: string;
	/** The equivalent `pct …` / `qm …` commands. */
	commands: string[];
	request: ActionRequest;
	focus: 'cancel' | 'ok';
	/** When set, OK works only after this number is typed. */
	typeToConfirm?: string;
	typed: string;
}

export interface SnapshotPromptDialog {
	kind: 'snapshot';
	targets: number[];
	targetLabel: string;
	bulkNote?: string;
	name: string;
	description: string;
	/** `vmstate` exists only when RAM can be included (every target a running VM). */
	field: 'name' | 'description' | 'vmstate';
	/** Kind of the first target: the command the prompt shows (`pct` or `qm`). */
	guestKind: GuestKind;
	/** Include RAM (vmstate): undefined when not offered. */
	vmstate?: boolean;
	error?: string;
	warning?: string;
}

export interface SnapshotPickerDialog {
	kind: 'picker';
	vmid: number;
	label: string;
	loading: boolean;
	error?: string;
	/** The tree in display order (depth-first from the roots), without `current`. */
	entries: PickerEntry[];
	cursor: number;
	startAfter: boolean;
	/** ZFS-backed: only the newest snapshot can be rolled back to. */
	zfs: boolean;
	/** Set when rollback and delete are off (read-only, a missing privilege): the list can still be read. */
	browseOnly?: string;
}

export interface PickerEntry {
	snapshot: SnapshotEntry;
	depth: number;
	newest: boolean;
	/** Why it cannot be rolled back to (ZFS non-latest), if so. */
	rollbackBlocked?: string;
}

export type TaskState = 'running' | 'ok' | 'failed';

export interface TrackedTask {
	upid: string;
	node: string;
	type: string;
	/** vmid as text ("" for node tasks). */
	id: string;
	user: string;
	/** Epoch ms. */
	startedAt: number;
	endedAt?: number;
	state: TaskState;
	exitstatus?: string;
	/** Last lines of the task log (bounded). */
	logTail: string[];
	/** Started by this proxdeck session (polled closely), else seen in /cluster/tasks. */
	ours: boolean;
	/** Human label of the target, e.g. "plex (100)". */
	label?: string;
}

export interface Notice {
	text: string;
	tone: 'ok' | 'error' | 'info';
	at: number;
	/** The deck pane (leaf id) it belongs to and is shown under; set to the focused one when absent. */
	pane?: string;
}

export interface AuditView {
	id: string;
	time: string;
	action: string;
	targets: number[];
	identity: string;
	upid?: string;
	/** undefined while running (or after a crash: "unknown outcome"). */
	result?: string;
	durationMs?: number;
	ended: boolean;
}

/** GET /access/permissions: path → privilege → propagate flag. */
export type PermissionTree = Record<string, Record<string, 0 | 1>>;

export type Pane = 'none' | 'tasks' | 'audit';

export interface OpsState {
	marks: ReadonlySet<number>;
	dialog?: Dialog;
	tasks: TrackedTask[];
	notice?: Notice;
	audit: AuditView[];
	permissions?: PermissionTree;
	pane: Pane;
	/** Index of the focused task in the tasks pane. */
	taskCursor: number;
}

export interface OpsActions {
	toggleMark(vmid: number): void;
	markAll(vmids: number[]): void;
	clearMarks(): void;
	openDialog(dialog: Dialog): void;
	/** Replaces the open dialog (same kind) — a no-op when none is open. */
	updateDialog(dialog: Dialog): void;
	closeDialog(): void;
	taskUpdated(task: TrackedTask): void;
	clusterTasksReceived(tasks: TrackedTask[]): void;
	showNotice(notice: Notice): void;
	auditChanged(entries: AuditView[]): void;
	permissionsReceived(tree: PermissionTree): void;
	setPane(pane: Pane): void;
	moveTaskCursor(delta: number): void;
}
