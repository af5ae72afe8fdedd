// What the console's heap holds (issue 12): the console as its own process on a
// pseudo-terminal, against a simulator in THIS process (10,000 guests / 32 nodes
// by default), driven through the inspector. Prints the heap's peak during
// start-up and the topology pane's config sweep (sampled every 250 ms), and at
// idle heapUsed before and after a forced GC — the stable figure to compare
// changes by. Writes a sampling heap profile of what is live at idle (open it in
// Chrome DevTools, Memory tab) and, with --snapshot, a heap snapshot.
//
//   node --experimental-websocket --import tsx bench/heap.ts [--guests 10000] [--idle 20] [--out /tmp/heap] [--snapshot] [--allocations]
//
// --allocations samples everything allocated from start to idle, collected or
// not (where the garbage of the sweep comes from), instead of what is live.
// Run `npm run build` first: the console runs from the bundle when it is fresh.

import {spawn} from 'node:child_process';
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {demoFixture, demoToken} from '../source/cli/demo.js';
import {startSimulator} from '../source/sim/server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const {values} = parseArgs({
	options: {
		guests: {type: 'string', default: '10000'},
		idle: {type: 'string', default: '20'},
		out: {type: 'string', default: join(tmpdir(), 'proxdeck-heap')},
		snapshot: {type: 'boolean', default: false},
		allocations: {type: 'boolean', default: false},
	},
});
const guests = Number(values.guests);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	await new Promise((resolve) => server.close(resolve));
	return port;
}

/** One inspector session: `call` sends a method and resolves with its result; `events` collects notifications by method. */
async function inspector(port: number) {
	let targets: Array<{webSocketDebuggerUrl: string}> = [];
	for (let i = 0; i < 100 && targets.length === 0; i++) {
		try {
			targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as typeof targets;
		} catch {
			await sleep(100);
		}
	}
	if (targets.length === 0) throw new Error('the console did not open its inspector');
	const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
	await new Promise((resolve, reject) => {
		socket.addEventListener('open', resolve);
		socket.addEventListener('error', reject);
	});
	let id = 0;
	const pending = new Map<number, (result: any) => void>();
	const events = new Map<string, unknown[]>();
	socket.addEventListener('message', (event: MessageEvent) => {
		const message = JSON.parse(String(event.data));
		if (message.id !== undefined) pending.get(message.id)?.(message.result);
		else events.set(message.method, [...(events.get(message.method) ?? []), message.params]);
	});
	const call = (method: string, params: object = {}) =>
		new Promise<any>((resolve) => {
			pending.set(++id, resolve);
			socket.send(JSON.stringify({id, method, params}));
		});
	const memory = async (): Promise<NodeJS.MemoryUsage> =>
		JSON.parse((await call('Runtime.evaluate', {expression: 'JSON.stringify(process.memoryUsage())'})).result.value);
	return {call, memory, events, close: () => socket.close()};
}

const fixture = demoFixture(guests === 28 ? {kind: 'fixture', name: 'homelab'} : {kind: 'generated', guests, nodes: 32});
const sim = await startSimulator({fixture});
const state = mkdtempSync(join(tmpdir(), 'proxdeck-heap-'));
const port = await freePort();
const command = [
	'stty cols 200 rows 60;',
	`exec node --expose-gc --inspect-brk=127.0.0.1:${port} bin/proxdeck.js`,
	`--host ${sim.host} --port ${sim.port} --token-id '${demoToken(fixture).tokenId}' --fingerprint ${sim.fingerprint}`,
].join(' ');
const child = spawn('script', ['-qfec', command, '/dev/null'], {
	cwd: root,
	env: {...process.env, XDG_CONFIG_HOME: '/nonexistent', XDG_STATE_HOME: state, TERM: 'xterm-256color', PROXDECK_TOKEN_SECRET: demoToken(fixture).secret},
	stdio: ['pipe', 'pipe', 'pipe'],
});
child.stdout!.resume();
try {
	const session = await inspector(port);
	await session.call('HeapProfiler.enable');
	await session.call(
		'HeapProfiler.startSampling',
		values.allocations ? {samplingInterval: 65536, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true} : {samplingInterval: 16384},
	);
	await session.call('Runtime.runIfWaitingForDebugger');
	const started = Date.now();
	const peak = {heapUsed: 0, heapTotal: 0, rss: 0};
	// Start-up and the sweep: done once no config was asked for in 3 s.
	await sleep(5000);
	while (Date.now() - started < 120_000) {
		const now = await session.memory();
		for (const key of ['heapUsed', 'heapTotal', 'rss'] as const) peak[key] = Math.max(peak[key], now[key]);
		if (!sim.requests.some((r) => r.at > Date.now() - 3000 && r.path.endsWith('/config'))) break;
		await sleep(250);
	}
	const settled = (Date.now() - started) / 1000;
	await sleep(Number(values.idle) * 1000);
	const before = await session.memory();
	await session.call('Runtime.evaluate', {expression: 'gc(); gc();'});
	const after = await session.memory();
	mkdirSync(values.out, {recursive: true});
	const profile = await session.call('HeapProfiler.stopSampling');
	const profilePath = join(values.out, `${guests}-${values.allocations ? 'allocated' : 'live'}.heapprofile`);
	writeFileSync(profilePath, JSON.stringify(profile.profile));
	console.log(`${guests} guests, start-up and config sweep done at ${settled.toFixed(0)} s`);
	console.log(`peak during start-up and sweep: heapUsed ${mb(peak.heapUsed)}, heapTotal ${mb(peak.heapTotal)}, RSS ${mb(peak.rss)}`);
	console.log(`idle ${values.idle} s later:          heapUsed ${mb(before.heapUsed)}, heapTotal ${mb(before.heapTotal)}, RSS ${mb(before.rss)}`);
	console.log(`after a forced GC:            heapUsed ${mb(after.heapUsed)}, heapTotal ${mb(after.heapTotal)}, external ${mb(after.external)}, RSS ${mb(after.rss)}`);
	console.log(`heap profile: ${profilePath}`);
	if (values.snapshot) {
		await session.call('HeapProfiler.takeHeapSnapshot', {reportProgress: false});
		const chunks = (session.events.get('HeapProfiler.addHeapSnapshotChunk') ?? []) as Array<{chunk: string}>;
		const snapshotPath = join(values.out, `${guests}.heapsnapshot`);
		writeFileSync(snapshotPath, chunks.map((c) => c.chunk).join(''));
		console.log(`heap snapshot: ${snapshotPath}`);
	}
	session.close();
} finally {
	child.stdin!.write('q');
	await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(3000)]);
	if (child.exitCode === null) child.kill('SIGKILL');
	await sim.close();
	rmSync(state, {recursive: true, force: true});
}
