// The Proxmox host's own journal units (pvedaemon, pveproxy, pvestatd,
// pvescheduler, corosync and pmxcfs on clusters), worded like the recorded
// samples journal-pvedaemon.txt, journal-pveproxy*.txt, journal-corosync-knet.txt.

import {formatUpid} from '../../api/upid.js';
import type {Rand, ServiceContext, ServiceGenerator} from './journal-services.js';
import {generic} from './journal-services.js';

function int(rand: Rand, salt: number, min: number, max: number): number {
	return min + Math.floor(rand(salt) * (max - min + 1));
}

function pick<T>(rand: Rand, salt: number, items: readonly T[]): T {
	return items[Math.floor(rand(salt) * items.length)]!;
}

function upid(rand: Rand, ctx: ServiceContext, type: string, id: string, user: string): string {
	return formatUpid({node: ctx.host, pid: int(rand, 20, 0x1000, 0xfffff), pstart: int(rand, 21, 0x100000, 0x3ffffff), starttime: Math.floor(ctx.time / 1000), type, id, user});
}

const USERS = ['root@pam', 'root@pam!proxdeck', 'monitor@pve!grafana'];
const VMIDS = ['100', '101', '200', '302', '404'];

const pvedaemon: ServiceGenerator = (rand, ctx) => {
	const user = pick(rand, 2, USERS);
	const task = upid(rand, ctx, pick(rand, 3, ['vncproxy', 'vzstart', 'vzshutdown', 'vzsnapshot', 'qmstart']), pick(rand, 4, VMIDS), user);
	const worker = ctx.pid + int(rand, 5, 1000, 90000);
	const message = pick(rand, 1, [
		`<root@pam> successful auth for user 'root@pam'`,
		`<${user}> starting task ${task}`,
		`<${user}> end task ${task} OK`,
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

const pvescheduler: ServiceGenerator = (rand, ctx) => {
	const task = upid(rand, ctx, 'vzdump', '', 'root@pam');
	return {ident: 'pvescheduler', pid: ctx.pid + int(rand, 5, 1, 5000), message: rand(1) < 0.5 ? `<root@pam> starting task ${task}` : `<root@pam> end task ${task} OK`};
};

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
	{unit: 'pvescheduler', generator: pvescheduler, weight: 1},
	{unit: 'corosync', generator: corosync, weight: 2, clusterOnly: true},
	{unit: 'pve-cluster', generator: pmxcfs, weight: 1, clusterOnly: true},
	{unit: 'cron', generator: generic, weight: 1},
];
