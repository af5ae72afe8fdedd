// POST /access/ticket: password login and ticket renewal.

import {hasPriv} from './acl.js';
import type {AuthKeys} from './auth.js';
import {assembleCsrfToken, assembleTicket, checkLogin} from './auth.js';
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

export function loginHandler(keys: AuthKeys): Handler {
	return ({state, params}) => {
		let userid = params.username ?? '';
		if (params.realm !== undefined && !userid.includes('@')) userid = `${userid}@${params.realm}`;
		const nowS = Math.floor(state.clock() / 1000);
		if (!checkLogin(state, keys, userid, params.password ?? '', nowS)) throw new LoginFailed();
		return {
			data: {
				username: userid,
				ticket: assembleTicket(keys, userid, nowS),
				CSRFPreventionToken: assembleCsrfToken(keys, userid, nowS),
				...(state.clusterName ? {clustername: state.clusterName} : {}),
				cap: capabilities(state, userid),
			},
		};
	};
}
