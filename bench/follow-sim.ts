// The simulator's SSH side for bench/keypress.ts --follow, in its own process:
// streaming a journal at 1,000-10,000 lines/s costs the simulator CPU (generating
// and encrypting) that is not the console's, so it must not share the measured
// event loop (issue 12: "the simulator's own CPU is not counted").
// Prints one JSON line {host, port, keyPath, knownHosts, node}, then serves
// until its parent closes stdin.
//
//   node --import tsx bench/follow-sim.ts LINES_PER_S

import {startHarness} from '../test/sim-ssh/harness.js';

const harness = await startHarness({journalRate: Number(process.argv[2] ?? 1000)});
process.stdout.write(
	`${JSON.stringify({host: harness.sim.host, port: harness.sim.port, keyPath: harness.keyPath, knownHosts: harness.knownHosts, node: harness.state.guests.get(100)!.node})}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => void harness.close().then(() => process.exit(0)));
