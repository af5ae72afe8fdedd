// Tickets, CSRF tokens and API tokens in Proxmox's formats. Signatures are
// HMACs with a per-process key (real PVE signs with RSA): clients treat them
// as opaque, only the layout matters.

import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto';
import type {Principal} from './acl.js';
import type {SimState} from './state.js';

export const TICKET_LIFETIME_S = 2 * 3600;
const GRACE_S = 300; // tickets from up to 5 min "in the future" are accepted

export interface AuthKeys {ticketKey: Buffer; csrfKey: Buffer}

export function newAuthKeys(): AuthKeys {
	return {ticketKey: randomBytes(32), csrfKey: randomBytes(32)};
}

function hex8(seconds: number): string {
	return seconds.toString(16).toUpperCase().padStart(8, '0');
}

function sign(key: Buffer, data: string): string {
	return createHmac('sha512', key).update(data).digest('base64');
}

function sameText(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

export function assembleTicket(keys: AuthKeys, userid: string, nowS: number): string {
	const plain = `PVE:${userid}:${hex8(nowS)}`;
	return `${plain}::${sign(keys.ticketKey, plain)}`;
}

/**
 * The half ticket of a password login that still needs its second factor:
 * "PVE:!tfa!<URI-encoded challenge JSON>:HEX8::sig", signed together with
 * the userid (Proxmox's "aad") so it answers only for that user. It is no
 * ticket for any request (verifyTicket does not accept it).
 */
export function assembleTfaTicket(keys: AuthKeys, userid: string, challenge: object, nowS: number): string {
	const plain = `PVE:!tfa!${encodeURIComponent(JSON.stringify(challenge))}:${hex8(nowS)}`;
	return `${plain}::${sign(keys.ticketKey, `${plain}\u0000${userid}`)}`;
}

/** True for a valid, unexpired half ticket issued to `userid`. */
export function verifyTfaTicket(keys: AuthKeys, userid: string, ticket: string, nowS: number): boolean {
	const match = /^(PVE:!tfa![^:\s]*:([0-9A-F]{8}))::(\S+)$/.exec(ticket);
	if (!match) return false;
	if (!sameText(sign(keys.ticketKey, `${match[1]!}\u0000${userid}`), match[3]!)) return false;
	const age = nowS - Number.parseInt(match[2]!, 16);
	return age >= -GRACE_S && age <= TICKET_LIFETIME_S;
}

/** The userid of a valid, unexpired ticket, else undefined. */
export function verifyTicket(keys: AuthKeys, ticket: string, nowS: number): string | undefined {
	const match = /^(PVE:(\S+?@[^:\s]+):([0-9A-F]{8}))::(\S+)$/.exec(ticket);
	if (!match) return undefined;
	if (!sameText(sign(keys.ticketKey, match[1]!), match[4]!)) return undefined;
	const age = nowS - Number.parseInt(match[3]!, 16);
	if (age < -GRACE_S || age > TICKET_LIFETIME_S) return undefined;
	return match[2];
}

export function assembleCsrfToken(keys: AuthKeys, userid: string, nowS: number): string {
	const stamp = hex8(nowS);
	return `${stamp}:${createHmac('sha256', keys.csrfKey).update(`${stamp}:${userid}`).digest('base64').replace(/=+$/, '')}`;
}

export function verifyCsrfToken(keys: AuthKeys, userid: string, token: string, nowS: number): boolean {
	const match = /^([0-9A-F]{8}):(\S+)$/.exec(token);
	if (!match) return false;
	const age = nowS - Number.parseInt(match[1]!, 16);
	if (age < -GRACE_S || age > TICKET_LIFETIME_S) return false;
	const expected = createHmac('sha256', keys.csrfKey).update(`${match[1]}:${userid}`).digest('base64').replace(/=+$/, '');
	return sameText(expected, match[2]!);
}

/** Ticket from `Cookie: PVEAuthCookie=` (URI-escaped allowed) or `Authorization: PVEAuthCookie=`. */
export function ticketFromHeaders(cookie: string | undefined, authorization: string | undefined): string | undefined {
	if (authorization?.startsWith('PVEAuthCookie=')) return safeDecode(authorization.slice('PVEAuthCookie='.length));
	for (const part of (cookie ?? '').split(';')) {
		const [name, ...rest] = part.trim().split('=');
		if (name === 'PVEAuthCookie') return safeDecode(rest.join('='));
	}
	return undefined;
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

/** `PVEAPIToken=USER@REALM!TOKENID=SECRET` — the only token form pve-http-server accepts. */
export function parseTokenHeader(authorization: string | undefined): {userid: string; tokenid: string; secret: string} | undefined {
	if (!authorization?.startsWith('PVEAPIToken=')) return undefined;
	const match = /^PVEAPIToken=(\S+?@[A-Za-z][A-Za-z0-9.\-_]+)!([A-Za-z][A-Za-z0-9.\-_]+)=(\S+)$/.exec(authorization);
	if (!match) return {userid: '', tokenid: '', secret: ''}; // present but malformed: still a failed auth
	return {userid: match[1]!, tokenid: match[2]!, secret: match[3]!};
}

/** A token request's principal, or undefined for disabled user, unknown/expired token or wrong secret. */
export function verifyToken(state: SimState, token: {userid: string; tokenid: string; secret: string}, nowS: number): Principal | undefined {
	const user = state.users.get(token.userid);
	if (!user || user.enable === false) return undefined;
	const entry = user.tokens?.find((t) => t.tokenid === token.tokenid);
	if (!entry) return undefined;
	if (entry.expire && entry.expire < nowS) return undefined;
	if (!sameText(entry.secret, token.secret)) return undefined;
	return {userid: token.userid, tokenid: token.tokenid};
}

/** Password login (or ticket renewal: a valid ticket is accepted as password). */
export function checkLogin(state: SimState, keys: AuthKeys, userid: string, password: string, nowS: number): boolean {
	const user = state.users.get(userid);
	if (!user || user.enable === false) return false;
	if (password.startsWith('PVE:')) return verifyTicket(keys, password, nowS) === userid;
	return user.password !== undefined && sameText(user.password, password);
}
