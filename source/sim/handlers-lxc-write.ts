// HTTP handlers for the container writes: they resolve the guest and the
// caller, turn form strings into options, and hand over to lxc-power /
// lxc-snapshots, which own the Proxmox behaviour. Each returns the UPID.

import {principalName} from './acl.js';
import {guestAt} from './guest-view.js';
import type {Handler, HandlerContext} from './handler-types.js';
import {principalOf} from './handler-types.js';
import type {OpActor} from './lxc-ops.js';
import {rebootContainer, shutdownContainer, startContainer, stopContainer} from './lxc-power.js';
import {createSnapshot, deleteSnapshot, rollbackSnapshot} from './lxc-snapshots.js';

function actorOf(ctx: HandlerContext): OpActor {
	const guest = guestAt(ctx.state, ctx.params.node!, 'lxc', ctx.params.vmid!);
	return {state: ctx.state, guest, user: principalName(principalOf(ctx))};
}

/** Validated booleans arrive as '0'/'1'. */
function flag(value: string | undefined): boolean | undefined {
	return value === undefined ? undefined : value === '1';
}

function integer(value: string | undefined): number | undefined {
	return value === undefined ? undefined : Number(value);
}

export const postLxcStart: Handler = (ctx) => ({data: startContainer(actorOf(ctx), {skiplock: flag(ctx.params.skiplock)})});

export const postLxcStop: Handler = (ctx) => ({
	data: stopContainer(actorOf(ctx), {skiplock: flag(ctx.params.skiplock), overruleShutdown: flag(ctx.params['overrule-shutdown'])}),
});

export const postLxcShutdown: Handler = (ctx) => ({
	data: shutdownContainer(actorOf(ctx), {timeout: integer(ctx.params.timeout), forceStop: flag(ctx.params.forceStop)}),
});

export const postLxcReboot: Handler = (ctx) => ({data: rebootContainer(actorOf(ctx), {timeout: integer(ctx.params.timeout)})});

export const postLxcSnapshot: Handler = (ctx) => ({
	data: createSnapshot(actorOf(ctx), ctx.params.snapname!, {description: ctx.params.description}),
});

export const deleteLxcSnapshot: Handler = (ctx) => ({data: deleteSnapshot(actorOf(ctx), ctx.params.snapname!, {force: flag(ctx.params.force)})});

export const postLxcRollback: Handler = (ctx) => ({data: rollbackSnapshot(actorOf(ctx), ctx.params.snapname!, {start: flag(ctx.params.start)})});
