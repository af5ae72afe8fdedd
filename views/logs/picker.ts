// The `o` picker of the logs screen: what a new pane can show right now.

import type {LogsService} from '../../source/services/logs/panes.js';
import {guestSpec, hostSpec, taskSpec} from '../../source/services/logs/specs.js';
import type {LogSourceSpec} from '../../source/store/logs-types.js';
import type {AppState} from '../../source/store/types.js';
import {sanitize} from '../../source/util/sanitize.js';

export interface PickerOption {
	label: string;
	/** Undefined when the option cannot be opened now; `why` says what is missing. */
	spec?: LogSourceSpec;
	why?: string;
}

export function pickerOptions(state: AppState, service: Pick<LogsService, 'auditPath'>): PickerOption[] {
	const host = hostSpec(state);
	const guest = guestSpec(state);
	const task = taskSpec(state);
	return [
		host ? {label: `host journal (${sanitize(host.kind === 'host' ? host.node : '')})`, spec: host} : {label: 'host journal', why: 'no node known yet'},
		guest && guest.kind === 'guest'
			? {label: `journal of ${guest.vmid} ${sanitize(guest.name)}`, spec: guest}
			: {label: "the selected guest's journal", why: 'select a guest in the fleet first'},
		task && task.kind === 'task' ? {label: `task log: ${sanitize(task.label)}`, spec: task} : {label: 'task log', why: 'no task seen yet (t in the fleet)'},
		{label: 'audit log', spec: {kind: 'audit', path: service.auditPath}},
	];
}
