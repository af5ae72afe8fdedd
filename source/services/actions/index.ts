// Wires the action side of a session: audit log, task tracker, permission
// reader, dispatcher and the command interface the views get.

import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../../store/types.js';
import {createAuditLog, type AuditLog} from '../audit.js';
import type {ApiRequester} from '../fleet-source.js';
import {createPermissionService, type PermissionService} from '../permissions.js';
import {createTaskTracker, type TaskTracker} from '../tasks/task-tracker.js';
import {createCommands, type Commands} from './commands.js';
import {createDispatcher, type ActionDispatcher, type DispatchOutcome} from './dispatcher.js';

export type {Commands} from './commands.js';

export interface ActionServicesOptions {
	api: ApiRequester;
	store: StoreApi<AppState>;
	auditPath: string;
	identity: string;
	host: string;
	clock?: () => number;
	/** Task status poll; default 1 s. */
	taskPollMs?: number;
	/** /cluster/tasks poll; default 5 s. */
	clusterTaskPollMs?: number;
	/** /access/permissions re-read; default 5 min. */
	permissionsRefreshMs?: number;
	onChanged?: () => void;
	onDispatch?: (run: Promise<DispatchOutcome[]>) => void;
}

export interface ActionServices {
	commands: Commands;
	dispatcher: ActionDispatcher;
	tracker: TaskTracker;
	permissions: PermissionService;
	audit: AuditLog;
	start(): void;
	stop(): void;
}

export function createActionServices(options: ActionServicesOptions): ActionServices {
	const {api, store, clock} = options;
	const audit = createAuditLog({path: options.auditPath, clock});
	const tracker = createTaskTracker({api, store, clock, pollMs: options.taskPollMs, clusterPollMs: options.clusterTaskPollMs});
	const permissions = createPermissionService({api, store, refreshMs: options.permissionsRefreshMs});
	const dispatcher = createDispatcher({api, store, audit, tracker, identity: options.identity, host: options.host, clock, onChanged: options.onChanged});
	const commands = createCommands({store, dispatcher, clock, onDispatch: options.onDispatch});
	return {
		commands,
		dispatcher,
		tracker,
		permissions,
		audit,
		start() {
			store.getState().actions.auditChanged(audit.recent());
			permissions.start();
			tracker.start();
		},
		stop() {
			permissions.stop();
			tracker.stop();
		},
	};
}
