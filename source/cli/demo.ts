// The embedded demo: starts the Proxmox VE simulator in this process and
// connects to it through exactly the client code a real host uses (HTTPS,
// certificate pinned by fingerprint, API token auth).

import {BUILTIN_FIXTURES, loadFixture} from '../sim/fixture.js';
import type {Fixture} from '../sim/fixture-types.js';
import {generateFleet} from '../sim/generate.js';
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

export interface Demo {
	sim: RunningSimulator;
	fixture: Fixture;
	token: {tokenId: string; secret: string};
}

export async function startDemo(fleet: DemoFleet, options: {port?: number; host?: string} = {}): Promise<Demo> {
	const fixture = demoFixture(fleet);
	const token = demoToken(fixture);
	const sim = await startSimulator({fixture, host: options.host, port: options.port});
	return {sim, fixture, token};
}
