// The list of endpoints the simulator answers, keyed by schema method and
// path template. Anything else the schema knows gets 501, so nothing
// silently pretends; the contract test walks IMPLEMENTED_ROUTES.

import type {AuthKeys} from './auth.js';
import * as backup from './handlers-backup.js';
import * as cluster from './handlers-cluster.js';
import * as guest from './handlers-guest.js';
import * as lxcWrite from './handlers-lxc-write.js';
import {loginHandler} from './handlers-access.js';
import * as node from './handlers-node.js';
import {getJournal} from './handlers-journal.js';
import * as tasks from './handlers-tasks.js';
import * as rrd from './handlers-rrd.js';
import type {Handler} from './handler-types.js';

export interface ImplementedRoute {
	method: 'GET' | 'POST' | 'PUT' | 'DELETE';
	template: string;
}

function table(keys: AuthKeys): Array<ImplementedRoute & {handler: Handler}> {
	return [
		{method: 'GET', template: '/version', handler: cluster.getVersion},
		// The GUI's login-form probe: answers null, needs no credentials.
		{method: 'GET', template: '/access/ticket', handler: () => ({data: null})},
		{method: 'POST', template: '/access/ticket', handler: loginHandler(keys)},
		{method: 'GET', template: '/access/permissions', handler: cluster.getAccessPermissions},
		{method: 'GET', template: '/cluster/status', handler: cluster.getClusterStatus},
		{method: 'GET', template: '/cluster/resources', handler: cluster.getClusterResources},
		{method: 'GET', template: '/cluster/tasks', handler: tasks.getClusterTasks},
		{method: 'GET', template: '/cluster/ha/resources', handler: cluster.getHaResources},
		{method: 'GET', template: '/cluster/ha/resources/{sid}', handler: cluster.getHaResource},
		{method: 'PUT', template: '/cluster/ha/resources/{sid}', handler: cluster.putHaResource},
		{method: 'GET', template: '/cluster/ha/status/current', handler: cluster.getHaStatus},
		{method: 'GET', template: '/cluster/backup', handler: backup.getClusterBackup},
		{method: 'GET', template: '/cluster/backup-info/not-backed-up', handler: backup.getNotBackedUp},
		{method: 'GET', template: '/cluster/nextid', handler: backup.getNextId},
		{method: 'GET', template: '/storage', handler: cluster.getStorageConfig},
		{method: 'GET', template: '/nodes', handler: cluster.getNodes},
		{method: 'GET', template: '/nodes/{node}/status', handler: node.getNodeStatus},
		{method: 'GET', template: '/nodes/{node}/network', handler: node.getNetwork},
		{method: 'GET', template: '/nodes/{node}/rrddata', handler: rrd.getNodeRrd},
		{method: 'GET', template: '/nodes/{node}/apt/update', handler: node.getAptUpdate},
		{method: 'GET', template: '/nodes/{node}/apt/versions', handler: node.getAptVersions},
		{method: 'GET', template: '/nodes/{node}/storage', handler: node.getNodeStorage},
		{method: 'GET', template: '/nodes/{node}/storage/{storage}/content', handler: backup.getStorageContent},
		{method: 'GET', template: '/nodes/{node}/storage/{storage}/prunebackups', handler: backup.getPruneBackups},
		{method: 'DELETE', template: '/nodes/{node}/storage/{storage}/prunebackups', handler: backup.deletePruneBackups},
		{method: 'POST', template: '/nodes/{node}/vzdump', handler: backup.postVzdump},
		{method: 'GET', template: '/nodes/{node}/disks/zfs', handler: node.getZfsPools},
		{method: 'GET', template: '/nodes/{node}/disks/zfs/{name}', handler: node.getZfsPool},
		{method: 'GET', template: '/nodes/{node}/journal', handler: getJournal},
		{method: 'GET', template: '/nodes/{node}/lxc', handler: guest.getLxcList},
		{method: 'POST', template: '/nodes/{node}/lxc', handler: backup.postLxcCreate},
		{method: 'GET', template: '/nodes/{node}/lxc/{vmid}/status/current', handler: guest.getLxcStatus},
		{method: 'GET', template: '/nodes/{node}/lxc/{vmid}/config', handler: guest.getLxcConfig},
		{method: 'GET', template: '/nodes/{node}/lxc/{vmid}/rrddata', handler: rrd.getLxcRrd},
		{method: 'POST', template: '/nodes/{node}/lxc/{vmid}/status/start', handler: lxcWrite.postLxcStart},
		{method: 'POST', template: '/nodes/{node}/lxc/{vmid}/status/stop', handler: lxcWrite.postLxcStop},
		{method: 'POST', template: '/nodes/{node}/lxc/{vmid}/status/shutdown', handler: lxcWrite.postLxcShutdown},
		{method: 'POST', template: '/nodes/{node}/lxc/{vmid}/status/reboot', handler: lxcWrite.postLxcReboot},
		{method: 'GET', template: '/nodes/{node}/lxc/{vmid}/snapshot', handler: guest.getLxcSnapshots},
		{method: 'POST', template: '/nodes/{node}/lxc/{vmid}/snapshot', handler: lxcWrite.postLxcSnapshot},
		{method: 'DELETE', template: '/nodes/{node}/lxc/{vmid}/snapshot/{snapname}', handler: lxcWrite.deleteLxcSnapshot},
		{method: 'POST', template: '/nodes/{node}/lxc/{vmid}/snapshot/{snapname}/rollback', handler: lxcWrite.postLxcRollback},
		{method: 'GET', template: '/nodes/{node}/lxc/{vmid}/snapshot/{snapname}/config', handler: guest.getLxcSnapshotConfig},
		{method: 'GET', template: '/nodes/{node}/qemu', handler: guest.getQemuList},
		{method: 'POST', template: '/nodes/{node}/qemu', handler: backup.postQemuCreate},
		{method: 'GET', template: '/nodes/{node}/qemu/{vmid}/status/current', handler: guest.getQemuStatus},
		{method: 'GET', template: '/nodes/{node}/qemu/{vmid}/config', handler: guest.getQemuConfig},
		{method: 'GET', template: '/nodes/{node}/qemu/{vmid}/rrddata', handler: rrd.getQemuRrd},
		{method: 'POST', template: '/nodes/{node}/qemu/{vmid}/status/start', handler: lxcWrite.postQemuStart},
		{method: 'POST', template: '/nodes/{node}/qemu/{vmid}/status/stop', handler: lxcWrite.postQemuStop},
		{method: 'POST', template: '/nodes/{node}/qemu/{vmid}/status/shutdown', handler: lxcWrite.postQemuShutdown},
		{method: 'POST', template: '/nodes/{node}/qemu/{vmid}/status/reboot', handler: lxcWrite.postQemuReboot},
		{method: 'POST', template: '/nodes/{node}/qemu/{vmid}/status/suspend', handler: lxcWrite.postQemuSuspend},
		{method: 'POST', template: '/nodes/{node}/qemu/{vmid}/status/resume', handler: lxcWrite.postQemuResume},
		{method: 'GET', template: '/nodes/{node}/qemu/{vmid}/snapshot', handler: guest.getQemuSnapshots},
		{method: 'POST', template: '/nodes/{node}/qemu/{vmid}/snapshot', handler: lxcWrite.postQemuSnapshot},
		{method: 'DELETE', template: '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}', handler: lxcWrite.deleteQemuSnapshot},
		{method: 'POST', template: '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback', handler: lxcWrite.postQemuRollback},
		{method: 'GET', template: '/nodes/{node}/qemu/{vmid}/snapshot/{snapname}/config', handler: guest.getQemuSnapshotConfig},
		{method: 'GET', template: '/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces', handler: guest.getQemuAgentInterfaces},
		{method: 'GET', template: '/nodes/{node}/tasks', handler: tasks.getNodeTasks},
		{method: 'GET', template: '/nodes/{node}/tasks/{upid}/status', handler: tasks.getTaskStatus},
		{method: 'GET', template: '/nodes/{node}/tasks/{upid}/log', handler: tasks.getTaskLog},
		{method: 'DELETE', template: '/nodes/{node}/tasks/{upid}', handler: tasks.deleteTask},
	];
}

/** Every (method, template) the simulator implements; for the contract test and docs. */
export const IMPLEMENTED_ROUTES: readonly ImplementedRoute[] = table({ticketKey: Buffer.alloc(0), csrfKey: Buffer.alloc(0)}).map(({method, template}) => ({method, template}));

export function handlerTable(keys: AuthKeys): Map<string, Handler> {
	return new Map(table(keys).map((r) => [`${r.method} ${r.template}`, r.handler]));
}
