// `proxdeck backups` and `proxdeck backup` as cron runs them: the real process
// against a simulator on loopback (token secret in the environment, the
// certificate pinned), its stdout/stderr, exit code, the requests the
// simulator received and the audit log written.

import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {spawnProxdeck} from '../upgrade/spawn-host.js';

const state = mkdtempSync(join(tmpdir(), 'proxdeck-backup-'));
const fixture = loadFixture(BUILTIN_FIXTURES.homelab);
const secret = fixture.users.find((u) => u.userid === 'root@pam')!.tokens!.find((t) => t.tokenid === 'proxdeck')!.secret;
let sim: RunningSimulator;

before(async () => {
	sim = await startSimulator({fixture, authFailureDelayMs: 0, taskSpeed: 200});
});
after(async () => {
	await sim.close();
	rmSync(state, {recursive: true, force: true});
});

/** The real process (tsx sources, no bundle) against the simulator, the token secret in its environment. */
function proxdeck(args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
	const target = ['--host', sim.host, '--port', String(sim.port), '--fingerprint', sim.fingerprint, '--token-id', 'root@pam!proxdeck'];
	const env = {PATH: process.env.PATH ?? '', HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent', XDG_STATE_HOME: state, PROXDECK_TOKEN_SECRET: secret};
	return spawnProxdeck([...args, ...target], env).done;
}

const writes = () => sim.requests.filter((r) => r.method !== 'GET');

test('backups --json: every guest with the age of its newest backup, `never` and uncovered for the bind-mounted *arr stack', async () => {
	const {code, stdout, stderr} = await proxdeck(['backups', '--json']);
	assert.equal(code, 0, stderr);
	const result = JSON.parse(stdout) as {guests: Array<{vmid: number; age: string; ageSeconds: number | null; covered: boolean; count: number; newest: {storage: string; volid: string} | null}>; jobs: unknown[]};
	const plex = result.guests.find((g) => g.vmid === 100)!;
	assert.equal(plex.age, '6h');
	assert.equal(plex.newest!.storage, 'backups');
	assert.match(plex.newest!.volid, /^backups:backup\/vzdump-lxc-100-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.tar\.zst$/);
	assert.equal(plex.count, 9);
	const sonarr = result.guests.find((g) => g.vmid === 101)!;
	assert.deepEqual([sonarr.age, sonarr.ageSeconds, sonarr.covered, sonarr.newest], ['never', null, false, null]);
	assert.equal(result.jobs.length, 3);
	assert.deepEqual(writes(), []);
});

test('backup without --storage names the backup storages; without --yes nothing is sent', async () => {
	const none = await proxdeck(['backup', '--vmid', '100']);
	assert.equal(none.code, 1);
	assert.match(none.stderr, /^proxdeck: choose the storage: --storage \(backup storages: backups, local\)$/m);
	const dry = await proxdeck(['backup', '--vmid', '100', '--storage', 'backups']);
	assert.equal(dry.code, 1);
	assert.match(dry.stderr, /^would back up 1 guest to backups: 100 plex \(pve\)$/m);
	assert.match(dry.stderr, /nothing was changed: add --yes to run/);
	assert.deepEqual(writes(), []);
});

test('backup --read-only is refused by the dispatcher: nothing is sent', async () => {
	const {code, stderr} = await proxdeck(['backup', '--vmid', '100', '--storage', 'backups', '--yes', '--read-only']);
	assert.equal(code, 1);
	assert.match(stderr, /^✗ 100 plex: refused: read-only mode, nothing was sent$/m);
	assert.deepEqual(writes(), []);
});

test('backup --tag … --yes --json: one vzdump on the node, followed to the end, audited; the archives appear', async () => {
	const {code, stdout, stderr} = await proxdeck(['backup', '--vmid', '105,108', '--storage', 'backups', '--yes', '--json']);
	assert.equal(code, 0, stderr);
	const result = JSON.parse(stdout) as {storage: string; results: Array<{vmid: number; ok: boolean; result: string; upid: string}>};
	assert.deepEqual(result.results.map((r) => [r.vmid, r.ok, r.result]), [
		[105, true, 'OK'],
		[108, true, 'OK'],
	]);
	const posts = writes();
	assert.deepEqual(posts.map((p) => [p.method, p.path, p.body.vmid, p.body.storage]), [['POST', '/nodes/pve/vzdump', '105,108', 'backups']]);
	const audit = readFileSync(join(state, 'proxdeck', 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
	const begin = audit.find((l) => l.phase === 'begin' && l.action === 'backup')!;
	assert.deepEqual(begin.targets, [105, 108]);
	assert.equal(audit.find((l) => l.phase === 'end' && l.id === begin.id)!.result, 'OK');
	const newest = sim.state.backups.filter((b) => b.vmid === 105).sort((a, b) => b.ctime - a.ctime)[0]!;
	assert.equal(newest.volid, `backups:backup/vzdump-lxc-105-${newest.volid.split('-105-')[1]}`);
	assert.ok(Date.now() / 1000 - newest.ctime < 120);
});
