// Commands for a container on another node of the cluster go through the
// connected node's SSH to that node (`ssh -o BatchMode=yes -T pve2 -- …`),
// over the simulator's real SSH server: pct on pve1 cannot see CT 111 on pve2,
// the hop can; an offline node answers like ssh does.

import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {argvOnNode, hopArgv, rememberNodeAddresses, shellNode} from '../../source/ssh/node-hop.js';
import {execIn} from '../../source/services/upgrade/exec.js';
import {startHarness, type Harness} from '../sim-ssh/harness.js';

let h: Harness;
before(async () => {
	h = await startHarness({fixture: 'cluster', node: 'pve1'});
});
after(() => h.close());

test('the runner learns its own node once; a command for it is left as it is', async () => {
	assert.equal(await shellNode(h.runner), 'pve1');
	assert.deepEqual(await argvOnNode(h.runner, 'pve1', ['pct', 'list']), ['pct', 'list']);
	assert.deepEqual(await argvOnNode(h.runner, 'pve2', ['pct', 'exec', '111', '--', 'sh', '-c', "echo 'a b'"]), [
		'ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-T', 'pve2', '--', "pct exec 111 -- sh -c 'echo '\\''a b'\\'''",
	]);
});

test('pct on the wrong node fails as Proxmox does; through the hop it reaches the container', async () => {
	const direct = await h.runner.run(['pct', 'exec', '111', '--', 'hostname']);
	assert.notEqual(direct.code, 0);
	assert.match(direct.stderr, /nodes\/pve1\/lxc\/111\.conf' does not exist/);
	const hopped = await execIn(h.runner, {vmid: 111, node: 'pve2'}, 'hostname', 15_000);
	assert.deepEqual(hopped.end, {kind: 'exit', code: 0});
	assert.equal(hopped.stdout.trim(), h.state.guests.get(111)!.config.hostname);
	// Arguments keep their words through both shells.
	const echoed = await h.runner.run(hopArgv('pve2', ['echo', "it's", 'two  spaces']));
	assert.equal(echoed.stdout, "it's two  spaces\n");
});

test('an offline node answers like ssh: exit 255, No route to host', async () => {
	const result = await h.runner.run(hopArgv('pve3', ['pct', 'list']));
	assert.equal(result.code, 255);
	assert.equal(result.stderr, 'ssh: connect to host pve3 port 22: No route to host\n');
	const unknown = await h.runner.run(hopArgv('pve9', ['true']));
	assert.match(unknown.stderr, /Could not resolve hostname pve9/);
});

test('with the cluster addresses known, the hop goes to root@IP with the node name as host key alias', async () => {
	rememberNodeAddresses([{name: 'pve2', ip: '192.168.10.12'}]);
	const argv = hopArgv('pve2', ['hostname']);
	assert.deepEqual(argv, ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-T', '-o', 'HostKeyAlias=pve2', 'root@192.168.10.12', '--', 'hostname']);
	const result = await h.runner.run(argv);
	assert.equal(result.stdout, 'pve2\n');
});

test('a runner that cannot tell its node still sends the command through the hop (never to the wrong node)', async () => {
	const blind = {...h.runner, run: (argv: string[], o?: Parameters<typeof h.runner.run>[1]) => (argv[0] === 'hostname' ? Promise.resolve({code: 1, stdout: '', stderr: 'no'}) : h.runner.run(argv, o))};
	const argv = await argvOnNode(blind, 'pve2', ['journalctl', '-n', '1']);
	assert.equal(argv[0], 'ssh');
	assert.ok(argv.includes('root@192.168.10.12') || argv.includes('pve2'));
});
