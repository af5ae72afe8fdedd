// Typed reads the services use, one API call each, answered in the wire
// types of ./types.ts. They go through proxmox-api's typed builder so a path
// typo is a compile error; its types come from the PVE 8.1 schema, so the
// answers are cast to our (PVE 9 aware) wire types.

import type {PveClient} from './client.js';
import type {ClusterResource, ClusterStatusEntry, LxcConfig, NodeListEntry, PveVersion, SnapshotEntry, TaskEntry} from './types.js';

type ApiHolder = Pick<PveClient, 'api'>;

export type ClusterResourceType = 'vm' | 'storage' | 'node' | 'sdn';

export async function getVersion(client: ApiHolder): Promise<PveVersion> {
	return (await client.api.version.$get()) as unknown as PveVersion;
}

export async function getClusterStatus(client: ApiHolder): Promise<ClusterStatusEntry[]> {
	return (await client.api.cluster.status.$get()) as unknown as ClusterStatusEntry[];
}

/** Without `type`: every guest, node, storage, pool and SDN zone. */
export async function getClusterResources(client: ApiHolder, type?: ClusterResourceType): Promise<ClusterResource[]> {
	const answer = await client.api.cluster.resources.$get(type === undefined ? undefined : {type});
	return answer as unknown as ClusterResource[];
}

export async function getNodes(client: ApiHolder): Promise<NodeListEntry[]> {
	return (await client.api.nodes.$get()) as unknown as NodeListEntry[];
}

export async function getLxcConfig(client: ApiHolder, node: string, vmid: number): Promise<LxcConfig> {
	return (await client.api.nodes.$(node).lxc.$(vmid).config.$get()) as unknown as LxcConfig;
}

/** Unordered, with the pseudo entry "current" last; build the tree from `parent`. */
export async function getLxcSnapshots(client: ApiHolder, node: string, vmid: number): Promise<SnapshotEntry[]> {
	return (await client.api.nodes.$(node).lxc.$(vmid).snapshot.$get()) as unknown as SnapshotEntry[];
}

/** Recent tasks of every node (running ones included). */
export async function getClusterTasks(client: ApiHolder): Promise<TaskEntry[]> {
	return (await client.api.cluster.tasks.$get()) as unknown as TaskEntry[];
}
