// POST /access/ticket: password login and ticket renewal.

import {hasPriv} from './acl.js';
import type {AuthKeys} from './auth.js';
import {assembleCsrfToken, assembleTfaTicket, assembleTicket, checkLogin, verifyTfaTicket} from './auth.js';
import type {FixtureTfa} from './fixture-types.js';
import {verifyTotp} from './totp.js';
import {ApiError} from './errors.js';
import type {Handler} from './handler-types.js';
import type {SimState} from './state.js';

/** Thrown for a failed login; the server delays it like other auth failures. */
export class LoginFailed extends ApiError {
	constructor() {
		super(401, 'authentication failure');
	}
}

const CAP_GROUPS: Record<string, {path: string; prefixes: string[]}> = {
	vms: {path: '/vms', prefixes: ['VM.', 'Permissions.Modify']},
	storage: {path: '/storage', prefixes: ['Datastore.', 'Permissions.Modify']},
	nodes: {path: '/nodes', prefixes: ['Sys.', 'Permissions.Modify']},
	access: {path: '/access', prefixes: ['User.', 'Group.', 'Permissions.Modify']},
	dc: {path: '/', prefixes: ['Sys.Audit', 'Sys.Modify', 'SDN.', 'Realm.']},
	sdn: {path: '/sdn', prefixes: ['SDN.', 'Permissions.Modify']},
	mapping: {path: '/mapping', prefixes: ['Mapping.', 'Permissions.Modify']},
};

/** The `cap` map the GUI uses to grey out buttons. */
function capabilities(state: SimState, userid: string): Record<string, Record<string, 1>> {
	const cap: Record<string, Record<string, 1>> = {};
	const all = state.roles.get('Administrator') ?? new Set<string>();
	for (const [group, spec] of Object.entries(CAP_GROUPS)) {
		cap[group] = {};
		for (const priv of all) {
			if (!spec.prefixes.some((p) => priv.startsWith(p))) continue;
			if (hasPriv(state, {userid}, spec.path, priv)) cap[group]![priv] = 1;
		}
	}
	return cap;
}

/** The factors a challenge offers, as proxmox-tfa's TfaChallenge serialises them (unused recovery keys by index). */
function challengeOf(tfa: FixtureTfa): Record<string, unknown> | undefined {
	const challenge: Record<string, unknown> = {};
	if (tfa.totp) challenge.totp = true;
	// A WebAuthn challenge carries the server's options; a terminal client only needs to see that it is there.
	if (tfa.webauthn) challenge.webauthn = {publicKey: {challenge: 'c2ltdWxhdG9y', rpId: 'pve.sim', allowCredentials: [], userVerification: 'preferred'}};
	if (Object.keys(challenge).length === 0) return undefined;
	const unused = (tfa.recovery ?? []).flatMap((key, i) => (key === '' ? [] : [i]));
	if (unused.length > 0) challenge.recovery = unused;
	return challenge;
}

/** Checks "totp:123456" or "recovery:KEY" against the user's factors; a recovery key works once. */
function secondFactorOk(tfa: FixtureTfa, response: string, nowMs: number): boolean {
	const [kind, ...rest] = response.split(':');
	const value = rest.join(':');
	if (kind === 'totp') return tfa.totp !== undefined && verifyTotp(tfa.totp, value, nowMs);
	if (kind === 'recovery') {
		const index = (tfa.recovery ?? []).findIndex((key) => key !== '' && key === value.trim().toLowerCase());
		if (index === -1) return false;
		tfa.recovery![index] = '';
		return true;
	}
	return false;
}

export function loginHandler(keys: AuthKeys): Handler {
	return ({state, params}) => {
		let userid = params.username ?? '';
		if (params.realm !== undefined && !userid.includes('@')) userid = `${userid}@${params.realm}`;
		const nowS = Math.floor(state.clock() / 1000);
		const password = params.password ?? '';
		const tfa = state.users.get(userid)?.tfa;
		if (params['tfa-challenge'] !== undefined) {
			// The second step: the half ticket from the first answer and the code in `password`
			// (Proxmox refuses the code in `otp` here: "TFA response should be in 'password'").
			if (params.otp !== undefined || !tfa || state.users.get(userid)?.enable === false) throw new LoginFailed();
			if (!verifyTfaTicket(keys, userid, params['tfa-challenge'], nowS) || !secondFactorOk(tfa, password, state.clock())) throw new LoginFailed();
			return {data: fullLogin(state, keys, userid, nowS)};
		}
		if (!checkLogin(state, keys, userid, password, nowS)) throw new LoginFailed();
		// A password (not a valid full ticket, which renews without a second factor) of a user with TFA: the half ticket.
		const challenge = tfa && !password.startsWith('PVE:') ? challengeOf(tfa) : undefined;
		if (challenge) {
			return {
				data: {
					username: userid,
					ticket: assembleTfaTicket(keys, userid, challenge, nowS),
					CSRFPreventionToken: assembleCsrfToken(keys, userid, nowS),
					NeedTFA: 1,
					...(state.clusterName ? {clustername: state.clusterName} : {}),
				},
			};
		}
		return {data: fullLogin(state, keys, userid, nowS)};
	};
}

function fullLogin(state: SimState, keys: AuthKeys, userid: string, nowS: number): Record<string, unknown> {
	return {
		username: userid,
		ticket: assembleTicket(keys, userid, nowS),
		CSRFPreventionToken: assembleCsrfToken(keys, userid, nowS),
		...(state.clusterName ? {clustername: state.clusterName} : {}),
		cap: capabilities(state, userid),
	};
}
