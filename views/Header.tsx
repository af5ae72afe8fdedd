// Two header lines: where we are (target, cluster, nodes, version, badges) and
// how the fleet is doing (counts, CPU, memory, data age — or STALE + why).

import {Text} from 'ink';
import React, {memo, useEffect, useRef, useState} from 'react';
import type {HeaderStats} from '../source/store/selectors.js';
import type {Badges, ConnectionState} from '../source/store/types.js';
import {sanitize} from '../source/util/sanitize.js';
import {formatAge, formatBytes, formatDuration, formatPercent} from './format.js';
import {theme} from './theme.js';

export interface HeaderProps {
	connection: ConnectionState;
	/**
	 * The last good poll's time, read now: an unchanged poll moves only this,
	 * and App does not re-render for it (use-app-state.ts), so the age is read
	 * from the store, not from `connection`.
	 */
	pollTime?: () => number | undefined;
	badges: Badges;
	clusterName: string | undefined;
	/** Node name shown for a standalone host (no cluster name). */
	soleNode: string | undefined;
	quorate: boolean | undefined;
	pveVersion: string | undefined;
	stats: HeaderStats;
	now: () => number;
	/** How often the ages redraw; 0 disables the timer (tests). */
	tickMs: number;
	/** Marked guests (actions apply to them); 0 hides the count. */
	marked?: number;
	/** Problem counts per level (the problems pane's rules); absent until first evaluated. */
	problems?: {critical: number; warning: number; info: number};
}

/** "✖ 2 critical · ▲ 5 warning │ " in their colours, first on the line: the answer to "what is wrong?". */
function problemCounts(c: HeaderProps['problems']) {
	if (!c) return '';
	if (c.critical === 0 && c.warning === 0) return <Text color={theme.ok}>{`✓ no problems${SEP}`}</Text>;
	return (
		<>
			{c.critical > 0 ? <Text color={theme.danger} bold>{`✖ ${c.critical} critical`}</Text> : ''}
			{c.critical > 0 && c.warning > 0 ? ' · ' : ''}
			{c.warning > 0 ? <Text color={theme.warn} bold>{`▲ ${c.warning} warning`}</Text> : ''}
			{SEP}
		</>
	);
}

/**
 * Looks at the clock every `ms` and re-renders only when the age shown reads
 * differently: an idle console with a fresh fleet draws nothing between polls.
 */
function useAgeText(text: () => string, ms: number): void {
	const [, setShown] = useState(text);
	const read = useRef(text);
	read.current = text;
	useEffect(() => {
		if (ms <= 0) return;
		const timer = setInterval(() => setShown(read.current()), ms);
		return () => clearInterval(timer);
	}, [ms]);
}

/** Below this age the data is current ("live"); from it on, its age counts up ("refreshed 12s ago"). */
export const LIVE_MS = 10_000;

function ageText(c: ConnectionState, now: number): string {
	if (c.lastOkAt === undefined) return '';
	const age = now - c.lastOkAt;
	if (c.status === 'stale') return ` ${formatDuration(age)}`;
	return age < LIVE_MS ? 'live' : `refreshed ${formatAge(age)}`;
}

const SEP = ' │ ';

export const Header = memo(function Header(p: HeaderProps) {
	const {stats} = p;
	const current = () => ({...p.connection, lastOkAt: p.pollTime?.() ?? p.connection.lastOkAt});
	const c = current();
	useAgeText(() => ageText(current(), p.now()), p.tickMs);
	const now = p.now();
	const where = p.clusterName ? `cluster ${sanitize(p.clusterName)}` : p.soleNode ? `node ${sanitize(p.soleNode)}` : '';
	// Badges sit right after the name (INSECURE first) so a narrow terminal never truncates them away; the
	// target (the longest part, and the cluster name already says where) comes last.
	const rest = [where, `nodes ${stats.nodesOnline}/${stats.nodesTotal}`, p.pveVersion ? `PVE ${sanitize(p.pveVersion)}` : '', sanitize(c.target)]
		.filter(Boolean)
		.join(SEP);

	const counts = `${stats.running} running  ${stats.stopped} stopped${stats.other > 0 ? `  ${stats.other} other` : ''}`;
	const usage = `CPU ${formatPercent(stats.cpu)}${SEP}MEM ${formatBytes(stats.memUsed)}/${formatBytes(stats.memTotal)}`;
	let status: React.ReactNode;
	if (c.status === 'stale') {
		const age = ageText(c, now);
		status = <Text color={theme.danger} bold>{`STALE${age} — ${sanitize(c.lastError ?? 'no answer')}`}</Text>;
	} else if (c.status === 'failed') {
		status = <Text color={theme.danger} bold>{`NO DATA — ${sanitize(c.lastError ?? 'no answer')}`}</Text>;
	} else if (c.status === 'connecting') {
		status = <Text color={theme.muted}>connecting…</Text>;
	} else {
		// A large fleet is read less often than the refresh (fleet-pace.ts): say so, or "live" would overstate it.
		const every = c.readEveryMs !== undefined ? ` · read every ${Math.round(c.readEveryMs / 1000)}s` : '';
		status = <Text color={theme.muted}>{ageText(c, now) + every}</Text>;
	}

	return (
		<>
			<Text wrap="truncate">
				<Text bold color={theme.accent}>
					proxdeck
				</Text>
				{p.badges.insecure ? <Text color={theme.danger} bold inverse>{' INSECURE '}</Text> : ''}
				{p.badges.demo ? <Text color={theme.accent} inverse>{' DEMO '}</Text> : ''}
				{p.badges.readOnly ? <Text color={theme.warn} inverse>{' READ-ONLY '}</Text> : ''}
				{/* Right after the badges, so no width cuts it: nothing can be started or changed until it is back. */}
				{p.quorate === false ? <Text color={theme.danger} bold inverse>{' NO QUORUM '}</Text> : ''}
				{' '}
				{rest}
			</Text>
			<Text wrap="truncate">
				{problemCounts(p.problems)}
				{p.marked ? <Text color={theme.warn} bold>{`${p.marked} marked${SEP}`}</Text> : ''}
				{counts}
				{SEP}
				{usage}
				{SEP}
				{status}
			</Text>
		</>
	);
});
