// Gathers the plan's inputs: each container's config and its node's storage
// list through the API, then — only for containers that would be upgraded —
// an index refresh and the pending list through `pct exec`. Reads only:
// refreshing a package index changes nothing a user relies on.

import type {LxcConfig} from '../../api/types.js';
import type {CommandRunner} from '../../ssh/types.js';
import type {GuestRow} from '../../store/types.js';
import {errorLine} from '../error-line.js';
import type {ApiRequester} from '../fleet-source.js';
import {guestPath} from '../guest-path.js';
import {describeEnd, execIn} from './exec.js';
import {MANAGERS} from './managers.js';
import {buildPlanEntry, type PlanInput} from './plan.js';
import {mapLimit} from './pool.js';
import type {NodeStorage} from './snapshot-check.js';
import type {PlanEntry, UpgradeOptions, UpgradePlan} from './types.js';

export interface ProbeDeps {
	api: ApiRequester;
	/** Without one nothing can run inside a container: every container is skipped with that reason. */
	runner?: CommandRunner;
	clock?: () => number;
}

/** How many containers are probed at once (index refreshes are mostly waiting on mirrors). */
const PROBE_PARALLEL = 6;

async function probePackages(runner: CommandRunner, entry: PlanEntry, timeoutMs: number): Promise<PlanInput['probe']> {
	const spec = MANAGERS[entry.manager!];
	const refresh = await execIn(runner, entry, spec.refresh, timeoutMs);
	if (refresh.end.kind !== 'exit' || refresh.end.code !== 0) return {error: `index refresh failed: ${describeEnd(spec.refresh.split(' ')[0]!, refresh.end, timeoutMs)}`};
	const count = await execIn(runner, entry, spec.count, timeoutMs);
	if (count.end.kind !== 'exit' || !spec.countOkCodes.includes(count.end.code)) return {error: `cannot list upgrades: ${describeEnd(spec.count, count.end, timeoutMs)}`};
	let rebootFlagged = false;
	if (spec.rebootCheck) {
		const reboot = await execIn(runner, entry, spec.rebootCheck, timeoutMs);
		rebootFlagged = reboot.end.kind === 'exit' && reboot.end.code === spec.rebootExit;
	}
	return {pending: spec.parseCount(count.stdout), rebootFlagged};
}

export async function buildPlan(deps: ProbeDeps, guests: GuestRow[], options: UpgradeOptions, onProgress?: (done: number, total: number) => void): Promise<UpgradePlan> {
	const storages = new Map<string, Promise<NodeStorage[]>>();
	const storagesOf = (node: string) => {
		let p = storages.get(node);
		if (!p) {
			p = deps.api.request<NodeStorage[]>('GET', `/nodes/${encodeURIComponent(node)}/storage`).catch(() => []);
			storages.set(node, p);
		}
		return p;
	};
	let done = 0;
	const entries = await mapLimit(guests, PROBE_PARALLEL, async (guest) => {
		const input: PlanInput = {vmid: guest.vmid, name: guest.name, node: guest.node, kind: guest.kind, status: guest.status, tags: guest.tags, template: guest.template, storages: []};
		if (guest.kind === 'lxc') {
			try {
				input.config = {...(await deps.api.request<LxcConfig>('GET', `${guestPath(guest.node, 'lxc', guest.vmid)}/config`))};
				input.storages = await storagesOf(guest.node);
			} catch (error) {
				input.configError = errorLine(error);
			}
		}
		let entry = buildPlanEntry(input, options);
		if (entry.action === 'upgrade' && !entry.startStop) {
			input.probe = deps.runner ? await probePackages(deps.runner, entry, options.phaseTimeoutMs) : {error: 'no SSH connection: pct exec cannot run (use --ssh or --local)'};
			entry = buildPlanEntry(input, options);
		}
		onProgress?.(++done, guests.length);
		return entry;
	});
	return {createdAt: (deps.clock ?? Date.now)(), options, entries};
}
