// Endpoint failover against a simulated cluster whose every node serves the
// API with its own certificate signed by the cluster CA: the console runs on
// node 1, node 1's API stops, the console moves to node 2 (pinned to node 2's
// own certificate) and the header names the new endpoint.

import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {after, before, describe, it} from 'node:test';
import {stripVTControlCharacters} from 'node:util';
import {createClient, type PveClient} from '../../source/api/client.js';
import {demoToken} from '../../source/cli/demo.js';
import {watchFailover} from '../../source/services/failover-notice.js';
import {createSession} from '../../source/services/session.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {createAppStore} from '../../source/store/store.js';
import {renderApp} from '../views/render.js';

const fixture = loadFixture(BUILTIN_FIXTURES.cluster);
const token = demoToken(fixture);

// Bounded generously: a loaded machine can stall for seconds; a passing wait returns as soon as it holds.
async function waitFor(what: string, predicate: () => boolean, ms = 30_000): Promise<void> {
	const until = Date.now() + ms;
	while (!predicate()) {
		if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describe('a cluster whose nodes each serve the API with their own certificate', () => {
	let sim: RunningSimulator;
	const clients: PveClient[] = [];
	before(async () => {
		sim = await startSimulator({fixture, authFailureDelayMs: 0, nodeEndpoints: true});
	});
	after(async () => {
		await Promise.all(clients.map((c) => c.close()));
		await sim.close();
	});
	const client = (options: Partial<Parameters<typeof createClient>[0]> = {}) => {
		const made = createClient({host: sim.host, port: sim.port, auth: {kind: 'token', ...token}, retryDelayMs: 20, timeoutMs: 5_000, ...options});
		clients.push(made);
		return made;
	};

	it('every node presents its own certificate, signed by the cluster CA, and GET /nodes gives each one’s ssl_fingerprint', async () => {
		assert.deepEqual(sim.endpoints.map((e) => e.node), fixture.nodes.map((n) => n.name));
		const fingerprints = new Set(sim.endpoints.map((e) => e.fingerprint));
		assert.equal(fingerprints.size, fixture.nodes.length);
		const ca = new X509Certificate(sim.caPem);
		assert.ok(ca.ca);
		for (const endpoint of sim.endpoints) {
			const cert = new X509Certificate(endpoint.certPem);
			assert.ok(cert.verify(ca.publicKey), `${endpoint.node}'s certificate is signed by the cluster CA`);
			assert.ok(cert.checkIssued(ca));
			assert.match(cert.subject, new RegExp(`CN=${endpoint.node}\\.localdomain`));
		}
		const status = await client({fingerprint: sim.fingerprint}).request<Array<{type: string; name: string}>>('GET', '/cluster/status');
		const resources = await client({fingerprint: sim.fingerprint}).request<Array<{type: string; node: string; ssl_fingerprint?: string}>>('GET', '/nodes');
		assert.ok(status.length > 0);
		assert.deepEqual(
			Object.fromEntries(resources.map((n) => [n.node, n.ssl_fingerprint])),
			Object.fromEntries(sim.endpoints.map((e) => [e.node, e.fingerprint])),
		);
	});

	it('the cluster CA verifies every node; one node’s pin is refused by another node', async () => {
		for (const endpoint of sim.endpoints) {
			const byCa = client({host: endpoint.host, port: endpoint.port, ca: sim.caPem});
			assert.equal(byCa.tlsMode, 'verified');
			await byCa.request('GET', '/version');
		}
		const wrongPin = client({host: sim.endpoints[1]!.host, port: sim.endpoints[1]!.port, fingerprint: sim.endpoints[0]!.fingerprint});
		await assert.rejects(wrongPin.request('GET', '/version'), (e: Error & {kind?: string}) => e.kind === 'fingerprint');
	});
});

describe('failover while the console runs', () => {
	let sim: RunningSimulator;
	let api: PveClient;
	before(async () => {
		sim = await startSimulator({fixture, authFailureDelayMs: 0, nodeEndpoints: true});
	});
	after(async () => {
		await api?.close();
		await sim.close();
	});

	it('node 1’s API stops: the console moves to node 2, pinned to node 2’s own certificate, and the header names it', async () => {
		const [first, second, third] = sim.endpoints;
		api = createClient({
			host: first!.host,
			port: first!.port,
			fingerprint: first!.fingerprint,
			moreEndpoints: [second!, third!].map((e) => ({host: e.host, port: e.port, fingerprint: e.fingerprint})),
			auth: {kind: 'token', ...token},
			retryDelayMs: 20,
			timeoutMs: 5_000,
		});
		const store = createAppStore({target: api.target, demo: false, readOnly: false});
		const unwatch = watchFailover(api, store);
		const session = createSession({api, store, refreshMs: 250});
		session.start();
		const app = await renderApp(store, {size: {columns: 200, rows: 30}});
		const header = () => stripVTControlCharacters(app.lastFrame() ?? '').split('\n')[0] ?? '';
		try {
			await waitFor('the fleet from node 1', () => store.getState().connection.status === 'ok' && store.getState().guests.size > 0);
			await waitFor('the header naming node 1', () => header().includes(`127.0.0.1:${first!.port}`));

			await first!.close();
			const moved = `127.0.0.1:${second!.port} (failover from 127.0.0.1:${first!.port})`;
			await waitFor('the header naming node 2', () => header().includes(moved));
			assert.equal(api.target, `127.0.0.1:${second!.port}`);
			assert.equal(api.tlsMode, 'pinned');
			// The fleet keeps refreshing from node 2.
			const before = sim.requests.length;
			await waitFor('a fresh poll after the failover', () => sim.requests.length > before && store.getState().connection.status === 'ok');
			assert.match(store.getState().ui.commandNotice ?? '', new RegExp(`^127\\.0\\.0\\.1:${first!.port} stopped answering \\(cannot reach .*connection refused\\): now on 127\\.0\\.0\\.1:${second!.port}`));
		} finally {
			unwatch();
			session.stop();
			app.unmount();
		}
	});

	it('a node whose certificate does not match its pin is not failed over to: the error says so', async () => {
		const other = await startSimulator({fixture, authFailureDelayMs: 0, nodeEndpoints: true});
		const [first, second] = other.endpoints;
		const pinnedWrong = createClient({
			host: first!.host,
			port: first!.port,
			fingerprint: first!.fingerprint,
			// Node 2's entry pins node 1's certificate: a stranger answering there is refused.
			moreEndpoints: [{host: second!.host, port: second!.port, fingerprint: first!.fingerprint}],
			auth: {kind: 'token', ...token},
			retryDelayMs: 20,
		});
		try {
			await pinnedWrong.request('GET', '/version');
			await first!.close();
			await assert.rejects(pinnedWrong.request('GET', '/version'), (e: Error & {kind?: string}) => e.kind === 'fingerprint');
			assert.equal(pinnedWrong.target, `127.0.0.1:${first!.port}`);
		} finally {
			await pinnedWrong.close();
			await other.close();
		}
	});
});
