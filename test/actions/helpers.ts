// A proxdeck session against the real simulator for the action tests: HTTPS
// with the certificate pinned, a token of the fixture, the store, the fleet
// session and the action services, with a temp audit log. Tasks run 40× faster
// than on a real host; the clock can jump ahead (for prune) via `skip`.

import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {StoreApi} from 'zustand/vanilla';
import {createClient, type PveClient} from '../../source/api/client.js';
import {createActionServices, type ActionServices} from '../../source/services/actions/index.js';
import {createSession, type Session} from '../../source/services/session.js';
import {generateCertificate, type SimCertificate} from '../../source/sim/cert.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {createAppStore} from '../../source/store/store.js';
import type {AppState} from '../../source/store/types.js';

export interface ActionRig {
	sim: RunningSimulator;
	client: PveClient;
	store: StoreApi<AppState>;
	session: Session;
	services: ActionServices;
	auditPath: string;
	/** Moves the shared clock forward (simulator and services). */
	skip(ms: number): void;
	/** Stops the shared clock (simulated tasks stop advancing) until release(). */
	hold(): void;
	/** Lets the shared clock run again; it jumps to the real time (plus any skip). */
	release(): void;
	clock(): number;
	/** Parsed audit lines. */
	auditLines(): Array<Record<string, unknown>>;
	/** Requests the simulator received that change something. */
	writes(): RunningSimulator['requests'];
	close(): Promise<void>;
}

let certificate: SimCertificate | undefined;

// Bounded generously: a loaded CI machine can stall for seconds; a passing wait returns as soon as it holds.
export async function waitFor(what: string, predicate: () => boolean, ms = 20_000): Promise<void> {
	const until = Date.now() + ms;
	while (!predicate()) {
		if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

export async function startRig(
	options: {fixture?: Fixture; fixtureName?: keyof typeof BUILTIN_FIXTURES; user?: string; tokenid?: string; readOnly?: boolean; permissions?: boolean} = {},
): Promise<ActionRig> {
	const fixture = options.fixture ?? loadFixture(BUILTIN_FIXTURES[options.fixtureName ?? 'homelab']);
	const userid = options.user ?? 'root@pam';
	const tokenid = options.tokenid ?? 'proxdeck';
	const token = fixture.users.find((u) => u.userid === userid)?.tokens?.find((t) => t.tokenid === tokenid);
	assert.ok(token, `fixture has no token ${userid}!${tokenid}`);
	let offset = 0;
	let heldAt: number | undefined;
	const clock = () => heldAt ?? Date.now() + offset;
	certificate ??= generateCertificate('pve');
	const sim = await startSimulator({fixture, clock, authFailureDelayMs: 0, taskSpeed: 40, certificate});
	const identity = `${userid}!${tokenid}`;
	const client = createClient({host: sim.host, port: sim.port, auth: {kind: 'token', tokenId: identity, secret: token.secret}, fingerprint: sim.fingerprint, clock});
	const store = createAppStore({target: 'test', demo: true, readOnly: options.readOnly ?? false});
	const session = createSession({api: client, store, refreshMs: 60_000, clock});
	const auditPath = join(mkdtempSync(join(tmpdir(), 'proxdeck-audit-')), 'state', 'proxdeck', 'audit.log');
	const services = createActionServices({
		api: client,
		store,
		auditPath,
		identity: client.identity,
		host: client.target,
		clock,
		taskPollMs: 10,
		clusterTaskPollMs: 60_000,
		onChanged: () => void session.refreshNow(),
	});
	session.start();
	services.start();
	await waitFor('the first fleet', () => store.getState().guests.size > 0);
	if (options.permissions !== false) await services.permissions.refresh();
	return {
		sim,
		client,
		store,
		session,
		services,
		auditPath,
		skip: (ms) => {
			offset += ms;
		},
		hold: () => {
			heldAt = clock();
		},
		release: () => {
			heldAt = undefined;
		},
		clock,
		auditLines: () => {
			try {
				return readFileSync(auditPath, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
			} catch {
				return [];
			}
		},
		writes: () => sim.requests.filter((r) => r.method !== 'GET'),
		async close() {
			services.stop();
			session.stop();
			await client.close();
			await sim.close();
		},
	};
}

export function guestByName(store: StoreApi<AppState>, name: string): number {
	const row = [...store.getState().guests.values()].find((g) => g.name === name);
	assert.ok(row, `no guest named ${name}`);
	return row.vmid;
}

/**
 * A guest's snapshot names, oldest first, as the simulator holds them: dated
 * names (`auto-20261117`) follow the day the demo runs (sim/fixture-dates.ts).
 */
export function snapshotNames(rig: ActionRig, vmid: number): string[] {
	return [...rig.sim.state.guests.get(vmid)!.snapshots].sort((a, b) => a.snaptime - b.snaptime).map((s) => s.name);
}
