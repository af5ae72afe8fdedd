// `proxdeck sim --ssh PORT`: the simulator run as its own process serves its
// nodes over SSH, so another tool (here a plain ssh2 client on loopback,
// verifying the host key the command printed) can run pct, qm and pveversion
// against the same state as the API.

import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {freeLoopbackPort} from '../loopback-port.js';
import {after, before, describe, it} from 'node:test';
import ssh2 from 'ssh2';
import {generateEd25519} from '../../source/ssh/keygen.js';
import {simAuthorizedKeys} from '../../source/cli/sim-command.js';
import {parseArgs} from '../../source/cli/args.js';

const root = fileURLToPath(new URL('../..', import.meta.url));


interface Ran {
	code: number | null;
	stdout: string;
	stderr: string;
}

describe('proxdeck sim --ssh PORT', () => {
	let child: ChildProcess;
	let home: string;
	let sshPort: number;
	let privateKey: string;
	let hostKeyLine = '';
	let conn: ssh2.Client;

	before(async () => {
		home = mkdtempSync(join(tmpdir(), 'proxdeck-simcmd-'));
		mkdirSync(join(home, '.ssh'));
		const key = generateEd25519();
		privateKey = key.private;
		writeFileSync(join(home, '.ssh', 'id_ed25519.pub'), `${key.public}\n`);
		const apiPort = await freeLoopbackPort();
		sshPort = await freeLoopbackPort();
		child = spawn(process.execPath, ['bin/proxdeck.js', 'sim', '--port', String(apiPort), '--ssh', String(sshPort), '--sim-speed', '20'], {
			cwd: root,
			env: {PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.state')},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		let err = '';
		child.stderr!.on('data', (d) => (err += d));
		await new Promise<void>((resolve, reject) => {
			child.stdout!.on('data', (d) => {
				out += d;
				if (out.includes('Ctrl+C stops the simulator.')) resolve();
			});
			child.once('exit', (code) => reject(new Error(`sim exited ${code}: ${err}`)));
		});
		// The command prints the known_hosts line: the client checks the host key against it.
		hostKeyLine = /known_hosts line:\n {2}(\S+ ssh-ed25519 \S+)/.exec(out)?.[1] ?? '';
		assert.ok(hostKeyLine.startsWith(`[127.0.0.1]:${sshPort} ssh-ed25519 `), out);
		const expected = Buffer.from(hostKeyLine.split(' ')[2]!, 'base64');
		conn = new ssh2.Client();
		await new Promise<void>((resolve, reject) => {
			conn.once('ready', () => resolve());
			conn.once('error', reject);
			conn.connect({host: '127.0.0.1', port: sshPort, username: 'root', privateKey, hostVerifier: (key: Buffer) => key.equals(expected)});
		});
	});

	after(async () => {
		conn?.end();
		child?.kill('SIGTERM');
		await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
		rmSync(home, {recursive: true, force: true});
	});

	function run(command: string): Promise<Ran> {
		return new Promise((resolve, reject) => {
			conn.exec(command, (error, stream) => {
				if (error) return reject(error);
				let stdout = '';
				let stderr = '';
				let code: number | null = null;
				stream.on('data', (d: Buffer) => (stdout += d));
				stream.stderr.on('data', (d: Buffer) => (stderr += d));
				stream.on('exit', (c: number) => (code = c));
				stream.on('close', () => resolve({code, stdout, stderr}));
			});
		});
	}

	it('answers pveversion like a node', async () => {
		const res = await run('pveversion');
		assert.equal(res.code, 0);
		assert.match(res.stdout, /^pve-manager\/9\.\d+\.\d+\/[0-9a-f]{8} \(running kernel: [\d.]+-\d+-pve\)\n$/);
	});

	it('pct stop / start / snapshot / rollback / config change the simulated container and print as pct does', async () => {
		const list = await run('pct list');
		const running = /^(\d+)\s+running\s/m.exec(list.stdout)?.[1];
		assert.ok(running, list.stdout);

		const stop = await run(`pct stop ${running}`);
		assert.deepEqual([stop.code, stop.stderr], [0, '']);
		assert.equal((await run(`pct status ${running}`)).stdout, 'status: stopped\n');
		const again = await run(`pct stop ${running}`);
		assert.deepEqual([again.code, again.stderr], [255, `CT ${running} not running\n`]);

		const start = await run(`pct start ${running}`);
		assert.equal(start.code, 0, start.stderr);
		assert.equal((await run(`pct status ${running}`)).stdout, 'status: running\n');

		const snap = await run(`pct snapshot ${running} viassh --description 'taken over ssh'`);
		assert.deepEqual([snap.code, snap.stdout, snap.stderr], [0, '', ''], 'a container snapshot prints nothing');
		assert.match((await run(`pct listsnapshot ${running}`)).stdout, /viassh\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+taken over ssh/);
		const config = await run(`pct config ${running}`);
		assert.equal(config.code, 0);
		assert.match(config.stdout, /^parent: viassh$/m);
		assert.match(config.stdout, /^hostname: \S+$/m);
		assert.ok(!/^digest:/m.test(config.stdout), 'pct config leaves the digest out');
		const lines = config.stdout.trimEnd().split('\n').map((l) => l.split(':')[0]!);
		assert.deepEqual(lines, [...lines].sort(), 'keys sorted');

		const rollback = await run(`pct rollback ${running} viassh --start`);
		assert.equal(rollback.code, 0, rollback.stderr);
		const missing = await run(`pct rollback ${running} nosuch`);
		assert.deepEqual([missing.code, missing.stderr], [255, "snapshot 'nosuch' does not exist\n"]);
		const bad = await run('pct start abc');
		assert.equal(bad.code, 255);
		assert.match(bad.stderr, /^400 Parameter verification failed\.\nvmid: type check \('integer'\) failed - got 'abc'\n/);
	});

	it('qm answers for VMs and names the VM config path for a container id', async () => {
		const ct = /^(\d+)\s/m.exec((await run('pct list')).stdout.split('\n').slice(1).join('\n'))?.[1];
		const res = await run(`qm start ${ct}`);
		assert.equal(res.code, 255);
		assert.match(res.stderr, new RegExp(`^Configuration file 'nodes/\\w+/qemu-server/${ct}\\.conf' does not exist\\n$`));
		const usage = await run('qm frobnicate');
		assert.equal(usage.code, 255);
		assert.match(usage.stderr, /unknown command 'qm frobnicate'/);
	});

	it('refuses an unknown key', async () => {
		const stranger = generateEd25519();
		const other = new ssh2.Client();
		const error = await new Promise<Error>((resolve) => {
			other.once('error', resolve);
			other.once('ready', () => resolve(new Error('accepted')));
			other.connect({host: '127.0.0.1', port: sshPort, username: 'root', privateKey: stranger.private, hostVerifier: () => true});
		});
		other.end();
		assert.match(error.message, /authentication methods failed/);
	});
});

describe('sim --ssh arguments', () => {
	it('takes the port after --ssh or as --ssh=PORT, only for sim', () => {
		assert.deepEqual([parseArgs(['sim', '--ssh', '2222']).ssh, parseArgs(['sim', '--ssh', '2222']).sshPort], [true, 2222]);
		assert.equal(parseArgs(['sim', '--ssh=2022']).sshPort, 2022);
		assert.throws(() => parseArgs(['--ssh', '2222']), /unknown command/);
	});

	it('lets in the --ssh-key public key, or the user\'s own ~/.ssh keys, and nothing unreadable', () => {
		const home = mkdtempSync(join(tmpdir(), 'proxdeck-simkeys-'));
		try {
			assert.deepEqual(simAuthorizedKeys(undefined, home), {keys: [], from: []});
			mkdirSync(join(home, '.ssh'));
			const key = generateEd25519();
			writeFileSync(join(home, '.ssh', 'id_ed25519.pub'), `${key.public}\n`);
			writeFileSync(join(home, '.ssh', 'authorized_keys'), '# comment\nnot a key\n');
			assert.deepEqual(simAuthorizedKeys(undefined, home).keys, [key.public.trim()]);
			writeFileSync(join(home, 'mine'), 'private part');
			writeFileSync(join(home, 'mine.pub'), `${key.public}\n`);
			assert.deepEqual(simAuthorizedKeys(join(home, 'mine'), home).from, [join(home, 'mine.pub')], 'a private key path means its .pub');
		} finally {
			rmSync(home, {recursive: true, force: true});
		}
	});
});
