// Finds the logs service of a store. The console hands the view tree only the
// store, and the lines must stay out of it (they change up to 10,000 times a
// second), so the service is looked up beside the store instead.

import type {StoreApi} from 'zustand/vanilla';
import type {AppState} from '../../store/types.js';
import type {LogsService} from './panes.js';

const services = new WeakMap<StoreApi<AppState>, LogsService>();

export function attachLogs(store: StoreApi<AppState>, service: LogsService): void {
	services.set(store, service);
}

export function logsOf(store: StoreApi<AppState>): LogsService | undefined {
	return services.get(store);
}
