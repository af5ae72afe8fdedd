// A simulator over HTTPS plus a fake CommandRunner that answers through the
// simulator's own command interpreter (the same `zfs list`/`zpool status`
// text the SSH side serves), and a session wired to both.

import type {StoreApi} from 'zustand/vanilla';
import {createClient, type PveClient} from '../../source/api/client.js';
import {demoToken} from '../../source/cli/demo.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {runSim} from '../../source/sim/ssh/commands.js';
import type {SimState} from '../../source/sim/state.js';
import type {CommandRunner} from '../../source/ssh/types.js';
import {createSession, type Session} from '../../source/services/session.js';
import {createAppStore} from '../../source/store/store.js';
import type {AppState} from '../../source/store/types.js';

export function simRunner(state: SimState, node: string, calls: string[][] = []): CommandRunner {
	return {
		label: `ssh root@${node}:22`,
		async run(argv) {
			calls.push(argv);
			const outcome = await runSim({state, node}, argv);
			return {code: outcome.code, stdout: outcome.stdout, stderr: outcome.stderr};
		},
		stream() {
			throw new Error('not used by the ZFS service');
		},
		onStatus: () => () => {},
		close: async () => {},
	};
}

export interface SimSession {
	sim: RunningSimulator;
	client: PveClient;
	store: StoreApi<AppState>;
	session: Session;
	close(): Promise<void>;
}

// Bounded generously: a loaded CI machine can stall for seconds; a passing wait returns as soon as it holds.
export async function waitFor(what: string, predicate: () => boolean, ms = 20_000): Promise<void> {
	const until = Date.now() + ms;
	while (!predicate()) {
		if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** A simulator of a built-in fixture and a client with its demo token, both on `clock`. */
export async function startSimClient(fixtureName: 'homelab' | 'cluster', clock: () => number): Promise<{sim: RunningSimulator; client: PveClient}> {
	const fixture = loadFixture(BUILTIN_FIXTURES[fixtureName]);
	const sim = await startSimulator({fixture, clock, authFailureDelayMs: 0});
	const client = createClient({host: sim.host, port: sim.port, auth: {kind: 'token', ...demoToken(fixture)}, fingerprint: sim.fingerprint, clock});
	return {sim, client};
}

/** Starts a simulator and a session on it (runner: a node name to give it SSH there). */
export async function startSimSession(fixtureName: 'homelab' | 'cluster', options: {sshNode?: string; calls?: string[][]} = {}): Promise<SimSession> {
	const now = Date.parse('2026-11-23T12:00:00Z');
	const clock = () => now;
	const {sim, client} = await startSimClient(fixtureName, clock);
	const store = createAppStore({target: 'test', demo: true, readOnly: false});
	const runner = options.sshNode ? simRunner(sim.state, options.sshNode, options.calls) : undefined;
	const session = createSession({api: client, store, refreshMs: 60_000, clock, runner});
	session.start();
	await waitFor('the first fleet', () => store.getState().guests.size > 0);
	return {
		sim,
		client,
		store,
		session,
		async close() {
			session.stop();
			await client.close();
			await sim.close();
		},
	};
}
