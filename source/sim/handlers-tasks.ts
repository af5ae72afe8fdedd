// Task endpoints: node task list, cluster task list, status, log and stop.

import {hasPriv, PermissionDenied, type Principal} from './acl.js';
import {paramError} from './errors.js';
import type {Json} from './guest-view.js';
import type {Handler, HandlerContext} from './handler-types.js';
import {principalOf} from './handler-types.js';
import type {SimState} from './state.js';
import type {SimTask} from './tasks.js';
import {findTask, isRunning, stopTask, taskLog} from './tasks.js';
import {parseUpid} from '../api/upid.js';

function ownsTask(principal: Principal, task: SimTask): boolean {
	const owner = task.user.split('!')[0];
	return owner === principal.userid;
}

/** Task list entry; token users are split into `user` + `tokenid` as PVE does. */
function taskEntry(task: SimTask, runningStatus: boolean): Json {
	const [user, tokenid] = task.user.split('!');
	const entry: Json = {upid: task.upid, node: task.node, pid: task.pid, pstart: task.pstart, starttime: task.starttime, type: task.type, id: task.id, user};
	if (tokenid !== undefined) entry.tokenid = tokenid;
	if (task.exitstatus !== undefined) {
		entry.endtime = task.endtime;
		entry.status = task.exitstatus;
	} else if (runningStatus) {
		entry.status = 'RUNNING';
	}
	return entry;
}

function isError(task: SimTask): boolean {
	return task.exitstatus !== undefined && task.exitstatus !== 'OK' && !/^WARNINGS: \d+$/.test(task.exitstatus);
}

function statusClass(task: SimTask): string {
	if (task.exitstatus === undefined) return 'running';
	if (task.exitstatus === 'OK') return 'ok';
	if (/^WARNINGS: \d+$/.test(task.exitstatus)) return 'warning';
	return task.exitstatus === 'unexpected status' ? 'unknown' : 'error';
}

export const getNodeTasks: Handler = (ctx) => {
	const {state, params} = ctx;
	const principal = principalOf(ctx);
	const all = hasPriv(state, principal, `/nodes/${params.node}`, 'Sys.Audit');
	const source = params.source ?? 'archive';
	const statuses = params.statusfilter?.split(/[,;]/).filter(Boolean).map((s) => s.toLowerCase());
	const matches = state.tasks
		.filter((t) => t.node === params.node)
		.filter((t) => all || ownsTask(principal, t))
		.filter((t) => (source === 'archive' ? !isRunning(t) : source === 'active' ? isRunning(t) : true))
		.filter((t) => params.vmid === undefined || t.id === params.vmid)
		.filter((t) => params.typefilter === undefined || t.type === params.typefilter)
		.filter((t) => params.userfilter === undefined || t.user.toLowerCase().includes(params.userfilter.toLowerCase()))
		.filter((t) => params.errors !== '1' || isError(t))
		.filter((t) => !statuses || statuses.includes(statusClass(t)))
		.filter((t) => params.since === undefined || t.starttime >= Number(params.since))
		.filter((t) => params.until === undefined || t.starttime <= Number(params.until))
		.sort((a, b) => b.starttime - a.starttime || b.pid - a.pid);
	const start = Number(params.start ?? 0);
	const limit = Number(params.limit ?? 50);
	return {data: matches.slice(start, start + limit).map((t) => taskEntry(t, true)), extra: {total: matches.length}};
};

export const getClusterTasks: Handler = (ctx) => {
	const {state} = ctx;
	const principal = principalOf(ctx);
	const all = hasPriv(state, principal, '/', 'Sys.Audit');
	const recent = state.tasks
		.filter((t) => all || ownsTask(principal, t))
		.sort((a, b) => b.starttime - a.starttime || b.pid - a.pid)
		.slice(0, 50);
	return {data: recent.map((t) => taskEntry(t, false))};
};

/** The task named by {upid}; 400 `upid` errors in PVE's wording. */
function taskOf(state: SimState, params: Record<string, string>): SimTask {
	const upid = params.upid ?? '';
	const parsed = parseUpid(upid);
	if (!parsed) throw paramError({upid: 'unable to parse worker upid'});
	const task = findTask(state, upid);
	if (!task || parsed.node !== params.node) throw paramError({upid: 'no such task'});
	return task;
}

function requireOwnerOr(ctx: HandlerContext, task: SimTask, priv: string): void {
	const principal = principalOf(ctx);
	if (ownsTask(principal, task)) return;
	const path = `/nodes/${task.node}`;
	if (!hasPriv(ctx.state, principal, path, priv)) throw new PermissionDenied(`Permission check failed (${path}, ${priv})`);
}

export const getTaskStatus: Handler = (ctx) => {
	const task = taskOf(ctx.state, ctx.params);
	requireOwnerOr(ctx, task, 'Sys.Audit');
	const [user, tokenid] = task.user.split('!');
	const data: Json = {upid: task.upid, node: task.node, pid: task.pid, pstart: task.pstart, starttime: task.starttime, type: task.type, id: task.id, user};
	if (tokenid !== undefined) data.tokenid = tokenid;
	data.status = isRunning(task) ? 'running' : 'stopped';
	if (task.exitstatus !== undefined) data.exitstatus = task.exitstatus;
	return {data};
};

export const getTaskLog: Handler = (ctx) => {
	const task = taskOf(ctx.state, ctx.params);
	requireOwnerOr(ctx, task, 'Sys.Audit');
	const lines = taskLog(ctx.state, task);
	const start = Number(ctx.params.start ?? 0);
	const limit = Number(ctx.params.limit ?? 50);
	const slice = limit === 0 ? lines.slice(start) : lines.slice(start, start + limit);
	if (lines.length === 0) return {data: [{n: 1, t: 'no content'}], extra: {total: 1}};
	return {data: slice.map((t, i) => ({n: start + i + 1, t})), extra: {total: lines.length}};
};

export const deleteTask: Handler = (ctx) => {
	const task = taskOf(ctx.state, ctx.params);
	requireOwnerOr(ctx, task, 'Sys.Modify');
	stopTask(ctx.state, task);
	return {data: null};
};
