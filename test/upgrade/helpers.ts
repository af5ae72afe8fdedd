// The upgrade engine against the real simulator: the action rig (HTTPS API,
// store, dispatcher, audit, task tracker) plus the simulator's `pct exec`
// answered in-process, package output at `packageSpeed` simulated seconds per
// real second, and a temp runs directory for the journal.

import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {buildPlan} from '../../source/services/upgrade/probe.js';
import type {EngineDeps} from '../../source/services/upgrade/engine.js';
import {DEFAULT_OPTIONS, type UpgradeOptions, type UpgradePlan} from '../../source/services/upgrade/types.js';
import type {Ticker} from '../../source/sim/ssh/commands.js';
import {startRig, type ActionRig} from '../actions/helpers.js';
import {simStreamRunner} from './sim-runner.js';

export interface UpgradeRig extends ActionRig {
	deps: EngineDeps;
	runsDir: string;
	plan(vmids: number[], options?: Partial<UpgradeOptions>): Promise<UpgradePlan>;
}

export async function startUpgradeRig(options: {fixture?: Fixture; fixtureName?: 'homelab' | 'cluster'; readOnly?: boolean; packageSpeed?: number; ticker?: Ticker} = {}): Promise<UpgradeRig> {
	const rig = await startRig({...(options.fixture ? {fixture: options.fixture} : {}), ...(options.fixtureName ? {fixtureName: options.fixtureName} : {}), ...(options.readOnly ? {readOnly: true} : {})});
	rig.sim.state.packageSpeed = options.packageSpeed ?? 400;
	const runsDir = join(mkdtempSync(join(tmpdir(), 'proxdeck-runs-')), 'proxdeck', 'runs');
	const runner = simStreamRunner(rig.sim.state, options.ticker ? {ticker: options.ticker} : {});
	const deps: EngineDeps = {
		api: rig.client,
		runner,
		dispatcher: rig.services.dispatcher,
		audit: rig.services.audit,
		identity: rig.client.identity,
		host: rig.client.target,
		runsDir,
		clock: rig.clock,
	};
	return {
		...rig,
		deps,
		runsDir,
		async plan(vmids, overrides = {}) {
			const guests = vmids.map((vmid) => rig.store.getState().guests.get(vmid)!);
			// A generous phase limit: a phase that outlasts it on a loaded machine would fail the container.
			return buildPlan({api: rig.client, runner}, guests, {...DEFAULT_OPTIONS, phaseTimeoutMs: 30_000, ...overrides});
		},
	};
}

export const byVmid = <T extends {vmid: number}>(list: T[], vmid: number): T => {
	const found = list.find((x) => x.vmid === vmid);
	if (!found) throw new Error(`no entry for ${vmid}`);
	return found;
};
