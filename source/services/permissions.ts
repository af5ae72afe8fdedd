// What the token may do, from GET /access/permissions (read at session start
// and every few minutes). Used only to disable keys up front with a reason;
// the host still decides, and a 403 is shown with the privilege it names.

import type {StoreApi} from 'zustand/vanilla';
import type {PermissionTree} from '../store/ops-types.js';
import type {AppState} from '../store/types.js';
import type {ApiRequester} from './fleet-source.js';
import {createPoller, type Poller} from './poller.js';

/** The ancestors PVE inherits from, most specific first: /vms/100, /vms, /. */
function candidatePaths(path: string): string[] {
	const parts = path.split('/').filter(Boolean);
	const out: string[] = [];
	for (let i = parts.length; i > 0; i--) out.push('/' + parts.slice(0, i).join('/'));
	out.push('/');
	return out;
}

/**
 * True when `privilege` holds on `path`. The tree lists effective (already
 * inherited) privileges per path; the most specific listed path decides, and
 * an ancestor's privilege reaches `path` only when it propagates.
 */
export function hasPrivilege(tree: PermissionTree, path: string, privilege: string): boolean {
	for (const candidate of candidatePaths(path)) {
		const privs = tree[candidate];
		if (!privs) continue;
		if (candidate === path) return privilege in privs;
		return privs[privilege] === 1;
	}
	return false;
}

/** True when any of `privileges` holds (PVE's `perm … [a, b], any => 1`). */
export function hasAnyPrivilege(tree: PermissionTree, path: string, privileges: readonly string[]): boolean {
	return privileges.some((p) => hasPrivilege(tree, path, p));
}

export interface PermissionService {
	start(): void;
	stop(): void;
	refresh(): Promise<void>;
}

export function createPermissionService(options: {api: ApiRequester; store: StoreApi<AppState>; refreshMs?: number}): PermissionService {
	let poller: Poller | undefined;
	const read = async (signal?: AbortSignal) => {
		const tree = await options.api.request<PermissionTree>('GET', '/access/permissions', undefined, signal);
		if (tree && typeof tree === 'object') options.store.getState().actions.permissionsReceived(tree);
	};
	return {
		start() {
			// Unknown privileges leave every key enabled: the host's 403 still guards.
			poller = createPoller({poll: read, onError: () => {}, intervalMs: options.refreshMs ?? 300_000});
			poller.start();
		},
		stop() {
			poller?.stop();
		},
		refresh: () => poller?.refreshNow() ?? read(),
	};
}
