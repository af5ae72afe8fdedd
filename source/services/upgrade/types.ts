// Shapes shared by the upgrade plan, the engine, the journal, the summary,
// the headless command and the screen.

import type {ManagerKind} from './managers.js';
import type {SnapshotVerdict} from './snapshot-check.js';

export interface UpgradeOptions {
	/** Containers upgraded at once (default 2); the screen can change it during a run. */
	concurrency: number;
	/** After this many failures no new container starts (default 1). */
	maxFailures: number;
	/** Roll a failed container back to its pre-upgrade snapshot (default true). */
	rollback: boolean;
	/** Start stopped containers, upgrade them, shut them down again (default false: skipped). */
	startStopped: boolean;
	/** Upgrade containers that cannot be snapshotted (default false: skipped). */
	allowNoSnapshot: boolean;
	/**
	 * A backup storage: containers that cannot be snapshotted (bind mounts) take a
	 * vzdump backup there first and are restored from it if the upgrade fails.
	 */
	backupFirst?: string;
	/** Per-phase limit (refresh, upgrade, health), ms; a hang past it is killed. */
	phaseTimeoutMs: number;
	/** Per-tag health commands run inside the container after the upgrade (exit 0 = healthy). */
	health: Record<string, string[]>;
}

export const DEFAULT_OPTIONS: UpgradeOptions = {
	concurrency: 2,
	maxFailures: 1,
	rollback: true,
	startStopped: false,
	allowNoSnapshot: false,
	phaseTimeoutMs: 30 * 60_000,
	health: {},
};

export interface PlanEntry {
	vmid: number;
	name: string;
	node: string;
	tags: string[];
	status: string;
	manager?: ManagerKind;
	/** Pending upgrades after an index refresh; undefined when not probed (stopped, skipped). */
	pending?: number;
	packages: string[];
	/** A reboot will be needed afterwards (security libraries, or already flagged). */
	reboot: boolean;
	snapshot: SnapshotVerdict;
	action: 'upgrade' | 'skip';
	skipReason?: string;
	/** Stopped: started for the upgrade and shut down after. */
	startStop: boolean;
	/** No snapshot possible: a vzdump backup (to options.backupFirst) is its way back instead. */
	backupFirst?: boolean;
}

export interface UpgradePlan {
	createdAt: number;
	options: UpgradeOptions;
	entries: PlanEntry[];
}

export type Phase = 'queued' | 'start' | 'snapshot' | 'backup' | 'refresh' | 'upgrade' | 'health' | 'rollback' | 'restore' | 'shutdown' | 'done';

/**
 * `interrupted`: caught mid-step when the previous session died (kill -9, lost
 * terminal); rolled back on resume, but not a failure of the upgrade itself, so
 * it never counts toward --max-failures.
 */
export type Outcome = 'upgraded' | 'rolled-back' | 'failed' | 'interrupted' | 'skipped' | 'not-started';

export interface RunRow {
	vmid: number;
	name: string;
	manager?: ManagerKind;
	phase: Phase;
	/** Engine clock ms. */
	startedAt?: number;
	endedAt?: number;
	/** Pending packages of the plan (what the upgrade installs). */
	packages: number;
	/** Lines of output seen so far in this container. */
	lines: number;
	outcome?: Outcome;
	reason?: string;
	reboot?: boolean;
	snapname?: string;
	/** The backup-first archive (its way back when it has no snapshot). */
	backup?: string;
}

export interface RunSummary {
	id: string;
	host: string;
	startedAt: string;
	endedAt: string;
	durationMs: number;
	options: Pick<UpgradeOptions, 'concurrency' | 'maxFailures' | 'rollback' | 'startStopped' | 'allowNoSnapshot' | 'backupFirst'>;
	counts: Record<Outcome, number>;
	packages: number;
	halted?: string;
	resumed: boolean;
	containers: Array<{vmid: number; name: string; outcome: Outcome; reason?: string; packages: number; durationMs?: number; reboot?: boolean; snapname?: string; backup?: string}>;
}
