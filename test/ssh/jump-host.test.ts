// A context's SSH jump host (OpenSSH's ProxyJump): the runner connects to the
// bastion, checks its host key against known_hosts like any host's, and
// reaches the node through a direct-tcpip channel from there. The bastion here
// is a real ssh2 server on loopback that forwards what it is asked to.

import assert from 'node:assert/strict';
import {appendFileSync, readFileSync, writeFileSync} from 'node:fs';
import {connect, type AddressInfo} from 'node:net';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import ssh2 from 'ssh2';
import {parseJump} from '../../source/cli/ssh-setup.js';
import {SshError} from '../../source/ssh/errors.js';
import {generateEd25519} from '../../source/ssh/keygen.js';
import {startHarness, type Harness} from '../sim-ssh/harness.js';

let h: Harness;
let bastion: ssh2.Server;
let bastionPort: number;
const bastionKey = generateEd25519();
const forwarded: string[] = [];

before(async () => {
	h = await startHarness();
	const allowed = ssh2.utils.parseKey(readFileSync(h.keyPath, 'utf8')) as ssh2.ParsedKey;
	bastion = new ssh2.Server({hostKeys: [bastionKey.private]}, (client) => {
		client.on('authentication', (ctx) => {
			if (ctx.method === 'publickey' && ctx.key.data.equals(allowed.getPublicSSH())) {
				if (!ctx.signature || allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo)) return ctx.accept();
			}
			ctx.reject(['publickey']);
		});
		client.on('ready', () => {
			client.on('tcpip', (accept, reject, info) => {
				forwarded.push(`${info.destIP}:${info.destPort}`);
				const socket = connect(info.destPort, info.destIP, () => {
					const channel = accept();
					channel.pipe(socket).pipe(channel);
				});
				socket.on('error', () => reject());
			});
		});
		client.on('error', () => {});
	});
	await new Promise<void>((resolve) => bastion.listen(0, '127.0.0.1', () => resolve()));
	bastionPort = (bastion.address() as AddressInfo).port;
});
after(async () => {
	await h.close();
	await new Promise<void>((resolve) => bastion.close(() => resolve()));
});

test('a jump host is "[user@]host[:port]" as ProxyJump writes it', () => {
	assert.deepEqual(parseJump('ops@bastion.lan:2222', 'root'), {host: 'bastion.lan', port: 2222, username: 'ops'});
	assert.deepEqual(parseJump('bastion.lan', 'root'), {host: 'bastion.lan', port: 22, username: 'root'});
	assert.deepEqual(parseJump('[fd00::1]:22', 'root'), {host: 'fd00::1', port: 22, username: 'root'});
});

test('commands reach the node through the jump host, whose host key is checked too', async () => {
	const knownHosts = join(h.dir, 'known_hosts_jump');
	writeFileSync(knownHosts, `${h.sim.knownHostsLine}\n`);
	const jump = {host: '127.0.0.1', port: bastionPort, username: 'root'};
	// Not yet in known_hosts: refused, naming the bastion.
	await assert.rejects(h.runnerWith({knownHostsPath: knownHosts, jump}).run(['true']), (e: unknown) => {
		assert.ok(e instanceof SshError && e.kind === 'unknown-host-key', String(e));
		assert.match(e.message, new RegExp(`host key for \\[127\\.0\\.0\\.1\\]:${bastionPort} is not in`));
		return true;
	});
	assert.deepEqual(forwarded, []);
	appendFileSync(knownHosts, `[127.0.0.1]:${bastionPort} ${bastionKey.public.split(' ').slice(0, 2).join(' ')}\n`);
	const runner = h.runnerWith({knownHostsPath: knownHosts, jump});
	assert.deepEqual(await runner.run(['pct', 'status', '100']), {code: 0, stdout: 'status: running\n', stderr: ''});
	assert.deepEqual(forwarded, [`127.0.0.1:${h.sim.port}`]);
	await runner.close();
});
