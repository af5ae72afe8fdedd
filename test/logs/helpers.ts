// Shared pieces of the log tests: a store with a small fleet, a synthetic
// source the test drives by hand, and bounded waiting.

import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {StoreApi} from 'zustand/vanilla';
import type {LogSink, LogSource} from '../../source/services/logs/sources.js';
import {createAppStore} from '../../source/store/store.js';
import type {LogSourceSpec} from '../../source/store/logs-types.js';
import type {AppState, GuestRow} from '../../source/store/types.js';

export function guest(vmid: number, name: string, extra: Partial<GuestRow> = {}): GuestRow {
	return {
		vmid, kind: 'lxc', name, node: 'pve', status: 'running', cpu: 0.1, maxcpu: 2, mem: 1, maxmem: 2, disk: 1, maxdisk: 2,
		uptime: 100, netin: 0, netout: 0, tags: [], template: false, ...extra,
	};
}

export function fleetStore(guests: GuestRow[] = [guest(100, 'plex'), guest(300, 'wireguard')]): StoreApi<AppState> {
	const store = createAppStore({target: 'test', demo: true, readOnly: false});
	store.getState().actions.fleetReceived({
		guests,
		nodes: [{name: 'pve', status: 'online', cpu: 0.1, maxcpu: 8, mem: 1, maxmem: 2, uptime: 100}],
		receivedAt: 1_000_000,
	});
	return store;
}

/** A source whose lines and status the test pushes. */
export interface ManualSource extends LogSource {
	spec: LogSourceSpec;
	sink?: LogSink;
	stopped: boolean;
	push(...lines: string[]): void;
}

export function manualSources(): {sources: ManualSource[]; sourceFor(spec: LogSourceSpec): LogSource} {
	const sources: ManualSource[] = [];
	return {
		sources,
		sourceFor(spec) {
			const source: ManualSource = {
				spec,
				stopped: false,
				start(sink) {
					source.sink = sink;
					sink.status({state: 'following'});
				},
				stop() {
					source.stopped = true;
				},
				push(...lines) {
					for (const line of lines) source.sink!.line(line);
				},
			};
			sources.push(source);
			return source;
		},
	};
}

export function tempDir(): string {
	return mkdtempSync(join(tmpdir(), 'proxdeck-logs-'));
}

// Bounded generously: a loaded CI machine can stall for seconds; a passing wait returns as soon as it holds.
export async function until(what: string, predicate: () => boolean, ms = 15_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!predicate()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}
