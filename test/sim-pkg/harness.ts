// Shared setup for the package-manager tests: a fixture state, a ticker the
// test moves by hand (simulated seconds pass instantly), and helpers that run
// a command inside a container to its end while moving that ticker.

import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {spawnSim, type SimProcess, type Ticker} from '../../source/sim/ssh/commands.js';
import {buildState, type SimState} from '../../source/sim/state.js';
import {readSample} from '../samples.js';

export const START = Date.parse('2026-11-23T16:40:00Z');

export interface ManualTicker {
	ticker: Ticker;
	/** Moves the ticker and runs every due callback once. */
	advance(ms: number): void;
	now(): number;
}

export function manualTicker(): ManualTicker {
	let now = 0;
	const tasks = new Set<() => void>();
	return {
		ticker: {
			now: () => now,
			every(_ms, fn) {
				tasks.add(fn);
				return () => tasks.delete(fn);
			},
		},
		advance(ms) {
			now += ms;
			for (const fn of [...tasks]) fn();
		},
		now: () => now,
	};
}

export function fixtureState(name: 'homelab' | 'cluster' = 'homelab', edit?: (fixture: Fixture) => void): SimState {
	const fixture = loadFixture(BUILTIN_FIXTURES[name]);
	edit?.(fixture);
	return buildState(fixture, {clock: () => START, taskSpeed: 1, fingerprint: 'AA:BB', packageSpeed: 1});
}

export interface Running {
	process: SimProcess;
	stdout(): string;
	stderr(): string;
	/** Resolved value once the command ended (undefined while it runs; 'dropped' for a dropped channel). */
	result(): number | 'dropped' | undefined;
}

/** Starts `sh -c <line>` inside container vmid. */
export function start(state: SimState, t: ManualTicker, vmid: number, line: string): Running {
	let out = '';
	let err = '';
	let result: number | 'dropped' | undefined;
	const node = state.guests.get(vmid)?.node;
	const process = spawnSim({state, ticker: t.ticker, ...(node ? {node} : {})}, ['pct', 'exec', String(vmid), '--', 'sh', '-c', line], {stdout: (s) => (out += s), stderr: (s) => (err += s)});
	process.exit.then((code) => (result = code), () => (result = 'dropped'));
	return {process, stdout: () => out, stderr: () => err, result: () => result};
}

export async function settle(): Promise<void> {
	for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Moves the ticker in steps until every command ended (or maxSec simulated seconds passed). */
export async function drive(t: ManualTicker, running: Running[], stepMs = 250, maxSec = 600): Promise<void> {
	await settle();
	for (let waited = 0; waited < maxSec * 1000 && running.some((r) => r.result() === undefined); waited += stepMs) {
		t.advance(stepMs);
		await settle();
	}
}

export interface Outcome {
	code: number | 'dropped' | undefined;
	stdout: string;
	stderr: string;
}

/** Runs a command to its end on a fresh manual ticker. */
export async function exec(state: SimState, vmid: number, line: string, t: ManualTicker = manualTicker()): Promise<Outcome> {
	const r = start(state, t, vmid, line);
	await drive(t, [r]);
	return {code: r.result(), stdout: r.stdout(), stderr: r.stderr()};
}

/** A recorded sample's lines (test/samples/). */
export function sample(name: string): string[] {
	return readSample(name).trimEnd().split('\n');
}

/** Makes a homelab container another distro for the dnf/pacman/zypper paths (homelab has none). */
export function asDistro(state: SimState, vmid: number, ostype: string): void {
	const guest = state.guests.get(vmid)!;
	guest.config.ostype = ostype;
	delete guest.packages;
}
