// What can be opened in a log pane, described from the store (which node, which
// guest, which task), its title, its file-name slug, and the LogSource that
// serves it with what this session has: SSH (or local) commands, the API, files.

import type {LxcConfig} from '../../api/types.js';
import type {LogSourceSpec} from '../../store/logs-types.js';
import type {AppState} from '../../store/types.js';
import type {CommandRunner} from '../../ssh/types.js';
import {argvOnNode} from '../../ssh/node-hop.js';
import {sanitize} from '../../util/sanitize.js';
import type {ApiRequester} from '../fleet-source.js';
import {
	apiJournalSource, auditLogSource, commandSource, deferredSource, failedSource, guestJournalArgv, hostJournalArgv, taskLogSource,
	type LogSource, type PollOptions,
} from './sources.js';

export interface SourceDeps {
	api?: ApiRequester;
	runner?: CommandRunner;
	/** Reads the store (a guest's ostype from the loaded detail). */
	state(): AppState;
	poll?: {journal?: PollOptions; task?: PollOptions; audit?: PollOptions};
}

/** The host whose journal a new pane shows: the selected guest's node, else the first node. */
export function hostSpec(state: AppState): LogSourceSpec | undefined {
	const selected = state.ui.selectedVmid === undefined ? undefined : state.guests.get(state.ui.selectedVmid);
	const node = selected?.node ?? state.nodes[0]?.name;
	return node === undefined ? undefined : {kind: 'host', node};
}

export function guestSpec(state: AppState, vmid = state.ui.selectedVmid): LogSourceSpec | undefined {
	const guest = vmid === undefined ? undefined : state.guests.get(vmid);
	return guest && {kind: 'guest', vmid: guest.vmid, node: guest.node, name: guest.name};
}

/** The focused task of the tasks pane, else the newest one the store knows. */
export function taskSpec(state: AppState): LogSourceSpec | undefined {
	const task = state.tasks[state.taskCursor] ?? state.tasks[0];
	if (!task) return undefined;
	const label = [task.type, task.id].filter(Boolean).join(' ');
	return {kind: 'task', node: task.node, upid: task.upid, label};
}

export function specTitle(spec: LogSourceSpec): string {
	switch (spec.kind) {
		case 'host':
			return sanitize(`host journal ${spec.node}`);
		case 'guest':
			return sanitize(`journal ${spec.vmid} ${spec.name}`);
		case 'task':
			return sanitize(`task ${spec.label}`);
		case 'audit':
			return 'audit log';
	}
}

/** File-name safe: "host-pve", "ct-101", "task-vzsnapshot-101", "audit". */
export function specSlug(spec: LogSourceSpec): string {
	const raw = spec.kind === 'host' ? `host-${spec.node}` : spec.kind === 'guest' ? `ct-${spec.vmid}` : spec.kind === 'task' ? `task-${spec.label}` : 'audit';
	return raw.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'log';
}

/** Same source twice is one pane (opening it again focuses the existing one). */
export function sameSpec(a: LogSourceSpec, b: LogSourceSpec): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

export const NO_SSH = 'SSH not configured: container journals need --ssh (or --local on the host)';

export function createSource(spec: LogSourceSpec, deps: SourceDeps): LogSource {
	switch (spec.kind) {
		case 'host':
			if (deps.runner) return onNodeSource(deps.runner, spec.node, hostJournalArgv());
			if (deps.api) return apiJournalSource(deps.api, spec.node, deps.poll?.journal);
			return failedSource('no SSH and no API connection');
		case 'guest':
			return guestSource(spec, deps);
		case 'task':
			return deps.api ? taskLogSource(deps.api, spec.node, spec.upid, deps.poll?.task) : failedSource('no API connection');
		case 'audit':
			return auditLogSource(spec.path, deps.poll?.audit);
	}
}

function guestSource(spec: Extract<LogSourceSpec, {kind: 'guest'}>, deps: SourceDeps): LogSource {
	const row = deps.state().guests.get(spec.vmid);
	if (row?.kind === 'qemu') return failedSource(`VM ${spec.vmid} is a virtual machine: journals are read from containers (pct exec)`);
	const runner = deps.runner;
	if (!runner) return failedSource(NO_SSH);
	const detail = deps.state().detail;
	const known = detail?.vmid === spec.vmid ? detail.config?.ostype : undefined;
	if (known !== undefined || !deps.api) return onNodeSource(runner, spec.node, guestJournalArgv(spec.vmid, known));
	// Alpine or not decides the command: read the config when the detail is not loaded.
	const api = deps.api;
	return deferredSource(async (signal) => {
		const path = `/nodes/${encodeURIComponent(spec.node)}/lxc/${spec.vmid}/config`;
		const config = await api.request<LxcConfig>('GET', path, undefined, signal);
		const argv = await argvOnNode(runner, spec.node, guestJournalArgv(spec.vmid, typeof config.ostype === 'string' ? config.ostype : undefined));
		return commandSource(runner, argv);
	});
}

/** A command on `node`: run there through the connected node when that is another one (node-hop.ts). */
function onNodeSource(runner: CommandRunner, node: string, argv: string[]): LogSource {
	return deferredSource(async () => commandSource(runner, await argvOnNode(runner, node, argv)));
}
