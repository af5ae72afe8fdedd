// The nodes pane against the simulator's cluster fixture, as a user sees it:
// 9 zooms it; each node's health, updates and pending reboot; the offline
// node; sparklines drawn from rrddata; pulses read for the nodes on screen
// and the selected guest only; d switches to the last day; Enter shows the
// node's guests in the fleet.

import '../views/force-color.js';
import assert from 'node:assert/strict';
import {cleanup} from 'ink-testing-library';
import {after, before, describe, it} from 'node:test';
import {KEYS, press, type} from '../views/harness.js';
import {frame, renderConsole, selectByFilter, waitForText, type Console} from '../actions/console.js';
import {startRig, waitFor, type ActionRig} from '../actions/helpers.js';

const SPARK = /[▁▂▃▄▅▆▇█]{8,}/;

describe('the nodes pane (cluster fixture)', () => {
	let rig: ActionRig;
	let app: Console;
	const rrdRequests = () => rig.sim.requests.filter((r) => r.path.endsWith('/rrddata'));
	before(async () => {
		rig = await startRig({fixtureName: 'cluster'});
		app = await renderConsole(rig, {columns: 160, rows: 40});
	});
	after(async () => {
		cleanup();
		await rig.close();
	});

	it('reads no node health and no pulses while no nodes pane is on screen', () => {
		assert.deepEqual(rrdRequests(), []);
		assert.deepEqual(rig.sim.requests.filter((r) => r.path.includes('/apt/')), []);
	});

	it('9 zooms it: status, load, memory, swap, root, uptime, versions, updates and the pending reboot per node', async () => {
		await press(app, '9');
		const text = await waitForText(app, /pve2 +online .*reboot pending/);
		assert.match(text, /cluster prod · quorum OK · HA 7: 7 started/);
		assert.match(text, /pve1 +online +up \d+d \d+h · PVE 9\.1\.5 · kernel 6\.14\.8-2-pve · 5 updates/);
		assert.match(text, /pve2 +online .*up to date · reboot pending \(kernel 6\.14\.11-1-pve\)/);
		assert.match(text, /CPU +\d+% .* load \d+\.\d\d \d+\.\d\d \d+\.\d\d \(\d+ CPUs\)/);
		assert.match(text, /MEM +\d+% .* · swap [\d.]+[BKMGT]?\/[\d.]+[KMGT] · root \d+% of [\d.]+[GT]/);
		assert.match(text, /pve3 +offline — 3 guests unknown, their actions disabled/);
		assert.match(text, /2\/3 online · 1 offline · 5 updates · 1 reboot pending · pulses: last hour/);
	});

	it('draws sparklines from the rrddata of the nodes on screen, never of the offline one or any guest', async () => {
		const text = await waitForText(app, new RegExp(`CPU +\\d+% ${SPARK.source}`));
		assert.match(text, /NET in [▁▂▃▄▅▆▇█]+ +[\d.]+[KMG]?\/s · out/);
		const paths = [...new Set(rrdRequests().map((r) => r.path))].sort();
		assert.deepEqual(paths, ['/nodes/pve1/rrddata', '/nodes/pve2/rrddata']);
		assert.ok(rrdRequests().every((r) => r.query.timeframe === 'hour' && r.query.cf === 'AVERAGE'));
	});

	it('d switches every sparkline to the last day, read at once', async () => {
		await press(app, 'd');
		await waitFor('day pulses', () => rrdRequests().filter((r) => r.query.timeframe === 'day').length === 2);
		await waitForText(app, /pulses: last day/);
		await press(app, 'd');
		await waitForText(app, /pulses: last hour/);
	});

	it('Enter on a node shows its guests in the fleet', async () => {
		await press(app, 'j');
		await press(app, KEYS.enter);
		const text = await waitForText(app, /node pve2/);
		assert.match(text, /k3s-server/);
		assert.doesNotMatch(text, /dns1/);
	});

	it("the selected guest's detail draws its own pulses, read for that guest alone", async () => {
		await press(app, KEYS.esc);
		await selectByFilter(app, 'grafana');
		await press(app, KEYS.enter);
		const text = await waitForText(app, new RegExp(`CPU ${SPARK.source} +\\d+% · MEM`));
		assert.match(text, /NET in [▁▂▃▄▅▆▇█ ]+ [\d.]+[KMG]?\/s out .* · DISK r [▁▂▃▄▅▆▇█ ]+ w/);
		const guests = [...new Set(rrdRequests().filter((r) => r.path.includes('/lxc/') || r.path.includes('/qemu/')).map((r) => r.path))];
		assert.deepEqual(guests, ['/nodes/pve2/lxc/111/rrddata']);
		assert.ok(frame(app).includes('last hour (ctrl+t)'));
	});

	it(':nodes zooms the pane too', async () => {
		await press(app, KEYS.esc);
		await press(app, ':');
		await type(app, 'nodes');
		await press(app, KEYS.enter);
		await waitForText(app, /▶\[9\] nodes · 2\/3 online/);
		assert.equal(rig.store.getState().ui.screen, 'nodes');
	});
});
