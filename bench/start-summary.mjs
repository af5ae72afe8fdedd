// Summarises bench/start-profile.mjs's files: for each start, the phases
// between the console's marks (wall time, the main thread's CPU in it, how
// much of that was garbage collection) and each phase's costliest functions.
//
//   node bench/start-summary.mjs /tmp/proxdeck-start-*.json [top=4]

import {readFileSync} from 'node:fs';

const args = process.argv.slice(2);
const top = /^\d+$/.test(args.at(-1) ?? '') ? Number(args.pop()) : 4;
if (args.length === 0) {
	console.error('usage: node bench/start-summary.mjs FILE… [top]');
	process.exit(2);
}

const label = (node) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;

for (const file of args) {
	const {marks, profile} = JSON.parse(readFileSync(file, 'utf8'));
	marks.sort((a, b) => a.at - b.at);
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	// Profile time in ms since the profiler started (the marks' origin).
	const phases = marks.slice(0, -1).map((mark, k) => ({from: mark, to: marks[k + 1], busy: 0, gc: 0, self: new Map()}));
	let t = profile.startTime;
	for (let i = 0; i < profile.samples.length; i++) {
		t += profile.timeDeltas[i];
		const ms = (t - profile.startTime) / 1000;
		const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
		const node = byId.get(profile.samples[i]);
		const name = node.callFrame.functionName;
		if (name === '(idle)') continue;
		const phase = phases.find((p) => ms >= p.from.at && ms < p.to.at);
		if (!phase) continue;
		phase.busy += dt;
		if (name === '(garbage collector)') phase.gc += dt;
		const where = label(node);
		phase.self.set(where, (phase.self.get(where) ?? 0) + dt);
	}
	console.log(`${file}: frame on the terminal ${marks.at(-1).at.toFixed(0)} ms after the profiler started (${(marks.at(-1).at - marks[0].at).toFixed(0)} ms after the process did)`);
	for (const p of phases) {
		const wall = p.to.at - p.from.at;
		const costliest = [...p.self].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => `${name} ${ms.toFixed(0)}`).join(' · ');
		console.log(`  ${`${p.from.name} → ${p.to.name}`.padEnd(44)} ${wall.toFixed(0).padStart(4)} ms, main thread busy ${p.busy.toFixed(0).padStart(4)}, GC ${p.gc.toFixed(0).padStart(3)}${costliest ? `  (${costliest})` : ''}`);
	}
}
