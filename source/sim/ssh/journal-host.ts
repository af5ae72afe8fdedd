// The Proxmox host's own journal units (pvedaemon, pveproxy, pvestatd,
// pvescheduler, corosync and pmxcfs on clusters), worded like the recorded
// samples journal-pvedaemon.txt, journal-pveproxy*.txt, journal-corosync-knet.txt.

import type {SimTask} from '../tasks.js';
import type {Rand, ServiceContext, ServiceGenerator} from './journal-services.js';
import {generic} from './journal-services.js';

function int(rand: Rand, salt: number, min: number, max: number): number {
	return min + Math.floor(rand(salt) * (max - min + 1));
}

function pick<T>(rand: Rand, salt: number, items: readonly T[]): T {
	return items[Math.floor(rand(salt) * items.length)]!;
}

const pvedaemon: ServiceGenerator = (rand, ctx) => {
	const worker = ctx.pid + int(rand, 5, 1000, 90000);
	// Task lines come only from tasks that ran (taskEvents below), never from here.
	const message = pick(rand, 1, [
		`<root@pam> successful auth for user 'root@pam'`,
		`worker ${worker} finished`,
		`starting 1 worker(s)`,
		`worker ${worker} started`,
	]);
	return {ident: 'pvedaemon', pid: ctx.pid, message};
};

const pveproxy: ServiceGenerator = (rand, ctx) => {
	const worker = ctx.pid + int(rand, 5, 1000, 90000);
	const message = pick(rand, 1, [
		`worker ${worker} finished`,
		`starting 1 worker(s)`,
		`worker ${worker + 1} started`,
		`proxy detected vanished client connection`,
		`got inotify poll request in wrong process - disabling inotify`,
	]);
	return {ident: 'pveproxy', pid: rand(6) < 0.5 ? ctx.pid : worker, message};
};

const pvestatd: ServiceGenerator = (rand, ctx) => ({
	ident: 'pvestatd',
	pid: ctx.pid,
	message: rand(1) < 0.8 ? `status update time (${int(rand, 2, 1, 9)}.${int(rand, 3, 100, 999)} seconds)` : 'auth key pair too old, rotating..',
});

const corosync: ServiceGenerator = (rand, ctx) => {
	const host = int(rand, 2, 2, 3);
	return {ident: 'corosync', pid: ctx.pid, message: pick(rand, 1, [
		`  [KNET  ] link: host: ${host} link: 0 is down`,
		`  [KNET  ] host: host: ${host} (passive) best link: 0 (pri: 1)`,
		`  [KNET  ] rx: host: ${host} link: 0 is up`,
		`  [KNET  ] pmtud: Global data MTU changed to: 1397`,
		`  [TOTEM ] Token has not been received in ${int(rand, 3, 2000, 3000)} ms`,
		`  [QUORUM] Members[3]: 1 2 3`,
		`  [TOTEM ] Retransmit List: ${int(rand, 4, 10, 99)} ${int(rand, 4, 100, 999).toString(16)}`,
	])};
};

const pmxcfs: ServiceGenerator = (rand, ctx) => ({
	ident: 'pmxcfs',
	pid: ctx.pid,
	message: pick(rand, 1, ['[status] notice: received log', '[dcdb] notice: data verification successful', '[status] notice: received sync request (epoch 1/1234/00000004)']),
});

export interface HostUnit {
	/** Names `-u` accepts (without `.service`). */
	unit: string;
	generator: ServiceGenerator;
	/** Relative share of the journal. */
	weight: number;
	clusterOnly?: boolean;
}

export const HOST_UNITS: readonly HostUnit[] = [
	{unit: 'pvedaemon', generator: pvedaemon, weight: 4},
	{unit: 'pveproxy', generator: pveproxy, weight: 4},
	{unit: 'pvestatd', generator: pvestatd, weight: 2},
	{unit: 'corosync', generator: corosync, weight: 2, clusterOnly: true},
	{unit: 'pve-cluster', generator: pmxcfs, weight: 1, clusterOnly: true},
	{unit: 'cron', generator: generic, weight: 1},
];

/** One `starting task` / `end task` line of pvedaemon or pvescheduler, at the moment it was written. */
export interface TaskEvent {
	time: number;
	unit: 'pvedaemon' | 'pvescheduler';
	message: string;
}

/** Backup jobs are forked by pvescheduler as root@pam; everything else here came through the API (pvedaemon). */
function taskUnit(task: SimTask): TaskEvent['unit'] {
	return task.type === 'vzdump' && task.user === 'root@pam' ? 'pvescheduler' : 'pvedaemon';
}

/**
 * The task lines of a node's journal, from the tasks that really ran on it
 * (seeded history and tasks started since), sorted by time: a start line
 * when the worker was forked and an end line once it has stopped, worded as
 * samples/journal-pvedaemon.txt shows them.
 */
export function taskEvents(tasks: readonly SimTask[], node: string): TaskEvent[] {
	const events: TaskEvent[] = [];
	for (const task of tasks) {
		if (task.node !== node) continue;
		const unit = taskUnit(task);
		events.push({time: task.startedAtMs, unit, message: `<${task.user}> starting task ${task.upid}`});
		if (task.exitstatus !== undefined && task.endtime !== undefined) {
			events.push({time: task.endtime * 1000, unit, message: `<${task.user}> end task ${task.upid} ${task.exitstatus}`});
		}
	}
	return events.sort((a, b) => a.time - b.time);
}

/** The first event in (from, to] of one of `units`, by binary search over the sorted events. */
export function eventIn(events: readonly TaskEvent[], from: number, to: number, units: ReadonlySet<string>): TaskEvent | undefined {
	let lo = 0;
	let hi = events.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (events[mid]!.time <= from) lo = mid + 1;
		else hi = mid;
	}
	for (let i = lo; i < events.length && events[i]!.time <= to; i++) if (units.has(events[i]!.unit)) return events[i];
	return undefined;
}
