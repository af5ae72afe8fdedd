// Access control as pve-access-control evaluates it: roles found walking the
// ACL tree from `/` to the target path (a deeper entry for the user replaces
// inherited ones; non-propagating entries apply only to their own path),
// root@pam has every privilege, and a privilege-separated token gets the
// intersection of its user's and its own privileges.

import type {FixtureAcl} from './fixture-types.js';
import {BUILTIN_ROLES} from './roles.js';
import type {SimState} from './state.js';

export interface Principal {
	userid: string;
	/** Set for API-token requests. */
	tokenid?: string;
}

export function principalName(p: Principal): string {
	return p.tokenid === undefined ? p.userid : `${p.userid}!${p.tokenid}`;
}

function normalizePath(path: string): string {
	const clean = path.replace(/\/+/g, '/').replace(/\/$/, '');
	return clean === '' ? '/' : clean;
}

/** Prefixes from the root: /vms/101 → ['/', '/vms', '/vms/101']. */
function ancestors(path: string): string[] {
	const parts = normalizePath(path).split('/').filter(Boolean);
	const out = ['/'];
	for (let i = 1; i <= parts.length; i++) out.push(`/${parts.slice(0, i).join('/')}`);
	return out;
}

/** role → propagate, for one ACL list at one path (PVE's `roles()`). */
function rolesAt(acl: FixtureAcl[], path: string): Map<string, boolean> {
	const target = normalizePath(path);
	let roles = new Map<string, boolean>();
	for (const prefix of ancestors(target)) {
		const final = prefix === target;
		const here = acl.filter((e) => normalizePath(e.path) === prefix && (final || e.propagate !== false));
		if (here.length > 0) roles = new Map(here.map((e) => [e.role, e.propagate !== false]));
	}
	return roles.has('NoAccess') ? new Map() : roles;
}

/** privilege → propagate flag (as GET /access/permissions reports it). */
function privsFromAcl(state: SimState, acl: FixtureAcl[], path: string): Map<string, boolean> {
	const privs = new Map<string, boolean>();
	for (const [role, propagate] of rolesAt(acl, path)) {
		for (const priv of state.roles.get(role) ?? []) privs.set(priv, (privs.get(priv) ?? false) || propagate);
	}
	return privs;
}

/**
 * root@pam's privileges: every one, propagated. One shared map, never
 * changed: built anew per call it was a 50-entry map for every guest of a
 * /cluster/resources answer (20 ms of a 10,000-guest answer).
 */
const ALL_PRIVILEGES: ReadonlyMap<string, boolean> = new Map([...BUILTIN_ROLES.get('Administrator')!].map((p) => [p, true]));

/** Effective privileges of a principal on a path. */
export function privilegesAt(state: SimState, principal: Principal, path: string): ReadonlyMap<string, boolean> {
	const user = state.users.get(principal.userid);
	if (!user || user.enable === false) return new Map();
	const userPrivs = principal.userid === 'root@pam' ? ALL_PRIVILEGES : privsFromAcl(state, user.acl, path);
	if (principal.tokenid === undefined) return userPrivs;
	const token = user.tokens?.find((t) => t.tokenid === principal.tokenid);
	if (!token) return new Map();
	if (token.privsep === false) return userPrivs;
	const tokenPrivs = privsFromAcl(state, token.acl ?? [], path);
	const both = new Map<string, boolean>();
	for (const [priv, propagate] of tokenPrivs) if (userPrivs.has(priv)) both.set(priv, propagate && userPrivs.get(priv)!);
	return both;
}

export function hasPriv(state: SimState, principal: Principal, path: string, priv: string): boolean {
	return privilegesAt(state, principal, path).has(priv);
}

/** A 403 raised by a permission check; `message` is PVE's text. */
export class PermissionDenied extends Error {}

type Check = unknown[];

function substitute(template: string, params: Record<string, string>): string {
	return template.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? '');
}

/**
 * Evaluates a schema `permissions.check`. Throws PermissionDenied with PVE's
 * wording; `undefined` check (no permissions declared) means root@pam only.
 */
export function evaluateCheck(state: SimState, principal: Principal, check: Check, params: Record<string, string>): void {
	const [kind] = check;
	if (kind === 'perm') {
		const path = substitute(String(check[1]), params);
		const privs = (check[2] as string[]) ?? [];
		const any = check[3] === 'any';
		const have = privilegesAt(state, principal, path);
		if (any) {
			if (!privs.some((p) => have.has(p))) throw new PermissionDenied(`Permission check failed (${path}, ${privs.join('|')})`);
			return;
		}
		for (const p of privs) if (!have.has(p)) throw new PermissionDenied(`Permission check failed (${path}, ${p})`);
		return;
	}
	if (kind === 'and') {
		for (const sub of check.slice(1)) evaluateCheck(state, principal, sub as Check, params);
		return;
	}
	if (kind === 'or') {
		let last: unknown;
		for (const sub of check.slice(1)) {
			try {
				evaluateCheck(state, principal, sub as Check, params);
				return;
			} catch (error) {
				last = error;
			}
		}
		throw last instanceof PermissionDenied ? last : new PermissionDenied('Permission check failed');
	}
	if (kind === 'userid-param') {
		if (check[1] === 'self' && params.userid === principal.userid) return;
		if (check[1] === 'self') throw new PermissionDenied('Permission check failed (user != self)');
		// Any other form needs User.Modify on the user's group path; approximate with /access.
		if (!hasPriv(state, principal, '/access', 'User.Modify')) throw new PermissionDenied('Permission check failed (/access, User.Modify)');
		return;
	}
	if (kind === 'userid-group' || kind === 'perm-modify') {
		if (!hasPriv(state, principal, '/access', 'User.Modify')) throw new PermissionDenied('Permission check failed (/access, User.Modify)');
		return;
	}
	throw new PermissionDenied('Permission check failed');
}

export interface SchemaPermissions {check?: Check; user?: string}

/** Applies a method's `permissions` block (user:all/world, check, or root-only when absent). */
export function checkPermissions(state: SimState, principal: Principal | undefined, permissions: SchemaPermissions | undefined, params: Record<string, string>): void {
	if (permissions?.user === 'world') return;
	if (!principal) throw new PermissionDenied('Permission check failed');
	if (permissions?.user === 'all') return;
	if (permissions?.check) {
		evaluateCheck(state, principal, permissions.check, params);
		return;
	}
	if (principal.userid !== 'root@pam' || principal.tokenid !== undefined) throw new PermissionDenied('Permission check failed (user != root@pam)');
}

/** Paths GET /access/permissions reports, as PVE's get_effective_permissions does. */
export function permissionTree(state: SimState, principal: Principal, onlyPath?: string): Record<string, Record<string, 0 | 1>> {
	const user = state.users.get(principal.userid);
	const unrestrictedRoot = principal.userid === 'root@pam' && (principal.tokenid === undefined || user?.tokens?.find((t) => t.tokenid === principal.tokenid)?.privsep === false);
	if (unrestrictedRoot && onlyPath === undefined) {
		// PVE dumps root@pam as a single '/' entry holding every privilege.
		return {'/': Object.fromEntries([...privilegesAt(state, principal, '/')].sort(([a], [b]) => a.localeCompare(b)).map(([p]) => [p, 1 as const]))};
	}
	const paths = new Set<string>(['/', '/access', '/access/groups', '/nodes', '/pool', '/sdn', '/storage', '/vms', '/mapping']);
	for (const e of user?.acl ?? []) paths.add(normalizePath(e.path));
	for (const t of user?.tokens ?? []) if (t.tokenid === principal.tokenid) for (const e of t.acl ?? []) paths.add(normalizePath(e.path));
	const out: Record<string, Record<string, 0 | 1>> = {};
	for (const path of onlyPath !== undefined ? [normalizePath(onlyPath)] : [...paths].sort()) {
		const privs = privilegesAt(state, principal, path);
		if (privs.size === 0 && onlyPath === undefined) continue;
		out[path] = Object.fromEntries([...privs].sort(([a], [b]) => a.localeCompare(b)).map(([p, prop]) => [p, prop ? 1 : 0]));
	}
	return out;
}
