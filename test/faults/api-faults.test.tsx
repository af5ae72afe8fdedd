import '../views/force-color.js';
// The console under API faults: a proxy between the real client and the
// simulator injects malformed JSON, wrong types, 500/595/596, truncated
// bodies, resets, answers slower than the client's limit, huge answers and an
// expired ticket. For each, the user must see the last good fleet marked
// STALE with its age and the cause, see it recover once the fault clears, and
// the process must neither crash nor leave a promise rejection unhandled.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {createClient, type PveClient} from '../../source/api/client.js';
import {FIELD_LIMIT} from '../../source/api/shapes.js';
import {createDetailService} from '../../source/services/detail-service.js';
import {createFleetService} from '../../source/services/fleet-service.js';
import {createFleetSource} from '../../source/services/fleet-source.js';
import type {Poller} from '../../source/services/poller.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {createAppStore} from '../../source/store/store.js';
import type {AppState} from '../../source/store/types.js';
import type {StoreApi} from 'zustand/vanilla';
import {KEYS, plain, press, waitForFrame} from '../views/harness.js';
import {NOW, renderApp} from '../views/render.js';
import {startFaultProxy, type Fault, type FaultProxy} from './fault-proxy.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);

const RESOURCES = '/cluster/resources';
/** The fleet's clock: every answer is 12 s old on the rendered screen (render.tsx's NOW). */
const FLEET_AT = NOW - 12_000;

describe('API faults, as the user sees them', () => {
	const fixture = loadFixture(BUILTIN_FIXTURES.homelab);
	const root = fixture.users.find((u) => u.userid === 'root@pam')!;
	let simNow = Date.UTC(2026, 0, 15, 12);
	let sim: RunningSimulator;
	let proxy: FaultProxy;
	let client: PveClient;
	let store: StoreApi<AppState>;
	let fleet: Poller;
	let detail: ReturnType<typeof createDetailService>;
	let app: Awaited<ReturnType<typeof renderApp>>;
	let someGuest: string;

	before(async () => {
		sim = await startSimulator({fixture, authFailureDelayMs: 0, clock: () => simNow});
		proxy = await startFaultProxy(sim);
		client = createClient({
			host: proxy.host,
			port: proxy.port,
			fingerprint: proxy.fingerprint,
			auth: {kind: 'password', username: 'root@pam', password: root.password!},
			// Short enough for a stalled answer to time out quickly, long enough for a loaded machine.
			timeoutMs: 5000,
			retries: 1,
			retryDelayMs: 1,
		});
		store = createAppStore({target: client.target, demo: false, readOnly: false});
		fleet = createFleetService({source: createFleetSource(client, {clock: () => FLEET_AT}), store, refreshMs: 3_600_000, clock: () => FLEET_AT});
		fleet.start();
		detail = createDetailService({api: client, store, refreshMs: 3_600_000, clock: () => FLEET_AT});
		detail.start();
		await fleet.refreshNow();
		assert.equal(store.getState().connection.status, 'ok');
		someGuest = [...store.getState().guests.values()].find((g) => g.status === 'running')!.name;
		app = await renderApp(store, {size: {columns: 220, rows: 40}});
	});

	after(async () => {
		process.off('unhandledRejection', onUnhandled);
		app?.unmount();
		fleet?.stop();
		detail?.stop();
		await client?.close();
		await proxy?.close();
		await sim?.close();
	});

	/** Injects `fault` on GET /cluster/resources, refreshes, returns the frame the user sees. */
	async function under(fault: Fault, cause: string | RegExp): Promise<string> {
		proxy.setFault(({method, path}) => (method === 'GET' && path === RESOURCES ? fault : undefined));
		await fleet.refreshNow();
		const frame = plain(await waitForFrame(app, (f) => plain(f).includes('STALE')));
		const status = frame.split('\n').find((line) => line.includes('STALE'))!;
		const shown = status.slice(status.indexOf('STALE'));
		if (typeof cause === 'string') assert.equal(shown.trimEnd(), `STALE 12s — ${cause}`);
		else assert.match(shown, cause);
		assert.ok(frame.includes(someGuest), `the last good fleet stays on screen:\n${frame}`);
		return frame;
	}

	async function recovers(): Promise<void> {
		proxy.setFault(undefined);
		await fleet.refreshNow();
		const frame = plain(await waitForFrame(app, (f) => plain(f).includes('refreshed 12s ago')));
		assert.ok(!frame.includes('STALE') && frame.includes(someGuest));
		assert.deepEqual(unhandled, [], 'no promise rejection went unhandled');
	}

	it('malformed JSON', async () => {
		await under({kind: 'body', body: '{"data": [{"id": "lxc/101", '}, `${client.target} answered GET ${RESOURCES} with something that is not Proxmox API JSON`);
		await recovers();
	});

	it('junk entries do not read as an empty fleet', async () => {
		await under({kind: 'data', data: [null, 5, 'x', {type: 'lxc'}]}, `GET ${RESOURCES}: entry 0 is null, not an object`);
		await recovers();
		await under({kind: 'data', data: {guests: []}}, `GET ${RESOURCES}: expected a list, got an object`);
		await recovers();
		await under({kind: 'data', data: [{id: 'lxc/101', type: 'lxc', vmid: 101, node: 'pve1', maxmem: 'lots'}]}, `GET ${RESOURCES}: entry 0 (lxc) maxmem is a string, not a number`);
		await recovers();
	});

	it('500, 595 and 596 from pveproxy', async () => {
		await under({kind: 'status', status: 500, reason: 'internal error'}, 'internal error');
		await recovers();
		await under({kind: 'status', status: 595, reason: 'No route to host'}, 'No route to host');
		await recovers();
		await under({kind: 'status', status: 596, reason: 'Connection timed out'}, 'Connection timed out');
		await recovers();
	});

	it('a body cut short and a connection reset', async () => {
		await under({kind: 'truncate'}, new RegExp(`^STALE 12s — (cannot reach|${client.target.replace(/[.]/g, '\\.')} closed)`));
		await recovers();
		await under({kind: 'reset'}, new RegExp(`^STALE 12s — .*${client.target.replace(/[.]/g, '\\.')}`));
		await recovers();
	});

	it('an answer slower than the client waits', async () => {
		await under({kind: 'stall'}, `${client.target} did not answer GET ${RESOURCES} within 5 s`);
		await recovers();
	});

	it('a huge answer is refused after 16 MiB, not read to the end', async () => {
		await under({kind: 'huge', bytes: 200 * 1024 * 1024}, `${client.target} answered GET ${RESOURCES} with more than 16 MiB (proxdeck's limit for one answer); not read`);
		assert.ok(proxy.hugeSent() < 64 * 1024 * 1024, `the client kept reading: ${proxy.hugeSent()} bytes sent`);
		await recovers();
		const before = proxy.hugeSent();
		await under({kind: 'huge', bytes: 200 * 1024 * 1024, announce: true}, /with more than 16 MiB/);
		assert.ok(proxy.hugeSent() - before < 64 * 1024 * 1024);
		await recovers();
	});

	it('a 5 MB guest name is cut at ingest; its detail panel opens', async () => {
		const running = [...store.getState().guests.values()][0]!;
		const hostile = {id: `lxc/${running.vmid}`, type: running.kind, vmid: running.vmid, node: running.node, status: 'running', name: 'N'.repeat(5_000_000)};
		proxy.setFault(({method, path}) => (method === 'GET' && path === RESOURCES ? {kind: 'data', data: [hostile]} : undefined));
		await fleet.refreshNow();
		const name = store.getState().guests.get(running.vmid)!.name;
		assert.ok(name.length <= FIELD_LIMIT && name.endsWith('…'), `stored name is ${name.length} characters`);
		await press(app, KEYS.home, KEYS.enter);
		await waitForFrame(app, (f) => plain(f).includes('── NNNNNNNNNN') && plain(f).includes('close details'));
		await press(app, KEYS.esc);
		await recovers();
	});

	it('a junk guest config shows in the detail panel as an error naming the route; the fleet stays fresh', async () => {
		proxy.setFault(({path}) => (path.endsWith('/config') ? {kind: 'data', data: ['not', 'a', 'config']} : undefined));
		const first = [...store.getState().guests.values()].sort((a, b) => a.vmid - b.vmid)[0]!;
		await press(app, KEYS.home, KEYS.enter);
		const route = `GET /nodes/${first.node}/${first.kind}/${first.vmid}/config`;
		const frame = plain(await waitForFrame(app, (f) => plain(f).includes(`error: ${route}: expected an object, got a list`)));
		assert.ok(!frame.includes('STALE'));
		await press(app, KEYS.esc);
		await recovers();
	});

	it('an expired ticket: one new login, the request repeated, nothing stale', async () => {
		proxy.setFault(undefined);
		const logins = () => proxy.requests.filter((r) => r.method === 'POST' && r.path === '/access/ticket').length;
		const before = logins();
		simNow += 3 * 3600_000; // past the simulator's 2 h ticket lifetime: it answers 401
		const sent = proxy.requests.length;
		await fleet.refreshNow();
		assert.equal(logins(), before + 1);
		assert.ok(proxy.requests.slice(sent).filter((r) => r.path === RESOURCES).length >= 2, 'the refused read was repeated');
		const frame = plain(await waitForFrame(app, (f) => plain(f).includes('refreshed 12s ago')));
		assert.ok(!frame.includes('STALE'));
		assert.deepEqual(unhandled, []);
	});
});
