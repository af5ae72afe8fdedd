// Store data for view and store tests: N synthetic guests, and a realistic
// 28-guest homelab (3 nodes) with NICs, tags, locks and a few hot guests.

import type {StoreApi} from 'zustand/vanilla';
import {createAppStore} from '../../source/store/store.js';
import type {AppState, FleetSnapshot, GuestNic, GuestRow, NodeSummary} from '../../source/store/types.js';

const GiB = 1024 ** 3;

export function guest(vmid: number, patch: Partial<GuestRow> = {}): GuestRow {
	return {
		vmid,
		kind: 'lxc',
		name: `ct-${vmid}`,
		node: 'pve1',
		status: 'running',
		cpu: 0.05,
		maxcpu: 2,
		mem: 0.5 * GiB,
		maxmem: 2 * GiB,
		disk: 2 * GiB,
		maxdisk: 8 * GiB,
		uptime: 3600,
		netin: 0,
		netout: 0,
		tags: [],
		template: false,
		...patch,
	};
}

export const NODES: NodeSummary[] = [
	{name: 'pve1', status: 'online', cpu: 0.2, maxcpu: 16, mem: 40 * GiB, maxmem: 64 * GiB, uptime: 86400 * 12},
	{name: 'pve2', status: 'online', cpu: 0.4, maxcpu: 16, mem: 20 * GiB, maxmem: 64 * GiB, uptime: 86400 * 12},
	{name: 'pve3', status: 'offline', cpu: 0, maxcpu: 8, mem: 0, maxmem: 32 * GiB, uptime: 0},
];

/** N guests with deterministic but varied values (names, nodes, cpu, mem). */
export function syntheticGuests(n: number): GuestRow[] {
	const rows: GuestRow[] = [];
	for (let i = 0; i < n; i++) {
		const vmid = 100 + i;
		rows.push(
			guest(vmid, {
				name: `guest-${String((i * 7919) % n).padStart(5, '0')}`,
				node: `pve${(i % 3) + 1}`,
				status: i % 10 === 9 ? 'stopped' : 'running',
				cpu: ((i * 37) % 89) / 100,
				mem: (((i * 53) % 80) / 100) * 4 * GiB,
				maxmem: 4 * GiB,
				uptime: i * 60,
				tags: i % 5 === 0 ? ['prod'] : ['lab'],
			}),
		);
	}
	return rows;
}

const HOMELAB: Array<[number, string, string, string, Partial<GuestRow>]> = [
	[100, 'pihole', 'pve1', 'running', {tags: ['dns', 'infra'], cpu: 0.02}],
	[101, 'unbound', 'pve1', 'running', {tags: ['dns', 'infra']}],
	[102, 'traefik', 'pve1', 'running', {tags: ['proxy', 'infra']}],
	[103, 'vaultwarden', 'pve1', 'running', {tags: ['secrets']}],
	[104, 'plex', 'pve2', 'running', {tags: ['media'], cpu: 0.95, maxcpu: 4}],
	[105, 'sonarr', 'pve2', 'running', {tags: ['media']}],
	[106, 'radarr', 'pve2', 'running', {tags: ['media']}],
	[107, 'prowlarr', 'pve2', 'stopped', {tags: ['media'], cpu: 0, uptime: 0}],
	[108, 'grafana', 'pve1', 'running', {tags: ['monitoring']}],
	[109, 'prometheus', 'pve1', 'running', {tags: ['monitoring'], mem: 3.8 * GiB, maxmem: 4 * GiB}],
	[110, 'loki', 'pve1', 'running', {tags: ['monitoring']}],
	[111, 'homeassistant', 'pve2', 'running', {kind: 'qemu', tags: ['iot']}],
	[112, 'mosquitto', 'pve2', 'running', {tags: ['iot']}],
	[113, 'zigbee2mqtt', 'pve2', 'running', {tags: ['iot']}],
	[114, 'nextcloud', 'pve1', 'running', {tags: ['files'], disk: 7.6 * GiB}],
	[115, 'postgres', 'pve1', 'running', {tags: ['db']}],
	[116, 'redis', 'pve1', 'running', {tags: ['db']}],
	[117, 'gitea', 'pve2', 'running', {tags: ['dev']}],
	[118, 'drone-runner', 'pve2', 'stopped', {tags: ['dev'], cpu: 0, uptime: 0}],
	[119, 'wireguard', 'pve1', 'running', {tags: ['vpn', 'infra']}],
	[120, 'syncthing', 'pve2', 'running', {tags: ['files']}],
	[121, 'jellyfin', 'pve2', 'running', {tags: ['media']}],
	[122, 'paperless', 'pve1', 'running', {tags: ['docs'], lock: 'backup'}],
	[123, 'immich', 'pve2', 'running', {tags: ['media']}],
	[124, 'uptime-kuma', 'pve1', 'running', {tags: ['monitoring']}],
	[125, 'adguard', 'pve1', 'paused', {tags: ['dns']}],
	[126, 'minecraft', 'pve2', 'stopped', {tags: ['games'], cpu: 0, uptime: 0}],
	[127, 'win11', 'pve2', 'stopped', {kind: 'qemu', tags: ['desktop'], cpu: 0, uptime: 0}],
];

export function homelabGuests(): GuestRow[] {
	return HOMELAB.map(([vmid, name, node, status, patch]) => guest(vmid, {name, node, status, uptime: status === 'running' ? 86400 * 3 + 3600 * 4 : 0, ...patch}));
}

/** One NIC per homelab guest: vmbr1 for media/iot, vmbr0 for the rest. */
export function homelabNics(): Map<number, GuestNic[]> {
	const map = new Map<number, GuestNic[]>();
	for (const row of homelabGuests()) {
		const bridge = row.tags.includes('media') || row.tags.includes('iot') ? 'vmbr1' : 'vmbr0';
		map.set(row.vmid, [{id: 'net0', name: 'eth0', bridge, ip: `10.10.10.${row.vmid - 95}/24`, gw: '10.10.10.1', firewall: true, linkDown: false}]);
	}
	return map;
}

export function snapshot(guests: GuestRow[], patch: Partial<FleetSnapshot> = {}): FleetSnapshot {
	return {guests, nodes: NODES, clusterName: 'homelab', quorate: true, pveVersion: '9.1.5', receivedAt: 1_000_000, ...patch};
}

/** A store filled with `guests` (and optional NICs), as after one poll. */
export function filledStore(guests: GuestRow[], options: {demo?: boolean; readOnly?: boolean; nics?: Map<number, GuestNic[]>} = {}): StoreApi<AppState> {
	const store = createAppStore({target: 'pve.example:8006', demo: options.demo ?? false, readOnly: options.readOnly ?? false});
	store.getState().actions.fleetReceived(snapshot(guests));
	for (const [vmid, nics] of options.nics ?? []) store.getState().actions.nicsReceived(vmid, nics);
	return store;
}
