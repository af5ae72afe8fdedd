// The demo keeps what happened to its simulated host between starts, so an
// upgrade run interrupted in the demo really can be resumed: start a demo
// upgrade, kill -9 it while a container is mid-upgrade, start again — the run
// is offered — resume it: the container that was caught is back on its
// snapshot, the one finished before the kill keeps its upgraded packages, the
// rest are upgraded. Also: a damaged or foreign state file is set aside with
// one line, and `proxdeck sim` on its own keeps nothing.

import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer, type AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {demoIdentity} from '../../source/cli/demo.js';
import type {RunSummary} from '../../source/services/upgrade/types.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {keepStateIn} from '../../source/sim/persist.js';
import {startSimulator} from '../../source/sim/server.js';
import type {SimGuest} from '../../source/sim/state.js';
import {waitFor} from '../actions/helpers.js';
import {spawnProxdeck} from './spawn-host.js';

interface SavedGuest {
	vmid: number;
	status: string;
	lock?: string;
	packages?: {installed: Record<string, {version: string}>; repo: Record<string, {version: string}>};
	snapshots: Array<{name: string; snapstate?: string; packages?: {installed: Record<string, {version: string}>}}>;
}

test('demo: kill -9 mid-upgrade, start again, resume — the state is consistent', async () => {
	const state = mkdtempSync(join(tmpdir(), 'proxdeck-demo-resume-'));
	const env = {...process.env, XDG_STATE_HOME: state, XDG_CONFIG_HOME: join(state, 'config')};
	const demoDir = join(state, 'proxdeck', 'demo');
	const runsDir = join(demoDir, 'runs');
	const stateFile = join(demoDir, 'demo-homelab.sim.json');
	const saved = (): Map<number, SavedGuest> => {
		try {
			const data = JSON.parse(readFileSync(stateFile, 'utf8')) as {guests: SavedGuest[]; tasks: Array<{id: string; exitstatus?: string}>};
			return new Map(data.guests.map((g) => [g.vmid, g]));
		} catch {
			return new Map(); // not written yet (or mid-rename)
		}
	};
	const upgraded = (g: SavedGuest | undefined) => g?.packages !== undefined && Object.entries(g.packages.installed).every(([name, p]) => !g.packages!.repo[name] || g.packages!.repo[name]!.version === p.version);
	const journal = () => {
		const name = existsSync(runsDir) ? readdirSync(runsDir).find((n) => n.endsWith('.jsonl')) : undefined;
		return name ? readFileSync(join(runsDir, name), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as {t: string; vmid?: number; step?: string}) : [];
	};

	// 1. A demo upgrade, killed outright once one container is done and the next one is mid-upgrade.
	const first = spawnProxdeck(['upgrade', '--demo', '--tag', 'security', '--concurrency', '1', '--sim-speed', '2', '--yes'], env);
	let done = 0;
	let caught = 0;
	await waitFor(
		'one container done (saved) and the next mid-upgrade',
		() => {
			const events = journal();
			const finished = new Set(events.filter((e) => e.t === 'done').map((e) => e.vmid));
			done = [...finished][0] ?? 0;
			// Mid-upgrade: its upgrade step begun, not finished (a slow poll on a loaded machine catches a later one).
			caught = events.filter((e) => e.t === 'step' && e.step === 'upgrade' && !finished.has(e.vmid)).at(-1)?.vmid ?? 0;
			return done !== 0 && caught !== 0 && upgraded(saved().get(done));
		},
		180_000,
	);
	first.child.kill('SIGKILL');
	const killed = await first.done;
	assert.equal(killed.signal, 'SIGKILL');
	const before = saved().get(caught)!;
	const snapshot = before.snapshots.find((s) => s.name.startsWith('pre-upgrade-'));
	assert.ok(snapshot?.packages, 'the caught container was snapshotted before its upgrade (saved state)');

	// 2. The next start offers the run (same demo identity, state continued)…
	const offered = await spawnProxdeck(['upgrade', '--demo', '--tag', 'security', '--yes'], env).done;
	assert.equal(offered.code, 1, offered.stderr);
	assert.match(offered.stderr, /^proxdeck: demo: continuing the simulator state saved in .*demo-homelab\.sim\.json/m);
	assert.match(offered.stderr, /^proxdeck: interrupted run up-\S+ .*: \d of 4 containers finished — resume it with --resume --yes/m);

	// 3. …and resumes it with the default --max-failures 1.
	const resumed = await spawnProxdeck(['upgrade', '--demo', '--resume', '--yes', '--json', '--sim-speed', '20'], env).done;
	const summary = JSON.parse(resumed.stdout) as RunSummary;
	const outcome = (vmid: number) => summary.containers.find((c) => c.vmid === vmid)?.outcome;
	assert.equal(outcome(done), 'upgraded');
	assert.equal(outcome(caught), 'interrupted', resumed.stderr);
	for (const c of summary.containers.filter((c) => c.vmid !== done && c.vmid !== caught)) assert.equal(c.outcome, 'upgraded', `CT ${c.vmid}: ${resumed.stderr}`);
	assert.equal(resumed.code, 1, 'an interrupted container was not upgraded');

	// 4. What the demo's host now holds, as the next start will see it.
	const after = saved();
	assert.deepEqual(after.get(caught)!.packages!.installed, snapshot.packages.installed, 'the caught container is back on its pre-upgrade snapshot');
	assert.equal(after.get(caught)!.status, 'running');
	assert.ok(upgraded(after.get(done)), 'the container finished before the kill keeps its upgrade');
	for (const c of summary.containers.filter((c) => c.outcome === 'upgraded')) assert.ok(upgraded(after.get(c.vmid)), `CT ${c.vmid} upgraded and saved`);
	assert.deepEqual([...after.values()].filter((g) => g.lock).map((g) => [g.vmid, g.lock]), [], 'no lock left behind');
	assert.equal(journal().at(-1)?.t, 'end');
});

test('a damaged, foreign or older saved state is ignored with one line; a good one is continued', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-demo-state-'));
	const path = join(dir, 'demo-homelab.sim.json');
	const fixture = loadFixture(BUILTIN_FIXTURES.homelab);
	const open = async () => {
		const sim = await startSimulator({fixture});
		return {sim, kept: keepStateIn(sim.state, path, 'demo-homelab', 'hash-1', {debounceMs: 10})};
	};
	for (const [content, why] of [
		['{"format":"proxdeck-sim-st', /is not valid JSON: starting fresh from the fixture$/],
		['{"format":"something-else"}', /is not a simulator state file: starting fresh/],
		['{"format":"proxdeck-sim-state","version":0}', /is from another version of proxdeck \(format 0\): starting fresh/],
		['{"format":"proxdeck-sim-state","version":1,"identity":"demo-cluster","fixtureHash":"hash-1"}', /is for another fleet \(demo-cluster\): starting fresh/],
		['{"format":"proxdeck-sim-state","version":1,"identity":"demo-homelab","fixtureHash":"hash-0"}', /is saved for an older version of the fixture: starting fresh/],
		['{"format":"proxdeck-sim-state","version":1,"identity":"demo-homelab","fixtureHash":"hash-1","guests":[{"vmid":"x"}],"tasks":[]}', /is damaged \(guests\): starting fresh/],
	] as const) {
		writeFileSync(path, content);
		const {sim, kept} = await open();
		try {
			assert.equal(kept.notes.length, 1);
			assert.match(kept.notes[0]!, why);
			assert.equal(sim.state.guests.size, fixture.guests.length, 'the fixture, whole');
		} finally {
			kept.close();
			await sim.close();
		}
	}

	// A change is saved (debounced) and continued at the next start; a running task there ended with its host.
	let {sim, kept} = await open();
	const guest = sim.state.guests.get(300) as SimGuest;
	guest.status = 'stopped';
	sim.state.tasks.push({...sim.state.tasks[0]!, upid: 'UPID:pve:0000AAAA:00000001:00000001:vzsnapshot:300:tester@pve:', exitstatus: undefined, endtime: undefined, id: '300', startedAtMs: Date.now(), durationSec: 3600});
	sim.state.onChange!();
	await waitFor('the debounced write', () => existsSync(path) && readFileSync(path, 'utf8').includes('tester@pve'));
	kept.flush();
	// kill -9: no close(), the last debounced write is what the next start gets.
	await sim.close();
	({sim, kept} = await open());
	try {
		assert.match(kept.notes[0]!, /^demo: continuing the simulator state saved in /);
		assert.equal(sim.state.guests.get(300)!.status, 'stopped');
		assert.equal(sim.state.tasks.find((t) => t.upid.includes('tester@pve'))!.exitstatus, 'unexpected status');
	} finally {
		kept.close();
		await sim.close();
	}
});

test('the demo is named by its fleet, never by its port; proxdeck sim alone keeps no state', async () => {
	assert.equal(demoIdentity({kind: 'fixture', name: 'homelab'}), 'demo-homelab');
	assert.equal(demoIdentity({kind: 'generated', guests: 200, nodes: 3}), 'demo-generated-200x3');
	assert.equal(demoIdentity({kind: 'fixture', name: 'homelab', scenario: 'incident'}), 'demo-homelab-incident');
	assert.match(demoIdentity({kind: 'fixture', name: '/tmp/my lab.yaml'}), /^demo-my_lab-[0-9a-f]{8}$/);

	const state = mkdtempSync(join(tmpdir(), 'proxdeck-sim-alone-'));
	const env = {...process.env, XDG_STATE_HOME: state, HOME: state};
	const port = await new Promise<number>((resolve) => {
		const probe = createServer().listen(0, '127.0.0.1', () => {
			const {port} = probe.address() as AddressInfo;
			probe.close(() => resolve(port));
		});
	});
	const sim = spawnProxdeck(['sim', '--port', String(port)], env);
	await waitFor('the simulator banner', () => /listening on/.test(sim.stdout()), 60_000);
	sim.child.kill('SIGTERM');
	await sim.done;
	assert.deepEqual(readdirSync(state), [], 'nothing written');
});
