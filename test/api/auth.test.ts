// Ticket and token authentication as a Proxmox host sees it: the login call,
// the cookie, the CSRF header on writes, renewal after 1.5 h, one fresh login
// after an expired ticket, and no secret in anything a user could print.

import assert from 'node:assert/strict';
import {inspect} from 'node:util';
import {after, before, beforeEach, describe, it} from 'node:test';
import {createClient} from '../../source/api/client.js';
import {PveApiError} from '../../source/api/errors.js';
import {startTestServer, type LoggedRequest, type TestServer, type Answer} from './https-fixture.js';

const PASSWORD = 'correct-horse-battery';
const HOUR = 3600_000;

/** A minimal ticket issuer: numbered tickets, a set of currently valid ones. */
class TicketDesk {
	issued = 0;
	valid = new Set<string>();
	logins: Array<{password: string}> = [];

	answer(request: LoggedRequest): Answer {
		if (request.path === '/access/ticket') return this.login(request);
		const cookie = request.headers.cookie ?? '';
		const ticket = /PVEAuthCookie=([^;]+)/.exec(cookie)?.[1];
		if (!ticket) return {status: 401, statusText: 'No ticket', body: ''};
		if (!this.valid.has(ticket)) return {status: 401, statusText: 'Authentication failed!', body: ''};
		if (request.method !== 'GET' && request.headers.csrfpreventiontoken !== `csrf-${ticket}`) {
			return {status: 401, statusText: 'Permission denied - invalid csrf token', body: ''};
		}
		// A shape every route accepts: the list routes get an empty list.
		return {json: {data: request.path === '/cluster/resources' ? [] : {path: request.path, version: '9.1.5'}}};
	}

	private login(request: LoggedRequest): Answer {
		const password = request.form.get('password') ?? '';
		this.logins.push({password});
		const ok = request.form.get('username') === 'root@pam' && (password === PASSWORD || this.valid.has(password));
		if (!ok) return {status: 401, statusText: 'authentication failure', json: {data: null, message: 'authentication failure\n'}};
		const ticket = `PVE:root@pam:${(++this.issued).toString(16).padStart(8, '0')}::sig+/=${this.issued}`;
		this.valid.add(ticket);
		return {json: {data: {username: 'root@pam', ticket, CSRFPreventionToken: `csrf-${ticket}`, cap: {}}}};
	}
}

describe('ticket authentication', () => {
	let server: TestServer;
	let desk: TicketDesk;
	let now: number;
	const clock = () => now;

	before(async () => {
		server = await startTestServer();
	});
	after(async () => {
		await server.close();
	});
	beforeEach(() => {
		desk = new TicketDesk();
		now = 1_700_000_000_000;
		server.requests.length = 0;
		server.setHandler((request) => desk.answer(request));
	});

	const connect = (password = PASSWORD) =>
		createClient({host: server.host, port: server.port, fingerprint: server.fingerprint, auth: {kind: 'password', username: 'root@pam', password}, clock});

	it('logs in once, then sends the cookie; CSRF token only on writes', async () => {
		const client = connect();
		assert.equal(client.identity, 'root@pam');
		await client.request('GET', '/cluster/resources');
		await client.request('GET', '/version');
		await client.request('POST', '/nodes/pve1/lxc/101/status/start');
		const [login, get1, get2, post] = server.requests;
		assert.equal(login?.path, '/access/ticket');
		assert.equal(login?.method, 'POST');
		assert.equal(login?.form.get('username'), 'root@pam');
		assert.equal(desk.logins.length, 1);
		const ticket = [...desk.valid][0]!;
		assert.equal(get1?.headers.cookie, `PVEAuthCookie=${ticket}`);
		assert.equal(get1?.headers.csrfpreventiontoken, undefined);
		assert.equal(get2?.headers.cookie, `PVEAuthCookie=${ticket}`);
		assert.equal(post?.headers.csrfpreventiontoken, `csrf-${ticket}`);
		assert.equal(server.requests.length, 4);
		await client.close();
	});

	it('concurrent first requests share one login', async () => {
		const client = connect();
		await Promise.all([client.request('GET', '/a'), client.request('GET', '/b'), client.request('GET', '/c')]);
		assert.equal(desk.logins.length, 1);
		await client.close();
	});

	it('renews the ticket with password=<ticket> once the clock passes 1.5 h', async () => {
		const client = connect();
		await client.request('GET', '/version');
		const first = [...desk.valid][0]!;
		now += 89 * 60_000;
		await client.request('GET', '/version');
		assert.equal(desk.logins.length, 1, 'no renewal before 1.5 h');
		now += 2 * 60_000;
		await client.request('GET', '/version');
		assert.equal(desk.logins.length, 2);
		assert.equal(desk.logins[1]?.password, first, 'renewal posts the current ticket as password');
		const renewed = `PVE:root@pam:00000002::sig+/=2`;
		assert.equal(server.requests.at(-1)?.headers.cookie, `PVEAuthCookie=${renewed}`);
		await client.close();
	});

	it('falls back to the password when the ticket has expired before renewal', async () => {
		const client = connect();
		await client.request('GET', '/version');
		desk.valid.clear(); // e.g. the laptop slept past the 2 h lifetime
		now += 3 * HOUR;
		await client.request('GET', '/version');
		assert.deepEqual(
			desk.logins.map((login) => (login.password === PASSWORD ? 'password' : 'ticket')),
			['password', 'ticket', 'password'],
		);
		await client.close();
	});

	it('after a 401 on an expired ticket: logs in again once and repeats the request once, even a POST', async () => {
		const client = connect();
		await client.request('GET', '/version');
		desk.valid.clear(); // the host forgot the ticket (restart, key rotation)
		const result = await client.request<{path: string}>('POST', '/nodes/pve1/lxc/101/status/start');
		assert.equal(result.path, '/nodes/pve1/lxc/101/status/start');
		const posts = server.requests.filter((request) => request.path === '/nodes/pve1/lxc/101/status/start');
		assert.equal(posts.length, 2, 'the refused POST and its single repeat');
		assert.equal(desk.logins.length, 2);
		await client.close();
	});

	it('a wrong password: 401 "authentication failure", one attempt, no secret in anything printable', async () => {
		const client = connect('wrong-password-123');
		let caught: unknown;
		try {
			await client.request('GET', '/cluster/resources');
		} catch (error) {
			caught = error;
		}
		assert.ok(caught instanceof PveApiError);
		assert.equal(caught.status, 401);
		assert.equal(caught.message, 'authentication failure');
		assert.equal(caught.path, '/access/ticket');
		assert.equal(desk.logins.length, 1);
		for (const text of [caught.message, String(caught), JSON.stringify(caught), inspect(caught, {depth: 10}), inspect(client, {depth: 10}), JSON.stringify(client), String(client)]) {
			assert.ok(!text.includes('wrong-password-123'), text);
		}
		await client.close();
	});

	it('a host that echoes the password back gets it masked', async () => {
		server.setHandler((request) =>
			request.path === '/access/ticket'
				? {
						status: 400,
						statusText: 'Parameter verification failed.',
						json: {data: null, message: 'Parameter verification failed.\n', errors: {password: `value '${request.form.get('password')}' is too short`}},
					}
				: {json: {data: null}},
		);
		const client = connect();
		const error = await client.request('GET', '/version').catch((thrown: unknown) => thrown);
		assert.ok(error instanceof PveApiError);
		assert.equal(error.errors?.password, "value '<redacted>' is too short");
		assert.ok(!JSON.stringify(error).includes(PASSWORD));
		await client.close();
	});

	it('the ticket itself never shows in an error or the client', async () => {
		const client = connect();
		await client.request('GET', '/version');
		const ticket = [...desk.valid][0]!;
		server.setHandler(() => ({status: 500, statusText: `internal: ${ticket}`, json: {data: null, message: `internal: ${ticket}\n`}}));
		const error = await client.request('GET', '/version').catch((thrown: unknown) => thrown);
		assert.ok(error instanceof PveApiError);
		assert.equal(error.message, 'internal: <redacted>');
		for (const text of [String(error), JSON.stringify(error), inspect(error), inspect(client, {depth: 10}), JSON.stringify(client)]) {
			assert.ok(!text.includes(ticket), text);
			assert.ok(!text.includes(PASSWORD), text);
		}
		await client.close();
	});
});

describe('token authentication', () => {
	const secret = '8d2e6f3a-1b4c-4d5e-9f60-7a8b9c0d1e2f';
	let server: TestServer;

	before(async () => {
		server = await startTestServer(() => ({status: 401, statusText: 'Authentication failed!', body: ''}));
	});
	after(async () => {
		await server.close();
	});

	it('a rejected token: 401, one line, and the secret appears nowhere', async () => {
		const client = createClient({host: server.host, port: server.port, fingerprint: server.fingerprint, auth: {kind: 'token', tokenId: 'root@pam!proxdeck', secret}});
		assert.equal(client.identity, 'root@pam!proxdeck');
		const error = await client.request('GET', '/cluster/resources').catch((thrown: unknown) => thrown);
		assert.ok(error instanceof PveApiError);
		assert.equal(error.status, 401);
		assert.equal(error.message, 'Authentication failed!');
		assert.equal(server.requests.length, 1);
		const printable = [error.message, String(error), JSON.stringify(error), inspect(error, {depth: 10}), inspect(client, {depth: 10}), JSON.stringify(client), String(client), `${client}`];
		for (const text of printable) assert.ok(!text.includes(secret), text);
		assert.match(inspect(client), /root@pam!proxdeck/);
		await client.close();
	});
});
