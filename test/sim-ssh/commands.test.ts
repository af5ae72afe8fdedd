// The simulator's command interpreter, run directly (no SSH): output formats
// compared with the recorded samples' shapes, exit codes, follows on a manual ticker.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {runSim, spawnSim, type SimShellOptions, type Ticker} from '../../source/sim/ssh/commands.js';
import {nicenum} from '../../source/sim/ssh/zfs.js';
import {startTask} from '../../source/sim/tasks.js';
import {homelabState, START} from './harness.js';
import {readSample} from '../samples.js';

function sample(name: string): string[] {
	return readSample(name).trimEnd().split('\n');
}

/** A ticker the test moves by hand, so follow rates are exact and instant. */
function manualTicker() {
	let now = 0;
	const tasks = new Set<() => void>();
	const ticker: Ticker = {
		now: () => now,
		every(_ms, fn) {
			tasks.add(fn);
			return () => tasks.delete(fn);
		},
	};
	return {ticker, advance(ms: number) {
		now += ms;
		for (const fn of [...tasks]) fn();
	}};
}

function shell(extra: Partial<SimShellOptions> = {}) {
	const {state, advance} = homelabState();
	return {state, advance, options: {state, ...extra} as SimShellOptions};
}

const JOURNAL_SHORT = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d:\d\d \S+ [^\s[]+(\[\d+\])?: .+$/;

test('the journal pattern used below accepts every recorded journal sample line', () => {
	const lines = ['journal-pvedaemon.txt', 'journal-pveproxy.txt', 'journal-corosync-knet.txt', 'journal-plex.txt', 'journal-vaultwarden.txt'].flatMap(sample);
	for (const line of lines) assert.match(line, JOURNAL_SHORT);
});

test('pct list: header and %-10s %-10s %-12s %-20s rows, sorted by vmid, this node only', async () => {
	const {options} = shell();
	const {code, stdout} = await runSim(options, ['pct', 'list']);
	assert.equal(code, 0);
	const lines = stdout.split('\n').slice(0, -1);
	assert.equal(lines[0], 'VMID       Status     Lock         Name                ');
	assert.equal(lines[1], '100        running                 plex                ');
	assert.ok(lines.includes('402        stopped                 immich-backup       '));
	assert.equal(lines.length, 1 + 28);
});

test('pct list shows a config lock in its column', async () => {
	const {state, options} = shell();
	state.guests.get(101)!.lock = 'backup';
	const {stdout} = await runSim(options, ['pct', 'list']);
	assert.ok(stdout.includes('101        running    backup       sonarr              \n'));
});

test('pct status and --verbose', async () => {
	const {options} = shell();
	assert.deepEqual(await runSim(options, ['pct', 'status', '402']), {code: 0, stdout: 'status: stopped\n', stderr: ''});
	const verbose = (await runSim(options, ['pct', 'status', '100', '--verbose'])).stdout.split('\n').slice(0, -1);
	const keys = verbose.map((l) => l.split(':')[0]!);
	assert.deepEqual(keys, [...keys].sort());
	assert.ok(verbose.includes('status: running'));
	assert.ok(verbose.includes('name: plex'));
	assert.ok(verbose.includes('vmid: 100'));
});

test('pct errors: unknown vmid, bad vmid, unknown subcommand (exit 255)', async () => {
	const {options} = shell();
	assert.deepEqual(await runSim(options, ['pct', 'status', '999']), {code: 255, stdout: '', stderr: "Configuration file 'nodes/pve/lxc/999.conf' does not exist\n"});
	const bad = await runSim(options, ['pct', 'status', 'abc']);
	assert.equal(bad.code, 255);
	assert.match(bad.stderr, /vmid: type check \('integer'\) failed - got 'abc'/);
	const unknown = await runSim(options, ['pct', 'frobnicate']);
	assert.equal(unknown.code, 255);
	assert.match(unknown.stderr, /^ERROR: unknown command 'pct frobnicate'/);
});

test('pct listsnapshot: the tree of print_snapshot_tree, current last', async () => {
	const {options} = shell();
	const {stdout} = await runSim(options, ['pct', 'listsnapshot', '401']);
	const lines = stdout.split('\n').slice(0, -1);
	assert.equal(lines.length, 9);
	assert.equal(lines[0], '`-> auto-20261117               2026-11-17 09:59:40     daily snapshot (retention 7)');
	// Each level one more leading space; name padded to 30 - len(prefix); the description's first line only.
	assert.equal(lines[4], '    `-> pre-upgrade-v2          2026-11-21 04:15:00     before Immich v2 upgrade');
	assert.equal(lines[8], '        `-> current                                     You are here!');
	const none = await runSim(options, ['pct', 'listsnapshot', '101']);
	assert.equal(none.stdout, `\`-> ${'current'.padEnd(27)} ${''.padEnd(23)} You are here!\n`);
});

test('pct exec: a stopped container fails with exit 255', async () => {
	const {options} = shell();
	assert.deepEqual(await runSim(options, ['pct', 'exec', '402', '--', 'true']), {code: 255, stdout: '', stderr: "container '402' not running!\n"});
});

test('pct exec passes exit codes through; unknown commands are 127 in the container and on the host', async () => {
	const {options} = shell();
	assert.equal((await runSim(options, ['pct', 'exec', '101', '--', 'false'])).code, 1);
	assert.equal((await runSim(options, ['pct', 'exec', '101', '--', 'sh', '-c', 'true && exit 7'])).code, 7);
	assert.equal((await runSim(options, ['pct', 'exec', '101', '--keep-env', '0', '--', 'exit', '4'])).code, 4);
	assert.deepEqual(await runSim(options, ['pct', 'exec', '101', '--', 'foo']), {code: 127, stdout: '', stderr: 'sh: 1: foo: not found\n'});
	assert.deepEqual(await runSim(options, ['pct', 'exec', '203', '--', 'journalctl']), {code: 127, stdout: '', stderr: 'sh: journalctl: not found\n'});
	assert.deepEqual(await runSim(options, ['foo', 'bar']), {code: 127, stdout: '', stderr: 'bash: foo: command not found\n'});
});

test('cat /etc/os-release and uptime inside containers', async () => {
	const {options} = shell();
	assert.match((await runSim(options, ['pct', 'exec', '101', '--', 'cat', '/etc/os-release'])).stdout, /^PRETTY_NAME="Debian GNU\/Linux 13 \(trixie\)"\n/);
	assert.match((await runSim(options, ['pct', 'exec', '203', '--', 'cat', '/etc/os-release'])).stdout, /^NAME="Alpine Linux"\nID=alpine\n/);
	assert.match((await runSim(options, ['pct', 'exec', '400', '--', 'cat', '/etc/os-release'])).stdout, /ID=ubuntu/);
	const missing = await runSim(options, ['pct', 'exec', '101', '--', 'cat', '/nope']);
	assert.deepEqual(missing, {code: 1, stdout: '', stderr: 'cat: /nope: No such file or directory\n'});
	assert.match((await runSim(options, ['pct', 'exec', '101', '--', 'uptime'])).stdout, /^ 16:40:00 up \d+ days?, +\d+:\d\d, {2}0 users, {2}load average: \d\.\d\d, \d\.\d\d, \d\.\d\d\n$/);
	assert.match((await runSim(options, ['pct', 'exec', '203', '--', 'uptime'])).stdout, /^ 16:40:00 up .+, {2}load average: /);
});

test('container journals speak like their service (short and short-iso)', async () => {
	const {options} = shell();
	const journal = async (vmid: number, ...args: string[]) => (await runSim(options, ['pct', 'exec', String(vmid), '--', 'journalctl', ...args])).stdout.split('\n').slice(0, -1);
	const plex = await journal(100, '-n', '40', '--no-pager');
	assert.equal(plex.length, 40);
	for (const line of plex) assert.match(line, JOURNAL_SHORT);
	assert.ok(plex.some((l) => / plex plexmediaserver\[\d+\]: /.test(l)));
	assert.ok((await journal(300, '-n', '60')).some((l) => /kernel: wireguard: wg0: Receiving handshake initiation from peer \d+ \(/.test(l)));
	assert.ok((await journal(302, '-n', '60')).some((l) => /vaultwarden\[\d+\]: \[.+\]\[vaultwarden::api::identity\]\[INFO\] User \S+ logged in successfully/.test(l)));
	assert.ok((await journal(200, '-n', '60')).some((l) => /grafana\[\d+\]: logger=\S+ t=\S+ level=info msg=/.test(l)));
	assert.ok((await journal(101, '-n', '60')).some((l) => /Sonarr\[\d+\]: \[Info\] /.test(l)));
	assert.ok((await journal(404, '-n', '60')).some((l) => /postgres\[\d+\]: .* LOG: {2}checkpoint/.test(l)));
	const iso = await journal(100, '-n', '5', '-o', 'short-iso');
	for (const line of iso) assert.match(line, /^2026-11-2\dT\d\d:\d\d:\d\d\+00:00 plex \S+: /);
	// History ends at "now" and is deterministic for the same clock.
	assert.deepEqual(await journal(100, '-n', '5'), await journal(100, '-n', '5'));
	assert.ok(iso.at(-1)! <= '2026-11-23T16:40:00+00:00');
});

test('journalctl refuses unknown options and formats like journalctl does', async () => {
	const {options} = shell();
	assert.deepEqual(await runSim(options, ['journalctl', '--bogus']), {code: 1, stdout: '', stderr: "journalctl: unrecognized option '--bogus'\n"});
	assert.deepEqual(await runSim(options, ['journalctl', '-o', 'xml']), {code: 1, stdout: '', stderr: "Unknown output format 'xml'.\n"});
	assert.deepEqual(await runSim(options, ['journalctl', '-u', 'nonexistent']), {code: 0, stdout: '-- No entries --\n', stderr: ''});
});

test('host journal: pvedaemon/pveproxy lines; -u filters; corosync only on clusters', async () => {
	const {options, state, advance} = shell();
	// A task that really runs on the node: its start and end are journal lines, at their times.
	const upid = startTask(state, {node: 'pve', type: 'vzstart', id: '300', user: 'root@pam', durationSec: 3, steps: [], outcome: 'OK'});
	advance(60_000);
	const all = (await runSim(options, ['journalctl', '-n', '200'])).stdout.split('\n').slice(0, -1);
	assert.equal(all.length, 200);
	for (const line of all) assert.match(line, JOURNAL_SHORT);
	const starting = all.filter((l) => l.includes(' starting task '));
	assert.ok(starting.some((l) => new RegExp(`^\\w{3} \\d\\d [\\d:]{8} pve pvedaemon\\[\\d+\\]: <root@pam> starting task ${upid}$`).test(l)), all.join('\n'));
	assert.ok(all.some((l) => l.endsWith(`<root@pam> end task ${upid} OK`)), 'the end line once the task stopped');
	// Every task line names a task the node ran: none is made up.
	const known = new Set(state.tasks.map((t) => t.upid));
	for (const line of all.filter((l) => / (starting|end) task /.test(l))) assert.ok(known.has(/(UPID:\S+)/.exec(line)![1]!), line);
	assert.ok(!all.some((l) => l.includes('corosync')), 'a standalone node runs no corosync');
	const proxy = (await runSim(options, ['journalctl', '-u', 'pveproxy.service', '-n', '30'])).stdout.split('\n').slice(0, -1);
	assert.ok(proxy.length > 0 && proxy.every((l) => / pveproxy\[\d+\]: /.test(l)));
	const {state: cluster} = homelabState('cluster');
	const corosync = (await runSim({state: cluster, node: 'pve2'}, ['journalctl', '-u', 'corosync', '-n', '20'])).stdout;
	assert.match(corosync, / pve2 corosync\[\d+\]: {3}\[(KNET {2}|TOTEM |QUORUM)\] /);
});

test('Alpine: tail -n N /var/log/messages in busybox syslog format; Debian has no such file', async () => {
	const {options} = shell();
	const alpine = await runSim(options, ['pct', 'exec', '203', '--', 'tail', '-n', '3', '/var/log/messages']);
	const lines = alpine.stdout.split('\n').slice(0, -1);
	assert.equal(lines.length, 3);
	for (const line of lines) assert.match(line, /^\w{3} [ \d]\d \d\d:\d\d:\d\d alertmanager daemon\.info alertmanager\[\d+\]: /);
	const debian = await runSim(options, ['pct', 'exec', '101', '--', 'tail', '/var/log/messages']);
	assert.equal(debian.code, 1);
	assert.match(debian.stderr, /cannot open '\/var\/log\/messages'/);
});

test('hostile lines appear only with the hostileLines option', async () => {
	const plain = shell();
	const hostile = shell({hostileLines: true});
	const args = ['pct', 'exec', '101', '--', 'journalctl', '-n', '100'];
	assert.doesNotMatch((await runSim(plain.options, args)).stdout, /\x1b/);
	const out = (await runSim(hostile.options, args)).stdout;
	assert.match(out, /\x1b\]0;pwned\x07/);
	assert.match(out, /\x1b\[2J/);
});

test('zfs list -H -p: tab-separated bytes, one column per -o property', async () => {
	const {options} = shell();
	const {stdout} = await runSim(options, ['zfs', 'list', '-H', '-p', '-o', 'name,used,avail,refer,usedbysnapshots,compressratio,mountpoint', '-t', 'filesystem,volume']);
	const rows = stdout.split('\n').slice(0, -1).map((l) => l.split('\t'));
	for (const row of rows) {
		assert.equal(row.length, 7);
		assert.match(row.slice(1, 5).join(' '), /^\d+ \d+ \d+ \d+$/);
		assert.match(row[5]!, /^\d+\.\d\d$/);
	}
	assert.deepEqual(rows[0], ['rpool', '243661045760', '716728001364', '106496', '0', '1.58', '/rpool']);
	// Bytewise name order like zfs: rpool/ROOT sorts before rpool/data (as in zfs-list-Hp-space-pve.txt).
	const names = rows.map((r) => r[0]!);
	assert.ok(names.indexOf('rpool/ROOT') < names.indexOf('rpool/data'));
});

test('zfs list -t snapshot: guest snapshots under their subvol, with creation times', async () => {
	const {options, state} = shell();
	const {stdout} = await runSim(options, ['zfs', 'list', '-H', '-p', '-t', 'snapshot', '-o', 'name,used,refer,creation']);
	const rows = stdout.split('\n').slice(0, -1).map((l) => l.split('\t'));
	assert.ok(rows.some((r) => r[0] === 'rpool/data/subvol-401-disk-0@pre-upgrade-v2'));
	const auto = rows.find((r) => r[0] === 'rpool/data/subvol-302-disk-0@auto-20261122')!;
	const snap = state.guests.get(302)!.snapshots.find((s) => s.name === 'auto-20261122')!;
	assert.equal(auto[3], String(snap.snaptime));
	assert.equal(rows.filter((r) => r[0]!.startsWith('rpool/data/subvol-302-disk-0@')).length, state.guests.get(302)!.snapshots.length);
	// A container snapshot covers every ZFS volume of the container (here 404's mp0 on tank too).
	assert.ok(rows.some((r) => r[0] === 'tank/subvol-404-disk-1@auto-20261123'));
});

test('zfs list (human): header and nicenum sizes like the recorded zfs list', async () => {
	const {options} = shell();
	const lines = (await runSim(options, ['zfs', 'list'])).stdout.split('\n').slice(0, -1);
	assert.match(lines[0]!, /^NAME +USED {2}AVAIL {2}REFER {2}MOUNTPOINT$/);
	assert.match(lines[1]!, /^rpool +\d+(\.\d+)?[KMGT] +\d+(\.\d+)?[KMGT] +\d+(\.\d+)?[KMGT] {2}\/rpool$/);
	assert.deepEqual([nicenum(0), nicenum(106496), nicenum(3.52 * 1024 ** 4), nicenum(232_000_000_000), nicenum(1024 ** 3)], ['0B', '104K', '3.52T', '216G', '1G']);
	assert.deepEqual(await runSim(options, ['zfs', 'list', 'nope/x']), {code: 1, stdout: '', stderr: "cannot open 'nope/x': dataset does not exist\n"});
});

test('zpool list -H -p and human form', async () => {
	const {options} = shell();
	const exact = await runSim(options, ['zpool', 'list', '-H', '-p', '-o', 'name,size,alloc,free,frag,cap,dedup,health']);
	assert.equal(exact.stdout, 'rpool\t992137445376\t244148367852\t747989077524\t9\t24\t1.00\tONLINE\ntank\t15994458030080\t13435344744448\t2559113285632\t14\t83\t1.00\tONLINE\n');
	const human = (await runSim(options, ['zpool', 'list'])).stdout.split('\n');
	assert.match(human[0]!, /^NAME +SIZE +ALLOC +FREE +CKPOINT +EXPANDSZ +FRAG +CAP +DEDUP +HEALTH +ALTROOT$/);
	assert.match(human[1]!, /^rpool +924G +227G +697G +- +- +9% +24% +1\.00x +ONLINE +-$/);
});

test('zpool status: real layout, tab-indented table, status/action only when unhealthy, -P full paths', async () => {
	const {options, state} = shell();
	const out = (await runSim(options, ['zpool', 'status', 'rpool'])).stdout;
	const lines = out.split('\n');
	assert.deepEqual(lines.slice(0, 5), ['  pool: rpool', ' state: ONLINE', '  scan: scrub repaired 0B in 00:02:41 with 0 errors on Sun Nov  8 00:26:42 2026', 'config:', '']);
	assert.match(lines[5]!, /^\tNAME {2,}STATE {5}READ WRITE CKSUM$/);
	assert.match(lines[6]!, /^\trpool {2,}ONLINE {7}0 {5}0 {5}0$/);
	assert.match(lines[7]!, /^\t {2}mirror-0 {2,}ONLINE/);
	assert.match(lines[8]!, /^\t {4}nvme-Samsung_SSD_990_PRO_1TB_S73VNU0X318842K-part3  ONLINE/);
	assert.equal(lines.at(-2), 'errors: No known data errors');
	assert.doesNotMatch(out, /status:|action:/);
	// Column positions match the recorded healthy sample's: STATE starts two spaces after the widest name.
	const healthy = sample('zpool-status-healthy.txt');
	if (healthy.length > 0) assert.equal(healthy.find((l) => l.includes('NAME'))!.trim().split(/ +/).join(' '), lines[5]!.trim().split(/ +/).join(' '));
	assert.match((await runSim(options, ['zpool', 'status', '-P', 'rpool'])).stdout, /\t {4}\/dev\/disk\/by-id\/nvme-Samsung/);

	const pool = state.nodes.get('pve')!.zfs!.pools[0]!;
	Object.assign(pool, {health: 'DEGRADED', status: 'One or more devices has experienced an unrecoverable error.  An\nattempt was made to correct the error.  Applications are unaffected.', action: 'Determine if the device needs to be replaced.'});
	pool.vdevs[0]!.children![1]!.msg = 'too many errors';
	const degraded = (await runSim(options, ['zpool', 'status', 'rpool'])).stdout;
	assert.match(degraded, /^ {2}pool: rpool\n state: DEGRADED\nstatus: One or more devices has experienced an unrecoverable error. {2}An\n\tattempt was made/);
	assert.match(degraded, /\naction: Determine/);
	assert.match(degraded, / {2}too many errors\n/);
	assert.equal((await runSim(options, ['zpool', 'status', '-x'])).stdout.startsWith('  pool: rpool'), true);
	assert.deepEqual(await runSim(options, ['zpool', 'status', 'nope']), {code: 1, stdout: '', stderr: "cannot open 'nope': no such pool\n"});
});

test('journalctl -f follows at the configured rate and stops when killed', async () => {
	const manual = manualTicker();
	const {options} = shell({journalRate: 50, ticker: manual.ticker});
	let out = '';
	const process = spawnSim(options, ['pct', 'exec', '100', '--', 'journalctl', '-f', '-n', '0'], {stdout: (t) => (out += t), stderr: () => {}});
	assert.equal(out, '');
	manual.advance(1000);
	assert.equal(out.split('\n').length - 1, 50);
	manual.advance(200);
	assert.equal(out.split('\n').length - 1, 60);
	process.kill();
	assert.equal(await process.exit, 143);
	manual.advance(1000);
	assert.equal(out.split('\n').length - 1, 60, 'nothing after kill');
});

test("stopping a container ends its journal follow (exit 137) and later pct exec fails", async () => {
	const manual = manualTicker();
	const {options, state} = shell({journalRate: 10, ticker: manual.ticker});
	let out = '';
	const process = spawnSim(options, ['pct', 'exec', '302', '--', 'journalctl', '-f'], {stdout: (t) => (out += t), stderr: () => {}});
	assert.equal(out.split('\n').length - 1, 10, 'follow starts with the last 10 lines');
	manual.advance(500);
	assert.equal(out.split('\n').length - 1, 15);
	state.guests.get(302)!.status = 'stopped';
	manual.advance(500);
	assert.equal(await process.exit, 137);
	assert.equal((await runSim(options, ['pct', 'exec', '302', '--', 'true'])).code, 255);
});

test('follow lines are stamped with the simulator clock', async () => {
	const manual = manualTicker();
	const {options, advance} = shell({journalRate: 1, ticker: manual.ticker});
	let out = '';
	const process = spawnSim(options, ['journalctl', '-f', '-n', '0', '-o', 'short-iso'], {stdout: (t) => (out += t), stderr: () => {}});
	advance(3_600_000);
	manual.advance(1000);
	assert.match(out, new RegExp(`^${new Date(START + 3_600_000).toISOString().slice(0, 19)}\\+00:00 pve `));
	process.kill();
	await process.exit;
});

test('a busy Plex logs an occasional transcoder ERROR (something for a /error filter to find)', async () => {
	const {options} = shell();
	const lines = (await runSim(options, ['pct', 'exec', '100', '--', 'journalctl', '-n', '300', '--no-pager'])).stdout.split('\n').slice(0, -1);
	const errors = lines.filter((l) => /plexmediaserver\[\d+\]: ERROR - /.test(l));
	assert.ok(errors.length >= 5, `${errors.length} errors in 300 lines`);
	assert.ok(errors.length <= 60, `${errors.length} errors in 300 lines: a healthy server, not a failing one`);
	for (const line of errors) assert.match(line, JOURNAL_SHORT);
});
