// The node reads the nodes pane and the problem rules share: a node's pending
// package updates and pending kernel (apt/update, apt/versions), and its CPU
// pulse over the last hour (rrddata). A read that is refused or fails gives
// "unknown", never zero: apt/update needs Sys.Modify, which an auditor lacks.

import type {PulsePoint} from '../../store/nodes-slice.js';
import type {ApiRequester} from '../fleet-source.js';
import {pendingKernel, pendingUpdates, pulsePoints} from './health.js';

export interface NodeApt {
	/** Pending host package updates; absent when apt/update could not be read. */
	updates?: number;
	/** The running kernel release (from apt/versions' proxmox-ve entry). */
	running?: string;
	/** A newer installed kernel than the running one: a reboot is pending. */
	rebootKernel?: string;
}

function nodePath(node: string): string {
	return `/nodes/${encodeURIComponent(node)}`;
}

/** `running` (from the node's status) wins over what apt/versions says, when known. */
export async function readNodeApt(api: ApiRequester, node: string, signal?: AbortSignal, running?: string): Promise<NodeApt> {
	const [update, versions] = await Promise.all([
		api.request<unknown>('GET', `${nodePath(node)}/apt/update`, undefined, signal).catch(() => undefined),
		api.request<unknown>('GET', `${nodePath(node)}/apt/versions`, undefined, signal).catch(() => undefined),
	]);
	const fromVersions = Array.isArray(versions) ? (versions as Array<Record<string, unknown>>).find((p) => p?.Package === 'proxmox-ve')?.RunningKernel : undefined;
	const kernel = running || (typeof fromVersions === 'string' ? fromVersions : undefined);
	const updates = pendingUpdates(update);
	const rebootKernel = kernel ? pendingKernel(versions, kernel) : undefined;
	return {...(updates !== undefined ? {updates} : {}), ...(kernel ? {running: kernel} : {}), ...(rebootKernel ? {rebootKernel} : {})};
}

/** The node's rrddata for the last hour as pulse points; undefined when it cannot be read. */
export async function readHourPulse(api: ApiRequester, node: string, signal?: AbortSignal): Promise<PulsePoint[] | undefined> {
	const data = await api.request<unknown>('GET', `${nodePath(node)}/rrddata`, {timeframe: 'hour', cf: 'AVERAGE'}, signal).catch(() => undefined);
	return Array.isArray(data) ? pulsePoints(data) : undefined;
}
