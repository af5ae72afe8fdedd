// The embedded demo: starts the Proxmox VE simulator in this process and
// connects to it through exactly the client code a real host uses (HTTPS,
// certificate pinned by fingerprint, API token auth). Its state is kept in
// the demo state folder between starts (sim/persist.ts), under a name that
// does not change with the simulator's random port — so an upgrade run the
// demo was interrupted in is really offered, and resumed, at the next start.

import {createHash} from 'node:crypto';
import {existsSync, renameSync} from 'node:fs';
import {basename, join, resolve} from 'node:path';
import {acquireRunLock, RunBusy, type RunLock} from '../services/upgrade/run-lock.js';
import {BUILTIN_FIXTURES, loadFixture} from '../sim/fixture.js';
import type {Fixture} from '../sim/fixture-types.js';
import {generateFleet} from '../sim/generate.js';
import {keepStateIn, type StateFile} from '../sim/persist.js';
import {applyScenario} from '../sim/scenarios.js';
import {startSimulator, type RunningSimulator} from '../sim/server.js';
import type {DemoFleet} from './target.js';

export class DemoError extends Error {}

export function demoFixture(fleet: DemoFleet): Fixture {
	if (fleet.kind === 'generated') return generateFleet({guests: fleet.guests, nodes: fleet.nodes});
	const builtin = BUILTIN_FIXTURES[fleet.name as keyof typeof BUILTIN_FIXTURES];
	const fixture = loadFixture(builtin ?? fleet.name);
	return fleet.scenario ? applyScenario(fixture, fleet.scenario) : fixture;
}

/** The token the demo logs in with: the fixture's `root@pam!proxdeck`, else its first token. */
export function demoToken(fixture: Fixture): {tokenId: string; secret: string} {
	const tokens = fixture.users.flatMap((user) => (user.tokens ?? []).map((token) => ({user, token})));
	const chosen = tokens.find(({user, token}) => user.userid === 'root@pam' && token.tokenid === 'proxdeck') ?? tokens[0];
	if (!chosen) throw new DemoError('the demo fixture defines no API token for proxdeck to log in with (users[].tokens)');
	return {tokenId: `${chosen.user.userid}!${chosen.token.tokenid}`, secret: chosen.token.secret};
}

/**
 * The demo's stable name, used as the "host" of its upgrade journals and to
 * name its saved state: `demo-homelab`, `demo-homelab-incident` (a
 * scenario), `demo-generated-200x3`, and for a fixture file its name plus a
 * short hash of its path.
 */
export function demoIdentity(fleet: DemoFleet): string {
	if (fleet.kind === 'generated') return `demo-generated-${fleet.guests}x${fleet.nodes}`;
	const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_');
	// A scenario is another host's story: its own journals and saved state.
	const scenario = fleet.scenario ? `-${safe(fleet.scenario)}` : '';
	if (Object.hasOwn(BUILTIN_FIXTURES, fleet.name)) return `demo-${fleet.name}${scenario}`;
	const base = safe(basename(fleet.name).replace(/\.(json|ya?ml)$/i, ''));
	return `demo-${base}${scenario}-${createHash('sha256').update(resolve(fleet.name)).digest('hex').slice(0, 8)}`;
}

export interface Demo {
	sim: RunningSimulator;
	fixture: Fixture;
	token: {tokenId: string; secret: string};
	/** demoIdentity(): the demo's "host" name for journals, whatever port its simulator got. */
	identity: string;
	/** Lines to show once at start (saved state continued, ignored and why, or in use elsewhere). */
	notes: string[];
	/**
	 * This demo's own audit log, kept with its saved state: continued with the
	 * state, set aside when the demo starts from the fixture (its entries name
	 * snapshots and tasks the fresh fleet never had). Undefined when nothing is kept.
	 */
	auditLog?: string;
	/** Saves the state (running tasks finish first) and stops the simulator; returns a line to show if saving failed. */
	close(): Promise<string | undefined>;
}

export async function startDemo(fleet: DemoFleet, options: {port?: number; host?: string; stateDir?: string} = {}): Promise<Demo> {
	const fixture = demoFixture(fleet);
	const token = demoToken(fixture);
	const identity = demoIdentity(fleet);
	// The cluster demo serves every node's API with that node's own certificate, so the console can fail over between them.
	const sim = await startSimulator({fixture, host: options.host, port: options.port, nodeEndpoints: fleet.kind === 'fixture' && fleet.name === 'cluster'});
	const notes: string[] = [];
	let kept: StateFile | undefined;
	let lock: RunLock | undefined;
	let auditLog: string | undefined;
	if (options.stateDir) {
		const path = join(options.stateDir, `${identity}.sim.json`);
		try {
			// Two demos writing one file would undo each other's changes: the second keeps nothing.
			lock = acquireRunLock(options.stateDir, `${identity}.sim`);
			kept = keepStateIn(sim.state, path, identity, createHash('sha256').update(JSON.stringify(fixture)).digest('hex').slice(0, 16));
			notes.push(...kept.notes);
			auditLog = join(options.stateDir, `${identity}.audit.log`);
			if (!kept.restored && existsSync(auditLog)) {
				renameSync(auditLog, `${auditLog}.old`);
				notes.push(`demo: started from the fixture; the earlier demo's audit log is now ${auditLog}.old`);
			}
		} catch (error) {
			if (!(error instanceof RunBusy)) throw error;
			notes.push(`demo: the saved simulator state ${path} is in use by another proxdeck (pid ${error.holder.pid}): this demo starts from the fixture and keeps nothing`);
		}
	}
	return {
		sim,
		fixture,
		token,
		identity,
		notes,
		...(auditLog !== undefined ? {auditLog} : {}),
		async close() {
			const warning = kept?.close();
			lock?.release();
			await sim.close();
			return warning;
		},
	};
}
