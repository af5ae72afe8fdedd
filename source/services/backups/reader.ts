// Typed reads of everything backup-related, through the same requester the
// fleet uses: the backup storages of every online node, their content, the
// cluster's backup jobs, the guests no job covers, a prune dry run and the
// next free VMID. A shared or PBS storage is read once, from one node.

import type {ApiRequester} from '../fleet-source.js';
import type {BackupEntry, BackupJob, BackupStorage, NotBackedUp, PruneEntry} from './model.js';
import {dedupeBackups} from './model.js';

const enc = encodeURIComponent;

interface StorageWire {
	storage: string;
	type: string;
	content?: string;
	shared?: number;
	active?: number;
	enabled?: number;
	total?: number;
	used?: number;
}

interface ContentWire {
	volid: string;
	vmid?: number | string;
	ctime?: number;
	size?: number;
	format?: string;
	subtype?: string;
	notes?: string;
	protected?: number | boolean;
	verification?: {state?: string};
}

/** One node's backup-capable storages (GET /nodes/{node}/storage), each as that node alone sees it. */
export async function readNodeBackupStorages(api: ApiRequester, node: string): Promise<BackupStorage[]> {
	const list = await api.request<StorageWire[]>('GET', `/nodes/${enc(node)}/storage`, {content: 'backup', enabled: 1});
	return (Array.isArray(list) ? list : []).map((s) => ({
		storage: s.storage,
		type: s.type,
		// A local storage of the same name on two nodes is two storages; a shared one is one.
		shared: s.shared === 1 || s.type === 'pbs',
		nodes: [node],
		...(s.total !== undefined ? {total: s.total} : {}),
		...(s.used !== undefined ? {used: s.used} : {}),
	}));
}

/** Per-node storage lists as one: a shared storage once, with every node that sees it. */
export function mergeBackupStorages(perNode: BackupStorage[][]): BackupStorage[] {
	const byId = new Map<string, BackupStorage>();
	for (const list of perNode) {
		for (const s of list) {
			const key = s.shared ? s.storage : `${s.nodes[0]}/${s.storage}`;
			const seen = byId.get(key);
			if (seen) seen.nodes.push(...s.nodes);
			else byId.set(key, {...s, nodes: [...s.nodes]});
		}
	}
	return [...byId.values()];
}

/** Backup-capable storages seen from the online nodes; shared ones listed once with every node that sees them. */
export async function readBackupStorages(api: ApiRequester, nodes: string[]): Promise<BackupStorage[]> {
	return mergeBackupStorages(await Promise.all(nodes.map((node) => readNodeBackupStorages(api, node))));
}

function toEntry(storage: string, node: string, wire: ContentWire): BackupEntry | undefined {
	const vmid = Number(wire.vmid);
	if (!Number.isInteger(vmid) || vmid <= 0) return undefined; // not a guest's backup (a renamed file)
	return {
		volid: wire.volid,
		storage,
		node,
		vmid,
		subtype: wire.subtype ?? (wire.format?.startsWith('vma') || wire.format === 'pbs-vm' ? 'qemu' : 'lxc'),
		ctime: wire.ctime ?? 0,
		size: wire.size ?? 0,
		format: wire.format ?? '',
		...(wire.notes ? {notes: wire.notes} : {}),
		protected: wire.protected === 1 || wire.protected === true,
		...(wire.verification?.state ? {verification: wire.verification.state} : {}),
	};
}

/** Every archive on the given storages, read from the first node that sees each; newest first. */
export async function readBackups(api: ApiRequester, storages: BackupStorage[], vmid?: number): Promise<BackupEntry[]> {
	const lists = await Promise.all(
		storages.map(async (s) => {
			const node = s.nodes[0]!;
			const params: Record<string, unknown> = {content: 'backup', ...(vmid !== undefined ? {vmid} : {})};
			const list = await api.request<ContentWire[]>('GET', `/nodes/${enc(node)}/storage/${enc(s.storage)}/content`, params);
			return (Array.isArray(list) ? list : []).map((w) => toEntry(s.storage, node, w)).filter((e): e is BackupEntry => e !== undefined);
		}),
	);
	return dedupeBackups(lists.flat());
}

interface JobWire {
	id: string;
	schedule?: string;
	storage?: string;
	mode?: string;
	enabled?: number | string;
	vmid?: string;
	all?: number;
	exclude?: string;
	node?: string;
	'next-run'?: number;
	'prune-backups'?: Record<string, string | number> | string;
	'notes-template'?: string;
	comment?: string;
}

function vmidList(text: string | undefined): number[] {
	return (text ?? '').split(/[,;\s]+/).filter(Boolean).map(Number).filter(Number.isInteger);
}

/** jobs.cfg keeps retention as strings (`"keep-last": "4"`), some versions as a property string. */
function retentionOf(value: JobWire['prune-backups']): Record<string, number> {
	const pairs = typeof value === 'string' ? value.split(',').map((p) => p.split('=')) : Object.entries(value ?? {});
	return Object.fromEntries(pairs.filter(([, v]) => v !== undefined && /^\d+$/.test(String(v))).map(([k, v]) => [String(k), Number(v)]));
}

export async function readBackupJobs(api: ApiRequester): Promise<BackupJob[]> {
	const list = await api.request<JobWire[]>('GET', '/cluster/backup');
	return (Array.isArray(list) ? list : []).map((job) => ({
		id: job.id,
		schedule: job.schedule ?? '',
		...(job.storage ? {storage: job.storage} : {}),
		...(job.mode ? {mode: job.mode} : {}),
		enabled: job.enabled === undefined || String(job.enabled) === '1',
		vmids: vmidList(job.vmid),
		all: job.all === 1,
		exclude: vmidList(job.exclude),
		...(job.node ? {node: job.node} : {}),
		...(job['next-run'] !== undefined ? {nextRun: job['next-run']} : {}),
		retention: retentionOf(job['prune-backups']),
		...(job['notes-template'] ? {notesTemplate: job['notes-template']} : {}),
		...(job.comment ? {comment: job.comment} : {}),
	}));
}

export async function readNotBackedUp(api: ApiRequester): Promise<NotBackedUp[]> {
	const list = await api.request<NotBackedUp[]>('GET', '/cluster/backup-info/not-backed-up');
	return (Array.isArray(list) ? list : []).map((g) => ({vmid: Number(g.vmid), type: g.type, ...(g.name ? {name: g.name} : {})}));
}

/** What a prune would do (GET …/prunebackups: nothing is removed). */
export async function pruneDryRun(api: ApiRequester, node: string, storage: string, options: {vmid?: number; type?: 'lxc' | 'qemu'; retention?: string} = {}): Promise<PruneEntry[]> {
	const params: Record<string, unknown> = {};
	if (options.vmid !== undefined) params.vmid = options.vmid;
	if (options.type !== undefined) params.type = options.type;
	if (options.retention !== undefined) params['prune-backups'] = options.retention;
	const list = await api.request<PruneEntry[]>('GET', `/nodes/${enc(node)}/storage/${enc(storage)}/prunebackups`, params);
	return (Array.isArray(list) ? list : []).sort((a, b) => b.ctime - a.ctime);
}

/** The next free VMID; PVE answers it as a string. */
export async function readNextId(api: ApiRequester): Promise<number> {
	return Number(await api.request<string | number>('GET', '/cluster/nextid'));
}
