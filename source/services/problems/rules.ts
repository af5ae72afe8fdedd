// The problem rules: one ranked list of everything wrong in the fleet. A pure
// function of the facts and the thresholds, so the console, `proxdeck check`
// and the tests all see the same answer. Correlation happens here: a stopped
// gateway is one critical line with the guests it cuts off under it, and those
// guests are not listed again as separate problems.

import {createTopologyMemo} from '../topology/memo.js';
import type {NetworkIface} from '../../store/screen-types.js';
import type {GuestRow} from '../../store/types.js';
import {guestThresholds, levelOf, type Levels, type Thresholds} from './thresholds.js';
import {LEVEL_ORDER, type Problem, type ProblemFacts, type ProblemLevel} from './types.js';
import {cpuAboveSince} from '../nodes/health.js';
import {atOrAbove, wholePercent} from '../../util/percent.js';

/** The rules' own topology memo (gateways only need NICs; node networks are the pane's). */
const rulesTopology = createTopologyMemo();
const NO_NETWORKS = new Map<string, NetworkIface[]>();

/** Rules in the order their lines are listed within a level (the most urgent kind first). */
export const RULES = [
	{id: 'node-offline', level: 'critical', says: 'a node is offline'},
	{id: 'quorum-lost', level: 'critical', says: 'the cluster has lost quorum'},
	{id: 'pool-health', level: 'critical', says: 'a ZFS pool is not ONLINE'},
	{id: 'gateway-down', level: 'critical', says: 'a gateway guest is down (its dependents are listed under it)'},
	{id: 'onboot-down', level: 'critical', says: 'a guest with onboot=1 is not running'},
	{id: 'ha-error', level: 'critical', says: 'an HA resource is in error or fence'},
	{id: 'pool-fill', level: 'critical/warning', says: 'a ZFS pool at or above pool.crit / pool.warn'},
	{id: 'storage-fill', level: 'critical/warning', says: 'a storage at or above storage.crit / storage.warn'},
	{id: 'guest-disk', level: 'critical/warning', says: "a guest's disk at or above disk.crit / disk.warn"},
	{id: 'guest-mem', level: 'critical/warning', says: "a guest's memory at or above mem.crit / mem.warn"},
	{id: 'duplicate-address', level: 'warning', says: 'two guests have the same IP or MAC address'},
	{id: 'cpu-sustained', level: 'warning', says: 'CPU at or above cpu.warn for cpuSustainMinutes'},
	{id: 'task-failed', level: 'warning', says: 'a task failed within taskWindowMinutes'},
	{id: 'run-failed', level: 'warning', says: 'an upgrade run ended with failures or was interrupted'},
	{id: 'guest-locked', level: 'warning', says: 'a guest locked for longer than lockMinutes'},
	{id: 'reboot-pending', level: 'warning', says: 'a guest needs a reboot after its upgrade, or a node after a kernel upgrade'},
	{id: 'snapshot-stale', level: 'warning', says: 'a snapshotted guest has no snapshot newer than retentionDays'},
	{id: 'snapshot-prunable', level: 'info', says: 'snapshots older than retentionDays (prunable)'},
	{id: 'node-updates', level: 'info', says: 'package updates pending on a node (apt/update)'},
] as const;

const RULE_ORDER = new Map<string, number>(RULES.map((r, i) => [r.id, i]));

function pct(used: number, total: number): number {
	return total > 0 ? (used / total) * 100 : 0;
}

/** As the fleet's cells print it (wholePercent): a line and the cell beside it read the same. */
function shown(percent: number): string {
	return `${wholePercent(percent)} %`;
}

function bar(level: ProblemLevel, levels: Levels): number {
	return (level === 'critical' ? levels.crit : levels.warn)!;
}

function label(g: Pick<GuestRow, 'vmid' | 'name'>): string {
	return `${g.vmid} ${g.name}`;
}

export function ago(ms: number): string {
	const minutes = Math.floor(ms / 60_000);
	if (minutes < 60) return `${minutes}m`;
	const hours = Math.floor(minutes / 60);
	return hours < 48 ? `${hours}h` : `${Math.floor(hours / 24)}d`;
}

/** Points below its threshold a raised fill problem must fall before it clears. */
export const HYSTERESIS = 3;

/** What a fill problem is about: a pool or storage (described by the caller), or a guest and which of its figures. */
type FillSubject = {what: string; target: Problem['target']} | {guest: GuestRow; figure: 'disk' | 'memory'};

function describeFill(subject: FillSubject): {what: string; target: Problem['target']} {
	return 'guest' in subject ? {what: `${label(subject.guest)}: ${subject.figure}`, target: {kind: 'guest', vmid: subject.guest.vmid}} : subject;
}

/**
 * A fill problem, or none. Its id and text are only spelled out when a line is
 * due: this runs twice per guest per poll, and at 10,000 guests building them
 * for every guest was 9 MB of garbage per pvestatd cycle (issue 12).
 */
function fillProblem(rule: FillRule, id: string | number, subject: FillSubject, used: number, total: number, levels: Levels, active?: ReadonlySet<string>): Problem | undefined {
	const percent = pct(used, total);
	const level = levelOf(percent, levels);
	if (level) {
		const {what, target} = describeFill(subject);
		return {id: `${rule}:${id}`, level, rule, text: `${what} ${shown(percent)} (≥ ${bar(level, levels)} %)`, target};
	}
	const held = heldLevel(rule, id, percent, levels, active);
	if (!held) return undefined;
	const {what, target} = describeFill(subject);
	return {id: `${rule}:${id}`, level: held, rule, text: `${what} ${shown(percent)} (was ≥ ${bar(held, levels)} %; clears below ${bar(held, levels) - HYSTERESIS} %)`, target};
}

/**
 * Whether a fill can be a problem at all: at or above its lowest bar less
 * HYSTERESIS (below that, fillProblem neither raises nor holds one). Most
 * guests are far below, and skip the subject fillProblem takes: at 10,000
 * guests its objects and boxed numbers were ~1.4 MB of garbage per poll
 * (issue 12).
 */
function mayBeRaised(used: number, total: number, levels: Levels): boolean {
	const lowest = Math.min(levels.warn ?? Number.POSITIVE_INFINITY, levels.crit ?? Number.POSITIVE_INFINITY);
	return atOrAbove(pct(used, total), lowest - HYSTERESIS);
}

type FillRule = 'pool-fill' | 'storage-fill' | 'guest-disk' | 'guest-mem';

/** The levels a fill problem can have. */
export type FillLevel = 'critical' | 'warning';

/** Raised before and only just below its bar: it stays until it is HYSTERESIS points below. */
function heldLevel(rule: FillRule, id: string | number, percent: number, levels: Levels, active: ReadonlySet<string> | undefined): FillLevel | undefined {
	if (!active || active.size === 0) return undefined;
	const held = levelOf(percent, levels, HYSTERESIS);
	return held && active.has(`${rule}:${id}`) ? held : undefined;
}

/** What names a pool's and a storage's fill problem after its rule (a shared storage is one problem for all its nodes). */
export const poolFillKey = (node: string, pool: string) => `${node}/${pool}`;
export const storageFillKey = (s: {node: string; storage: string; shared?: boolean}) => (s.shared ? s.storage : `${s.node}/${s.storage}`);

/**
 * The level a fill figure has in the problem list: what fillProblem raises for
 * it, hysteresis included (`active`: the ids raised last time). The ZFS pane
 * marks its pool and storage figures with it, so both panes say the same.
 */
export function fillLevel(rule: 'pool-fill' | 'storage-fill', key: string, used: number, total: number, levels: Levels, active?: ReadonlySet<string>): FillLevel | undefined {
	if (rule === 'storage-fill' && total <= 0) return undefined;
	const percent = pct(used, total);
	return levelOf(percent, levels) ?? heldLevel(rule, key, percent, levels, active);
}

/** What every rule reads: the facts, the thresholds, and what is worked out once per evaluation; `out` collects the lines in the order found. */
interface Evaluation {
	facts: ProblemFacts;
	t: Thresholds;
	byVmid: ReadonlyMap<number, GuestRow>;
	offlineNodes: ReadonlySet<string>;
	out: Problem[];
}

/**
 * Every rule over the facts, ranked. Each group of rules is its own small
 * function, run in the order the lines are found. (At 10,000 guests V8 kept
 * recompiling the one 145-line function this was, 35-60 ms of TurboFan a
 * time; split, the guest loop recompiles alone, ~11 ms a time. It still
 * recompiles: issue 12, README Performance.)
 */
export function evaluateProblems(facts: ProblemFacts, t: Thresholds): Problem[] {
	const byVmid = facts.byVmid ?? new Map(facts.guests.map((g) => [g.vmid, g]));
	const offlineNodes = new Set(facts.nodes.filter((n) => n.status === 'offline').map((n) => n.name));
	const e: Evaluation = {facts, t, byVmid, offlineNodes, out: []};
	nodeOfflineAndQuorum(e);
	poolRules(e);
	const covered = topologyRules(e);
	guestStateRules(e, covered);
	storageRules(e);
	guestFigureRules(e);
	nodeRules(e);
	taskRules(e);
	runRules(e);
	snapshotRules(e);
	return rankProblems(e.out);
}

function nodeOfflineAndQuorum({facts, out}: Evaluation): void {
	for (const node of facts.nodes) {
		if (node.status !== 'offline') continue;
		const on = facts.guests.filter((g) => g.node === node.name && !g.template);
		out.push({id: `node-offline:${node.name}`, level: 'critical', rule: 'node-offline', text: `node ${node.name} is offline${on.length ? ` — ${on.length} guest${on.length === 1 ? '' : 's'} on it unreachable` : ''}`, target: {kind: 'node', node: node.name}, ...(on.length ? {details: on.map((g) => `${label(g)} (${g.lastKnown ? `last known ${g.lastKnown.status}` : 'state unknown'})`)} : {})});
	}
	if (facts.quorate === false) out.push({id: 'quorum-lost', level: 'critical', rule: 'quorum-lost', text: 'the cluster has lost quorum: /etc/pve is read-only, no guest can be started or changed', target: {kind: 'node', node: facts.nodes.find((n) => n.status === 'online')?.name ?? ''}});
}

function poolRules({facts, t, out}: Evaluation): void {
	for (const pool of facts.pools) {
		const target = {kind: 'pool', node: pool.node, pool: pool.name} as const;
		if (pool.health !== 'ONLINE') out.push({id: `pool-health:${pool.node}/${pool.name}`, level: 'critical', rule: 'pool-health', text: `pool ${pool.name} on ${pool.node} is ${pool.health}`, target});
		const fill = fillProblem('pool-fill', poolFillKey(pool.node, pool.name), {what: `pool ${pool.name} on ${pool.node}`, target}, pool.alloc, pool.size, t.pool, facts.active);
		if (fill) out.push(fill);
	}
}

/**
 * What the topology finds from the guests' NICs alone (the rules read no
 * bridges): a stopped gateway, with the guests it cuts off, and addresses two
 * guests claim (ARP answered by both: connections to either come and go).
 * Returns the gateways raised, whose own onboot line this replaces.
 */
function topologyRules({facts, byVmid, offlineNodes, out}: Evaluation): Set<number> {
	const topology = rulesTopology({nodes: facts.nodes, guests: byVmid, nics: facts.nics, networks: NO_NETWORKS});
	const covered = new Set<number>();
	for (const anomaly of topology.anomalies) {
		if ((anomaly.kind === 'duplicate-ip' || anomaly.kind === 'duplicate-mac') && anomaly.key !== undefined) {
			out.push({
				id: `${anomaly.kind}:${anomaly.key}`,
				level: 'warning',
				rule: 'duplicate-address',
				text: anomaly.text,
				target: {kind: 'guests', vmids: anomaly.vmids, label: anomaly.kind === 'duplicate-ip' ? `IP ${anomaly.key}` : `MAC ${anomaly.key}`},
			});
		}
		if (anomaly.kind !== 'gateway-stopped') continue;
		const [gatewayId, ...dependents] = anomaly.vmids;
		const gateway = byVmid.get(gatewayId!);
		if (!gateway || offlineNodes.has(gateway.node)) continue;
		covered.add(gateway.vmid);
		out.push({
			id: `gateway-down:${gateway.vmid}`,
			level: 'critical',
			rule: 'gateway-down',
			text: `gateway ${label(gateway)} is ${gateway.status} — cuts off ${dependents.length} guest${dependents.length === 1 ? '' : 's'}`,
			target: {kind: 'guests', vmids: [gateway.vmid, ...dependents], label: `gateway ${gateway.vmid} and dependents`},
			details: dependents.map((v) => byVmid.get(v)).filter((g): g is GuestRow => g !== undefined).map((g) => `${label(g)} (${g.status}, routes through ${gateway.name})`),
			fix: {kind: 'start', vmids: [gateway.vmid]},
		});
	}
	return covered;
}

/** HA errors and onboot guests that are down. */
function guestStateRules({facts, offlineNodes, out}: Evaluation, covered: ReadonlySet<number>): void {
	for (const g of facts.guests) {
		// Fence happens to the HA resources of a lost node: checked before the offline node's guests are skipped.
		if (g.hastate === 'error' || g.hastate === 'fence') {
			const why = g.hastate === 'error' ? 'start and recovery failed; set it disabled, fix, then start' : `node ${g.node} is lost; it is recovered elsewhere once fenced`;
			out.push({id: `ha-error:${g.vmid}`, level: 'critical', rule: 'ha-error', text: `${label(g)}: HA resource in ${g.hastate} (${why})`, target: {kind: 'guest', vmid: g.vmid}});
		}
		if (g.template || offlineNodes.has(g.node)) continue;
		if (g.status !== 'running' && facts.onboot.get(g.vmid) === true && !covered.has(g.vmid)) {
			out.push({id: `onboot-down:${g.vmid}`, level: 'critical', rule: 'onboot-down', text: `${label(g)} is ${g.status} but starts on boot (onboot=1)`, target: {kind: 'guest', vmid: g.vmid}, fix: {kind: 'start', vmids: [g.vmid]}});
		}
	}
}

/** Storage fill: a shared storage appears once per node in /cluster/resources; it is counted once. */
function storageRules({facts, t, out}: Evaluation): void {
	const seenShared = new Set<string>();
	for (const s of facts.storages) {
		if (s.total <= 0) continue;
		if (s.shared) {
			if (seenShared.has(s.storage)) continue;
			seenShared.add(s.storage);
		}
		const where = s.shared ? `storage ${s.storage} (shared)` : `storage ${s.storage} on ${s.node}`;
		const fill = fillProblem('storage-fill', storageFillKey(s), {what: where, target: {kind: 'storage', node: s.node, storage: s.storage}}, s.used, s.total, t.storage, facts.active);
		if (fill) out.push(fill);
	}
}

/** A guest's disk and memory fill, sustained CPU and a lock held too long. */
function guestFigureRules({facts, t, offlineNodes, out}: Evaluation): void {
	for (const g of facts.guests) {
		if (g.template || offlineNodes.has(g.node)) continue;
		const levels = guestThresholds(t, g);
		// A VM without the guest agent reports disk 0: unknown, not empty.
		if (g.maxdisk > 0 && g.disk > 0 && mayBeRaised(g.disk, g.maxdisk, levels.disk)) {
			const disk = fillProblem('guest-disk', g.vmid, {guest: g, figure: 'disk'}, g.disk, g.maxdisk, levels.disk, facts.active);
			if (disk) out.push(disk);
		}
		if (g.status === 'running' && g.maxmem > 0 && mayBeRaised(g.mem, g.maxmem, levels.mem)) {
			const mem = fillProblem('guest-mem', g.vmid, {guest: g, figure: 'memory'}, g.mem, g.maxmem, levels.mem, facts.active);
			if (mem) out.push(mem);
		}
		const cpuSince = facts.cpuAboveSince.get(g.vmid);
		if (levels.cpu.warn !== undefined && cpuSince !== undefined && facts.now - cpuSince >= t.cpuSustainMinutes * 60_000 && g.status === 'running') {
			out.push({id: `cpu-sustained:guest:${g.vmid}`, level: 'warning', rule: 'cpu-sustained', text: `${label(g)}: CPU ${shown(g.cpu * 100)} (≥ ${levels.cpu.warn} % for ${ago(facts.now - cpuSince)})`, target: {kind: 'guest', vmid: g.vmid}, since: cpuSince});
		}
		const lockSince = facts.lockSince.get(g.vmid);
		if (g.lock && lockSince !== undefined && facts.now - lockSince > t.lockMinutes * 60_000) {
			out.push({id: `guest-locked:${g.vmid}`, level: 'warning', rule: 'guest-locked', text: `${label(g)}: locked (${g.lock}) for ${ago(facts.now - lockSince)} (> ${t.lockMinutes}m)`, target: {kind: 'guest', vmid: g.vmid}, since: lockSince});
		}
	}
}

/** A node's sustained CPU, pending reboot and pending package updates. */
function nodeRules({facts, t, out}: Evaluation): void {
	for (const n of facts.nodes) {
		// The node's own rrddata says how long CPU has been high, where it gives it; else the console's samples since it started.
		const pulse = facts.nodePulses.get(n.name);
		const since = t.cpu.warn === undefined ? undefined : pulse ? cpuAboveSince(pulse, t.cpu.warn) : facts.cpuAboveSince.get(`node:${n.name}`);
		if (n.status === 'online' && t.cpu.warn !== undefined && since !== undefined && facts.now - since >= t.cpuSustainMinutes * 60_000) {
			const cpu = pulse ? ([...pulse].reverse().find((p) => p.cpu !== undefined)?.cpu ?? n.cpu) : n.cpu;
			out.push({id: `cpu-sustained:node:${n.name}`, level: 'warning', rule: 'cpu-sustained', text: `node ${n.name}: CPU ${shown(cpu * 100)} (≥ ${t.cpu.warn} % for ${ago(facts.now - since)}${pulse ? ', rrddata' : ''})`, target: {kind: 'node', node: n.name}, since});
		}
		if (n.status !== 'online') continue;
		const reboot = facts.nodeReboot.get(n.name);
		if (reboot) out.push({id: `reboot-pending:node:${n.name}`, level: 'warning', rule: 'reboot-pending', text: `node ${n.name}: reboot pending — kernel ${reboot.installed} installed, ${reboot.running} running`, target: {kind: 'node', node: n.name}});
		const updates = facts.nodeUpdates.get(n.name) ?? 0;
		if (updates > 0) out.push({id: `node-updates:${n.name}`, level: 'info', rule: 'node-updates', text: `node ${n.name}: ${updates} package update${updates === 1 ? '' : 's'} pending (apt)`, target: {kind: 'node', node: n.name}});
	}
}

/** Tasks that failed within the window. */
function taskRules({facts, t, byVmid, out}: Evaluation): void {
	const windowStart = facts.now / 1000 - t.taskWindowMinutes * 60;
	for (const task of facts.tasks) {
		if (task.endtime === undefined || task.endtime < windowStart || task.status === undefined) continue;
		if (task.status === 'OK' || task.status.startsWith('WARNINGS')) continue;
		const guest = task.id ? byVmid.get(Number(task.id)) : undefined;
		const what = `${task.type}${task.id ? ` ${guest ? label(guest) : task.id}` : ''}`;
		out.push({id: `task-failed:${task.upid}`, level: 'warning', rule: 'task-failed', text: `task ${what} on ${task.node} failed: ${task.status}`, target: {kind: 'task', upid: task.upid}, since: task.endtime * 1000});
	}
}

/** Upgrade runs that failed or were interrupted, and guests still owing the reboot a run asked for. */
function runRules({facts, byVmid, out}: Evaluation): void {
	for (const run of facts.runs) {
		if (run.state === 'interrupted') {
			out.push({id: `run-failed:${run.id}`, level: 'warning', rule: 'run-failed', text: `upgrade run ${run.id} was interrupted — resume it (proxdeck upgrade --resume)`, target: {kind: 'run', id: run.id}, since: run.at});
		} else if (run.failed.length > 0) {
			out.push({id: `run-failed:${run.id}`, level: 'warning', rule: 'run-failed', text: `upgrade run ${run.id} ended with ${run.failed.length} failed: ${run.failed.map((v) => (byVmid.get(v) ? label(byVmid.get(v)!) : String(v))).join(', ')}`, target: {kind: 'run', id: run.id}, since: run.at});
		}
	}
	// The newest run that names a guest decides whether it still needs its reboot.
	const rebootBy = new Map<number, number>();
	for (const run of [...facts.runs].sort((a, b) => a.at - b.at)) for (const v of run.rebootNeeded) rebootBy.set(v, run.at);
	for (const [vmid, at] of rebootBy) {
		const g = byVmid.get(vmid);
		// A guest (re)started after the run has had its reboot.
		if (g && g.status === 'running' && facts.now - g.uptime * 1000 <= at) {
			out.push({id: `reboot-pending:${vmid}`, level: 'warning', rule: 'reboot-pending', text: `${label(g)}: reboot needed after its upgrade`, target: {kind: 'guest', vmid}, since: at});
		}
	}
}

/** Snapshots: none newer than the retention, and some older than it (prunable). */
function snapshotRules({facts, t, byVmid, out}: Evaluation): void {
	const retentionS = t.retentionDays * 86_400;
	for (const [vmid, snaps] of facts.snapshots) {
		const g = byVmid.get(vmid);
		if (!g || snaps.length === 0) continue;
		const times = snaps.map((s) => s.snaptime).filter((v): v is number => v !== undefined);
		if (times.length === 0) continue;
		const newest = Math.max(...times);
		const cutoff = facts.now / 1000 - retentionS;
		if (newest < cutoff) {
			out.push({id: `snapshot-stale:${vmid}`, level: 'warning', rule: 'snapshot-stale', text: `${label(g)}: newest snapshot is ${ago(facts.now - newest * 1000)} old (> ${t.retentionDays}d)`, target: {kind: 'guest', vmid}});
		}
		const old = snaps.filter((s) => s.snaptime !== undefined && s.snaptime < cutoff);
		if (old.length > 0) {
			out.push({id: `snapshot-prunable:${vmid}`, level: 'info', rule: 'snapshot-prunable', text: `${label(g)}: ${old.length} snapshot${old.length === 1 ? '' : 's'} older than ${t.retentionDays}d (prunable: P)`, target: {kind: 'guest', vmid}});
		}
	}
}

/** Worst first: level, then the rule's rank, then the order found (stable). */
export function rankProblems(list: Problem[]): Problem[] {
	return list.map(withIndex).sort(worstFirst).map(problemOf);
}

// Module functions, not arrows written in place (README Design notes,
// "Per-poll callbacks are made once").
const withIndex = (p: Problem, i: number) => ({p, i});
const problemOf = ({p}: {p: Problem}) => p;
const worstFirst = (a: {p: Problem; i: number}, b: {p: Problem; i: number}) =>
	LEVEL_ORDER[a.p.level] - LEVEL_ORDER[b.p.level] || (RULE_ORDER.get(a.p.rule) ?? 99) - (RULE_ORDER.get(b.p.rule) ?? 99) || a.i - b.i;

export interface ProblemCounts {
	critical: number;
	warning: number;
	info: number;
}

export function countProblems(list: Problem[]): ProblemCounts {
	const counts: ProblemCounts = {critical: 0, warning: 0, info: 0};
	for (const p of list) counts[p.level]++;
	return counts;
}

/** "2 critical · 5 warning" (info only when nothing worse; "no problems" when empty). */
export function countsLine(counts: ProblemCounts): string {
	const parts = [counts.critical ? `${counts.critical} critical` : '', counts.warning ? `${counts.warning} warning` : ''].filter(Boolean);
	if (parts.length === 0) return counts.info ? `${counts.info} info` : 'no problems';
	return parts.join(' · ');
}
