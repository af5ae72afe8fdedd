// Credentials for the Proxmox API. Two ways, one interface:
//  - API token: a fixed Authorization header, nothing to renew;
//  - user + password: a ticket from POST /access/ticket sent as a cookie, plus
//    the CSRF token on every non-GET. A ticket lasts 2 h, so it is renewed
//    (POST password=<ticket>) after `renewAfterMs`, and a 401 on a request
//    (ticket expired while the laptop slept, node restarted…) leads to one
//    fresh login with the stored password.
//  - a user with two-factor authentication: Proxmox answers the password with
//    `NeedTFA: 1` and a half ticket "PVE:!tfa!<challenge>:…" whose challenge
//    (URI-encoded JSON) lists the factors the user has; the code goes back as
//    POST /access/ticket {username, tfa-challenge: <half ticket>, password:
//    "totp:123456" | "recovery:KEY"} (pve-access-control create_ticket,
//    proxmox-widget-toolkit TfaWindow). Renewing with the full ticket needs no
//    second factor; a fresh login after a 401 does, and asks again.
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

/** What the half ticket's challenge says the user can answer with. */
export interface TfaChallenge {
	totp: boolean;
	/** Recovery keys left (Proxmox lists their ids). */
	recovery: number;
	webauthn: boolean;
	/** Anything else configured (u2f, yubico) that proxdeck cannot answer. */
	other: string[];
}

/**
 * Asks the user for a TOTP or recovery code (a terminal prompt); resolves with
 * what was typed, or undefined when nobody can be asked (screen taken over, no terminal).
 */
export type SecondFactor = (challenge: TfaChallenge, username: string) => Promise<string | undefined>;

/** The challenge inside a half ticket "PVE:!tfa!%7B…%7D:6563A1B2::sig", or undefined if it holds none. */
export function parseTfaChallenge(ticket: string): TfaChallenge | undefined {
	const data = ticket.split(':')[1] ?? '';
	if (!data.startsWith('!tfa!')) return undefined;
	let parsed: Record<string, unknown>;
	try {
		parsed = JSON.parse(decodeURIComponent(data.slice('!tfa!'.length))) as Record<string, unknown>;
	} catch {
		return undefined;
	}
	if (parsed === null || typeof parsed !== 'object') return undefined;
	const recovery = Array.isArray(parsed.recovery) ? parsed.recovery.length : 0;
	return {
		totp: parsed.totp === true,
		recovery,
		webauthn: Boolean(parsed.webauthn),
		other: ['u2f', 'yubico'].filter((k) => Boolean(parsed[k])),
	};
}

/** "totp:123456" for a TOTP code (digits), "recovery:KEY" for anything else (recovery keys look like 1a2b-3c4d-…). */
export function tfaResponse(code: string): string {
	const typed = code.trim();
	return /^\d{6,8}$/.test(typed) ? `totp:${typed}` : `recovery:${typed}`;
}

export interface TicketAuthOptions {
	username: string;
	password: string;
	/** Sends one request without authentication (the transport). */
	send: (request: WireRequest) => Promise<unknown>;
	clock: () => number;
	renewAfterMs?: number;
	/** Asked for the code when the user has two-factor authentication. */
	secondFactor?: SecondFactor;
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
	const secretsInFlight: string[] = [];

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
		let answer = (data ?? {}) as {ticket?: unknown; CSRFPreventionToken?: unknown; NeedTFA?: unknown};
		if (answer.NeedTFA) answer = await secondStep(answer.ticket);
		if (typeof answer.ticket !== 'string' || typeof answer.CSRFPreventionToken !== 'string') {
			throw new PveApiError({kind: 'parse', status: 200, message: 'the login answer carries no ticket', method: 'POST', path: '/access/ticket'});
		}
		return {ticket: answer.ticket, csrf: answer.CSRFPreventionToken, issuedAt: options.clock()};
	}

	function refuse(message: string): PveApiError {
		return new PveApiError({kind: 'http', status: 401, message, method: 'POST', path: '/access/ticket'});
	}

	/** Answers the TFA challenge of a half ticket with the code the user types. */
	async function secondStep(halfTicket: unknown): Promise<{ticket?: unknown; CSRFPreventionToken?: unknown; NeedTFA?: unknown}> {
		const challenge = typeof halfTicket === 'string' ? parseTfaChallenge(halfTicket) : undefined;
		if (!challenge) throw refuse(`${options.username} has two-factor authentication and Proxmox sent a challenge proxdeck cannot read: use an API token`);
		if (!challenge.totp && challenge.recovery === 0) {
			const kinds = [challenge.webauthn ? 'WebAuthn' : '', ...challenge.other].filter(Boolean).join(' or ') || 'a second factor';
			throw refuse(`${options.username} logs in with ${kinds}, which needs a browser: use an API token (--token-id) instead`);
		}
		const code = await options.secondFactor?.(challenge, options.username);
		if (code === undefined || code.trim() === '') {
			throw refuse(`${options.username} needs a TOTP or recovery code and none can be asked for now: restart proxdeck, or use an API token`);
		}
		const response = tfaResponse(code);
		// The half ticket and the code are secrets while they are in flight.
		secretsInFlight.push(halfTicket as string, response, code.trim());
		try {
			const data = await options.send({method: 'POST', path: '/access/ticket', params: {username: options.username, 'tfa-challenge': halfTicket, password: response}});
			return (data ?? {}) as {ticket?: unknown; CSRFPreventionToken?: unknown};
		} catch (error) {
			if (error instanceof PveApiError && error.status === 401) {
				throw refuse(`the ${response.startsWith('totp:') ? 'TOTP code' : 'recovery key'} for ${options.username} was not accepted (wrong, already used, or the clock is off)`);
			}
			throw error;
		} finally {
			secretsInFlight.length = 0;
		}
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
		secrets: () => [options.password, ...(session ? [session.ticket, session.csrf] : []), ...secretsInFlight],
	};
}
