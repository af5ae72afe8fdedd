// The fleet-size bench of issue 12: the console as its own process, on a real
// pseudo-terminal (util-linux `script`), connected over HTTPS to a simulator
// that runs in THIS process — so the simulator's CPU is not counted against
// the console. For each fleet (the 28-guest homelab; a generated 10,000
// guests on 32 nodes) it measures:
//   - start → first frame with fleet data (a guest name of that fleet on screen),
//     the simulator warmed first as a long-running pveproxy is (warmSimulator)
//   - idle CPU of the console process over the idle window (utime+stime from /proc)
//   - RSS at 1 minute and at the end of the window (VmRSS from /proc)
//   - API requests per minute at idle, counted by the simulator
// and prints one table with the 28-guest figure beside the 10,000 one.
//
//   node --import tsx bench/fleet.ts [--minutes 10] [--runs 3] [--size 160x50] [--only 28|10000] [--paths] [--threads] [--start-only]
//
// Each start's first frame and the console's CPU time by then are printed as they are measured;
// --start-only measures only the starts (no sweep, no idle window).
//
// The console runs from the bundle, as an installed proxdeck does; the bench
// rebuilds it first when a source is newer (bin/proxdeck.js would run the
// sources through tsx then).

import {spawn, execFileSync, type ChildProcess} from 'node:child_process';
import {mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {bundleIsFresh} from '../bin/bundle-state.js';
import {ALLOCATOR_ENV, NODE_FLAGS} from '../bin/heap-flags.js';
import {demoFixture, demoToken} from '../source/cli/demo.js';
import {startSimulator, type RunningSimulator} from '../source/sim/server.js';
import type {Fixture} from '../source/sim/fixture-types.js';
import {call} from '../test/sim/helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const {values} = parseArgs({
	options: {
		minutes: {type: 'string', default: '10'},
		runs: {type: 'string', default: '3'},
		size: {type: 'string', default: '160x50'},
		only: {type: 'string'},
		paths: {type: 'boolean', default: false},
		threads: {type: 'boolean', default: false},
		'start-only': {type: 'boolean', default: false},
	},
});
const minutes = Number(values.minutes);
const runs = Number(values.runs);
const [columns, rows] = values.size.split('x').map(Number) as [number, number];
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100;

interface Fleet {
	label: string;
	fixture: () => Fixture;
	/** Text that appears once the first fleet rows are drawn. */
	marker: RegExp;
}

const fleets: Fleet[] = [
	{label: '28', fixture: () => demoFixture({kind: 'fixture', name: 'homelab'}), marker: /plex/},
	{label: '10000', fixture: () => demoFixture({kind: 'generated', guests: 10_000, nodes: 32}), marker: /-0001/},
].filter((f) => values.only === undefined || f.label === values.only);

function descendants(pid: number): number[] {
	const out: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === pid) out.push(Number(entry), ...descendants(Number(entry)));
		} catch {
			/* gone */
		}
	}
	return out;
}

function consolePid(scriptPid: number): number {
	for (const pid of descendants(scriptPid)) {
		try {
			// meow sets process.title to the bin name, so the cmdline reads `proxdeck`.
			const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
			if (/^(node\0.*proxdeck\.js|proxdeck)/.test(cmd)) return pid;
		} catch {
			/* gone */
		}
	}
	throw new Error('console process not found');
}

function cpuTicks(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return Number(fields[11]) + Number(fields[12]); // utime, stime
}

/** User and system ticks of each thread, by thread name (main, V8 workers, libuv pool): where idle CPU goes. */
function threadTicks(pid: number): Map<string, {user: number; system: number}> {
	const out = new Map<string, {user: number; system: number}>();
	for (const tid of readdirSync(`/proc/${pid}/task`)) {
		try {
			const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
			const name = Number(tid) === pid ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			const sum = out.get(name) ?? {user: 0, system: 0};
			sum.user += Number(fields[11]);
			sum.system += Number(fields[12]);
			out.set(name, sum);
		} catch {
			/* gone */
		}
	}
	return out;
}

function rssMb(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
	return kb / 1024;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Started {
	child: ChildProcess;
	firstFrameMs: number;
	/** The console's own CPU time (user + system) when its first frame was seen: steadier than wall time on a busy machine. */
	cpuAtFirstFrameMs: number;
	pid: number;
	state: string;
}

/**
 * bin/proxdeck.js runs the sources through tsx when any is newer than the
 * bundle: a console started after an edit would be measured slower and
 * larger than an installed one. Rebuilt here before each start, as
 * test/run.js does before the suite.
 */
function freshBundle(): void {
	const root = fileURLToPath(new URL('..', import.meta.url));
	if (bundleIsFresh(root)) return;
	console.log('  the bundle is older than the sources: building it first');
	execFileSync(process.execPath, [join(root, 'bin', 'build.js')], {cwd: root, stdio: 'inherit'});
}

async function startConsole(sim: RunningSimulator, fixture: Fixture, marker: RegExp): Promise<Started> {
	freshBundle();
	const state = mkdtempSync(join(tmpdir(), 'proxdeck-bench-'));
	const command = [
		`stty cols ${columns} rows ${rows};`,
		// PROXDECK_BENCH_NODE_ARGS: e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the console.
		// ALLOCATOR_ENV and NODE_FLAGS: what the installed console's #! line passes.
		`exec env ${ALLOCATOR_ENV.join(' ')} node ${NODE_FLAGS.join(' ')} ${process.env.PROXDECK_BENCH_NODE_ARGS ?? ''} bin/proxdeck.js`,
		`--host ${sim.host} --port ${sim.port}`,
		`--token-id '${demoToken(fixture).tokenId}' --fingerprint ${sim.fingerprint}`,
		// PROXDECK_BENCH_CONSOLE_ARGS: e.g. `--refresh 10`, to tell a poll's cost from the rest.
		process.env.PROXDECK_BENCH_CONSOLE_ARGS ?? '',
	].join(' ');
	const started = process.hrtime.bigint();
	// PROXDECK_BENCH_TYPESCRIPT=FILE keeps everything the console wrote (e.g. with --trace-gc).
	const child = spawn('script', ['-qfec', command, process.env.PROXDECK_BENCH_TYPESCRIPT ?? '/dev/null'], {
		cwd: root,
		env: {...process.env, XDG_CONFIG_HOME: '/nonexistent', XDG_STATE_HOME: state, TERM: 'xterm-256color', PROXDECK_TOKEN_SECRET: demoToken(fixture).secret, PROXDECK_START_MARKER: marker.source},
		stdio: ['pipe', 'pipe', 'pipe'],
	});
	let seen = '';
	const firstFrameMs = await new Promise<number>((resolve, reject) => {
		const timeout = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`no fleet frame within 60 s; output so far: ${JSON.stringify(seen.slice(-600))}`));
		}, 60_000);
		const onData = (chunk: Buffer) => {
			seen += chunk.toString('utf8');
			if (seen.length > 200_000) seen = seen.slice(-100_000);
			if (marker.test(seen)) {
				clearTimeout(timeout);
				child.stdout!.off('data', onData);
				resolve(Number(process.hrtime.bigint() - started) / 1e6);
			}
		};
		child.stdout!.on('data', onData);
		child.on('error', reject);
	});
	// Keep draining the terminal so the console never blocks on a full pipe.
	child.stdout!.resume();
	const pid = consolePid(child.pid!);
	return {child, firstFrameMs, cpuAtFirstFrameMs: (cpuTicks(pid) / CLK_TCK) * 1000, pid, state};
}

async function stopConsole(started: Started): Promise<void> {
	started.child.stdin!.write('q');
	const exited = new Promise((resolve) => started.child.once('exit', resolve));
	await Promise.race([exited, sleep(3000)]);
	if (started.child.exitCode === null) started.child.kill('SIGKILL');
	rmSync(started.state, {recursive: true, force: true});
}

interface Figures {
	sweep: {seconds: number; reads: number};
	firstFrame: number[];
	idleCpu: number;
	rss1: number;
	rssEnd: number;
	rssStart: number;
	requestsPerMinute: number;
}

/** Each start's first frame and the console's CPU time by then (the table gives the median). */
function printStarts(label: string, firstFrame: number[], cpu: number[]): void {
	process.stderr.write(`  ${label} guests, first frame of each start: ${firstFrame.map((ms) => `${(ms / 1000).toFixed(3)} s`).join(', ')}; console CPU by then: ${cpu.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}\n`);
}

/**
 * Reads /cluster/resources from the simulator `times` times (the tests'
 * call(), which trusts the simulator's CA and disables no check). A host's
 * pveproxy has been running for days; a simulator just started answers its
 * first 10,000-guest read in ~210 ms, its third in ~90 (V8 compiling its own
 * code), and the first console start would pay that warm-up.
 */
async function warmSimulator(sim: RunningSimulator, fixture: Fixture, times: number): Promise<void> {
	const {tokenId, secret} = demoToken(fixture);
	for (let i = 0; i < times; i++) {
		const answer = await call(sim, 'GET', '/cluster/resources', {auth: `PVEAPIToken=${tokenId}=${secret}`});
		if (answer.status !== 200) throw new Error(`warming the simulator: HTTP ${answer.status} ${answer.reason}`);
	}
}

async function measure(fleet: Fleet): Promise<Figures> {
	const fixture = fleet.fixture();
	const sim = await startSimulator({fixture});
	try {
		await warmSimulator(sim, fixture, 3);
		const firstFrame: number[] = [];
		const cpu: number[] = [];
		for (let i = 0; i < runs - 1; i++) {
			const started = await startConsole(sim, fixture, fleet.marker);
			firstFrame.push(started.firstFrameMs);
			cpu.push(started.cpuAtFirstFrameMs);
			await stopConsole(started);
		}
		if (values['start-only']) {
			const started = await startConsole(sim, fixture, fleet.marker);
			firstFrame.push(started.firstFrameMs);
			cpu.push(started.cpuAtFirstFrameMs);
			await stopConsole(started);
			printStarts(fleet.label, firstFrame, cpu);
			return {sweep: {seconds: 0, reads: 0}, firstFrame, idleCpu: NaN, rss1: NaN, rssEnd: NaN, rssStart: NaN, requestsPerMinute: NaN};
		}
		const started = await startConsole(sim, fixture, fleet.marker);
		firstFrame.push(started.firstFrameMs);
		cpu.push(started.cpuAtFirstFrameMs);
		printStarts(fleet.label, firstFrame, cpu);
		// Idle begins once start-up reading is done: the first polls, and the topology
		// pane's one sweep of every guest's config (10,000 reads at 10,000 guests,
		// 4 at a time) — reported on its own line, not hidden in the idle figures.
		const sweepStart = Date.now();
		await sleep(5000);
		while (Date.now() - sweepStart < 20 * 60_000) {
			const recent = sim.requests.filter((r) => r.at > Date.now() - 5000 && r.path.endsWith('/config')).length;
			if (recent === 0) break;
			await sleep(2000);
		}
		const configReads = sim.requests.filter((r) => r.at >= sweepStart && r.path.endsWith('/config')).length;
		const sweep = {seconds: (Date.now() - sweepStart - 5000) / 1000, reads: configReads};
		const rssStart = rssMb(started.pid);
		const ticks0 = cpuTicks(started.pid);
		const threads0 = threadTicks(started.pid);
		const t0 = Date.now();
		const requests0 = sim.requests.filter((r) => r.at >= t0).length;
		let rss1 = 0;
		const windowMs = minutes * 60_000;
		while (Date.now() - t0 < windowMs) {
			await sleep(Math.min(5000, windowMs - (Date.now() - t0)));
			if (rss1 === 0 && Date.now() - t0 >= 60_000) rss1 = rssMb(started.pid);
		}
		const elapsed = Date.now() - t0;
		const idleCpu = ((cpuTicks(started.pid) - ticks0) / CLK_TCK / (elapsed / 1000)) * 100;
		const rssEnd = rssMb(started.pid);
		if (values.threads) {
			// Per thread, user + system, as % of a core over the window.
			const pct = (ticks: number) => ((ticks / CLK_TCK / (elapsed / 1000)) * 100).toFixed(2);
			for (const [name, t] of threadTicks(started.pid)) {
				const before = threads0.get(name) ?? {user: 0, system: 0};
				if (t.user + t.system - before.user - before.system === 0) continue;
				process.stderr.write(`  ${name.padEnd(16)} user ${pct(t.user - before.user)} %  system ${pct(t.system - before.system)} %\n`);
			}
		}
		// The simulator keeps the last 5,000 requests; count those inside the window.
		const requests = sim.requests.filter((r) => r.at >= t0 && r.at <= t0 + elapsed).length - requests0;
		if (values.paths) {
			// Which routes the idle console asks for, digits folded: finds per-guest polling.
			const histogram = new Map<string, number>();
			for (const r of sim.requests.filter((r) => r.at >= t0)) {
				const key = `${r.method} ${r.path.replace(/\d+/g, 'N')}`;
				histogram.set(key, (histogram.get(key) ?? 0) + 1);
			}
			for (const [key, n] of [...histogram].sort((x, y) => y[1] - x[1]).slice(0, 15)) process.stderr.write(`  ${String(n).padStart(6)} ${key}\n`);
		}
		await stopConsole(started);
		return {sweep, firstFrame, idleCpu, rss1: rss1 || rssEnd, rssEnd, rssStart, requestsPerMinute: (requests / elapsed) * 60_000};
	} finally {
		await sim.close();
	}
}

const results = new Map<string, Figures>();
for (const fleet of fleets) {
	process.stderr.write(`measuring ${fleet.label} guests (${minutes} min idle window, ${runs} starts)…\n`);
	results.set(fleet.label, await measure(fleet));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cell = (label: string, f: (x: Figures) => string) => {
	const x = results.get(label);
	return x ? f(x) : '–';
};
const table: Array<[string, (x: Figures) => string, string]> = [
	['start → first frame with data (median)', (x) => `${(median(x.firstFrame) / 1000).toFixed(2)} s`, '≤ 0.5 s, 10,000 : 28 ≤ 1.2'],
	['start-up config sweep (topology pane)', (x) => `${x.sweep.reads} reads, ${Math.max(0, x.sweep.seconds).toFixed(0)} s`, 'once'],
	['idle CPU (--refresh 2; 10,000 guests are read 8 s apart)', (x) => `${x.idleCpu.toFixed(2)} % of a core`, '≤ 1 % at 28, ≤ 2 % at 10,000'],
	['RSS after settling → 1 min', (x) => `${x.rssStart.toFixed(0)} → ${x.rss1.toFixed(0)} MB`, '≤ 120 / ≤ 150 MB'],
	[`RSS at ${minutes} min`, (x) => `${x.rssEnd.toFixed(0)} MB`, 'flat'],
	['API requests per minute at idle', (x) => x.requestsPerMinute.toFixed(1), 'independent of fleet size'],
];
console.log(`\nproxdeck console vs simulator, ${columns}×${rows}, ${minutes} min idle window, node ${process.version}`);
console.log(`| figure | 28 guests | 10,000 guests / 32 nodes | target |`);
console.log(`|---|---|---|---|`);
for (const [name, f, target] of table) console.log(`| ${name} | ${cell('28', f)} | ${cell('10000', f)} | ${target} |`);
const a = results.get('28');
const b = results.get('10000');
if (a && b) console.log(`first-frame ratio 10,000 : 28 = ${(median(b.firstFrame) / median(a.firstFrame)).toFixed(2)}`);
process.exit(0);
