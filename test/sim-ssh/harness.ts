// Shared setup for the simulator-SSH tests: a homelab state on a controllable
// clock, the simulator's SSH side with a fresh client key, and a runner whose
// known_hosts already trusts the simulator.

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {generateEd25519} from '../../source/ssh/keygen.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimSsh, type RunningSimSsh, type SimSshOptions} from '../../source/sim/ssh/server.js';
import {buildState, type SimState} from '../../source/sim/state.js';
import {createSshRunner, type SshRunnerOptions} from '../../source/ssh/ssh-runner.js';
import type {CommandRunner} from '../../source/ssh/types.js';

export const START = Date.parse('2026-11-23T16:40:00Z');

export interface Harness {
	state: SimState;
	sim: RunningSimSsh;
	runner: CommandRunner;
	dir: string;
	knownHosts: string;
	keyPath: string;
	/** Moves the simulator's clock forward. */
	advance(ms: number): void;
	runnerWith(overrides: Partial<SshRunnerOptions>): CommandRunner;
	close(): Promise<void>;
}

export function homelabState(fixture: 'homelab' | 'cluster' = 'homelab'): {state: SimState; advance(ms: number): void} {
	let now = START;
	const state = buildState(loadFixture(BUILTIN_FIXTURES[fixture]), {clock: () => now, taskSpeed: 1, fingerprint: 'AA:BB'});
	return {state, advance: (ms) => (now += ms)};
}

export async function startHarness(options: Partial<Omit<SimSshOptions, 'state' | 'authorizedKeys'>> & {fixture?: 'homelab' | 'cluster'} = {}): Promise<Harness> {
	const {state, advance} = homelabState(options.fixture);
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-simssh-'));
	const client = generateEd25519();
	const keyPath = join(dir, 'id_ed25519');
	writeFileSync(keyPath, client.private, {mode: 0o600});
	const sim = await startSimSsh({state, authorizedKeys: [client.public], ...options});
	const knownHosts = join(dir, 'known_hosts');
	writeFileSync(knownHosts, `${sim.knownHostsLine}\n`);
	const runners: CommandRunner[] = [];
	const runnerWith = (overrides: Partial<SshRunnerOptions>) => {
		const runner = createSshRunner({
			host: sim.host, port: sim.port, username: 'root', privateKeyPath: keyPath, knownHostsPath: knownHosts,
			acceptNewHostKey: false, keepaliveMs: 0, backoff: {initialMs: 20, maxMs: 200}, ...overrides,
		});
		runners.push(runner);
		return runner;
	};
	const runner = runnerWith({});
	return {
		state, sim, runner, dir, knownHosts, keyPath, advance, runnerWith,
		async close() {
			await Promise.all(runners.map((r) => r.close()));
			await sim.close();
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

/** Collects a stream's lines; resolves `waitFor(n)` once n stdout lines arrived. */
export function collector() {
	const lines: string[] = [];
	const errors: string[] = [];
	let waiters: Array<{n: number; resolve: () => void}> = [];
	return {
		lines,
		errors,
		onLine(line: string, from: 'stdout' | 'stderr') {
			(from === 'stdout' ? lines : errors).push(line);
			waiters = waiters.filter((w) => (lines.length >= w.n ? (w.resolve(), false) : true));
		},
		waitFor(n: number, timeoutMs = 15_000): Promise<void> {
			if (lines.length >= n) return Promise.resolve();
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`only ${lines.length} of ${n} lines after ${timeoutMs} ms`)), timeoutMs);
				waiters.push({n, resolve: () => (clearTimeout(timer), resolve())});
			});
		},
	};
}
