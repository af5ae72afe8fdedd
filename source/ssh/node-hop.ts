// Commands for another node of the cluster. `pct`, `journalctl` and `zfs`
// only see the node they run on, and proxdeck holds one SSH connection (to the
// host it was pointed at). Proxmox sets up root SSH between cluster nodes
// (pvecm; migrations use it), so a command for another node is sent through
// the connected one: `ssh -o BatchMode=yes -T pve2 -- 'pct' 'exec' …`. The
// cluster is the transport, proxdeck invents none of its own.

import {quoteArgv} from './quote.js';
import type {CommandRunner} from './types.js';

const shellNodes = new WeakMap<CommandRunner, Promise<string | undefined>>();

/** The node a runner's shell is on (`hostname`, short form), asked once per runner; undefined if it cannot tell. */
export function shellNode(runner: CommandRunner): Promise<string | undefined> {
	let known = shellNodes.get(runner);
	if (!known) {
		known = runner
			.run(['hostname'], {timeoutMs: 15_000})
			.then((answer) => (answer.code === 0 ? answer.stdout.trim().split('.')[0] || undefined : undefined))
			.catch(() => undefined);
		shellNodes.set(runner, known);
		// A failure (connection not up yet) is not remembered: the next command asks again.
		void known.then((node) => {
			if (node === undefined) shellNodes.delete(runner);
		});
	}
	return known;
}

// Cluster nodes' addresses (GET /cluster/status `ip`), learned by the fleet
// poll. A node's name need not resolve on another node; its cluster address
// does, and Proxmox's own tools connect the same way (root@IP, with the node
// name as the host key alias).
const addresses = new Map<string, string>();

export function rememberNodeAddresses(nodes: Array<{name: string; ip?: string}>): void {
	for (const n of nodes) if (n.ip) addresses.set(n.name, n.ip);
}

/** argv run on `node` through the connected node's SSH (BatchMode: never a password prompt). */
export function hopArgv(node: string, argv: string[]): string[] {
	const ip = addresses.get(node);
	const target = ip ? ['-o', `HostKeyAlias=${node}`, `root@${ip}`] : [node];
	return ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-T', ...target, '--', quoteArgv(argv)];
}

/**
 * argv as it must be sent through `runner` to run on `node`. When the runner
 * cannot tell its own node, the command still goes through the hop (ssh to
 * the node itself works too): running it unhopped could show another node's
 * journal under this node's name.
 */
export async function argvOnNode(runner: CommandRunner, node: string | undefined, argv: string[]): Promise<string[]> {
	if (node === undefined) return argv;
	const own = await shellNode(runner);
	return own === node ? argv : hopArgv(node, argv);
}
