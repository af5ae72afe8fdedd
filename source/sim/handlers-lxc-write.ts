// HTTP handlers for the guest writes of containers and VMs: they resolve the
// guest and the caller, turn form strings into options, and hand over to
// lxc-power / lxc-snapshots (which own the Proxmox behaviour of both kinds)
// and qemu-power (suspend/resume). Each returns the UPID.

import {principalName} from './acl.js';
import {guestAt} from './guest-view.js';
import type {Handler, HandlerContext} from './handler-types.js';
import {principalOf} from './handler-types.js';
import type {OpActor} from './lxc-ops.js';
import {rebootContainer, shutdownContainer, startContainer, stopContainer} from './lxc-power.js';
import {createSnapshot, deleteSnapshot, rollbackSnapshot} from './lxc-snapshots.js';
import {resumeVm, suspendVm} from './qemu-power.js';
import type {SimGuest} from './state.js';

function actorOf(ctx: HandlerContext, type: SimGuest['type']): OpActor {
	const guest = guestAt(ctx.state, ctx.params.node!, type, ctx.params.vmid!);
	return {state: ctx.state, guest, user: principalName(principalOf(ctx))};
}

/** Validated booleans arrive as '0'/'1'. */
function flag(value: string | undefined): boolean | undefined {
	return value === undefined ? undefined : value === '1';
}

function integer(value: string | undefined): number | undefined {
	return value === undefined ? undefined : Number(value);
}

/** The write handlers of one guest type (the routes differ only in `lxc` / `qemu`). */
function writeHandlers(type: SimGuest['type']) {
	const actor = (ctx: HandlerContext) => actorOf(ctx, type);
	return {
		start: ((ctx) => ({data: startContainer(actor(ctx), {skiplock: flag(ctx.params.skiplock)})})) as Handler,
		stop: ((ctx) => ({
			data: stopContainer(actor(ctx), {skiplock: flag(ctx.params.skiplock), overruleShutdown: flag(ctx.params['overrule-shutdown'])}),
		})) as Handler,
		shutdown: ((ctx) => ({
			data: shutdownContainer(actor(ctx), {timeout: integer(ctx.params.timeout), forceStop: flag(ctx.params.forceStop)}),
		})) as Handler,
		reboot: ((ctx) => ({data: rebootContainer(actor(ctx), {timeout: integer(ctx.params.timeout)})})) as Handler,
		snapshot: ((ctx) => ({
			data: createSnapshot(actor(ctx), ctx.params.snapname!, {description: ctx.params.description, vmstate: flag(ctx.params.vmstate)}),
		})) as Handler,
		deleteSnapshot: ((ctx) => ({data: deleteSnapshot(actor(ctx), ctx.params.snapname!, {force: flag(ctx.params.force)})})) as Handler,
		rollback: ((ctx) => ({data: rollbackSnapshot(actor(ctx), ctx.params.snapname!, {start: flag(ctx.params.start)})})) as Handler,
	};
}

const lxc = writeHandlers('lxc');
const qemu = writeHandlers('qemu');

export const postLxcStart = lxc.start;
export const postLxcStop = lxc.stop;
export const postLxcShutdown = lxc.shutdown;
export const postLxcReboot = lxc.reboot;
export const postLxcSnapshot = lxc.snapshot;
export const deleteLxcSnapshot = lxc.deleteSnapshot;
export const postLxcRollback = lxc.rollback;

export const postQemuStart = qemu.start;
export const postQemuStop = qemu.stop;
export const postQemuShutdown = qemu.shutdown;
export const postQemuReboot = qemu.reboot;
export const postQemuSnapshot = qemu.snapshot;
export const deleteQemuSnapshot = qemu.deleteSnapshot;
export const postQemuRollback = qemu.rollback;

export const postQemuSuspend: Handler = (ctx) => ({
	data: suspendVm(actorOf(ctx, 'qemu'), {todisk: flag(ctx.params.todisk), skiplock: flag(ctx.params.skiplock)}),
});
export const postQemuResume: Handler = (ctx) => ({data: resumeVm(actorOf(ctx, 'qemu'), {skiplock: flag(ctx.params.skiplock)})});
