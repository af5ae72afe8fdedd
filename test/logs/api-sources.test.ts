// Sources that need no SSH: the host journal through GET /nodes/{node}/journal
// and a task log by UPID, from the simulator over real HTTPS with the real
// client (certificate pinned); and the audit log file, tailed.

import assert from 'node:assert/strict';
import {appendFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {createClient, type PveClient} from '../../source/api/client.js';
import {demoToken} from '../../source/cli/demo.js';
import {createLogsService, type LogsService} from '../../source/services/logs/panes.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {startTask} from '../../source/sim/tasks.js';
import {fleetStore, tempDir, until} from './helpers.js';

let now = Date.parse('2026-11-23T12:00:00Z');
let sim: RunningSimulator;
let client: PveClient;
let service: LogsService;
let store: ReturnType<typeof fleetStore>;
let dir: string;

before(async () => {
	const fixture = loadFixture(BUILTIN_FIXTURES.homelab);
	sim = await startSimulator({fixture, clock: () => now, authFailureDelayMs: 0});
	client = createClient({host: sim.host, port: sim.port, auth: {kind: 'token', ...demoToken(fixture)}, fingerprint: sim.fingerprint, clock: () => now});
	store = fleetStore();
	dir = tempDir();
	const fast = {pollMs: 15};
	// No runner: the host journal falls back to the API.
	service = createLogsService({store, api: client, renderIntervalMs: 10, poll: {journal: fast, task: fast, audit: fast}, auditPath: join(dir, 'audit.log')});
});

after(async () => {
	service.stop();
	await client.close();
	await sim.close();
	rmSync(dir, {recursive: true, force: true});
});

const paneOf = (id: number) => store.getState().logs.panes.find((p) => p.id === id)!;
const texts = (id: number) => service.buffer(id)!.toArray().map((l) => l.text);

test('without SSH the host journal comes from the API: the last 200 entries, then what follows the returned cursor', async () => {
	const id = service.open({kind: 'host', node: 'pve'})!;
	await until('history', () => (service.buffer(id)?.length ?? 0) === 200);
	assert.equal(paneOf(id).status.state, 'following');
	const oldest = service.buffer(id)!.oldest()!;
	assert.match(oldest.ts, /^[A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2}$/, 'the API journal is in short format');
	assert.ok(texts(id).every((t) => t.startsWith('pve ')));
	assert.ok(!texts(id).some((t) => t.startsWith('s=')), 'cursors are not shown as lines');
	const newestBefore = service.buffer(id)!.newest()!;
	now += 120_000; // about 20 more host journal entries
	await until('new entries', () => service.buffer(id)!.length > 200);
	await new Promise((resolve) => setTimeout(resolve, 50));
	const lines = service.buffer(id)!.toArray();
	const at = lines.findIndex((l) => l.seq === newestBefore.seq);
	assert.equal(new Set(lines.map((l) => `${l.ts} ${l.text}`)).size, lines.length, 'no entry twice');
	assert.ok(at !== -1 && lines.length - at - 1 >= 10, `${lines.length - at - 1} entries after the cursor`);
	const journalCalls = sim.requests.filter((r) => r.path === '/nodes/pve/journal');
	assert.deepEqual(journalCalls[0]!.query, {lastentries: '200'});
	assert.ok(journalCalls.slice(1).every((r) => /^s=[0-9a-f]{32};i=/.test(r.query.startcursor ?? '')));
	service.close(id);
});

test('a task log by UPID follows the task until it stops, then says how it ended', async () => {
	const upid = startTask(sim.state, {node: 'pve', type: 'vzsnapshot', id: '101', user: 'root@pam', durationSec: 10, steps: ['create snapshot', 'freeze', 'thaw', 'done'], outcome: 'OK'});
	const id = service.open({kind: 'task', node: 'pve', upid, label: 'vzsnapshot 101'})!;
	await until('first line', () => texts(id).includes('create snapshot'));
	assert.equal(paneOf(id).status.state, 'following');
	now += 11_000;
	await until('end', () => paneOf(id).status.state === 'ended');
	assert.deepEqual(paneOf(id).status, {state: 'ended', code: 0, detail: 'OK'});
	assert.equal(texts(id).filter((t) => t === 'create snapshot').length, 1, 'each log line once');
	assert.equal(texts(id)[texts(id).length - 1], 'TASK OK');
	service.close(id);
});

test('a task that ended with warnings counts as a success, as Proxmox counts it', async () => {
	const upid = startTask(sim.state, {node: 'pve', type: 'vzdump', id: '403', user: 'root@pam', durationSec: 1, steps: ['INFO: starting new backup job'], outcome: 'WARNINGS: 1'});
	const id = service.open({kind: 'task', node: 'pve', upid, label: 'vzdump 403'})!;
	now += 2_000;
	await until('end', () => paneOf(id).status.state === 'ended');
	assert.deepEqual(paneOf(id).status, {state: 'ended', code: 0, detail: 'WARNINGS: 1'});
	service.close(id);
});

test('the audit log is tailed: existing actions, then appended ones, as readable lines', async () => {
	const path = join(dir, 'audit.log');
	writeFileSync(path, `${JSON.stringify({phase: 'begin', id: 'a', time: '2026-11-23T12:00:00.000Z', host: 'pve:8006', identity: 'root@pam!proxdeck', action: 'snapshot', targets: [101], params: {}})}\n`);
	const id = service.open({kind: 'audit', path})!;
	await until('first line', () => (service.buffer(id)?.length ?? 0) === 1);
	assert.equal(service.buffer(id)!.oldest()!.ts, '2026-11-23T12:00:00.000Z');
	assert.equal(texts(id)[0], 'begin snapshot 101 by root@pam!proxdeck on pve:8006');
	appendFileSync(path, `${JSON.stringify({phase: 'end', id: 'a', time: '2026-11-23T12:00:02.000Z', result: 'OK', durationMs: 2000})}\n`);
	await until('appended line', () => service.buffer(id)!.length === 2);
	assert.equal(texts(id)[1], 'end OK (2000 ms)');
	service.close(id);
});
