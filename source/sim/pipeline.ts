// One API request through the checks in Proxmox's order:
// auth → route (501) → token restrictions → ACL (403) → node proxy (595)
// → parameter validation (400) → handler. Returns what to send; the HTTP
// layer only writes it.

import type {IncomingHttpHeaders} from 'node:http';
import {checkPermissions, PermissionDenied, principalName, type Principal} from './acl.js';
import type {AuthKeys} from './auth.js';
import {parseTokenHeader, ticketFromHeaders, verifyCsrfToken, verifyTicket, verifyToken} from './auth.js';
import {ApiError} from './errors.js';
import {LoginFailed} from './handlers-access.js';
import type {Handler} from './handler-types.js';
import type {ParsedRequest} from './request.js';
import {findSchemaRoute} from './schema.js';
import type {SimState} from './state.js';
import {isQuorate} from './state.js';
import {advanceTasks} from './tasks.js';
import {validateParams} from './validate.js';

export interface Outcome {
	status: number;
	/** Reason phrase: the first line of the message. */
	reason: string;
	/** JSON text; undefined = empty body (auth-layer failures). */
	body?: string;
	/** Failed authentication is answered late, as pveproxy does. */
	delayed?: boolean;
	auth: 'ticket' | 'token' | 'none';
	user?: string;
	/** A download-style answer (the journal): Content-Type and gzip encoding of its own. */
	download?: {contentType: string; gzip: boolean};
}

function ok(data: unknown, extra: Record<string, unknown> | undefined, auth: Outcome['auth'], user?: string): Outcome {
	return {status: 200, reason: 'OK', body: JSON.stringify({data, ...extra}), auth, ...(user ? {user} : {})};
}

function failure(status: number, message: string, auth: Outcome['auth'], user?: string, errors?: Record<string, string>): Outcome {
	const body = JSON.stringify({data: null, message: `${message}\n`, ...(errors ? {errors} : {})});
	return {status, reason: message.split('\n')[0]!, body, auth, ...(user ? {user} : {})};
}

function authFailure(reason: string, auth: Outcome['auth']): Outcome {
	return {status: 401, reason, delayed: true, auth};
}

/** Calls pve-http-server lets through without credentials. */
function isPublic(method: string, path: string): boolean {
	return (path === '/access/ticket' && (method === 'GET' || method === 'POST')) || (path === '/access/domains' && method === 'GET');
}

type AuthResult = {principal: Principal; kind: 'ticket' | 'token'} | Outcome;

function authenticate(state: SimState, keys: AuthKeys, method: string, headers: IncomingHttpHeaders): AuthResult {
	const nowS = Math.floor(state.clock() / 1000);
	const authorization = typeof headers.authorization === 'string' ? headers.authorization : undefined;
	const token = parseTokenHeader(authorization);
	if (token) {
		const principal = verifyToken(state, token, nowS);
		return principal ? {principal, kind: 'token'} : authFailure('Authentication failed!', 'token');
	}
	const ticket = ticketFromHeaders(headers.cookie, authorization);
	if (ticket === undefined) return authFailure('No ticket', 'none');
	const userid = verifyTicket(keys, ticket, nowS);
	const user = userid === undefined ? undefined : state.users.get(userid);
	if (!userid || !user || user.enable === false) return authFailure('Authentication failed!', 'ticket');
	if (method !== 'GET') {
		const csrf = headers.csrfpreventiontoken;
		if (typeof csrf !== 'string' || !verifyCsrfToken(keys, userid, csrf, nowS)) return authFailure('Permission denied - invalid csrf token', 'ticket');
	}
	return {principal: {userid}, kind: 'ticket'};
}

function proxyCheck(state: SimState, template: string, params: Record<string, string>, auth: Outcome['auth'], user?: string): Outcome | undefined {
	if (!template.startsWith('/nodes/{node}')) return undefined;
	const name = params.node ?? '';
	const node = state.nodes.get(name);
	if (!node) return failure(500, `hostname lookup '${name}' failed - failed to get address info for: ${name}: Name or service not known`, auth, user);
	// pveproxy cannot reach an offline node: AnyEvent::HTTP's 595 with the socket error.
	if (!node.online) return failure(595, 'No route to host', auth, user);
	return undefined;
}

export function runPipeline(state: SimState, keys: AuthKeys, handlers: Map<string, Handler>, req: ParsedRequest, headers: IncomingHttpHeaders): Outcome {
	advanceTasks(state);
	const {method, path} = req;
	let principal: Principal | undefined;
	let auth: Outcome['auth'] = 'none';
	if (!isPublic(method, path)) {
		const result = authenticate(state, keys, method, headers);
		if ('status' in result) return result;
		principal = result.principal;
		auth = result.kind;
	}
	const user = principal ? principalName(principal) : undefined;
	const notImplemented = failure(501, `Method '${method} ${path}' not implemented`, auth, user);
	const found = findSchemaRoute(method, path);
	if (!found) return notImplemented;
	const {info} = found.route;
	// Real PVE refuses these to tokens whatever the handler; say so even where the simulator has no handler.
	if (auth === 'token' && info.allowtoken === 0) {
		return failure(403, `Permission check failed (URI '${path}' not available with API token, need proper ticket.)`, auth, user);
	}
	const handler = handlers.get(`${method} ${found.route.template}`);
	if (!handler) return notImplemented;
	if (req.bodyError) return failure(400, req.bodyError, auth, user);
	const params = {...req.bodyStrings, ...req.query, ...found.pathParams};
	try {
		checkPermissions(state, principal, info.permissions as Parameters<typeof checkPermissions>[2], params);
	} catch (error) {
		if (error instanceof PermissionDenied) return failure(403, error.message, auth, user);
		throw error;
	}
	const proxied = proxyCheck(state, found.route.template, params, auth, user);
	if (proxied) return proxied;
	const errors = validateParams(params, info.parameters);
	if (Object.keys(errors).length > 0) return failure(400, 'Parameter verification failed.', auth, user, errors);
	// Without quorum /etc/pve is read-only: every write dies in PVE::Cluster::check_cfs_quorum (or on the read-only pmxcfs).
	if (method !== 'GET' && found.route.template !== '/access/ticket' && !isQuorate(state)) return failure(500, 'cluster not ready - no quorum?', auth, user);
	try {
		const reply = handler({state, ...(principal ? {principal} : {}), params});
		const outcome = ok(reply.data, reply.extra, auth, user);
		return reply.download ? {...outcome, download: reply.download} : outcome;
	} catch (error) {
		if (error instanceof LoginFailed) return {...failure(401, error.message, auth), delayed: true};
		if (error instanceof PermissionDenied) return failure(403, error.message, auth, user);
		if (error instanceof ApiError) return failure(error.status, error.message, auth, user, error.errors);
		return failure(500, error instanceof Error ? error.message : String(error), auth, user);
	}
}
