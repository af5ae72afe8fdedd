// Test helpers: start a simulator on a random port and talk to it over real
// HTTPS, trusting its certificate as a CA (no TLS verification is disabled).

import {readFileSync} from 'node:fs';
import {request as httpsRequest} from 'node:https';
import {gunzipSync} from 'node:zlib';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {startSimulator, type RunningSimulator, type SimulatorOptions} from '../../source/sim/server.js';

export function miniFixture(): Fixture {
	return JSON.parse(readFileSync(new URL('./mini-fixture.json', import.meta.url), 'utf8')) as Fixture;
}

export const ROOT_TOKEN = 'PVEAPIToken=root@pam!full=0b9c3f2e-8a41-4d7b-9e6c-1f2a3b4c5d6e';
export const AUDIT_TOKEN = 'PVEAPIToken=audit@pve!ro=5e1d7c3b-2a9f-4e8d-b6c5-a4f3e2d1c0b9';

/** A controllable clock for tests: starts at a fixed instant, moved by hand. */
export function fakeClock(start = Date.UTC(2026, 10, 23, 12, 0, 0)): {now: () => number; advance: (ms: number) => void} {
	let t = start;
	return {now: () => t, advance: (ms) => void (t += ms)};
}

export function startTestSim(options: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
	return startSimulator({fixture: miniFixture(), authFailureDelayMs: 0, ...options});
}

export interface Response {
	status: number;
	reason: string;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

export interface RequestOptions {
	headers?: Record<string, string>;
	/** Form-encoded body (default) or JSON when `json` is set. */
	form?: Record<string, string>;
	json?: Record<string, unknown>;
	auth?: string;
}

export function call(sim: RunningSimulator, method: string, path: string, options: RequestOptions = {}): Promise<Response> {
	const headers: Record<string, string> = {...options.headers};
	if (options.auth) headers.Authorization = options.auth;
	let body: string | undefined;
	if (options.json) {
		body = JSON.stringify(options.json);
		headers['Content-Type'] = 'application/json';
	} else if (options.form) {
		body = new URLSearchParams(options.form).toString();
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
	}
	return new Promise((resolve, reject) => {
		const req = httpsRequest(
			`${sim.url}/api2/json${path}`,
			{method, headers, ca: sim.caPem, agent: false},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					// Downloads (the journal) come gzip-encoded, as from pveproxy.
					const raw = Buffer.concat(chunks);
					const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
					let json: unknown;
					try {
						json = text === '' ? undefined : JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers: res.headers, text, json});
				});
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		if (body !== undefined) req.write(body);
		req.end();
	});
}

/** Logs in with a password; returns the ticket cookie and CSRF header. */
export async function login(sim: RunningSimulator, username: string, password: string): Promise<{cookie: string; csrf: string; ticket: string}> {
	const res = await call(sim, 'POST', '/access/ticket', {form: {username, password}});
	if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.reason}`);
	const ticket = res.json.data.ticket as string;
	return {ticket, cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}`, csrf: res.json.data.CSRFPreventionToken as string};
}
