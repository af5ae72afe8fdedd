// GET …/rrddata for nodes, containers and VMs (rrd.ts computes the series).

import {guestAt} from './guest-view.js';
import type {Handler} from './handler-types.js';
import {nodeOf} from './handlers-node.js';
import {guestRrd, nodeRrd} from './rrd.js';

export const getNodeRrd: Handler = (ctx) => ({data: nodeRrd(ctx.state, nodeOf(ctx), ctx.params.timeframe ?? 'hour')});

export const getLxcRrd: Handler = ({state, params}) => ({data: guestRrd(state, guestAt(state, params.node ?? '', 'lxc', params.vmid ?? ''), params.timeframe ?? 'hour')});

export const getQemuRrd: Handler = ({state, params}) => ({data: guestRrd(state, guestAt(state, params.node ?? '', 'qemu', params.vmid ?? ''), params.timeframe ?? 'hour')});
