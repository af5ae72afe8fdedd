// Commands for a container on another node of the cluster go through the
// connected node's SSH to that node (`ssh -o BatchMode=yes -T pve2 -- …`),
// over the simulator's real SSH server: pct on pve1 cannot see CT 111 on pve2,
// the hop can; an offline node answers like ssh does.

import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {argvOnNode, hopArgv, shellNode} from '../../source/ssh/node-hop.js';
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
