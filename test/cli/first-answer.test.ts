// The console's first frame waits for the fleet's first answer (issue 12):
// drawing the empty deck first cost a whole cold frame before the one with data.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {createClient} from '../../source/api/client.js';
import {FIELD_LIMIT} from '../../source/api/shapes.js';
import {firstFleetAnswer, firstResourcesRead} from '../../source/cli/first-answer.js';
import {createAppStore} from '../../source/store/store.js';
import {startTestServer} from '../api/https-fixture.js';

const store = () => createAppStore({target: 'pve:8006', demo: false, readOnly: false, insecure: false});
/** 'answered' if `p` settles within `ms`, else 'waiting'. */
const within = (p: Promise<void>, ms: number) => Promise.race([p.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('waiting'), ms))]);

describe('firstFleetAnswer', () => {
	it('waits while the first poll is out, and is done when the fleet arrives', async () => {
		const s = store();
		const answer = firstFleetAnswer(s, 10_000);
		assert.equal(await within(answer, 50), 'waiting');
		s.getState().actions.fleetReceived({guests: [], nodes: [], receivedAt: Date.now()});
		assert.equal(await within(answer, 1000), 'answered');
	});

	it('is done when the first poll fails (the frame then says why)', async () => {
		const s = store();
		const answer = firstFleetAnswer(s, 10_000);
		s.getState().actions.pollFailed('connection refused', Date.now());
		assert.equal(await within(answer, 1000), 'answered');
		assert.equal(s.getState().connection.status, 'failed');
	});

	it('gives up after the wait: a slow host still gets its "connecting…" frame', async () => {
		const s = store();
		const started = Date.now();
		await firstFleetAnswer(s, 80);
		assert.ok(Date.now() - started >= 70, 'it waited');
		assert.equal(s.getState().connection.status, 'connecting');
	});

	it('does not wait when the fleet is already there', async () => {
		const s = store();
		s.getState().actions.fleetReceived({guests: [], nodes: [], receivedAt: Date.now()});
		assert.equal(await within(firstFleetAnswer(s, 10_000), 20), 'answered');
	});
});

describe('the fleet read sent before the console exists (main.tsx)', () => {
	it('reads the answer whole, each entry bounded and checked as on every poll', async () => {
		// pveproxy writes each entry's keys in a random order: read whole, they keep it (mapping makes rows of one shape).
		const entries = [
			'{"vmid":101,"type":"lxc","node":"pve1","id":"lxc/101","status":"running","name":"web"}',
			'{"name":"db","status":"stopped","id":"lxc/102","node":"pve1","type":"lxc","vmid":102}',
			'{"node":"pve1","status":"running","vmid":103,"name":"dns","id":"lxc/103","type":"lxc"}',
			`{"id":"lxc/104","type":"lxc","vmid":104,"node":"pve1","status":"running","name":"${'n'.repeat(FIELD_LIMIT + 100)}"}`,
			'{"id":"martian/1","type":"martian"}',
		];
		const server = await startTestServer(() => ({body: `{"data":[${entries.join(',')}]}`}));
		const client = createClient({host: server.host, port: server.port, auth: {kind: 'token', tokenId: 'root@pam!t', secret: 's'}, fingerprint: server.fingerprint});
		try {
			const read = await firstResourcesRead(client);
			assert.deepEqual(
				read.map((e) => e.vmid),
				[101, 102, 103, 104],
				'an entry type the console does not know is dropped, as on every poll',
			);
			assert.ok(String(read[3]!.name).length <= FIELD_LIMIT, 'a long string is cut as on every poll');
			assert.deepEqual(server.requests.map((r) => `${r.method} ${r.path}`), ['GET /cluster/resources']);
		} finally {
			await client.close();
			await server.close();
		}
	});
});
