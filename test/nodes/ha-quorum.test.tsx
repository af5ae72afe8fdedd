import '../views/force-color.js';
// HA and quorum in the console, against the simulator's cluster scenarios:
// the HA column sorts error first; an HA-managed guest's start/stop goes
// through HA as Proxmox routes it (the status call, an hastart/hastop task,
// the ha-manager command shown in the dialog); a node lost while the console
// runs leaves its guests `unknown` with their last known values, every action
// on them off with the reason, and the quorum it cost in the header.

import assert from 'node:assert/strict';
import {cleanup} from 'ink-testing-library';
import {after, before, describe, it} from 'node:test';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {applyScenario} from '../../source/sim/scenarios.js';
import {KEYS, press} from '../views/harness.js';
import {frame, renderConsole, selectByFilter, waitForText, type Console} from '../actions/console.js';
import {startRig, waitFor, type ActionRig} from '../actions/helpers.js';

const TAB = '\t';

function rowOf(app: Console, name: string): string {
	const line = frame(app).split('\n').find((l) => l.includes(` ${name} `));
	assert.ok(line, `no row for ${name} in\n${frame(app)}`);
	return line;
}

async function filterTo(app: Console, text: string): Promise<void> {
	await press(app, KEYS.esc);
	await selectByFilter(app, text);
}

describe('HA on scenario cluster-incident', () => {
	let rig: ActionRig;
	let app: Console;
	before(async () => {
		rig = await startRig({fixture: applyScenario(loadFixture(BUILTIN_FIXTURES.cluster), 'cluster-incident')});
		// The fleet alone, wide enough for the HA column.
		app = await renderConsole(rig, {columns: 200, rows: 40});
		await press(app, '1');
	});
	after(async () => {
		cleanup();
		await rig.close();
	});

	it('V sorts by HA state: the resource in error first, unmanaged guests last', async () => {
		await press(app, 'V');
		const rows = frame(app).split('\n').filter((l) => /^\s*\d{3} /.test(l));
		assert.match(frame(app), / HA▲/);
		assert.match(rows[0]!, /^\s*103 postgres-main .* stopped .* error\b/);
		assert.match(rows[1]!, / started\b/);
		assert.doesNotMatch(rows.at(-1)!, / started\b| error\b/);
	});

	it('+ on the HA resource in error: the dialog shows ha-manager and says the CRM will not act until it is disabled; the start goes through HA and the guest stays down', async () => {
		await filterTo(app, 'postgres-main');
		await press(app, '+');
		const text = frame(app);
		assert.match(text, /\$ ha-manager set ct:103 --state started/);
		assert.doesNotMatch(text, /pct start 103/);
		assert.match(text.replace(/\s+/g, ' '), /HA-managed \(ct:103\): Proxmox hands the start to the HA manager .* ct:103 is in error: the HA manager acts on it only after `ha-manager set ct:103 --state disabled` and a fix\./);
		await press(app, TAB, KEYS.enter);
		await waitFor('the hastart task', () => rig.store.getState().tasks.some((t) => t.type === 'hastart' && t.id === '103' && t.state !== 'running'));
		assert.deepEqual(
			rig.writes().map((w) => `${w.method} ${w.path}`),
			['POST /nodes/pve1/lxc/103/status/start'],
		);
		assert.equal(rig.sim.state.guests.get(103)?.status, 'stopped');
	});

	it('x on an HA-managed running container: the crm-command stop in the dialog, the stop call, an hastop task, then the CRM stops it', async () => {
		await filterTo(app, 'dns1');
		await press(app, 'x');
		const text = frame(app);
		assert.match(text, /\$ ha-manager crm-command stop ct:100 0/);
		assert.match(text.replace(/\s+/g, ' '), /HA-managed \(ct:100\): Proxmox hands the stop to the HA manager/);
		await press(app, TAB, KEYS.enter);
		await waitFor('the hastop task', () => rig.store.getState().tasks.some((t) => t.type === 'hastop' && t.id === '100' && t.state === 'ok'));
		// The CRM's own stop task runs after the request; the fleet polls see it through.
		const until = Date.now() + 20_000;
		while (rig.store.getState().guests.get(100)?.status !== 'stopped') {
			assert.ok(Date.now() < until, 'dns1 never stopped');
			await rig.session.refreshNow();
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		assert.equal(rig.writes().at(-1)?.path, '/nodes/pve1/lxc/100/status/stop');
		assert.equal(rig.sim.state.guests.get(100)?.ha?.state, 'stopped', 'the HA request is stopped now');
	});

	it('r on an HA-managed guest says the reboot is not routed through HA and shows pct reboot', async () => {
		await filterTo(app, 'dns2');
		await press(app, 'r');
		const text = frame(app);
		assert.match(text, /\$ pct reboot 110/);
		assert.match(text.replace(/\s+/g, ' '), /HA-managed \(ct:110\): the reboot runs directly, not through HA/);
		await press(app, KEYS.esc);
	});
});

describe('a node lost while the console runs (cluster fixture)', () => {
	let rig: ActionRig;
	let app: Console;
	before(async () => {
		rig = await startRig({fixtureName: 'cluster'});
		app = await renderConsole(rig, {columns: 200, rows: 40});
		await press(app, '1');
	});
	after(async () => {
		cleanup();
		await rig.close();
	});

	it('pve2 goes down: NO QUORUM in the header at once, its guests unknown with their last known values', async () => {
		const before = rowOf(app, 'grafana');
		const mem = / (\d[\d.]*[KMG]\/1G \d+%) /.exec(before)?.[1];
		assert.ok(mem, before);
		rig.sim.state.nodes.get('pve2')!.online = false;
		await rig.session.refreshNow();
		const text = await waitForText(app, /NO QUORUM/);
		assert.match(text.split('\n')[0]!, /^proxdeck DEMO +NO QUORUM +cluster prod/);
		const row = rowOf(app, 'grafana');
		assert.match(row, /^\s*111 grafana +ct +pve2 +unknown /);
		assert.ok(row.includes(mem), `last known memory ${mem} kept: ${row}`);
		assert.equal(rig.store.getState().guests.get(111)?.lastKnown?.status, 'running');
	});

	it('every action on its guests is off with the node as the reason; on the others, the missing quorum', async () => {
		await filterTo(app, 'grafana');
		await press(app, 'r');
		assert.equal(rig.store.getState().notice?.text, 'reboot is disabled (node pve2 is offline)');
		await filterTo(app, 'dns1');
		await press(app, 's');
		assert.equal(rig.store.getState().notice?.text, 'snapshot is disabled (the cluster has no quorum: /etc/pve is read-only)');
		assert.equal(rig.store.getState().dialog, undefined);
		assert.deepEqual(rig.writes(), []);
	});

	it("the detail says when the guest was last seen and what it was", async () => {
		await filterTo(app, 'grafana');
		await press(app, KEYS.enter);
		await waitForText(app, /grafana \(111\) · lxc on pve2 · unknown \(node offline; running when last seen \d+s ago\)/);
	});
});
