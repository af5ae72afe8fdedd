// The console's first frame waits for the fleet's first answer (issue 12):
// drawing the empty deck first cost a whole cold frame before the one with data.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {firstFleetAnswer} from '../../source/cli/first-answer.js';
import {createAppStore} from '../../source/store/store.js';

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
