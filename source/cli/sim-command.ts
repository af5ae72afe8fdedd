// `proxdeck sim`: the Proxmox VE simulator on its own, for pointing other API
// clients (or a second proxdeck) at it. Runs until SIGINT/SIGTERM.

import {existsSync, readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';
import ssh2 from 'ssh2';
import type {CliArgs} from './args.js';
import {demoFixture} from './demo.js';
import {describeSimulator, startSimulator, type RunningSimulator} from '../sim/server.js';
import {startSimSsh, type RunningSimSsh} from '../sim/ssh/index.js';

/** The public keys `proxdeck sim --ssh` lets in as root: --ssh-key's .pub, else the user's own ~/.ssh keys. */
export function simAuthorizedKeys(sshKey: string | undefined, home = homedir()): {keys: string[]; from: string[]} {
	const files = sshKey !== undefined
		? [sshKey.endsWith('.pub') || !existsSync(`${sshKey}.pub`) ? sshKey : `${sshKey}.pub`]
		: ['id_ed25519.pub', 'id_ecdsa.pub', 'id_rsa.pub', 'authorized_keys'].map((f) => join(home, '.ssh', f));
	const keys: string[] = [];
	const from: string[] = [];
	for (const file of files) {
		if (!existsSync(file)) continue;
		const valid = readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#') && !(ssh2.utils.parseKey(l) instanceof Error));
		if (valid.length > 0) {
			keys.push(...valid);
			from.push(file);
		}
	}
	return {keys, from};
}

/** Starts the SSH side as the fixture's first online node; the others are reached with `ssh NODE -- …` from it. */
async function startSshSide(args: CliArgs, sim: RunningSimulator, io: {stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream}): Promise<RunningSimSsh | number> {
	const {keys, from} = simAuthorizedKeys(args.sshKey);
	if (keys.length === 0) {
		io.stderr.write(`proxdeck: --ssh needs a public key to let in: none in ${args.sshKey ?? '~/.ssh (id_ed25519.pub, id_ecdsa.pub, id_rsa.pub, authorized_keys)'}; create one with ssh-keygen -t ed25519 or pass --ssh-key FILE.pub\n`);
		return 1;
	}
	const node = [...sim.state.nodes.values()].find((n) => n.online) ?? [...sim.state.nodes.values()][0];
	const host = args.listen ?? '127.0.0.1';
	try {
		const ssh = await startSimSsh({state: sim.state, authorizedKeys: keys, host, port: args.sshPort ?? 2222, ...(node ? {node: node.name} : {})});
		io.stdout.write(`SSH:       ssh -p ${ssh.port} root@${host}   (node ${node?.name ?? '?'}; keys from ${from.join(', ')})\n`);
		io.stdout.write(`SSH host key: ${ssh.hostKeyFingerprint} (new at every start); known_hosts line:\n  ${ssh.knownHostsLine}\n`);
		return ssh;
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		io.stderr.write(`proxdeck: cannot listen for SSH on ${host}:${args.sshPort ?? 2222}${code === 'EADDRINUSE' ? ': address in use (pick another with --ssh PORT)' : `: ${(error as Error).message}`}\n`);
		return 1;
	}
}

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
	if (args.upgrade.simSpeed !== undefined) {
		sim.state.taskSpeed = args.upgrade.simSpeed;
		sim.state.packageSpeed = args.upgrade.simSpeed;
	}
	for (const line of describeSimulator(sim, fixture)) io.stdout.write(`${line}\n`);
	let ssh: RunningSimSsh | undefined;
	if (args.ssh) {
		const started = await startSshSide(args, sim, io);
		if (typeof started === 'number') {
			await sim.close();
			return started;
		}
		ssh = started;
	}
	io.stdout.write('Ctrl+C stops the simulator.\n');
	await new Promise<void>((resolve) => {
		process.once('SIGINT', resolve);
		process.once('SIGTERM', resolve);
	});
	await ssh?.close();
	await sim.close();
	return 0;
}
