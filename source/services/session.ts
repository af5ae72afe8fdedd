// One connected console session: the services that keep the store fresh for
// one Proxmox host (or cluster). Started after the first successful contact,
// stopped on quit.

import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../store/types.js';
import {createDetailService} from './detail-service.js';
import {createFleetService} from './fleet-service.js';
import {createFleetSource, type ApiRequester} from './fleet-source.js';
import {createNicInventory} from './nic-inventory.js';
import {createConfigReader} from './config-reader.js';
import {createTopologyService} from './topology/topology-service.js';
import {createZfsService} from './zfs/zfs-service.js';
import {createLogsService} from './logs/panes.js';
import {createFollowController} from './logs/follow.js';
import type {CommandRunner} from '../ssh/types.js';
import {createProblemsService} from './problems/problems-service.js';
import {createNodesService} from './nodes/nodes-service.js';
import type {Thresholds} from './problems/thresholds.js';
import {createBackupService} from './backups/service.js';

export interface Session {
	start(): void;
	stop(): void;
	refreshNow(): Promise<void>;
}

export function createSession(options: {
	api: ApiRequester;
	store: StoreApi<AppState>;
	refreshMs: number;
	clock?: () => number;
	/** GET /cluster/resources already sent before the session existed (the console's start): it answers the first poll. */
	firstResources?: Promise<unknown>;
	/** SSH to a node: the ZFS screen lists datasets/snapshots over it (optional). */
	runner?: CommandRunner;
	/** The audit log the log panes tail (default: $XDG_STATE_HOME/proxdeck/audit.log); pass --audit-log's path. */
	auditPath?: string;
	/** The problem rules' thresholds (config file) and the upgrade journals they read. */
	problems?: {thresholds?: Thresholds; runsDir?: string; host?: string};
}): Session {
	const {api, store, refreshMs, clock} = options;
	const fleetApi = options.firstResources ? answerFirstFrom(api, '/cluster/resources', options.firstResources) : api;
	const fleet = createFleetService({source: createFleetSource(fleetApi, {clock}), store, refreshMs, clock});
	// One config reader: the NIC inventory and the problem rules often want the same guest's config.
	const configs = createConfigReader(api, {clock});
	const nics = createNicInventory({api, store, clock, configs});
	const detail = createDetailService({api, store, refreshMs, clock});
	// Both load only while their screen is open.
	const topology = createTopologyService({api, store, clock});
	const zfs = createZfsService({api, store, runner: options.runner, clock});
	// Log panes open on demand (keys); the view finds the service through the store (logs/registry.ts).
	const logs = createLogsService({api, store, runner: options.runner, clock, ...(options.auditPath !== undefined ? {auditPath: options.auditPath} : {})});
	const problems = createProblemsService({
		api,
		store,
		clock,
		configs,
		...(options.problems?.thresholds ? {thresholds: options.problems.thresholds} : {}),
		...(options.problems?.runsDir && options.problems.host ? {runs: {dir: options.problems.runsDir, host: options.problems.host}} : {}),
	});
	// The LAST BACKUP column, the detail's backup list and the backups pane: one read of the backup storages and jobs.
	const backups = createBackupService({api, store, clock, ...(options.problems?.thresholds ? {windowHours: options.problems.thresholds.backupWindowHours} : {})});
	// Node health and pulses: only for the nodes pane on screen and the selected guest's open detail.
	const nodeHealth = createNodesService({api, store, clock});
	// The deck's log panes follow the selected guest once the cursor rests (one stream per rest).
	const follow = createFollowController({store, logs});
	return {
		start() {
			fleet.start();
			problems.start();
			follow.start();
			nics.start();
			detail.start();
			topology.start();
			zfs.start();
			backups.start();
			nodeHealth.start();
		},
		stop() {
			fleet.stop();
			problems.stop();
			nics.stop();
			detail.stop();
			topology.stop();
			zfs.stop();
			nodeHealth.stop();
			follow.stop();
			logs.stop();
			backups.stop();
		},
		// After an action: the fleet at once, and the archives (a backup, restore or prune changes them) alongside, not awaited.
		refreshNow: () => {
			void backups.refresh();
			return fleet.refreshNow();
		},
	};
}

/**
 * `api`, except that its first GET of `path` (without parameters) is answered by
 * `first`, a read already under way; every later request goes out as usual.
 */
export function answerFirstFrom(api: ApiRequester, path: string, first: Promise<unknown>): ApiRequester {
	let pending: Promise<unknown> | undefined = first;
	const take = (method: string, requested: string, params?: Record<string, unknown>): Promise<unknown> | undefined => {
		if (!pending || method !== 'GET' || requested !== path || params !== undefined) return undefined;
		const answer = pending;
		pending = undefined;
		return answer;
	};
	const each = api.requestEach?.bind(api);
	return {
		request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', requested: string, params?: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
			return (take(method, requested, params) as Promise<T> | undefined) ?? api.request<T>(method, requested, params, signal);
		},
		...(each
			? {
					async requestEach(requested: string, visit: (entry: Record<string, unknown>) => void, signal?: AbortSignal): Promise<void> {
						const answer = take('GET', requested);
						// The early answer was read whole and checked by client.request (cli/first-answer.ts).
						if (!answer) return each(requested, visit, signal);
						for (const entry of (await answer) as Array<Record<string, unknown>>) visit(entry);
					},
				}
			: {}),
	};
}
