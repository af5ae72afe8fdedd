// Keypress-to-frame latency of the console (the default deck) at 5,000 guests.
// Renders <App> with ink-testing-library (every commit becomes a frame, no
// frame throttling) at 160×50 (by default) and times, per key, from stdin.write until a new
// frame has been written. Prints median and p95 over N presses per key.
//
//   node --import tsx bench/keypress.ts [presses=200] [guests=5000] [columns=160] [rows=50] [--follow LINES_PER_S]
//
// With --follow, the deck's log pane follows guest 100's journal, streamed over
// the simulator's SSH side (in a child process, bench/follow-sim.ts, so its CPU is not
// counted as the console's; host key verified) at that rate
// while the keys are timed — issue 11's "while the log pane follows 1,000
// lines/s", issue 12's 10,000. Log redraws are capped at ~20/s; a key's frame
// is the first frame written after the key (every frame drawn after the key
// changed the store shows its effect).

import {applyHeapFlags, nodeFlagsNote} from '../bin/heap-flags.js';
import v8 from 'node:v8';
import {render} from 'ink-testing-library';
import React from 'react';
import {loadKeymap} from '../keymaps/index.js';
import {selectVisibleRows} from '../source/store/selectors.js';
import {createAppStore} from '../source/store/store.js';
import type {GuestRow} from '../source/store/types.js';
import {App} from '../views/App.js';
import {startFollowSim} from './follow-sim-client.js';

const followAt = process.argv.indexOf('--follow');
const followRate = followAt === -1 ? 0 : Number(process.argv[followAt + 1]);
const positional = followAt === -1 ? process.argv.slice(2) : [...process.argv.slice(2, followAt), ...process.argv.slice(followAt + 2)];
const presses = Number(positional[0] ?? 200);
const guestCount = Number(positional[1] ?? 5000);
const columns = Number(positional[2] ?? 160);
const rows = Number(positional[3] ?? 50);
const GiB = 1024 ** 3;

function guests(n: number): GuestRow[] {
	return Array.from({length: n}, (_, i) => ({
		vmid: 100 + i,
		kind: 'lxc' as const,
		name: `guest-${String((i * 7919) % n).padStart(5, '0')}`,
		node: `pve${(i % 3) + 1}`,
		status: i % 10 === 9 ? 'stopped' : 'running',
		cpu: ((i * 37) % 97) / 100,
		maxcpu: 4,
		mem: (((i * 53) % 97) / 100) * 4 * GiB,
		maxmem: 4 * GiB,
		disk: 2 * GiB,
		maxdisk: 8 * GiB,
		uptime: i * 60,
		netin: 0,
		netout: 0,
		tags: i % 5 === 0 ? ['prod'] : ['lab'],
		template: false,
	}));
}

// As bin/proxdeck.js does: its heap flags (garbage collection pauses depend on them).
applyHeapFlags(v8, process.execArgv);
// The console starts with NODE_FLAGS (its #! line); they cannot be set from here.
const flagsNote = nodeFlagsNote(process.execArgv, 'bench/keypress.ts');
if (flagsNote) console.error(flagsNote);
const store = createAppStore({target: 'bench', demo: true, readOnly: false});
const harness = followRate > 0 ? await startFollowSim(followRate) : undefined;

const fleet = guests(guestCount);
// Guest 100 is the simulator's plex, on the simulator's node, so its journal streams.
if (harness) fleet[0] = {...fleet[0]!, name: 'plex', node: harness.node};
store.getState().actions.fleetReceived({guests: fleet, nodes: [], receivedAt: Date.now()});
// One NIC map for all guests at once (the services add NICs a few at a time).
const nics = new Map(Array.from({length: guestCount}, (_, i) => [100 + i, [{id: 'net0', bridge: `vmbr${i % 3}`, ip: `10.${(i >> 8) & 255}.${i & 255}.1/24`, firewall: true, linkDown: false}]]));
store.setState({nics});

// bench/keypress.ts is .ts (the npm script names it), so no JSX here.
const app = render(React.createElement(App, {store, keymap: loadKeymap(), size: {columns, rows}, onQuit: () => {}, tickMs: 0}));
// ink-testing-library's stdout says 100 columns and Ink sizes its output grid by
// it: without this the frame was a 100-column grid with the deck overflowing it
// (as test/views/render.tsx explains), not the terminal being measured.
Object.defineProperty(app.stdout, 'columns', {value: columns, configurable: true});
app.stdout.emit('resize');
const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));
await macrotask();
await new Promise((resolve) => setTimeout(resolve, 20));
let logs: {stop(): void; buffer(id: number): {appended: number; length: number} | undefined} | undefined;
let followId = -1;
if (harness) {
	const {createLogsService} = await import('../source/services/logs/panes.js');
	const {guestSpec} = await import('../source/services/logs/specs.js');
	const service = createLogsService({store, runner: harness.runner});
	logs = service;
	followId = service.open(guestSpec(store.getState(), 100)!)!;
	store.getState().actions.deckLogPanes({followPane: followId});
	while ((service.buffer(followId)?.length ?? 0) < 200) await new Promise((resolve) => setTimeout(resolve, 10));
}
const linesAtStart = logs?.buffer(followId)?.appended ?? 0;
const timedStart = performance.now();
const rssStart = process.memoryUsage().rss;
let framesSeen = 0;

// Wall time is what a user feels, but on a shared 2-core machine it includes
// waiting for the CPU; this process's CPU time per press is reported beside it.
async function timePress(key: string): Promise<{wall: number; cpu: number}> {
	const cpuStart = process.cpuUsage();
	const started = performance.now();
	// Frames are dropped as they are counted, so a long follow run holds none.
	framesSeen += app.frames.length;
	app.frames.length = 0;
	app.stdin.write(key);
	// Commits flush in a microtask; poll cheaply until the frame is out.
	while (app.frames.length === 0) {
		await Promise.resolve();
		if (performance.now() - started > 1000) throw new Error(`no frame after ${JSON.stringify(key)}`);
		await macrotask();
	}
	const wall = performance.now() - started;
	const used = process.cpuUsage(cpuStart);
	await macrotask(); // let useInput re-subscribe before the next key
	return {wall, cpu: (used.user + used.system) / 1000};
}

function stats(samples: number[]): {median: number; p95: number; max: number} {
	const sorted = samples.slice().sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
	return {median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]!};
}

async function measure(label: string, keys: () => string): Promise<void> {
	for (let i = 0; i < 10; i++) await timePress(keys()); // warm-up
	const wall: number[] = [];
	const cpu: number[] = [];
	for (let i = 0; i < presses; i++) {
		const sample = await timePress(keys());
		wall.push(sample.wall);
		cpu.push(sample.cpu);
	}
	const w = stats(wall);
	const c = stats(cpu);
	const ms = (n: number) => `${n.toFixed(2).padStart(6)} ms`;
	console.log(`${label.padEnd(36)} wall median ${ms(w.median)} p95 ${ms(w.p95)} │ cpu median ${ms(c.median)} p95 ${ms(c.p95)}`);
}

// First the store alone (action + selector, no rendering): what this
// project's code costs per key, separate from Ink's frame rendering.
function storeCost(label: string, n: number, fn: (i: number) => void): void {
	const started = performance.now();
	for (let i = 0; i < n; i++) fn(i);
	console.log(`store only: ${label.padEnd(28)} ${((performance.now() - started) / n).toFixed(3).padStart(7)} ms per key`);
}
{
	const probe = createAppStore({target: 'bench', demo: false, readOnly: false});
	probe.setState({nics});
	probe.getState().actions.fleetReceived({guests: guests(guestCount), nodes: [], receivedAt: 0});
	const a = probe.getState().actions;
	a.setViewportRows(44);
	storeCost('j/k', 2000, (i) => {
		a.moveSelection(i % 2 ? -1 : 1);
		selectVisibleRows(probe.getState());
	});
	storeCost('sort by CPU (flip)', 50, () => {
		a.setSort('cpu');
		selectVisibleRows(probe.getState());
	});
	storeCost('sort by name (flip)', 50, () => {
		a.setSort('name');
		selectVisibleRows(probe.getState());
	});
	a.openFilter();
	storeCost('filter keystroke', 200, (i) => {
		a.editFilter(i % 2 ? 'guest-01' : 'guest-0');
		selectVisibleRows(probe.getState());
	});
}

console.log(`keypress → frame at ${guestCount} guests, ${columns}×${rows}, ${presses} presses each (ink-testing-library, Node ${process.version}, NODE_ENV=${process.env.NODE_ENV ?? 'unset'})`);
let down = false;
// j then k, so the selection always moves whatever the fleet size.
await measure('j/k (selection move)', () => ((down = !down) ? 'j' : 'k'));
let flip = false;
await measure('G / g (bottom / top)', () => ((flip = !flip) ? 'G' : 'g'));
await measure('C (sort by CPU, flips each press)', () => 'C');
await measure('N (sort by name, flips each press)', () => 'N');
let back = false;
// The deck: the focus moves to the next pane and back (each press redraws two titles and the footer).
await measure('Tab / Shift+Tab (focus change)', () => ((back = !back) ? '\t' : '\u001B[Z'));
app.stdin.write('/');
await macrotask();
let typed = 0;
// Alternate typing a character and deleting it, so every keystroke refilters all rows.
await measure('filter keystroke (type / backspace)', () => (typed++ % 2 === 0 ? '7' : '\u007F'));
if (logs) {
	const seconds = (performance.now() - timedStart) / 1000;
	const lines = (logs.buffer(followId)?.appended ?? 0) - linesAtStart;
	framesSeen += app.frames.length;
	console.log(`while following: ${lines.toLocaleString('en-US')} lines in ${seconds.toFixed(1)} s (${Math.round(lines / seconds).toLocaleString('en-US')}/s), ${(framesSeen / seconds).toFixed(1)} frames/s, RSS ${(rssStart / 2 ** 20).toFixed(0)} → ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
	logs.stop();
	await harness!.close();
}
app.unmount();
process.exit(0);
