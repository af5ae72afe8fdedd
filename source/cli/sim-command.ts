// `proxdeck sim`: the Proxmox VE simulator on its own, for pointing other API
// clients (or a second proxdeck) at it. Runs until SIGINT/SIGTERM.

import type {CliArgs} from './args.js';
import {demoFixture} from './demo.js';
import {describeSimulator, startSimulator} from '../sim/server.js';

export async function runSimulatorCommand(args: CliArgs, io: {stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream}): Promise<number> {
	let fixture;
	try {
		fixture = demoFixture(args.guests !== undefined ? {kind: 'generated', guests: args.guests, nodes: args.nodes ?? 1} : {kind: 'fixture', name: args.fixture ?? 'homelab', ...(args.scenario ? {scenario: args.scenario} : {})});
	} catch (error) {
		io.stderr.write(`proxdeck: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
		return 1;
	}
	let sim;
	try {
		// A cluster is served node by node, each with its own certificate, so clients can try failover.
		sim = await startSimulator({fixture, host: args.listen ?? '127.0.0.1', port: args.port ?? 8006, nodeEndpoints: fixture.nodes.length > 1});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const where = `${args.listen ?? '127.0.0.1'}:${args.port ?? 8006}`;
		io.stderr.write(`proxdeck: cannot listen on ${where}${code === 'EADDRINUSE' ? ': address in use (pick another with --port)' : `: ${(error as Error).message}`}\n`);
		return 1;
	}
	for (const line of describeSimulator(sim, fixture)) io.stdout.write(`${line}\n`);
	io.stdout.write('Ctrl+C stops the simulator.\n');
	await new Promise<void>((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
	await sim.close();
	return 0;
}
