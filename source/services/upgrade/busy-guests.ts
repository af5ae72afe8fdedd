// Before a run is resumed: is anyone else working on its containers? The
// run's own lock (run-lock.ts) only sees this machine's processes; a proxdeck
// on another machine, or an admin in the web UI, shows on the host itself as
// a config lock (`snapshot`, `rollback`, `backup`…) or a task still running
// on the guest. Resuming over either would roll back or upgrade under it.

import type {TaskEntry} from '../../api/types.js';
import {sanitize} from '../../util/sanitize.js';
import type {ApiRequester} from '../fleet-source.js';
import type {JournalReplay} from './journal.js';
import {clockTime} from './run-lock.js';

interface ResourceEntry {
	type?: string;
	vmid?: number;
	lock?: string;
}


/**
 * One line per container of the run still to do that is locked or has a
 * running task ("CT 300 is locked (snapshot)", "CT 300 has a running task
 * vzsnapshot by root@pam!ops since 10:42"); empty when it is safe to resume.
 * A host that cannot be asked is a reason too: resuming blind is what this
 * check exists to prevent.
 */
export async function resumeBlockers(api: ApiRequester, replay: JournalReplay): Promise<string[]> {
	const pending = new Set(replay.plan.entries.filter((e) => e.action === 'upgrade' && !replay.done.has(e.vmid)).map((e) => e.vmid));
	if (pending.size === 0) return [];
	const reasons: string[] = [];
	try {
		const [resources, tasks] = await Promise.all([api.request<ResourceEntry[]>('GET', '/cluster/resources', {type: 'vm'}), api.request<TaskEntry[]>('GET', '/cluster/tasks')]);
		for (const r of Array.isArray(resources) ? resources : []) {
			if (r && typeof r.vmid === 'number' && pending.has(r.vmid) && typeof r.lock === 'string' && r.lock !== '') reasons.push(`CT ${r.vmid} is locked (${sanitize(r.lock)})`);
		}
		for (const t of Array.isArray(tasks) ? tasks : []) {
			// A running task has no status yet (PVE fills it in when the worker ends).
			if (!t || t.status !== undefined || typeof t.id !== 'string' || !pending.has(Number(t.id))) continue;
			reasons.push(`CT ${t.id} has a running task ${sanitize(t.type)} by ${sanitize(t.user)} since ${clockTime(t.starttime * 1000)}`);
		}
	} catch (error) {
		reasons.push(`cannot check the containers' locks and tasks: ${sanitize(error instanceof Error ? error.message.split('\n')[0]! : String(error))}`);
	}
	return reasons;
}

/** The one line a refused resume shows. */
export function blockedLine(id: string, reasons: string[]): string {
	return `not resuming upgrade run ${id}: ${reasons.join('; ')} — someone else may be working on ${reasons.length === 1 ? 'it' : 'them'}; resume when that has ended`;
}
