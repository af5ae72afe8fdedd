// Reads the fleet from a Proxmox host: one GET /cluster/resources per refresh
// for every guest and node of the cluster. Cluster identity (name, quorum, PVE
// version) changes rarely, so it is re-read only every `identityEveryMs`.

import type {ClusterStatusEntry, PveVersion} from '../api/types.js';
import type {FleetSnapshot, GuestRow} from '../store/types.js';
import {rememberNodeAddresses} from '../ssh/node-hop.js';
import {sanitize} from '../util/sanitize.js';
import {createFleetReader, mapResources, type MappedResources} from './fleet-mapping.js';

/** The part of the API client the services need; the real one is source/api/client.ts. */
export interface ApiRequester {
	request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, params?: Record<string, unknown>, signal?: AbortSignal): Promise<T>;
	/** A large list read entry by entry (client.ts); without it the fleet is read whole. */
	requestEach?(path: string, visit: (entry: Record<string, unknown>) => void, signal?: AbortSignal): Promise<void>;
}

interface ClusterIdentity {
	clusterName?: string;
	quorate?: boolean;
	pveVersion?: string;
	readAt: number;
}

export interface FleetSource {
	fetchFleet(signal?: AbortSignal): Promise<FleetSnapshot>;
}

export function createFleetSource(api: ApiRequester, options: {clock?: () => number; identityEveryMs?: number} = {}): FleetSource {
	const clock = options.clock ?? Date.now;
	const identityEveryMs = options.identityEveryMs ?? 30_000;
	let identity: ClusterIdentity | undefined;
	/** Which nodes were online at the last poll: a change can cost (or restore) quorum, so it re-reads /cluster/status at once. */
	let onlineKey: string | undefined;
	/** The last poll's rows: a guest that did not change keeps its row (fleet-mapping.ts). */
	let lastGuests: readonly GuestRow[] = [];
	const reader = createFleetReader();

	/** /cluster/resources mapped, entry by entry when the client can (no 4 MB text or 10,000 entries alive at once). */
	async function readResources(signal?: AbortSignal): Promise<MappedResources> {
		if (!api.requestEach) return mapResources(await api.request<unknown>('GET', '/cluster/resources', undefined, signal), lastGuests);
		const {requestEach} = api;
		return reader.read(lastGuests, (add) => requestEach.call(api, '/cluster/resources', add, signal));
	}

	async function readIdentity(signal?: AbortSignal): Promise<ClusterIdentity> {
		const [version, status] = await Promise.all([
			api.request<PveVersion>('GET', '/version', undefined, signal),
			api.request<ClusterStatusEntry[]>('GET', '/cluster/status', undefined, signal),
		]);
		const cluster = Array.isArray(status) ? status.find((entry) => entry.type === 'cluster') : undefined;
		// Where each node is reached when a command must run there (node-hop.ts).
		if (Array.isArray(status)) rememberNodeAddresses(status.flatMap((e) => (e.type === 'node' && typeof e.ip === 'string' ? [{name: e.name, ip: e.ip}] : [])));
		return {
			// A standalone node has no cluster entry and no cluster name: the header then names the node.
			clusterName: cluster?.type === 'cluster' ? sanitize(cluster.name) : undefined,
			quorate: cluster?.type === 'cluster' ? cluster.quorate === 1 : undefined,
			pveVersion: typeof version?.version === 'string' ? sanitize(version.version) : undefined,
			readAt: clock(),
		};
	}

	return {
		async fetchFleet(signal) {
			const identityDue = !identity || clock() - identity.readAt >= identityEveryMs;
			const [{guests, figures, nodes}, freshIdentity] = await Promise.all([readResources(signal), identityDue ? readIdentity(signal) : Promise.resolve(identity!)]);
			identity = freshIdentity;
			lastGuests = guests;
			const online = nodes.filter((n) => n.status === 'online').map((n) => n.name).join(',');
			if (onlineKey !== undefined && online !== onlineKey && !identityDue) identity = await readIdentity(signal);
			onlineKey = online;
			return {
				guests,
				figures,
				nodes,
				clusterName: identity.clusterName,
				quorate: identity.quorate,
				pveVersion: identity.pveVersion,
				receivedAt: clock(),
			};
		},
	};
}
