import assert from 'node:assert/strict';
import {test} from 'node:test';
import {buildTopology, flatten, type TopoBridge, type Topology} from '../../source/services/topology/model.js';
import type {NetworkIface} from '../../source/store/screen-types.js';
import {parseNic} from '../../source/util/pve-config.js';
import {fixtureNamed, topologyInputOf} from './fixture-input.js';

function bridge(topology: Topology, node: string, name: string): TopoBridge {
	const found = topology.nodes.find((n) => n.name === node)?.bridges.find((b) => b.name === name);
	assert.ok(found, `${node}/${name} in the topology`);
	return found;
}

const names = (entries: Array<{name: string}>) => entries.map((e) => e.name);

test('homelab: vmbr1 shows exactly qBittorrent and Prowlarr behind the WireGuard gateway', () => {
	const topology = buildTopology(topologyInputOf(fixtureNamed('homelab')));
	const vmbr1 = bridge(topology, 'pve', 'vmbr1');
	assert.deepEqual(names(vmbr1.entries), ['wireguard'], 'only the gateway sits directly on vmbr1');
	const [wireguard] = vmbr1.entries;
	assert.deepEqual(names(wireguard!.dependents).sort(), ['prowlarr', 'qbittorrent']);
	assert.equal(vmbr1.cidr, '10.10.10.254/24');
	assert.deepEqual(vmbr1.ports, []);
	// vmbr1 has no port on purpose: information, not an error.
	const noPort = topology.anomalies.find((a) => a.kind === 'bridge-no-port');
	assert.equal(noPort?.severity, 'info');
	assert.match(noPort!.text, /^pve\/vmbr1 routed via 300 wireguard \(running\) → 105 prowlarr, 106 qbittorrent; no physical port: isolated by design$/);
	assert.equal(topology.anomalies.filter((a) => a.severity === 'error').length, 0, 'a healthy homelab has no errors');
});

test('homelab: vmbr0 carries the LAN with its uplink, and WireGuard appears on both bridges', () => {
	const topology = buildTopology(topologyInputOf(fixtureNamed('homelab')));
	const node = topology.nodes[0]!;
	assert.deepEqual(node.uplink, {gateway: '192.168.0.1', bridge: 'vmbr0', ports: ['eno1']});
	const vmbr0 = bridge(topology, 'pve', 'vmbr0');
	const onLan = flatten(vmbr0.entries);
	assert.equal(new Set(onLan.map((e) => e.vmid)).size, 26, "the seed: 26 services on vmbr0");
	assert.ok(onLan.some((e) => e.name === 'wireguard' && e.nic.ip === '192.168.0.140/24'));
	assert.ok(vmbr0.active && vmbr0.autostart);
});

test('homelab: stopping WireGuard flags qBittorrent and Prowlarr as cut off', () => {
	const input = topologyInputOf(fixtureNamed('homelab'));
	const guests = new Map(input.guests);
	guests.set(300, {...guests.get(300)!, status: 'stopped'});
	const topology = buildTopology({...input, guests});
	const stopped = topology.anomalies.find((a) => a.kind === 'gateway-stopped');
	assert.ok(stopped);
	assert.equal(stopped.severity, 'error');
	assert.match(stopped.text, /gateway 300 wireguard \(pve\/vmbr1 10\.10\.10\.1\) is stopped — cuts off 105 prowlarr, 106 qbittorrent/);
	assert.deepEqual(stopped.vmids, [300, 105, 106]);
	const cut = flatten(bridge(topology, 'pve', 'vmbr1').entries).filter((e) => e.cutOff);
	assert.deepEqual(names(cut).sort(), ['prowlarr', 'qbittorrent']);
	assert.equal(topology.anomalies[0], stopped, 'errors come first');
});

test('cluster: the stopped wg-gateway, the NIC on a missing bridge, the firewall off and the offline node', () => {
	const topology = buildTopology(topologyInputOf(fixtureNamed('cluster')));
	const kinds = topology.anomalies.map((a) => `${a.severity} ${a.kind}`);
	const stopped = topology.anomalies.find((a) => a.kind === 'gateway-stopped');
	assert.match(stopped!.text, /gateway 105 wg-gateway .* is stopped — cuts off 106 torrent-box, 107 scraper/);
	const missing = topology.anomalies.find((a) => a.kind === 'missing-bridge');
	assert.equal(missing?.severity, 'error');
	assert.match(missing!.text, /116 ci-runner net0 is on vmbr2, which does not exist on pve2/);
	assert.equal(bridge(topology, 'pve2', 'vmbr2').exists, false);
	const firewall = topology.anomalies.filter((a) => a.kind === 'firewall-off');
	assert.ok(firewall.some((a) => /on pve1: .*105 wg-gateway.*107 scraper/.test(a.text)), kinds.join('\n'));
	// pve3 is offline: its bridges are only inferred, so nothing is flagged missing there.
	const pve3 = topology.nodes.find((n) => n.name === 'pve3')!;
	assert.equal(pve3.networkKnown, false);
	assert.equal(bridge(topology, 'pve3', 'vmbr0').exists, undefined);
	assert.ok(!topology.anomalies.some((a) => a.text.includes('pve3') && a.kind === 'missing-bridge'));
	// pve1/vmbr0 is VLAN-aware over a bond.
	const vmbr0 = bridge(topology, 'pve1', 'vmbr0');
	assert.ok(vmbr0.vlanAware);
	assert.deepEqual(vmbr0.ports, ['bond0 (eno1 eno2)']);
	assert.equal(flatten(vmbr0.entries).find((e) => e.vmid === 150)?.nic.tag, 20);
});

test('duplicate IPs and MACs are flagged on every guest involved', () => {
	const input = topologyInputOf(fixtureNamed('homelab'));
	// 101 gets plex's address, 102 gets plex's MAC.
	input.nics.set(101, [parseNic('net0', 'name=eth0,bridge=vmbr0,firewall=1,gw=192.168.0.1,hwaddr=BC:24:11:00:00:01,ip=192.168.0.100/24,type=veth')]);
	input.nics.set(102, [parseNic('net0', 'name=eth0,bridge=vmbr0,firewall=1,gw=192.168.0.1,hwaddr=bc:24:11:ab:b9:5d,ip=192.168.0.102/24,type=veth')]);
	const topology = buildTopology(input);
	const ip = topology.anomalies.find((a) => a.kind === 'duplicate-ip');
	assert.match(ip!.text, /duplicate IP 192\.168\.0\.100: 100 plex, 101 sonarr/);
	const mac = topology.anomalies.find((a) => a.kind === 'duplicate-mac');
	assert.match(mac!.text, /duplicate MAC BC:24:11:AB:B9:5D: 100 plex, 102 radarr/);
	const lan = flatten(bridge(topology, 'pve', 'vmbr0').entries);
	assert.ok(lan.find((e) => e.vmid === 101)!.duplicateIp);
	assert.ok(lan.find((e) => e.vmid === 102)!.duplicateMac);
	assert.ok(!lan.find((e) => e.vmid === 103)!.duplicateIp);
});

test('a bridge that is down, a port-less bridge without a gateway, and a missing gateway', () => {
	const input = topologyInputOf(fixtureNamed('homelab'));
	const network = input.networks.get('pve')!.map((i): NetworkIface => (i.iface === 'vmbr0' ? {...i, active: 0} : i));
	network.push({iface: 'vmbr9', type: 'bridge', active: 1, autostart: 1, cidr: '10.99.0.254/24'});
	input.networks.set('pve', network);
	input.nics.set(208, [parseNic('net0', 'name=eth0,bridge=vmbr9,firewall=1,ip=10.99.0.8/24,gw=10.99.0.1,hwaddr=BC:24:11:13:10:09')]);
	// wireguard loses its vmbr1 NIC: its dependents' gateway is now missing.
	input.nics.set(300, input.nics.get(300)!.filter((n) => n.bridge !== 'vmbr1'));
	const topology = buildTopology(input);
	const text = topology.anomalies.map((a) => `${a.severity} ${a.text}`).join('\n');
	assert.match(text, /error pve\/vmbr0 is down — 25 guests on it: 100 plex/);
	assert.match(text, /warn pve\/vmbr9 has no port — its guest reaches only the host and each other/);
	assert.match(text, /error gateway 10\.99\.0\.1 on pve\/vmbr9 is missing — cuts off 208 ntfy/);
	assert.match(text, /error gateway 10\.10\.10\.1 on pve\/vmbr1 is missing — cuts off 105 prowlarr, 106 qbittorrent/);
});

test('duplicate addresses are reported in the order each address was first seen, one guest with two NICs is no conflict', () => {
	const row = (vmid: number) => ({vmid, kind: 'lxc' as const, name: `ct${vmid}`, node: 'pve', status: 'running', cpu: 0, maxcpu: 1, mem: 0, maxmem: 1, disk: 0, maxdisk: 1, uptime: 0, netin: 0, netout: 0, tags: [], template: false});
	const nic = (ip: string, id = 'net0') => parseNic(id, `name=eth0,bridge=vmbr0,ip=${ip}/24,firewall=1`);
	const topology = buildTopology({
		nodes: [{name: 'pve', status: 'online', cpu: 0, maxcpu: 1, mem: 0, maxmem: 1, uptime: 0}],
		guests: new Map([101, 102, 103, 104, 105].map((v) => [v, row(v)])),
		// 10.0.0.1 is seen first, but 10.0.0.2 is the first to collide; 105 has one address on two NICs.
		nics: new Map([
			[101, [nic('10.0.0.1')]],
			[102, [nic('10.0.0.2')]],
			[103, [nic('10.0.0.2')]],
			[104, [nic('10.0.0.1')]],
			[105, [nic('10.0.0.9'), nic('10.0.0.9', 'net1')]],
		]),
		networks: new Map([['pve', [{iface: 'vmbr0', type: 'bridge', active: 1, autostart: 1, bridge_ports: 'eno1', cidr: '10.0.0.254/24'} as NetworkIface]]]),
	});
	const dup = topology.anomalies.filter((a) => a.kind === 'duplicate-ip').map((a) => a.text);
	assert.deepEqual(dup, ['duplicate IP 10.0.0.1: 101 ct101, 104 ct104', 'duplicate IP 10.0.0.2: 102 ct102, 103 ct103']);
	const entries = flatten(bridge(topology, 'pve', 'vmbr0').entries);
	assert.deepEqual(entries.filter((e) => e.duplicateIp).map((e) => e.vmid), [101, 102, 103, 104]);
	assert.ok(entries.every((e) => e.dependents.length === 0));
});
