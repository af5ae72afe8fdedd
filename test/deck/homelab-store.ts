// The homelab as the services leave it, for the deck's App tests: fleet (with
// the fixture's tags), NICs, networks, a ZFS sample, a few tasks and the
// problems they make.

import type {Problem} from '../../source/services/problems/types.js';
import {countProblems} from '../../source/services/problems/rules.js';
import type {NetworkIface, ZfsPoolRow, ZfsSample} from '../../source/store/screen-types.js';
import {createAppStore} from '../../source/store/store.js';
import type {TrackedTask} from '../../source/store/ops-types.js';
import {listNics} from '../../source/util/pve-config.js';
import {fixtureNamed, guestRowsOf, nodeSummariesOf} from '../topology/fixture-input.js';
import {NOW} from '../views/render.js';

const T = 1024 ** 4;
const G = 1024 ** 3;

function pool(name: string, fraction: number): ZfsPoolRow {
	const size = 4 * T;
	return {node: 'pve', name, size, alloc: Math.round(size * fraction), free: Math.round(size * (1 - fraction)), frag: 9, dedup: 1, health: 'ONLINE', faulted: []};
}

function ds(name: string, used: number, snaps: number) {
	return {node: 'pve', name, used, avail: 2 * T, refer: used - snaps, usedbysnapshots: snaps, compressratio: 1.4, mountpoint: `/${name}`};
}

export const ZFS: ZfsSample = {
	source: 'ssh',
	sshLabel: 'ssh root@pve:22',
	pools: [pool('rpool', 0.31), pool('tank', 0.62)],
	datasets: [ds('tank', 2.4 * T, 0), ds('tank/subvol-100-disk-0', 900 * G, 120 * G), ds('tank/subvol-105-disk-0', 40 * G, 6 * G), ds('tank/subvol-401-disk-0', 600 * G, 80 * G), ds('rpool/data/subvol-300-disk-0', 4 * G, 1 * G)],
	snapshots: [],
	storages: [],
	notes: [],
	at: NOW - 5000,
};

export function task(upid: string, type: string, state: TrackedTask['state'], minutesAgo: number, exitstatus?: string): TrackedTask {
	const endedAt = NOW - minutesAgo * 60_000;
	return {upid, node: 'pve', type, id: '404', user: 'root@pam', startedAt: endedAt - 20_000, endedAt, state, exitstatus, logTail: [], ours: false, label: 'postgresql (404)'};
}

export interface HomelabOptions {
	stopped?: number[];
	/** vmid → lock ("backup"…). */
	lock?: Record<number, string>;
	/** Guests with the fixture's tags (the tags column has something to show). */
	tags?: boolean;
	/** Problems to put in the problems pane. */
	problems?: Problem[];
}

export function homelabStore(options: HomelabOptions = {}) {
	const fixture = fixtureNamed('homelab');
	const store = createAppStore({target: 'sim', demo: true, readOnly: false});
	const tagsOf = new Map(fixture.guests.map((g) => [g.vmid, String(g.config.tags ?? '').split(/[;,]/).filter(Boolean)]));
	const rows = guestRowsOf(fixture).map((r) => ({
		...r,
		status: options.stopped?.includes(r.vmid) ? 'stopped' : r.status,
		...(options.tags ? {tags: tagsOf.get(r.vmid) ?? []} : {}),
		...(options.lock?.[r.vmid] ? {lock: options.lock[r.vmid]} : {}),
	}));
	const a = store.getState().actions;
	a.fleetReceived({guests: rows, nodes: nodeSummariesOf(fixture), receivedAt: NOW - 12_000});
	a.topologyNics(fixture.guests.map((g) => [g.vmid, listNics(g.config as Record<string, unknown>, g.type)]), undefined);
	a.topologyNetworks(new Map(fixture.nodes.filter((n) => n.online).map((n) => [n.name, n.network as NetworkIface[]])), new Map(), NOW - 3000);
	a.zfsReceived(ZFS);
	a.taskUpdated(task('UPID:1', 'vzsnapshot', 'failed', 12, "snapshot name 'auto' already used"));
	a.taskUpdated(task('UPID:2', 'vzdump', 'ok', 90));
	a.taskUpdated(task('UPID:3', 'vzsnapshot', 'ok', 30));
	if (options.problems) a.problemsEvaluated(options.problems, countProblems(options.problems), NOW);
	return store;
}
