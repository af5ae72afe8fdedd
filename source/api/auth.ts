// Credentials for the Proxmox API. Two ways, one interface:
//  - API token: a fixed Authorization header, nothing to renew;
//  - user + password: a ticket from POST /access/ticket sent as a cookie, plus
//    the CSRF token on every non-GET. A ticket lasts 2 h, so it is renewed
//    (POST password=<ticket>) after `renewAfterMs`, and a 401 on a request
//    (ticket expired while the laptop slept, node restarted…) leads to one
//    fresh login with the stored password.
// Secrets live only in closures here: no property of the returned object
// holds them, so inspecting or serialising it cannot leak them.

import {PveApiError} from './errors.js';
import type {HttpMethod, WireRequest} from './transport.js';

export interface Authenticator {
	/** Who the client acts as: "root@pam!proxdeck" or "root@pam". Never a secret. */
	readonly identity: string;
	/** Headers to add to one request; may log in or renew the ticket first. */
	headersFor(method: HttpMethod): Promise<Record<string, string>>;
	/** After a 401 on an authenticated request: true when a fresh login happened and the request may be sent once more. */
	recoverFrom401(): Promise<boolean>;
	/** Every secret held right now, so messages can be scrubbed of them. */
	secrets(): string[];
}

export function createTokenAuth(tokenId: string, secret: string): Authenticator {
	const header = `PVEAPIToken=${tokenId}=${secret}`;
	return {
		identity: tokenId,
		async headersFor() {
			return {Authorization: header};
		},
		// A rejected token stays rejected; nothing to renew.
		async recoverFrom401() {
			return false;
		},
		secrets: () => [secret, header],
	};
}

/** Proxmox says 2 h; renewing at 1.5 h leaves margin for clock skew and slow calls. */
export const DEFAULT_TICKET_RENEW_AFTER_MS = 90 * 60 * 1000;

export interface TicketAuthOptions {
	username: string;
	password: string;
	/** Sends one request without authentication (the transport). */
	send: (request: WireRequest) => Promise<unknown>;
	clock: () => number;
	renewAfterMs?: number;
}

interface Session {
	ticket: string;
	csrf: string;
	issuedAt: number;
}

export function createTicketAuth(options: TicketAuthOptions): Authenticator {
	const renewAfterMs = options.renewAfterMs ?? DEFAULT_TICKET_RENEW_AFTER_MS;
	let session: Session | undefined;
	// Concurrent requests share one login instead of each starting its own.
	let pending: Promise<Session> | undefined;

	async function login(password: string): Promise<Session> {
		let data: unknown;
		try {
			data = await options.send({method: 'POST', path: '/access/ticket', params: {username: options.username, password}});
		} catch (error) {
			if (error instanceof PveApiError && error.status === 401) {
				throw new PveApiError({kind: 'http', status: 401, message: 'authentication failure', method: 'POST', path: '/access/ticket'});
			}
			throw error;
		}
		const answer = (data ?? {}) as {ticket?: unknown; CSRFPreventionToken?: unknown; NeedTFA?: unknown};
		if (answer.NeedTFA) {
			throw new PveApiError({
				kind: 'http',
				status: 401,
				message: `${options.username} has two-factor authentication, which proxdeck does not support: use an API token`,
				method: 'POST',
				path: '/access/ticket',
			});
		}
		if (typeof answer.ticket !== 'string' || typeof answer.CSRFPreventionToken !== 'string') {
			throw new PveApiError({kind: 'parse', status: 200, message: 'the login answer carries no ticket', method: 'POST', path: '/access/ticket'});
		}
		return {ticket: answer.ticket, csrf: answer.CSRFPreventionToken, issuedAt: options.clock()};
	}

	/** Renewing needs the ticket to still be valid; if it is not, the password still works. */
	async function renew(current: Session): Promise<Session> {
		try {
			return await login(current.ticket);
		} catch (error) {
			if (error instanceof PveApiError && error.status === 401) return login(options.password);
			throw error;
		}
	}

	function current(): Promise<Session> {
		if (pending) return pending;
		if (session && options.clock() - session.issuedAt < renewAfterMs) return Promise.resolve(session);
		const next = session ? renew(session) : login(options.password);
		pending = next.then(
			(fresh) => {
				session = fresh;
				return fresh;
			},
		).finally(() => {
			pending = undefined;
		});
		return pending;
	}

	return {
		identity: options.username,
		async headersFor(method) {
			const {ticket, csrf} = await current();
			const headers: Record<string, string> = {Cookie: `PVEAuthCookie=${ticket}`};
			// Proxmox refuses any non-GET without it (401 "invalid csrf token").
			if (method !== 'GET') headers.CSRFPreventionToken = csrf;
			return headers;
		},
		async recoverFrom401() {
			session = undefined;
			await current();
			return true;
		},
		secrets: () => (session ? [options.password, session.ticket, session.csrf] : [options.password]),
	};
}
