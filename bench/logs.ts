// A log pane following 10,000 lines/s: the simulator's SSH side (in a child
// process, bench/follow-sim.ts, so its CPU is not the console's; host key verified) streams a container's journal at that rate into
// the console rendered by ink-testing-library. Prints frames per second
// actually rendered, keypress → frame latency while it runs, lines received,
// and RSS at the start and the end. Not a timed test: figures for the README.
//
//   node --expose-gc --import tsx bench/logs.ts [--seconds 60] [--rate 10000] [--columns 160] [--rows 50]

import {stripVTControlCharacters} from 'node:util';

// As bin/proxdeck.js does: React's development build keeps per-render debug
// data (its heap grows ~1 MB/s here); the console runs the production build.
process.env.NODE_ENV ??= 'production';
// And as bin/proxdeck.js: its heap flags (the console's memory figures depend on them).
const heapFlags = await import('../bin/heap-flags.js');
heapFlags.applyHeapFlags((await import('node:v8')).default, process.execArgv);
// Its start-time flags (the #! line) cannot be set from here: say so when they are missing.
const flagsNote = heapFlags.nodeFlagsNote(process.execArgv, 'bench/logs.ts');
if (flagsNote) console.error(flagsNote);
const {render} = await import('ink-testing-library');
const React = (await import('react')).default;
const {loadKeymap} = await import('../keymaps/index.js');
const {createLogsService} = await import('../source/services/logs/panes.js');
const {createAppStore} = await import('../source/store/store.js');
const {App} = await import('../views/App.js');
const {startFollowSim} = await import('./follow-sim-client.js');

function arg(name: string, fallback: number): number {
	const i = process.argv.indexOf(`--${name}`);
	return i === -1 ? fallback : Number(process.argv[i + 1]);
}
const seconds = arg('seconds', 60);
const rate = arg('rate', 10_000);
const columns = arg('columns', 160);
const rows = arg('rows', 50);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

const rssStart = process.memoryUsage().rss;
const h = await startFollowSim(rate);
const store = createAppStore({target: 'bench', demo: true, readOnly: false});
const plex = {node: h.node};
store.getState().actions.fleetReceived({
	guests: [{vmid: 100, kind: 'lxc', name: 'plex', node: plex.node, status: 'running', cpu: 0, maxcpu: 1, mem: 0, maxmem: 1, disk: 0, maxdisk: 1, uptime: 1, netin: 0, netout: 0, tags: [], template: false}],
	nodes: [{name: plex.node, status: 'online', cpu: 0, maxcpu: 1, mem: 0, maxmem: 1, uptime: 1}],
	receivedAt: Date.now(),
});
store.getState().actions.detailReceived(100, {ostype: 'debian'} as never, undefined, Date.now());
const service = createLogsService({store, runner: h.runner});
const app = render(React.createElement(App, {store, keymap: loadKeymap(), size: {columns, rows}, onQuit: () => {}, tickMs: 0}));
// ink-testing-library's stdout says 100 columns and Ink sizes its grid by it (see test/views/render.tsx).
Object.defineProperty(app.stdout, 'columns', {value: columns, configurable: true});
app.stdout.emit('resize');
const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));
await macrotask();
app.stdin.write('l'); // the fleet key: opens plex's journal on the logs screen
const id = store.getState().logs.panes[0]!.id;
while ((service.buffer(id)?.length ?? 0) < 200) await new Promise((resolve) => setTimeout(resolve, 10));

const title = () => stripVTControlCharacters(app.lastFrame() ?? '').split('\n').find((l) => l.includes('journal 100 plex')) ?? '';
/** T toggles timestamps; the title says "no time" while they are hidden. */
async function timeToggle(): Promise<number> {
	const hidden = title().includes('no time');
	const started = performance.now();
	app.stdin.write('T');
	while (title().includes('no time') === hidden) {
		await macrotask();
		if (performance.now() - started > 5000) throw new Error('no frame after T');
	}
	return performance.now() - started;
}

// ink-testing-library keeps every frame it was given; count them and let them go,
// so the heap figure is the console's, not the test renderer's.
let frames = 0;
const dropFrames = () => {
	frames += app.frames.length;
	app.frames.length = 0;
};
dropFrames();
frames = 0;
const linesStart = service.buffer(id)!.appended;
const started = performance.now();
const latencies: number[] = [];
let maxLength = 0;
while (performance.now() - started < seconds * 1000) {
	latencies.push(await timeToggle());
	maxLength = Math.max(maxLength, service.buffer(id)!.length);
	dropFrames();
	await new Promise((resolve) => setTimeout(resolve, 100));
}
const elapsed = (performance.now() - started) / 1000;
dropFrames();
const lines = service.buffer(id)!.appended - linesStart;
const sorted = latencies.slice().sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
global.gc?.();
const rssEnd = process.memoryUsage().rss;
const heapEnd = process.memoryUsage().heapUsed;

console.log(`log pane at ${rate.toLocaleString('en-US')} lines/s for ${elapsed.toFixed(1)} s, ${columns}×${rows} (ink-testing-library, Node ${process.version}, NODE_ENV=${process.env.NODE_ENV})`);
console.log(`lines received        ${lines.toLocaleString('en-US')} (${Math.round(lines / elapsed).toLocaleString('en-US')}/s); buffer held at most ${maxLength.toLocaleString('en-US')}`);
console.log(`frames rendered       ${frames} (${(frames / elapsed).toFixed(1)}/s, including ${latencies.length} key presses)`);
console.log(`keypress → frame      median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms over ${latencies.length} presses`);
console.log(`RSS                   start ${mb(rssStart)}, end ${mb(rssEnd)}; heap used at the end ${mb(heapEnd)}${global.gc ? ' (after a full GC)' : ' (run with --expose-gc for a post-GC figure)'}`);
console.log(`pane status           ${JSON.stringify(store.getState().logs.panes[0]!.status)}`);
app.unmount();
service.stop();
await h.close();
process.exit(0);
