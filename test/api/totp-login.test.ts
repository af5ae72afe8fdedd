// Password login of a user with two-factor authentication, against the
// simulator answering as Proxmox does (NeedTFA and a half ticket, then
// POST /access/ticket with tfa-challenge and password "totp:CODE"): a good
// code logs in, a wrong one is one clear line, a recovery key works once, a
// WebAuthn-only user is told to use an API token, and the CLI asks for the
// code on the terminal before the screen is taken over.

import assert from 'node:assert/strict';
import {PassThrough, Writable} from 'node:stream';
import {after, before, describe, it, test} from 'node:test';
import {createClient, type PveClient} from '../../source/api/client.js';
import {parseTfaChallenge, type TfaChallenge} from '../../source/api/auth.js';
import {parseArgs} from '../../source/cli/args.js';
import {parseConfig} from '../../source/cli/config.js';
import {openHost, type Io} from '../../source/cli/open-host.js';
import {resolveTarget} from '../../source/cli/target.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {startSimulator, type RunningSimulator} from '../../source/sim/server.js';
import {base32Decode, hotp, totp} from '../../source/sim/totp.js';

const fixture = loadFixture(BUILTIN_FIXTURES.cluster);
const admin = fixture.users.find((u) => u.userid === 'admin@pve')!;
const SECRET = admin.tfa!.totp!;

test('TOTP and HOTP give the RFC 6238 and RFC 4226 test vectors', () => {
	// RFC 6238 appendix B (SHA-1 seed "12345678901234567890"), 8 digits, and RFC 4226's HOTP table.
	const seed = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
	assert.equal(totp(seed, 59_000, 30, 8), '94287082');
	assert.equal(totp(seed, 1_111_111_109_000, 30, 8), '07081804');
	assert.equal(totp(seed, 20_000_000_000_000, 30, 8), '65353130');
	assert.equal(hotp(base32Decode(seed)!, 0), '755224');
	assert.equal(hotp(base32Decode(seed)!, 9), '520489');
});

describe('two-factor login against the simulator', () => {
	let sim: RunningSimulator;
	let now = Date.UTC(2026, 0, 15, 12);
	const clients: PveClient[] = [];
	before(async () => {
		sim = await startSimulator({fixture, authFailureDelayMs: 0, clock: () => now});
	});
	after(async () => {
		await Promise.all(clients.map((c) => c.close()));
		await sim.close();
	});

	const login = (username: string, password: string, answer: (c: TfaChallenge) => string | undefined) => {
		const asked: TfaChallenge[] = [];
		const client = createClient({
			host: sim.host,
			port: sim.port,
			fingerprint: sim.fingerprint,
			retryDelayMs: 1,
			clock: () => now,
			auth: {
				kind: 'password',
				username,
				password,
				secondFactor: async (challenge) => {
					asked.push(challenge);
					return answer(challenge);
				},
			},
		});
		clients.push(client);
		return {client, asked};
	};

	it('a good TOTP code logs in: the first answer is NeedTFA with a half ticket, the second a full ticket', async () => {
		sim.requests.length = 0;
		const {client, asked} = login('admin@pve', admin.password!, () => totp(SECRET, now));
		const version = await client.request<{version: string}>('GET', '/version');
		assert.match(version.version, /^\d/);
		assert.deepEqual(asked, [{totp: true, recovery: 2, webauthn: false, other: []}]);
		const tickets = sim.requests.filter((r) => r.path === '/access/ticket');
		assert.deepEqual(tickets.map((r) => [r.status, Object.keys(r.body).sort()]), [
			[200, ['password', 'username']],
			[200, ['password', 'tfa-challenge', 'username']],
		]);
		// The request record never keeps the code or the half ticket.
		assert.equal(tickets[1]!.body.password, '***');
		assert.equal(tickets[1]!.body['tfa-challenge'], '***');
		assert.equal(sim.requests.at(-1)!.auth, 'ticket');
	});

	it('the half ticket is what Proxmox sends: PVE:!tfa!<URI-encoded challenge>, and no ticket for a request', async () => {
		const response = await fetchTicket('admin@pve', admin.password!);
		assert.equal(response.NeedTFA, 1);
		assert.match(response.ticket, /^PVE:!tfa!%7B[^:]+:[0-9A-F]{8}::\S+$/);
		assert.deepEqual(JSON.parse(decodeURIComponent(response.ticket.split(':')[1]!.slice('!tfa!'.length))), {totp: true, recovery: [0, 1]});
		assert.equal(response.cap, undefined);
		assert.deepEqual(parseTfaChallenge(response.ticket), {totp: true, recovery: 2, webauthn: false, other: []});
		// A half ticket opens nothing.
		const cookie = await fetchJson('/version', {Cookie: `PVEAuthCookie=${response.ticket}`});
		assert.equal(cookie.status, 401);
	});

	it('a wrong code is one clear line and no ticket', async () => {
		const good = totp(SECRET, now);
		const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, '0');
		const {client} = login('admin@pve', admin.password!, () => wrong);
		await assert.rejects(client.request('GET', '/version'), (e: Error) => {
			assert.equal(e.message, 'the TOTP code for admin@pve was not accepted (wrong, already used, or the clock is off)');
			assert.ok(!e.message.includes(wrong));
			return true;
		});
		// A code from ten minutes ago is wrong too (only one step either side counts).
		const {client: stale} = login('admin@pve', admin.password!, () => totp(SECRET, now - 600_000));
		await assert.rejects(stale.request('GET', '/version'), /TOTP code for admin@pve was not accepted/);
	});

	it('a recovery key logs in once; the same key again is refused', async () => {
		const key = admin.tfa!.recovery![1]!;
		const first = login('admin@pve', admin.password!, () => key);
		await first.client.request('GET', '/version');
		const second = login('admin@pve', admin.password!, () => key);
		await assert.rejects(second.client.request('GET', '/version'), /the recovery key for admin@pve was not accepted/);
		// The challenge now offers only the key left.
		assert.deepEqual(second.asked.map((c) => c.recovery), [1]);
	});

	it('a WebAuthn-only user gets one line saying to use an API token, and is never asked for a code', async () => {
		const user = fixture.users.find((u) => u.userid === 'key@pve')!;
		const {client, asked} = login('key@pve', user.password!, () => '123456');
		await assert.rejects(client.request('GET', '/version'), (e: Error) => e.message === 'key@pve logs in with WebAuthn, which needs a browser: use an API token (--token-id) instead');
		assert.equal(asked.length, 0);
	});

	it('renewing the ticket needs no second factor', async () => {
		let renewals = 0;
		const client = createClient({
			host: sim.host,
			port: sim.port,
			fingerprint: sim.fingerprint,
			clock: () => now,
			ticketRenewAfterMs: 60_000,
			auth: {kind: 'password', username: 'admin@pve', password: admin.password!, secondFactor: async () => (renewals++, totp(SECRET, now))},
		});
		clients.push(client);
		await client.request('GET', '/version');
		now += 120_000;
		sim.requests.length = 0;
		await client.request('GET', '/version');
		assert.equal(renewals, 1);
		const renewal = sim.requests.filter((r) => r.path === '/access/ticket');
		assert.deepEqual(renewal.map((r) => [r.status, 'tfa-challenge' in r.body]), [[200, false]]);
	});

	it('the CLI asks for the code on the terminal (not echoed) before the screen is taken over', async () => {
		const stdin = Object.assign(new PassThrough(), {isTTY: true, isRaw: false, setRawMode: () => stdin}) as unknown as NodeJS.ReadStream & PassThrough;
		let err = '';
		const code = totp(SECRET, now);
		const stderr = new Writable({
			write(chunk, _enc, done) {
				err += String(chunk);
				if (String(chunk).startsWith('TOTP code')) setImmediate(() => stdin.write(`${code}\r`));
				done();
			},
		}) as unknown as NodeJS.WriteStream;
		const io: Io = {stdin, stderr, stdout: stderr, env: {PROXDECK_PASSWORD: admin.password!}};
		const args = parseArgs(['-H', sim.host, '--port', String(sim.port), '--user', 'admin@pve', '--fingerprint', sim.fingerprint]);
		const opened = await openHost(args, resolveTarget(args, parseConfig('', 'c.yaml'), io.env), io, {needsTty: false});
		assert.ok(typeof opened !== 'number', err);
		await opened.close();
		assert.equal(err, 'TOTP code (or a recovery key) for admin@pve: \n');
		assert.ok(!err.includes(code));
	});

	async function fetchJson(path: string, headers: Record<string, string> = {}, body?: string): Promise<{status: number; json: any}> {
		const {fetch, Agent} = await import('undici');
		const dispatcher = new Agent({connect: {rejectUnauthorized: false}});
		const response = await fetch(`${sim.url}/api2/json${path}`, {
			method: body ? 'POST' : 'GET',
			headers: {...headers, ...(body ? {'Content-Type': 'application/x-www-form-urlencoded'} : {})},
			...(body ? {body} : {}),
			dispatcher,
		});
		const text = await response.text();
		await dispatcher.close();
		return {status: response.status, json: text ? JSON.parse(text) : undefined};
	}

	async function fetchTicket(username: string, password: string): Promise<any> {
		const answer = await fetchJson('/access/ticket', {}, new URLSearchParams({username, password}).toString());
		assert.equal(answer.status, 200);
		return answer.json.data;
	}
});
