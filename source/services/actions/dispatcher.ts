// The one action dispatcher. Every mutating action goes through dispatch(),
// which enforces, in this order: read-only (nothing is sent), privileges
// (from /access/permissions), confirmation (a dangerous action never runs
// without a confirmed dialog); then per guest: audit begin, the API call,
// task tracking, audit end, and a one-line notice.
// Views never call it directly: they get the Commands interface (commands.ts).

import type {StoreApi} from 'zustand/vanilla';
import type {LxcConfig, SnapshotEntry} from '../../api/types.js';
import type {ActionId, ActionRequest} from '../../store/ops-types.js';
import {guestLabel, offlineNodeReason} from '../../store/selectors.js';
import type {AppState, GuestKind, GuestRow} from '../../store/types.js';
import type {AuditLog} from '../audit.js';
import {errorLine} from '../error-line.js';
import type {ApiRequester} from '../fleet-source.js';
import {guestPath} from '../guest-path.js';
import {hasAnyPrivilege} from '../permissions.js';
import type {TaskTracker} from '../tasks/task-tracker.js';
import {pruneDryRun, readNextId} from '../backups/reader.js';
import {sanitize} from '../../util/sanitize.js';
import type {PruneEntry} from '../backups/model.js';
import {ACTIONS, apiCallFor, restoreEndpoint, restoreParams, vzdumpParams, type PerGuestAction} from './catalog.js';

export interface DispatcherOptions {
	api: ApiRequester;
	store: StoreApi<AppState>;
	audit: AuditLog;
	tracker: TaskTracker;
	/** Token id or user name ("root@pam!proxdeck"); never a secret. */
	identity: string;
	/** Host label for the audit log ("pve.example:8006"). */
	host: string;
	clock?: () => number;
	/** Called after a task ends (e.g. a fleet refresh so the new state shows at once). */
	onChanged?: () => void;
}

export interface DispatchOutcome {
	vmid: number;
	ok: boolean;
	upid?: string;
	/** "OK", the task's exit status, or the refusal/HTTP error line. */
	result: string;
	/** True when nothing was sent (read-only, privilege, not confirmed). */
	refused?: boolean;
}

export interface ActionDispatcher {
	dispatch(request: ActionRequest, options?: {confirmed?: boolean}): Promise<DispatchOutcome[]>;
	/** Why `action` cannot run on these guests now, or undefined. */
	disabledReason(action: ActionId, targets: number[]): string | undefined;
	/**
	 * Snapshot list of one guest, read through the API, with its rootfs (containers) and,
	 * for a VM, the first of its disks on a ZFS storage (where only the newest snapshot can be rolled back to).
	 */
	loadSnapshots(vmid: number): Promise<SnapshotsOfGuest>;
	label(vmid: number): string;
	/** The next free VMID (GET /cluster/nextid): a restore to a new guest. */
	nextId(): Promise<number>;
	/** Storages on `node` that hold a container's volumes (`rootdir`) or a VM's disks (`images`): a restore's target storage. */
	restoreStorages(node: string, kind: GuestKind): Promise<string[]>;
	/** What `storage`'s retention would remove (GET …/prunebackups: nothing is deleted). */
	pruneDryRun(node: string, storage: string, vmid?: number): Promise<PruneEntry[]>;
}

export interface SnapshotsOfGuest {
	snapshots: SnapshotEntry[];
	rootfs?: string;
	/** VMs: the volume id of the first disk on a ZFS storage, if any. */
	zfsDisk?: string;
	/** VMs: the volume ids of its disks, in config order. */
	disks?: string[];
}

const READ_ONLY_REASON = 'read-only';

export const NO_QUORUM_REASON = 'the cluster has no quorum: /etc/pve is read-only';

/**
 * Actions whose end changes a guest's status: its status/current is read when
 * the task ends, as /cluster/resources shows the change only after the node's
 * next pvestatd broadcast (store/after-action.ts).
 */
const CHANGES_STATUS: ReadonlySet<PerGuestAction> = new Set(['start', 'stop', 'shutdown', 'reboot', 'rollback']);

/** A guest whose status/current to read after its task. */
interface ReadBack {
	node: string;
	kind: GuestKind;
	vmid: number;
}

/** VM disk keys (qemu-server's drive keys plus the EFI and TPM state disks); CD-ROMs carry no snapshots. */
const VM_DISK_KEY = /^(ide|sata|scsi|virtio)\d+$|^efidisk0$|^tpmstate0$/;

/** The volume ids of a VM's disks, in config order, CD-ROMs and passed-through devices left out. */
export function vmDiskVolumes(config: Record<string, unknown>): string[] {
	return Object.entries(config)
		.filter(([key, value]) => VM_DISK_KEY.test(key) && typeof value === 'string' && !/(^|,)media=cdrom(,|$)/.test(value))
		.map(([, value]) => String(value).split(',')[0] ?? '')
		.filter((volid) => /^[^/:]+:/.test(volid));
}

function formatSeconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)}s`;
}

export function createDispatcher(options: DispatcherOptions): ActionDispatcher {
	const {api, store, audit, tracker} = options;
	const clock = options.clock ?? Date.now;

	function guest(vmid: number): GuestRow | undefined {
		return store.getState().guests.get(vmid);
	}

	function label(vmid: number): string {
		return guestLabel(store.getState().guests, vmid) ?? `guest ${vmid}`;
	}

	function disabledReason(action: ActionId, targets: number[]): string | undefined {
		const state = store.getState();
		if (state.badges.readOnly) return READ_ONLY_REASON;
		const offline = offlineNodeReason(state, targets);
		if (offline) return offline;
		// Without quorum pmxcfs is read-only: Proxmox refuses every change ("cluster not ready - no quorum?").
		if (state.quorate === false) return NO_QUORUM_REASON;
		const spec = ACTIONS[action];
		const tree = state.permissions;
		// Privileges unknown (not read yet, or the read failed): the host's own check still guards.
		if (!tree) return undefined;
		const paths = targets.length > 0 ? targets.map((vmid) => `/vms/${vmid}`) : ['/vms'];
		const missing = paths.find((path) => !hasAnyPrivilege(tree, path, spec.privileges));
		if (missing) return `needs ${spec.privileges.join(' or ')} on ${missing}`;
		return undefined;
	}

	/** Per-guest parameters: bulk rollback carries one snapshot name per guest. */
	function paramsFor(request: ActionRequest, vmid: number): Record<string, unknown> {
		const names = request.params.snapnames as Record<number, string> | undefined;
		return names?.[vmid] !== undefined ? {...request.params, snapname: names[vmid]} : request.params;
	}

	function notify(ok: boolean, text: string): void {
		store.getState().actions.showNotice({text: `${ok ? '✓' : '✗'} ${text}`, tone: ok ? 'ok' : 'error', at: clock()});
	}

	/** One API call that starts one task, audited around it. */
	async function runCall(action: PerGuestAction, vmid: number, params: Record<string, unknown>, auditAction: string): Promise<DispatchOutcome> {
		const row = guest(vmid);
		const what = `${ACTIONS[action].verb} ${label(vmid)}${params.snapname && action !== 'snapshot' ? ` '${String(params.snapname)}'` : ''}`;
		if (!row) {
			notify(false, `${what} failed: guest not in the fleet`);
			return {vmid, ok: false, result: 'guest not in the fleet', refused: true};
		}
		const call = apiCallFor(action, params);
		// A rollback with `start` ends before the start it queues (a task of its own): one read then would hold a passing `stopped`.
		const settles = CHANGES_STATUS.has(action) && !(action === 'rollback' && params.start);
		const readBack = settles ? {node: row.node, kind: row.kind, vmid} : undefined;
		const {ok, upid, result} = await auditedTask({action: auditAction, targets: [vmid], params, what, trackLabel: label(vmid), readBack}, () =>
			api.request<string>(call.method, `${guestPath(row.node, row.kind, vmid)}${call.path}`, call.params),
		);
		return {vmid, ok, upid, result};
	}

	/**
	 * What every action's call shares: audit begin, the request that forks a task,
	 * the task followed to its end, audit end, the guest read on its node (readBack),
	 * a one-line notice, a refresh.
	 */
	async function auditedTask(
		entry: {action: string; targets: number[]; params: Record<string, unknown>; what: string; trackLabel: string; okText?: string; readBack?: ReadBack},
		send: () => Promise<string>,
	): Promise<{ok: boolean; upid?: string; result: string}> {
		const auditId = audit.begin({host: options.host, cluster: store.getState().clusterName, identity: options.identity, action: entry.action, targets: entry.targets, params: entry.params});
		refreshAudit();
		const began = clock();
		let upid: string | undefined;
		let result: string;
		let ok = false;
		try {
			upid = await send();
			const task = await tracker.track(upid, entry.trackLabel);
			ok = task.state === 'ok';
			result = task.state === 'running' ? 'still running (no longer followed)' : ok ? 'OK' : task.exitstatus ?? 'failed';
		} catch (error) {
			result = errorLine(error);
		}
		const durationMs = clock() - began;
		audit.end(auditId, {upid, result, durationMs});
		refreshAudit();
		// Before the notice: "✓ start OK" must not sit next to the stale `stopped` of the last broadcast.
		if (ok && entry.readBack) await readAfterAction(entry.readBack);
		notify(ok, ok ? `${entry.okText ?? entry.what} OK in ${formatSeconds(durationMs)}` : `${entry.what} failed: ${result}`);
		options.onChanged?.();
		return {ok, upid, result};
	}

	/** The guest's status/current, read on its node now, to the store; a failed read leaves the fleet poll to catch up. */
	async function readAfterAction({node, kind, vmid}: ReadBack): Promise<void> {
		const current = await api.request<{status?: unknown; name?: unknown}>('GET', `${guestPath(node, kind, vmid)}/status/current`).catch(() => undefined);
		if (typeof current?.status !== 'string') return;
		const name = typeof current.name === 'string' && current.name !== '' ? sanitize(current.name) : undefined;
		store.getState().actions.guestReadAfterAction(vmid, {status: sanitize(current.status), ...(name !== undefined ? {name} : {})}, clock());
	}

	function refreshAudit(): void {
		store.getState().actions.auditChanged(audit.recent());
	}

	/** Prune: the listed snapshots of one guest, oldest first, one after the other (each locks the CT). */
	async function prune(vmid: number, params: Record<string, unknown>): Promise<DispatchOutcome[]> {
		const names = (params.snapshots as Record<number, string[]> | undefined)?.[vmid] ?? [];
		const outcomes: DispatchOutcome[] = [];
		for (const snapname of names) {
			const outcome = await runCall('delsnapshot', vmid, {snapname, days: params.days}, 'prune');
			outcomes.push(outcome);
			if (!outcome.ok) break;
		}
		return outcomes;
	}

	/**
	 * Back up: one vzdump task per node holding the targets (a node backs up only its own guests),
	 * each audited with its guests and tracked; every guest of a node shares its task's outcome.
	 */
	async function backup(request: ActionRequest): Promise<DispatchOutcome[]> {
		const storage = typeof request.params.storage === 'string' ? request.params.storage : '';
		if (storage === '') {
			notify(false, 'back up: no backup storage chosen');
			return request.targets.map((vmid) => ({vmid, ok: false, result: 'no backup storage chosen', refused: true}));
		}
		const byNode = new Map<string, number[]>();
		const missing: DispatchOutcome[] = [];
		for (const vmid of request.targets) {
			const row = guest(vmid);
			if (!row) missing.push({vmid, ok: false, result: 'guest not in the fleet', refused: true});
			else byNode.set(row.node, [...(byNode.get(row.node) ?? []), vmid]);
		}
		const perNode = [...byNode.entries()].map(async ([node, vmids]) => {
			const names = vmids.length === 1 ? label(vmids[0]!) : `${vmids.length} guests on ${node}`;
			const form = vzdumpParams(vmids, request.params);
			const {ok, upid, result} = await auditedTask({action: 'backup', targets: vmids, params: {node, ...form}, what: `back up ${names}`, trackLabel: `back up ${names}`, okText: `back up ${names} to ${storage}`}, () =>
				api.request<string>('POST', `/nodes/${encodeURIComponent(node)}/vzdump`, form),
			);
			return vmids.map((vmid): DispatchOutcome => ({vmid, ok, upid, result}));
		});
		return [...missing, ...(await Promise.all(perNode)).flat()];
	}

	/** Polls the guest until it reports stopped (an HA-managed stop ends its task before the guest is down). */
	async function waitStopped(node: string, kind: GuestKind, vmid: number, timeoutMs = 120_000): Promise<boolean> {
		const until = clock() + timeoutMs;
		for (;;) {
			const current = await api.request<{status?: string}>('GET', `${guestPath(node, kind, vmid)}/status/current`).catch(() => undefined);
			if (current?.status === 'stopped') return true;
			if (clock() > until) return false;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}

	/**
	 * Restore a backup: over the guest (stopped first, as Proxmox refuses to overwrite a
	 * running one) or to a new VMID (params.newVmid). A container's archive goes to
	 * POST …/lxc (pct restore), a VM's to POST …/qemu with `archive` (qmrestore); over
	 * the guest only an archive of its own kind. One audited, tracked task.
	 */
	async function restore(request: ActionRequest): Promise<DispatchOutcome[]> {
		const vmid = request.targets[0]!;
		const row = guest(vmid);
		const volid = typeof request.params.volid === 'string' ? request.params.volid : '';
		if (!row || volid === '' || request.targets.length !== 1) {
			const reason = !row ? 'guest not in the fleet' : volid === '' ? 'no backup chosen' : 'one guest at a time';
			notify(false, `restore: ${reason}`);
			return request.targets.map((v) => ({vmid: v, ok: false, result: reason, refused: true}));
		}
		const kind: GuestKind = request.params.kind === 'qemu' || request.params.kind === 'lxc' ? request.params.kind : row.kind;
		const form = restoreParams(vmid, kind, request.params);
		const over = form.force === 1;
		if (over && kind !== row.kind) {
			const reason = `a ${kind === 'qemu' ? 'VM' : 'container'} backup cannot replace a ${row.kind === 'qemu' ? 'VM' : 'container'}: restore it to a new VMID`;
			notify(false, `restore: ${reason}`);
			return [{vmid, ok: false, result: reason, refused: true}];
		}
		if (over && row.status === 'running') {
			const stopped = await runCall('stop', vmid, {}, 'restore-stop');
			if (!stopped.ok) return [stopped];
			if (!(await waitStopped(row.node, row.kind, vmid))) {
				notify(false, `restore ${label(vmid)} failed: still running after the stop`);
				return [{vmid, ok: false, result: 'still running after the stop'}];
			}
		}
		const what = over ? `restore ${label(vmid)}` : `restore ${label(vmid)} as ${String(form.vmid)}`;
		const readBack = {node: row.node, kind, vmid: Number(form.vmid)};
		const {ok, upid, result} = await auditedTask({action: 'restore', targets: [Number(form.vmid)], params: {node: row.node, from: vmid, ...form}, what, trackLabel: what, readBack}, () =>
			api.request<string>('POST', `/nodes/${encodeURIComponent(row.node)}/${restoreEndpoint(kind)}`, form),
		);
		return [{vmid, ok, upid, result}];
	}

	/** Prune backups: per guest, one prunebackups task on the node whose storage holds them. */
	async function pruneBackups(request: ActionRequest): Promise<DispatchOutcome[]> {
		const storage = typeof request.params.storage === 'string' ? request.params.storage : '';
		const retention = typeof request.params.retention === 'string' ? request.params.retention : undefined;
		return Promise.all(
			request.targets.map(async (vmid): Promise<DispatchOutcome> => {
				const row = guest(vmid);
				const node = typeof request.params.node === 'string' ? request.params.node : row?.node;
				if (!node || storage === '') return {vmid, ok: false, result: storage === '' ? 'no backup storage chosen' : 'guest not in the fleet', refused: true};
				const form: Record<string, unknown> = {vmid, ...(retention ? {'prune-backups': retention} : {})};
				const what = `prune backups of ${label(vmid)} on ${storage}`;
				const {ok, upid, result} = await auditedTask({action: 'prunebackups', targets: [vmid], params: {node, storage, ...form}, what, trackLabel: what}, () =>
					api.request<string>('DELETE', `/nodes/${encodeURIComponent(node)}/storage/${encodeURIComponent(storage)}/prunebackups`, form),
				);
				return {vmid, ok, upid, result};
			}),
		);
	}

	async function dispatch(request: ActionRequest, opts: {confirmed?: boolean} = {}): Promise<DispatchOutcome[]> {
		const spec = ACTIONS[request.action];
		const refuse = (reason: string): DispatchOutcome[] => {
			notify(false, `${spec.verb}: ${reason}`);
			return request.targets.map((vmid) => ({vmid, ok: false, result: reason, refused: true}));
		};
		if (request.targets.length === 0) return refuse('no guest selected');
		const reason = disabledReason(request.action, request.targets);
		if (reason) return refuse(reason === READ_ONLY_REASON ? 'refused: read-only mode, nothing was sent' : `refused: ${reason}`);
		if (spec.dangerous && !opts.confirmed) return refuse('refused: not confirmed');
		if (request.action === 'backup') return backup(request);
		if (request.action === 'restore') return restore(request);
		if (request.action === 'prunebackups') return pruneBackups(request);
		const runs = request.targets.map((vmid) =>
			request.action === 'prune' ? prune(vmid, request.params) : runCall(request.action as PerGuestAction, vmid, paramsFor(request, vmid), request.action).then((o) => [o]),
		);
		return (await Promise.all(runs)).flat();
	}

	async function loadSnapshots(vmid: number): Promise<SnapshotsOfGuest> {
		const row = guest(vmid);
		if (!row) throw new Error(`guest ${vmid} is not in the fleet`);
		const base = guestPath(row.node, row.kind, vmid);
		const [snapshots, config] = await Promise.all([
			api.request<SnapshotEntry[]>('GET', `${base}/snapshot`),
			api.request<LxcConfig>('GET', `${base}/config`).catch(() => undefined),
		]);
		const list = Array.isArray(snapshots) ? snapshots : [];
		if (row.kind !== 'qemu') return {snapshots: list, rootfs: config?.rootfs};
		const disks = config ? vmDiskVolumes(config) : [];
		return {snapshots: list, disks, zfsDisk: await firstZfsDisk(row.node, disks)};
	}

	/** A VM's volume names do not say their storage type (vm-N-disk-M is used on ZFS, LVM-thin, Ceph): ask the node. */
	async function firstZfsDisk(node: string, volumes: string[]): Promise<string | undefined> {
		if (volumes.length === 0) return undefined;
		const storages = await api.request<Array<{storage?: string; type?: string}>>('GET', `/nodes/${encodeURIComponent(node)}/storage`).catch(() => undefined);
		const zfs = new Set((Array.isArray(storages) ? storages : []).filter((s) => s.type === 'zfspool').map((s) => s.storage));
		return volumes.find((volid) => zfs.has(volid.split(':')[0]));
	}

	async function restoreStorages(node: string, kind: GuestKind): Promise<string[]> {
		const list = await api.request<Array<{storage?: string}>>('GET', `/nodes/${encodeURIComponent(node)}/storage`, {content: kind === 'qemu' ? 'images' : 'rootdir', enabled: 1});
		return (Array.isArray(list) ? list : []).map((s) => s.storage ?? '').filter(Boolean);
	}

	return {
		dispatch,
		disabledReason,
		loadSnapshots,
		label,
		nextId: () => readNextId(api),
		restoreStorages,
		pruneDryRun: (node, storage, vmid) => pruneDryRun(api, node, storage, vmid === undefined ? {} : {vmid}),
	};
}
