// After a successful run the pre-upgrade snapshots are only needed for a while:
// `--prune-after DAYS` deletes, on the containers that upgraded cleanly, their
// pre-upgrade-* snapshots older than DAYS. It never deletes a container's
// newest snapshot (on ZFS the only one a rollback can reach) nor snapshots
// with other names (the admin's own). Deletions go through the dispatcher, so
// they are audited and obey read-only mode and privileges.

import type {SnapshotEntry} from '../../api/types.js';
import type {ActionDispatcher} from '../actions/dispatcher.js';

export const PRE_UPGRADE_PREFIX = 'pre-upgrade-';

/** The names to delete from one container's snapshot list, oldest first. */
export function prunablePreUpgrade(snapshots: SnapshotEntry[], days: number, nowMs: number): string[] {
	const real = snapshots.filter((s) => s.name !== 'current' && typeof s.snaptime === 'number');
	const newest = real.reduce<SnapshotEntry | undefined>((a, b) => (a === undefined || (b.snaptime ?? 0) > (a.snaptime ?? 0) ? b : a), undefined);
	const cutoff = nowMs / 1000 - days * 86_400;
	return real
		.filter((s) => s.name.startsWith(PRE_UPGRADE_PREFIX) && s !== newest && (s.snaptime ?? 0) < cutoff)
		.sort((a, b) => (a.snaptime ?? 0) - (b.snaptime ?? 0))
		.map((s) => s.name);
}

export interface PruneResult {
	vmid: number;
	deleted: string[];
	failed?: string;
}

export async function prunePreUpgradeSnapshots(dispatcher: ActionDispatcher, vmids: number[], days: number, nowMs: number): Promise<PruneResult[]> {
	const results: PruneResult[] = [];
	for (const vmid of vmids) {
		try {
			const names = prunablePreUpgrade((await dispatcher.loadSnapshots(vmid)).snapshots, days, nowMs);
			if (names.length === 0) {
				results.push({vmid, deleted: []});
				continue;
			}
			const outcomes = await dispatcher.dispatch({action: 'prune', targets: [vmid], params: {days, snapshots: {[vmid]: names}}}, {confirmed: true});
			const failed = outcomes.find((o) => !o.ok);
			results.push({vmid, deleted: names.filter((_, i) => outcomes[i]?.ok), ...(failed ? {failed: failed.result} : {})});
		} catch (error) {
			results.push({vmid, deleted: [], failed: error instanceof Error ? error.message : String(error)});
		}
	}
	return results;
}
