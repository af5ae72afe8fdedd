// The plan: per container what will happen and why, before anything changes.
// buildPlanEntry is pure (tested on its own); probe.ts gathers its inputs.

import {managerForOstype, predictsReboot, type PendingPackage} from './managers.js';
import {snapshotVerdict, type NodeStorage} from './snapshot-check.js';
import type {PlanEntry, UpgradeOptions} from './types.js';

export interface PlanInput {
	vmid: number;
	name: string;
	node: string;
	kind: 'lxc' | 'qemu';
	status: string;
	tags: readonly string[];
	template: boolean;
	/** The container's config; undefined when it could not be read. */
	config?: Record<string, unknown>;
	configError?: string;
	storages: NodeStorage[];
	/** What refresh + count found; undefined when not probed. */
	probe?: {pending: PendingPackage[]; rebootFlagged: boolean} | {error: string};
}

export function buildPlanEntry(input: PlanInput, options: Pick<UpgradeOptions, 'startStopped' | 'allowNoSnapshot' | 'backupFirst'>): PlanEntry {
	const config = input.config ?? {};
	const manager = input.kind === 'lxc' ? managerForOstype(typeof config.ostype === 'string' ? config.ostype : undefined) : undefined;
	const snapshot = input.config ? snapshotVerdict(config, input.storages) : {possible: false, reason: 'config not readable'};
	const probe = input.probe && 'pending' in input.probe ? input.probe : undefined;
	const stopped = input.status !== 'running';
	const entry: PlanEntry = {
		vmid: input.vmid,
		name: input.name,
		node: input.node,
		tags: [...input.tags],
		status: input.status,
		manager,
		pending: probe?.pending.length,
		packages: probe?.pending.map((p) => p.name) ?? [],
		reboot: probe ? probe.rebootFlagged || predictsReboot(probe.pending) : false,
		snapshot,
		action: 'upgrade',
		startStop: stopped && options.startStopped,
	};
	const skip = (reason: string): PlanEntry => ({...entry, action: 'skip', skipReason: reason, startStop: false});
	if (input.kind !== 'lxc') return skip('a VM: proxdeck upgrades containers only');
	if (input.template) return skip('a template');
	if (!input.config) return skip(`config not readable${input.configError ? `: ${input.configError}` : ''}`);
	if (typeof config.lock === 'string' && config.lock !== '') return skip(`locked (${config.lock})`);
	if (!manager) return skip(`no package manager for ostype '${String(config.ostype ?? 'unknown')}'`);
	if (stopped && !options.startStopped) return skip(`${input.status} (choose start-upgrade-stop to include it)`);
	if (input.probe && 'error' in input.probe) return skip(input.probe.error);
	if (probe && probe.pending.length === 0) return skip('up to date');
	// A backup instead of the snapshot: taken first, restored from if the upgrade fails.
	if (!snapshot.possible && options.backupFirst) return {...entry, backupFirst: true};
	if (!snapshot.possible && !options.allowNoSnapshot) return skip(`no snapshot possible (${snapshot.reason}); choose "upgrade without snapshot" or "backup first" to include it`);
	return entry;
}
