// Authentication as a client sees it: API tokens, password login, tickets in
// cookies or headers, CSRF on writes, ticket expiry by the injected clock.

import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import type {RunningSimulator} from '../../source/sim/server.js';
import {AUDIT_TOKEN, call, fakeClock, login, ROOT_TOKEN, startTestSim} from './helpers.js';

describe('simulator authentication', () => {
	let sim: RunningSimulator;
	const clock = fakeClock();
	before(async () => {
		sim = await startTestSim({clock: clock.now});
	});
	after(() => sim.close());

	it('accepts a valid API token and records the call as token auth', async () => {
		const res = await call(sim, 'GET', '/version', {auth: ROOT_TOKEN});
		assert.equal(res.status, 200);
		assert.deepEqual(res.json, {data: {version: '9.1.5', release: '9.1', repoid: '80cf92a6'}});
		const last = sim.requests.at(-1)!;
		assert.equal(last.auth, 'token');
		assert.equal(last.user, 'root@pam!full');
	});

	it('answers 401 "No ticket" with an empty body when no credentials are sent', async () => {
		const res = await call(sim, 'GET', '/version');
		assert.equal(res.status, 401);
		assert.equal(res.reason, 'No ticket');
		assert.equal(res.text, '');
	});

	it('answers 401 "Authentication failed!" for a wrong token secret, unknown token, or other header forms', async () => {
		for (const auth of [
			'PVEAPIToken=root@pam!full=00000000-0000-0000-0000-000000000000',
			'PVEAPIToken=root@pam!nope=0b9c3f2e-8a41-4d7b-9e6c-1f2a3b4c5d6e',
			'PVEAPIToken root@pam!full=0b9c3f2e-8a41-4d7b-9e6c-1f2a3b4c5d6e',
		]) {
			const res = await call(sim, 'GET', '/version', {auth});
			assert.equal(res.status, 401, auth);
			// The space form is not a token header at all, so PVE sees no credentials.
			assert.equal(res.reason, auth.startsWith('PVEAPIToken ') ? 'No ticket' : 'Authentication failed!');
			assert.equal(res.text, '');
		}
	});

	it('logs in with a password and serves the ticket as cookie (escaped or not) and as Authorization header', async () => {
		const session = await login(sim, 'root@pam', 'sim-root-demo');
		assert.match(session.ticket, /^PVE:root@pam:[0-9A-F]{8}::\S+$/);
		assert.match(session.csrf, /^[0-9A-F]{8}:\S+$/);
		const variants: Array<Record<string, string>> = [{Cookie: session.cookie}, {Cookie: `PVEAuthCookie=${session.ticket}`}, {Authorization: `PVEAuthCookie=${session.ticket}`}];
		for (const headers of variants) {
			const res = await call(sim, 'GET', '/nodes', {headers});
			assert.equal(res.status, 200, JSON.stringify(headers));
		}
	});

	it('returns clustername and cap with the login, and accepts username + realm separately', async () => {
		const res = await call(sim, 'POST', '/access/ticket', {form: {username: 'vmuser', realm: 'pve', password: 'sim-vmuser-demo'}});
		assert.equal(res.status, 200);
		assert.equal(res.json.data.username, 'vmuser@pve');
		assert.equal(res.json.data.clustername, 'lab');
		assert.deepEqual(Object.keys(res.json.data.cap).sort(), ['access', 'dc', 'mapping', 'nodes', 'sdn', 'storage', 'vms']);
	});

	it('answers a wrong password with 401 "authentication failure" and a JSON body', async () => {
		const res = await call(sim, 'POST', '/access/ticket', {form: {username: 'root@pam', password: 'wrong'}});
		assert.equal(res.status, 401);
		assert.equal(res.reason, 'authentication failure');
		assert.deepEqual(res.json, {data: null, message: 'authentication failure\n'});
		assert.equal(sim.requests.at(-1)!.body.password, '***', 'the request record never keeps a password');
	});

	it('refuses a disabled user', async () => {
		const res = await call(sim, 'POST', '/access/ticket', {form: {username: 'gone@pve', password: 'sim-gone-demo'}});
		assert.equal(res.status, 401);
	});

	it('needs the CSRF header for a non-GET made with a ticket, not with a token', async () => {
		const session = await login(sim, 'root@pam', 'sim-root-demo');
		const task = sim.state.tasks[0]!;
		const path = `/nodes/${task.node}/tasks/${encodeURIComponent(task.upid)}`;
		const without = await call(sim, 'DELETE', path, {headers: {Cookie: session.cookie}});
		assert.equal(without.status, 401);
		assert.equal(without.reason, 'Permission denied - invalid csrf token');
		const withCsrf = await call(sim, 'DELETE', path, {headers: {Cookie: session.cookie, CSRFPreventionToken: session.csrf}});
		assert.equal(withCsrf.status, 200);
		const token = await call(sim, 'DELETE', path, {auth: ROOT_TOKEN});
		assert.equal(token.status, 200);
	});

	it('expires tickets after 2 h of the injected clock and renews them with the ticket as password', async () => {
		const session = await login(sim, 'root@pam', 'sim-root-demo');
		clock.advance(90 * 60 * 1000);
		const renewed = await call(sim, 'POST', '/access/ticket', {form: {username: 'root@pam', password: session.ticket}});
		assert.equal(renewed.status, 200);
		const fresh = renewed.json.data.ticket as string;
		clock.advance(31 * 60 * 1000);
		const old = await call(sim, 'GET', '/nodes', {headers: {Cookie: session.cookie}});
		assert.equal(old.status, 401);
		assert.equal(old.reason, 'Authentication failed!');
		assert.equal(old.text, '');
		const stillGood = await call(sim, 'GET', '/nodes', {headers: {Cookie: `PVEAuthCookie=${encodeURIComponent(fresh)}`}});
		assert.equal(stillGood.status, 200);
		const renewExpired = await call(sim, 'POST', '/access/ticket', {form: {username: 'root@pam', password: session.ticket}});
		assert.equal(renewExpired.status, 401);
	});

	it('rejects a forged ticket', async () => {
		const session = await login(sim, 'vmuser@pve', 'sim-vmuser-demo');
		const forged = session.ticket.replace('vmuser@pve', 'root@pam');
		const res = await call(sim, 'GET', '/nodes', {headers: {Cookie: `PVEAuthCookie=${encodeURIComponent(forged)}`}});
		assert.equal(res.status, 401);
	});

	it('refuses allowtoken:0 methods to tokens with PVE wording', async () => {
		const res = await call(sim, 'PUT', '/access/password', {auth: AUDIT_TOKEN, form: {userid: 'audit@pve', password: 'x'}});
		assert.equal(res.status, 403);
		assert.equal(res.reason, "Permission check failed (URI '/access/password' not available with API token, need proper ticket.)");
	});

	it('accepts a JSON login body with boolean true where forms need 1', async () => {
		const json = await call(sim, 'POST', '/access/ticket', {json: {username: 'root@pam', password: 'sim-root-demo', 'new-format': true}});
		assert.equal(json.status, 200);
		const form = await call(sim, 'POST', '/access/ticket', {form: {username: 'root@pam', password: 'sim-root-demo', 'new-format': 'true'}});
		assert.equal(form.status, 400);
		assert.deepEqual(form.json.errors, {'new-format': "type check ('boolean') failed - got 'true'"});
	});
});

describe('authentication failure delay', () => {
	it('answers failed auth only after authFailureDelayMs, successful calls at once', async () => {
		// A wide delay, and the good call made while the bad one is held back: on a
		// loaded machine one HTTPS round trip can take several hundred ms.
		const delay = 2000;
		const sim = await startTestSim({authFailureDelayMs: delay});
		try {
			const started = Date.now();
			let badAnswered = false;
			const pendingBad = call(sim, 'GET', '/version').finally(() => (badAnswered = true));
			const good = await call(sim, 'GET', '/version', {auth: ROOT_TOKEN});
			assert.equal(good.status, 200);
			assert.equal(badAnswered, false, 'the successful call is answered while the failed one is still held back');
			const bad = await pendingBad;
			assert.equal(bad.status, 401);
			assert.ok(Date.now() - started >= delay - 10, `answered after ${Date.now() - started} ms`);
		} finally {
			await sim.close();
		}
	});
});
