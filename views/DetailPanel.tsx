// The selected guest's configuration under the table (enter opens, esc/enter
// closes). Everything it shows comes from state.detail, filled by the detail
// service; every host string is sanitised before it is drawn.

import {Box, Text} from 'ink';
import React, {memo} from 'react';
import type {LxcConfig, SnapshotEntry} from '../source/api/types.js';
import type {GuestDetail, GuestNic, GuestRow} from '../source/store/types.js';
import {listMountPoints, listNics, parseMountPoint, parseTags} from '../source/util/pve-config.js';
import {sanitize, sanitizeMultiline} from '../source/util/sanitize.js';
import type {BackupEntry} from '../source/services/backups/model.js';
import {guestBackupLines} from './backups/backup-lines.js';
import {formatAge, formatMiB, formatPercent} from './format.js';
import type {PulseSeries, PulseTimeframe} from '../source/store/nodes-slice.js';
import {formatRate, latest, pulseLine} from './sparkline.js';
import {theme, toneColor, type Tone} from './theme.js';

export interface Segment {
	text: string;
	tone?: Tone;
}
export type Line = Segment[];

const yesNo = (v: unknown) => (v === 1 || v === '1' || v === true ? 'yes' : 'no');
const str = (v: unknown) => (v === undefined || v === null ? '' : sanitize(String(v)));

/** MiB from a config value: a number (containers) or qemu's property string "8192" / "current=8192". */
export function configMiB(value: unknown): number | undefined {
	if (typeof value === 'number') return value;
	const match = typeof value === 'string' ? /^(?:current=)?(\d+)(?:,|$)/.exec(value) : null;
	return match ? Number(match[1]) : undefined;
}

/** A VM's drive keys (CD-ROMs are shown by nothing: they hold no data of the guest). */
const VM_DISK = /^(ide|sata|scsi|virtio)\d+$|^efidisk0$|^tpmstate0$/;

function vmDiskLines(config: LxcConfig): Line[] {
	return Object.entries(config)
		.filter(([key, value]) => VM_DISK.test(key) && typeof value === 'string' && !/(^|,)media=cdrom(,|$)/.test(value))
		.map(([key, value]) => {
			const volume = String(value).split(',')[0] ?? '';
			const size = /(?:^|,)size=([^,]+)/.exec(String(value))?.[1];
			return [{text: `${key} ${sanitize(volume)}${size ? ` size ${sanitize(size)}` : ''}`}];
		});
}

/** Where a VM is reached, from its guest agent: "agent Ethernet 10.0.20.50/24", or why not known. */
function agentLine(detail: GuestDetail): Line {
	const agent = detail.agent;
	if (!agent) return [{text: 'ip ?', tone: 'muted'}];
	if (agent.state === 'none') return [{text: 'ip ', tone: undefined}, {text: `no guest agent (${sanitize(agent.reason)})`, tone: 'muted'}];
	if (agent.interfaces.length === 0) return [{text: 'ip - (the guest agent reports no address)', tone: 'muted'}];
	return [{text: `ip ${agent.interfaces.map((i) => `${sanitize(i.name)} ${i.ips.map(sanitize).join(' ')}`).join(' · ')} (guest agent)`}];
}

/** A VM's config holds no address (its IP comes from the guest agent): its NIC line leaves `ip` out. */
function nicLine(nic: GuestNic, withIp = true): Line {
	const parts = [
		`${nic.id}${nic.name ? ` ${sanitize(nic.name)}` : ''}`,
		`bridge ${str(nic.bridge) || '-'}`,
		withIp ? `ip ${str(nic.ip) || '-'}` : '',
		nic.gw ? `gw ${sanitize(nic.gw)}` : '',
		nic.ip6 ? `ip6 ${sanitize(nic.ip6)}` : '',
		nic.tag !== undefined ? `tag ${nic.tag}` : '',
		`firewall ${nic.firewall ? 'on' : 'off'}`,
		nic.hwaddr ? `hwaddr ${sanitize(nic.hwaddr)}` : '',
	].filter(Boolean);
	const line: Line = [{text: parts.join('  ')}];
	if (nic.linkDown) line.push({text: '  LINK DOWN', tone: 'warn'});
	return line;
}

function snapshotLine(snapshots: SnapshotEntry[] | undefined, now: number): Line {
	// PVE lists the live state as a pseudo-snapshot named "current".
	const real = (snapshots ?? []).filter((s) => s.name !== 'current');
	if (snapshots === undefined) return [{text: 'snapshots ?', tone: 'muted'}];
	if (real.length === 0) return [{text: 'snapshots 0'}];
	const newest = real.reduce((a, b) => ((b.snaptime ?? 0) > (a.snaptime ?? 0) ? b : a));
	const age = newest.snaptime ? ` (${formatAge(now - newest.snaptime * 1000)})` : '';
	return [{text: `snapshots ${real.length} · newest ${sanitize(newest.name)}${age}`}];
}

/** The selected guest's backups as the panel lists them (from the backups slice). */
export interface GuestBackupsView {
	entries: readonly BackupEntry[];
	/** The backups have been read once. */
	read: boolean;
	/** No backup job covers the guest. */
	notCovered: boolean;
	/** The key that opens the list to restore from ("e"). */
	restoreKey?: string;
}

/** Cells a pulse sparkline takes in the detail panel. */
const PULSE_CELLS = 16;

/**
 * The selected guest's pulses from its rrddata: CPU, memory, network in/out
 * and disk read/write over the last hour (or day), newest value after each.
 */
export function pulseLines(row: GuestRow, series: PulseSeries | undefined, timeframe: PulseTimeframe): Line[] {
	const when = `last ${timeframe} (ctrl+t)`;
	if (row.status === 'unknown') return [[{text: `pulses: none while node ${sanitize(row.node)} is offline`, tone: 'muted'}]];
	if (!series || series.timeframe !== timeframe) return [[{text: `pulses: reading ${when}…`, tone: 'muted'}]];
	if (series.error && series.points.length === 0) return [[{text: `pulses: ${sanitize(series.error)}`, tone: 'warn'}]];
	const spark = (metric: Parameters<typeof pulseLine>[1]) => pulseLine(series, metric, PULSE_CELLS).padEnd(PULSE_CELLS);
	const pct = (metric: 'cpu' | 'mem') => {
		const v = latest(series, metric);
		return v === undefined ? '-' : formatPercent(v);
	};
	return [
		[{text: `CPU ${spark('cpu')} ${pct('cpu').padStart(4)} · MEM ${spark('mem')} ${pct('mem').padStart(4)} · ${when}`}],
		[{text: `NET in ${spark('netin')} ${formatRate(latest(series, 'netin'))} out ${spark('netout')} ${formatRate(latest(series, 'netout'))} · DISK r ${spark('diskread')} w ${spark('diskwrite')}`}],
	];
}

/** The panel's lines, most important first (the panel cuts from the bottom). */
export function detailLines(row: GuestRow, detail: GuestDetail | undefined, nics: GuestNic[] | undefined, now: number, backups?: GuestBackupsView, pulses?: {series: PulseSeries | undefined; timeframe: PulseTimeframe}): Line[] {
	const lines: Line[] = [];
	const current = detail?.vmid === row.vmid ? detail : undefined;
	if (current?.error) lines.push([{text: `error: ${sanitize(current.error)}`, tone: 'danger'}]);
	const config: LxcConfig | undefined = current?.config;
	if (!config) {
		if (!current?.error) lines.push([{text: 'loading…', tone: 'muted'}]);
		return lines;
	}
	if (current?.loading) lines.push([{text: 'refreshing…', tone: 'muted'}]);

	const description = config.description ? sanitizeMultiline(String(config.description)).split('\n').find((l) => l.trim() !== '') : undefined;
	lines.push([{text: `os ${str(config.ostype) || '-'}${config.arch ? ` (${sanitize(config.arch)})` : ''}${description ? ` — ${description.trim()}` : ''}`}]);
	if (pulses) lines.push(...pulseLines(row, pulses.series, pulses.timeframe));

	const memory = configMiB(config.memory);
	const swap = configMiB(config.swap);
	const sockets = configMiB(config.sockets);
	const resources: Line = [
		{
			text: [
				`cores ${str(config.cores) || '-'}${row.kind === 'qemu' && sockets !== undefined && sockets > 1 ? ` × ${sockets} sockets` : ''}`,
				`memory ${memory !== undefined ? formatMiB(memory) : '-'}`,
				// VMs have no swap setting (the guest OS manages its own).
				...(row.kind === 'lxc' ? [`swap ${swap !== undefined ? formatMiB(swap) : '-'}`] : []),
				`onboot ${yesNo(config.onboot)}`,
			].join(' · ') + (row.kind === 'lxc' ? ' · ' : ''),
		},
	];
	if (row.kind === 'lxc') {
		resources.push(yesNo(config.unprivileged) === 'yes' ? {text: 'unprivileged'} : {text: 'PRIVILEGED', tone: 'warn'});
	}
	lines.push(resources);
	if (config.features) lines.push([{text: `features ${str(config.features)}`}]);

	if (typeof config.rootfs === 'string') {
		const root = parseMountPoint('rootfs', config.rootfs);
		lines.push([{text: `rootfs ${sanitize(root.volume)}${root.size ? ` size ${sanitize(root.size)}` : ''}`}]);
	}
	for (const mp of listMountPoints(config)) {
		lines.push([{text: `${mp.id} ${sanitize(mp.volume)} → ${str(mp.path) || '?'}${mp.size ? ` size ${sanitize(mp.size)}` : ''}`}]);
	}

	if (row.kind === 'qemu') {
		lines.push(...vmDiskLines(config));
		if (current) lines.push(agentLine(current));
	}

	const configNics = listNics(config, row.kind);
	for (const nic of configNics.length > 0 ? configNics : (nics ?? [])) lines.push(nicLine(nic, row.kind !== 'qemu'));

	if (Array.isArray(config.lxc) && config.lxc.length > 0) {
		const devices = [...new Set(config.lxc.map(([, value]) => String(value).match(/\/dev\/[\w/.-]+/)?.[0]).filter((d): d is string => d !== undefined))];
		const gpu = devices.some((d) => d.startsWith('/dev/dri') || d.startsWith('/dev/nvidia'));
		lines.push([
			{text: `raw lxc keys ${config.lxc.length}`},
			...(devices.length > 0 ? [{text: ` · devices ${sanitize(devices.join(' '))}`, tone: gpu ? ('accent' as const) : undefined}] : []),
		]);
	}

	const tags = parseTags(typeof config.tags === 'string' ? config.tags : undefined);
	const lock = config.lock ?? row.lock;
	lines.push([
		{text: `tags ${tags.length > 0 ? sanitize(tags.join(', ')) : '-'} · `},
		lock ? {text: `lock ${sanitize(lock)}`, tone: 'warn'} : {text: 'lock -'},
		{text: ` · HA ${str(row.hastate) || '-'}`},
	]);
	lines.push(snapshotLine(current?.snapshots, now));
	if (backups) for (const l of guestBackupLines(backups.entries, {read: backups.read, notCovered: backups.notCovered, ...(backups.restoreKey ? {restoreKey: backups.restoreKey} : {})})) lines.push([{text: l.text, ...(l.tone ? {tone: l.tone} : {})}]);
	return lines;
}

export interface DetailPanelProps {
	row: GuestRow | undefined;
	/** The guest's node is online: an `unknown` guest there is one its pvestatd has not reported yet (new since its last broadcast). */
	nodeOnline?: boolean;
	detail: GuestDetail | undefined;
	nics: GuestNic[] | undefined;
	height: number;
	now: () => number;
	backups?: GuestBackupsView;
	/** The guest's rrddata series and the timeframe shown (absent: no pulse lines). */
	pulses?: {series: PulseSeries | undefined; timeframe: PulseTimeframe};
}

export const DetailPanel = memo(function DetailPanel({row, nodeOnline = false, detail, nics, height, now, backups, pulses}: DetailPanelProps) {
	const seen = row?.status === 'unknown' && nodeOnline ? ' (not reported by its node yet)' : row?.lastKnown ? ` (node offline; ${sanitize(row.lastKnown.status)} when last seen ${formatAge(now() - row.lastKnown.at)})` : row?.status === 'unknown' ? ' (node offline; not seen since proxdeck started)' : '';
	const title = row ? `── ${sanitize(row.name)} (${row.vmid}) · ${row.kind} on ${sanitize(row.node)} · ${sanitize(row.status)}${seen} ──` : '── no guest selected ──';
	const lines = row ? detailLines(row, detail, nics, now(), backups, pulses) : [];
	return (
		<Box flexDirection="column" height={height} overflowY="hidden">
			<Text wrap="truncate" color={theme.accent} bold>
				{title}
			</Text>
			{lines.slice(0, Math.max(0, height - 1)).map((line, i) => (
				<Text key={i} wrap="truncate">
					{line.map((seg, j) =>
						seg.tone ? (
							<Text key={j} color={toneColor(seg.tone)}>
								{seg.text}
							</Text>
						) : (
							seg.text
						),
					)}
				</Text>
			))}
		</Box>
	);
});
