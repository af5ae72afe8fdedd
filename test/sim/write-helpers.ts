// Helpers for the write tests: a fresh simulator on a fake clock per test,
// calls as the root token, and a task driver that moves the clock in small
// steps (so follow-up tasks start when they would) until a task stops.

import assert from 'node:assert/strict';
import {generateCertificate, type SimCertificate} from '../../source/sim/cert.js';
import type {Fixture} from '../../source/sim/fixture-types.js';
import type {RunningSimulator} from '../../source/sim/server.js';
import type {SimTask} from '../../source/sim/tasks.js';
import {call, fakeClock, miniFixture, ROOT_TOKEN, startTestSim, type RequestOptions, type Response} from './helpers.js';

export interface WriteSim {
	sim: RunningSimulator;
	clock: ReturnType<typeof fakeClock>;
	/** Calls with the default auth unless options.auth says otherwise. */
	api: (method: string, path: string, options?: RequestOptions) => Promise<Response>;
	/** Moves the clock in `stepMs` steps until the task stops; returns its status object. */
	finish: (upid: string, maxSec?: number) => Promise<{status: string; exitstatus?: string; user: string; type: string}>;
	/** Moves the clock by `ms` and lets the simulator notice (one request). */
	advance: (ms: number) => Promise<void>;
	log: (upid: string) => Promise<string[]>;
	close: () => Promise<void>;
}

export const CT = '/nodes/pve1/lxc';

export function taskPath(upid: string, tail = ''): string {
	return `/nodes/${upid.split(':')[1]}/tasks/${encodeURIComponent(upid)}${tail}`;
}

/** `auth` is the Authorization header used by default (the mini fixture's root token). */
/** One certificate for every simulator of a test file: a fresh sim per test then costs milliseconds. */
let certificate: SimCertificate | undefined;

export async function writeSim(fixture: Fixture = miniFixture(), auth = ROOT_TOKEN): Promise<WriteSim> {
	const clock = fakeClock();
	certificate ??= generateCertificate('pve1');
	const sim = await startTestSim({fixture, clock: clock.now, certificate});
	const api = (method: string, path: string, options: RequestOptions = {}) => call(sim, method, path, {auth, ...options});
	const status = async (upid: string) => {
		const res = await api('GET', taskPath(upid, '/status'));
		assert.equal(res.status, 200, `task status: ${res.status} ${res.reason}`);
		return res.json.data;
	};
	return {
		sim,
		clock,
		api,
		async finish(upid, maxSec = 120) {
			for (let waited = 0; waited <= maxSec * 1000; waited += 500) {
				const data = await status(upid);
				if (data.status === 'stopped') return data;
				clock.advance(500);
			}
			assert.fail(`task ${upid} still running after ${maxSec} s`);
		},
		async advance(ms) {
			clock.advance(ms);
			await api('GET', '/version');
		},
		async log(upid) {
			const res = await api('GET', taskPath(upid, '/log?limit=0'));
			return res.json.data.map((l: {t: string}) => l.t);
		},
		close: () => sim.close(),
	};
}

/** The newest task of this type for this vmid (seeded history holds older ones). */
export function lastTask(w: WriteSim, type: string, vmid: number): SimTask | undefined {
	return w.sim.state.tasks.filter((t) => t.type === type && t.id === String(vmid)).at(-1);
}

/** The guest entry of /cluster/resources (what a dashboard polls). */
export async function resource(w: WriteSim, vmid: number): Promise<Record<string, unknown>> {
	const res = await w.api('GET', '/cluster/resources?type=vm');
	return res.json.data.find((r: {vmid: number}) => r.vmid === vmid);
}

/**
 * The guest's status/current, read on its node now: a task's effect shows
 * here at once, while /cluster/resources shows it only after the node's next
 * pvestatd broadcast (source/sim/broadcast.ts).
 */
export async function statusNow(w: WriteSim, vmid: number): Promise<Record<string, unknown>> {
	const entry = await resource(w, vmid);
	const res = await w.api('GET', `/nodes/${String(entry.node)}/${String(entry.type)}/${vmid}/status/current`);
	assert.equal(res.status, 200, `status/current of ${vmid}: ${res.status} ${res.reason}`);
	return res.json.data;
}

export async function snapshots(w: WriteSim, node: string, vmid: number): Promise<Array<Record<string, unknown>>> {
	const res = await w.api('GET', `/nodes/${node}/lxc/${vmid}/snapshot`);
	assert.equal(res.status, 200);
	return res.json.data;
}

/** A UPID for this node/type/vmid/user with the format pve-common writes. */
export function upidPattern(node: string, type: string, vmid: number, user: string): RegExp {
	const escaped = user.replace(/[.*+?^${}()|[\]\\!]/g, '\\$&');
	return new RegExp(`^UPID:${node}:[0-9A-F]{8}:[0-9A-F]{8,9}:[0-9A-F]{8}:${type}:${vmid}:${escaped}:$`);
}

/** Runs a test body against a fresh write simulator and always closes it. */
export async function withWriteSim(run: (w: WriteSim) => Promise<void>, fixture?: Fixture, auth?: string): Promise<void> {
	const w = await writeSim(fixture, auth);
	try {
		await run(w);
	} finally {
		await w.close();
	}
}
