// `proxdeck check` as cron or a monitoring system runs it: the real process
// against a real simulator on loopback, its stdout, its exit code, and what it
// posts to a webhook (a loopback HTTP server here).

import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {createServer, type IncomingMessage, type Server} from 'node:http';
import {createServer as createTcpServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, test} from 'node:test';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const state = mkdtempSync(join(tmpdir(), 'proxdeck-check-'));
let sim: RunningSimulator;

before(async () => {
	sim = await startSimulator({fixture: loadFixture(BUILTIN_FIXTURES.homelab), authFailureDelayMs: 0});
});
after(async () => {
	await sim.close();
	rmSync(state, {recursive: true, force: true});
});

function proxdeck(args: string[], env: Record<string, string> = {}): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['bin/proxdeck.js', ...args], {
			cwd: root,
			env: {PATH: process.env.PATH ?? '', HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent', XDG_STATE_HOME: state, ...env},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('close', (code) => resolve({code, stdout, stderr}));
	});
}

test('the incident scenario exits 2 (CRITICAL) with the problems ranked and the gateway correlated', async () => {
	const {code, stdout} = await proxdeck(['check', '--demo', '--scenario', 'incident']);
	assert.equal(code, 2);
	const lines = stdout.trimEnd().split('\n');
	assert.match(lines[0]!, /^PROXDECK CRITICAL - \d+ critical · \d+ warning on the demo \(scenario incident\) \| critical=\d+ warning=\d+ info=\d+$/);
	const gateway = lines.findIndex((l) => l === 'CRITICAL gateway 300 wireguard is stopped — cuts off 2 guests');
	assert.ok(gateway > 0, stdout);
	assert.deepEqual(lines.slice(gateway + 1, gateway + 3), ['         ↳ 105 prowlarr (running, routes through wireguard)', '         ↳ 106 qbittorrent (running, routes through wireguard)']);
	assert.ok(lines.includes('CRITICAL pool tank on pve is DEGRADED'));
	assert.ok(lines.includes('CRITICAL pool tank on pve 91 % (≥ 90 %)'));
	assert.ok(lines.includes('CRITICAL 201 prometheus: disk 95 % (≥ 90 %)'));
	// Retention: plex's only snapshot is 12 days old — warned, and listed as prunable.
	assert.ok(lines.some((l) => /^WARNING  100 plex: newest snapshot is 12d old \(> 7d\)$/.test(l)), stdout);
	assert.ok(lines.includes('INFO     100 plex: 1 snapshot older than 7d (prunable: P)'), stdout);
	assert.ok(lines.some((l) => /^WARNING  task vzdump 401 immich on pve failed: job errors \(19m ago\)$/.test(l)), stdout);
	// Critical lines all come before the first warning.
	const levels = lines.slice(1).filter((l) => !l.startsWith(' ')).map((l) => l.split(' ')[0]);
	assert.deepEqual(levels, [...levels].sort((a, b) => ['CRITICAL', 'WARNING', 'INFO'].indexOf(a!) - ['CRITICAL', 'WARNING', 'INFO'].indexOf(b!)));
	// The wireguard container is onboot=1 but is reported once, as the gateway.
	assert.equal(lines.filter((l) => l.includes('300 wireguard')).length, 1);
});

test('--json gives the same evaluation for machines', async () => {
	const {code, stdout} = await proxdeck(['check', '--demo', '--scenario', 'incident', '--json']);
	assert.equal(code, 2);
	const result = JSON.parse(stdout) as {status: string; exitCode: number; counts: {critical: number}; problems: Array<{id: string; level: string; details?: string[]}>};
	assert.equal(result.status, 'CRITICAL');
	assert.equal(result.exitCode, 2);
	assert.ok(result.counts.critical >= 4);
	const gateway = result.problems.find((p) => p.id === 'gateway-down:300');
	assert.equal(gateway?.level, 'critical');
	assert.equal(gateway?.details?.length, 2);
});

test('a real host with a PVEAuditor token: the homelab as it is (prometheus at 91 % disk) is CRITICAL', async () => {
	const {code, stdout, stderr} = await proxdeck(['check', '--host', '127.0.0.1', '--port', String(sim.port), '--token-id', 'monitor@pve!readonly', '--fingerprint', sim.fingerprint], {PROXDECK_TOKEN_SECRET: '3f6d2b8a-9e41-4c7d-b2a5-7e8f1c0d4a96'});
	assert.equal(stderr, '');
	assert.equal(code, 2, stdout);
	assert.match(stdout, new RegExp(`^PROXDECK CRITICAL - .* on 127\\.0\\.0\\.1:${sim.port} \\|`));
	assert.match(stdout, /\nCRITICAL 201 prometheus: disk 91 % \(≥ 90 %\)\n/);
	assert.doesNotMatch(stdout, /wireguard/, 'the gateway is up in the healthy homelab');
});

/** A loopback port nothing listens on: an unreachable host that sends no traffic anywhere. */
function closedPort(): Promise<number> {
	return new Promise<number>((resolve) => {
		const s = createTcpServer();
		s.listen(0, '127.0.0.1', () => {
			const port = (s.address() as {port: number}).port;
			s.close(() => resolve(port));
		});
	});
}

test('a cluster that cannot be reached is UNKNOWN (3), said on stdout as plugins do', async () => {
	const closed = await closedPort();
	const {code, stdout} = await proxdeck(['check', '--host', '127.0.0.1', '--port', String(closed), '--token-id', 'root@pam!proxdeck', '--insecure'], {PROXDECK_TOKEN_SECRET: 'x'});
	assert.equal(code, 3);
	assert.match(stdout, /^PROXDECK UNKNOWN - cannot reach 127\.0\.0\.1:\d+/);
});

interface Posted {
	path: string;
	type: string;
	title?: string;
	body: string;
}

async function webhook(): Promise<{server: Server; url: string; posts: Posted[]}> {
	const posts: Posted[] = [];
	const server = createServer((req: IncomingMessage, res) => {
		let body = '';
		req.on('data', (d) => (body += d));
		req.on('end', () => {
			posts.push({path: req.url ?? '', type: String(req.headers['content-type']), ...(req.headers.title ? {title: String(req.headers.title)} : {}), body});
			res.writeHead(200).end('ok');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {server, url: `http://127.0.0.1:${(server.address() as {port: number}).port}`, posts};
}

test('--notify posts once on a change, not on a repeat; ntfy-style URLs get plain text', async () => {
	const hook = await webhook();
	try {
		const own = mkdtempSync(join(tmpdir(), 'proxdeck-notify-'));
		const env = {XDG_STATE_HOME: own};
		const first = await proxdeck(['check', '--demo', '--scenario', 'incident', '--notify', `${hook.url}/hook`], env);
		assert.equal(first.code, 2);
		assert.match(first.stderr, /^notified http:\/\/127\.0\.0\.1:\d+\/hook \(HTTP 200\)\n$/);
		assert.equal(hook.posts.length, 1);
		assert.equal(hook.posts[0]!.type, 'application/json');
		assert.equal((JSON.parse(hook.posts[0]!.body) as {status: string}).status, 'CRITICAL');

		const repeat = await proxdeck(['check', '--demo', '--scenario', 'incident', '--notify', `${hook.url}/hook`], env);
		assert.equal(repeat.code, 2);
		assert.equal(repeat.stderr, '');
		assert.equal(hook.posts.length, 1, 'the same state is not posted again');

		// The state changes (the cluster cannot be read: UNKNOWN): posted again, once.
		const down = ['check', '--host', '127.0.0.1', '--port', String(await closedPort()), '--token-id', 'root@pam!proxdeck', '--insecure', '--notify', `${hook.url}/hook`];
		assert.equal((await proxdeck(down, {...env, PROXDECK_TOKEN_SECRET: 'x'})).code, 3);
		assert.equal(hook.posts.length, 2);
		assert.equal((JSON.parse(hook.posts[1]!.body) as {status: string}).status, 'UNKNOWN');

		await proxdeck(['check', '--demo', '--scenario', 'incident', '--notify', `${hook.url}/ntfy/proxdeck`], env);
		const plain = hook.posts[2]!;
		assert.match(plain.type, /^text\/plain/);
		assert.match(plain.title!, /^PROXDECK CRITICAL - \d+ critical - \d+ warning/);
		assert.match(plain.body, /\nCRITICAL gateway 300 wireguard is stopped — cuts off 2 guests\n/);
		rmSync(own, {recursive: true, force: true});
	} finally {
		hook.server.close();
	}
});

test('an unknown scenario is one line', async () => {
	const {code, stdout} = await proxdeck(['check', '--demo', '--scenario', 'nope']);
	assert.equal(code, 3);
	assert.match(stdout, /^PROXDECK UNKNOWN - unknown scenario "nope" \(known: incident, cluster-incident, quorum-lost\)\n$/);
});

test('proxdeck upgrade --notify posts the run summary once', async () => {
	const hook = await webhook();
	try {
		const own = mkdtempSync(join(tmpdir(), 'proxdeck-notify-up-'));
		const {code, stderr} = await proxdeck(['upgrade', '--demo', '--sim-speed', '60', '--vmid', '203', '--yes', '--notify', `${hook.url}/up`], {XDG_STATE_HOME: own});
		assert.equal(code, 0, stderr);
		assert.match(stderr, /\nnotified http:\/\/127\.0\.0\.1:\d+\/up \(HTTP 200\)\n$/);
		assert.equal(hook.posts.length, 1);
		const summary = JSON.parse(hook.posts[0]!.body) as {id: string; counts: {upgraded: number}; containers: Array<{vmid: number}>};
		assert.match(summary.id, /^up-/);
		assert.equal(summary.counts.upgraded, 1);
		assert.deepEqual(summary.containers.map((c) => c.vmid), [203]);
		rmSync(own, {recursive: true, force: true});
	} finally {
		hook.server.close();
	}
});

test('check --demo --fixture cluster --scenario cluster-incident: the HA error, the offline node, the sustained node CPU from rrddata, the pending kernel reboot and updates', async () => {
	const {code, stdout} = await proxdeck(['check', '--demo', '--fixture', 'cluster', '--scenario', 'cluster-incident']);
	assert.equal(code, 2, stdout);
	const lines = stdout.trimEnd().split('\n');
	assert.ok(lines.includes('CRITICAL node pve3 is offline — 3 guests on it unreachable'), stdout);
	assert.ok(lines.includes('CRITICAL 103 postgres-main: HA resource in error (start and recovery failed; set it disabled, fix, then start)'), stdout);
	assert.ok(lines.some((l) => /^WARNING  node pve2: CPU \d+ % \(≥ 80 % for \d+m, rrddata\)/.test(l)), stdout);
	assert.ok(lines.includes('WARNING  node pve2: reboot pending — kernel 6.14.11-1-pve installed, 6.14.8-2-pve running'), stdout);
	assert.ok(lines.includes('INFO     node pve1: 5 package updates pending (apt)'), stdout);
});

test('check --demo --fixture cluster --scenario quorum-lost: quorum lost and the lost node\'s HA resources in fence, CRITICAL', async () => {
	const {code, stdout} = await proxdeck(['check', '--demo', '--fixture', 'cluster', '--scenario', 'quorum-lost']);
	assert.equal(code, 2, stdout);
	const lines = stdout.trimEnd().split('\n');
	assert.ok(lines.includes('CRITICAL the cluster has lost quorum: /etc/pve is read-only, no guest can be started or changed'), stdout);
	assert.ok(lines.includes('CRITICAL 110 dns2: HA resource in fence (node pve2 is lost; it is recovered elsewhere once fenced)'), stdout);
});
