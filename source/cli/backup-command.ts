// `proxdeck backups` (every guest's newest backup and its age, for cron and
// monitoring) and `proxdeck backup` (back up guests now). The backup goes
// through the one action dispatcher, like a key in the console: read-only
// refuses it, the audit log records it, its vzdump tasks are followed to the
// end, and guests on several nodes are sent to their own nodes.

import {createActionServices} from '../services/actions/index.js';
import {backupAgeSeconds, formatBackupAge, type BackupEntry} from '../services/backups/model.js';
import {readBackupStorages} from '../services/backups/reader.js';
import {readBackupOverview} from '../services/backups/service.js';
import {errorLine, scrubSecrets} from '../services/error-line.js';
import {createFleetSource} from '../services/fleet-source.js';
import {statePaths} from '../services/state-paths.js';
import type {GuestRow} from '../store/types.js';
import {createAppStore} from '../store/store.js';
import {sanitize} from '../util/sanitize.js';
import type {CliArgs, UpgradeArgs} from './args.js';
import {loadConfig} from './config.js';
import {oneLine, openHost, type Io} from './open-host.js';
import {resolveTarget} from './target.js';

function print(io: {stdout: NodeJS.WritableStream}, text: string): void {
	io.stdout.write(`${scrubSecrets(text)}\n`);
}

function say(io: {stderr: NodeJS.WritableStream}, line: string): void {
	io.stderr.write(`${scrubSecrets(line)}\n`);
}

/** Guests the selection flags name (AND of tag/node; --vmid lists them; --all is every one); templates never. */
export function selectBackupTargets(guests: GuestRow[], u: UpgradeArgs): GuestRow[] {
	const any = u.all || u.tags.length > 0 || u.node !== undefined || u.vmids.length > 0;
	return guests
		.filter((g) => !g.template && any && (u.vmids.length === 0 || u.vmids.includes(g.vmid)) && u.tags.every((t) => g.tags.includes(t)) && (u.node === undefined || g.node === u.node))
		.sort((a, b) => a.vmid - b.vmid);
}

/** One guest's line in `proxdeck backups --json`. */
export interface GuestBackupJson {
	vmid: number;
	name: string;
	node: string;
	type: string;
	/** Seconds since the newest backup; null when there is none. */
	ageSeconds: number | null;
	/** `18h`, `9d`, `never`. */
	age: string;
	/** Whether any enabled backup job selects this guest. */
	covered: boolean;
	count: number;
	newest: (Omit<BackupEntry, 'node'> & {time: string}) | null;
}

type Opened = Exclude<Awaited<ReturnType<typeof openHost>>, number>;

/** Target, config and an open connection, or the exit code after one clear line. */
async function open(args: CliArgs, io: Io): Promise<{opened: Opened; readOnly: boolean} | number> {
	let target;
	try {
		const config = loadConfig(args.config, io.env);
		target = resolveTarget(args, config, io.env);
	} catch (error) {
		oneLine(io, errorLine(error));
		return 1;
	}
	const opened = await openHost({...args, ssh: false}, target, io, {needsTty: false});
	if (typeof opened === 'number') return opened;
	if (opened.client.tlsMode === 'insecure') oneLine(io, `warning: INSECURE: the TLS certificate of ${opened.client.target} is not checked (--insecure); pin it with --fingerprint`);
	return {opened, readOnly: target.readOnly};
}

export async function runBackupsCommand(args: CliArgs, io: Io): Promise<number> {
	const result = await open(args, io);
	if (typeof result === 'number') return result;
	const {client} = result.opened;
	try {
		const fleet = await createFleetSource(client).fetchFleet();
		const online = fleet.nodes.filter((n) => n.status === 'online').map((n) => n.name);
		const overview = await readBackupOverview(client, online);
		const now = Date.now();
		const uncovered = new Set(overview.notBackedUp.map((g) => g.vmid));
		const guests: GuestBackupJson[] = [...fleet.guests.values()]
			.filter((g) => !g.template)
			.sort((a, b) => a.vmid - b.vmid)
			.map((g) => {
				const mine = overview.entries.filter((e) => e.vmid === g.vmid);
				const newest = mine[0];
				const age = backupAgeSeconds(newest, now);
				const {node: _node, ...entry} = newest ?? ({} as BackupEntry);
				return {
					vmid: g.vmid,
					name: g.name,
					node: g.node,
					type: g.kind,
					ageSeconds: age ?? null,
					age: formatBackupAge(age),
					covered: !uncovered.has(g.vmid),
					count: mine.length,
					newest: newest ? {...entry, time: new Date(newest.ctime * 1000).toISOString()} : null,
				};
			});
		if (args.upgrade.json) {
			print(io, JSON.stringify({target: client.target, readAt: new Date(now).toISOString(), guests, jobs: overview.jobs, notBackedUp: overview.notBackedUp, storages: overview.storages}, null, 2));
		} else {
			for (const g of guests) {
				const where = g.newest ? `${g.newest.storage}${g.newest.protected ? ' protected' : ''}${g.newest.verification ? ` verify ${g.newest.verification}` : ''}` : '';
				print(io, `${String(g.vmid).padEnd(6)}${sanitize(g.name).padEnd(20)}${g.age.padEnd(7)}${where}${g.covered ? '' : `${where ? '  ' : ''}(no backup job)`}`);
			}
		}
		return 0;
	} catch (error) {
		oneLine(io, errorLine(error));
		return 1;
	} finally {
		await result.opened.close();
	}
}

export async function runBackupCommand(args: CliArgs, io: Io): Promise<number> {
	const u = args.upgrade;
	if (!u.all && u.tags.length === 0 && u.vmids.length === 0 && u.node === undefined) {
		oneLine(io, 'choose the guests: --vmid, --tag, --node or --all (see proxdeck --help)');
		return 2;
	}
	const result = await open(args, io);
	if (typeof result === 'number') return result;
	const {client, demo} = result.opened;
	const paths = statePaths(io.env, {demo: demo !== undefined});
	const store = createAppStore({target: client.target, demo: demo !== undefined, readOnly: result.readOnly, insecure: client.tlsMode === 'insecure'});
	const services = createActionServices({api: client, store, auditPath: args.auditLog ?? demo?.auditLog ?? paths.auditLog, identity: client.identity, host: client.target, taskPollMs: 250, clusterTaskPollMs: 3_600_000});
	try {
		store.getState().actions.fleetReceived(await createFleetSource(client).fetchFleet());
		await services.permissions.refresh().catch(() => {});
		const guests = selectBackupTargets([...store.getState().guests.values()], u);
		if (guests.length === 0) {
			oneLine(io, 'no guest matches the selection');
			return 1;
		}
		const storage = await chooseStorage(args.storage, guests, store.getState().nodes.filter((n) => n.status === 'online').map((n) => n.name), client);
		if (typeof storage !== 'string') {
			oneLine(io, storage.error);
			return 1;
		}
		const names = guests.map((g) => `${g.vmid} ${sanitize(g.name)} (${g.node})`);
		if (!u.yes) {
			say(io, `would back up ${guests.length} guest${guests.length === 1 ? '' : 's'} to ${storage}: ${names.join(', ')}`);
			oneLine(io, 'nothing was changed: add --yes to run');
			return 1;
		}
		say(io, `backing up ${guests.length} guest${guests.length === 1 ? '' : 's'} to ${storage}…`);
		const outcomes = await services.dispatcher.dispatch({action: 'backup', targets: guests.map((g) => g.vmid), params: {storage}}, {confirmed: true});
		const results = outcomes
			.map((o) => ({vmid: o.vmid, name: store.getState().guests.get(o.vmid)?.name ?? '', node: store.getState().guests.get(o.vmid)?.node ?? '', ok: o.ok, result: o.result, ...(o.upid ? {upid: o.upid} : {}), ...(o.refused ? {refused: true} : {})}))
			.sort((a, b) => a.vmid - b.vmid);
		for (const r of results) say(io, `${r.ok ? '✓' : '✗'} ${r.vmid} ${sanitize(r.name)}: ${r.result}`);
		if (u.json) print(io, JSON.stringify({target: client.target, storage, results}, null, 2));
		return results.every((r) => r.ok) ? 0 : 1;
	} catch (error) {
		oneLine(io, errorLine(error));
		return 1;
	} finally {
		services.stop();
		await result.opened.close();
	}
}

/** --storage, checked against the backup storages each target's node sees; without it, the only backup storage there is. */
async function chooseStorage(wanted: string | undefined, guests: GuestRow[], online: string[], client: Parameters<typeof readBackupOverview>[0]): Promise<string | {error: string}> {
	const storages = await readBackupStorages(client, online);
	const ids = [...new Set(storages.map((s) => s.storage))].sort();
	if (wanted === undefined) {
		if (ids.length === 1) return ids[0]!;
		return {error: `choose the storage: --storage (backup storages: ${ids.join(', ') || 'none'})`};
	}
	for (const g of guests) {
		if (!storages.some((s) => s.storage === wanted && s.nodes.includes(g.node))) return {error: `storage '${wanted}' is not a backup storage on node ${g.node} (backup storages: ${ids.join(', ') || 'none'})`};
	}
	return wanted;
}
