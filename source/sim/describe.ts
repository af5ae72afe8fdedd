// The banner `proxdeck sim` prints at start. It names users and token IDs so
// a client can be pointed at the simulator, but never a password or secret.

import type {Fixture} from './fixture-types.js';

export interface DescribableSimulator {
	url: string;
	fingerprint: string;
	/** Every node's own API endpoint (a cluster served node by node), the main one first. */
	endpoints?: Array<{node: string; url: string; fingerprint: string}>;
}

export function describeSimulator(sim: DescribableSimulator, fixture: Fixture): string[] {
	const lxc = fixture.guests.filter((g) => g.type === 'lxc').length;
	const qemu = fixture.guests.length - lxc;
	const online = fixture.nodes.filter((n) => n.online).length;
	const lines = [
		`Proxmox VE simulator listening on ${sim.url}/api2/json`,
		`TLS certificate SHA-256 fingerprint: ${sim.fingerprint}`,
		// The other nodes answer too, each with its own certificate (signed by the same cluster CA).
		...(sim.endpoints ?? []).slice(1).map((e) => `Node ${e.node} API: ${e.url}/api2/json (fingerprint ${e.fingerprint})`),
		fixture.cluster ? `Cluster: ${fixture.cluster.name}` : 'Standalone node (no cluster)',
		`Nodes: ${fixture.nodes.length} (${online} online): ${fixture.nodes.map((n) => n.name).join(', ')}`,
		`Guests: ${fixture.guests.length} (${lxc} containers, ${qemu} VMs)`,
		`Users: ${fixture.users.map((u) => u.userid).join(', ')}`,
	];
	const tokens = fixture.users.flatMap((u) => (u.tokens ?? []).map((t) => `${u.userid}!${t.tokenid}`));
	lines.push(tokens.length > 0 ? `API tokens: ${tokens.join(', ')}` : 'API tokens: none');
	// Say so up front: a demo user should not mistake a planned failure for a simulator bug.
	const failures = fixture.failures ?? [];
	if (failures.length > 0) lines.push(`Injected failures: ${failures.map((f) => `CT ${f.vmid} ${f.action}${f.times !== undefined ? ` (${f.times}×)` : ''}`).join(', ')}`);
	lines.push('Passwords and token secrets are in the fixture file.');
	return lines;
}
