// The deck's panes, each implementing the Pane contract (pane.ts) by wrapping
// the views that drew the old one-at-a-time screens: the fleet table rows,
// TopologyView / ZfsView when zoomed (compact renderings otherwise), the log
// buffers' rows, the tasks list and the upgrade screen. No pane touches the
// network: the services fill the store for the panes the deck reports visible.

import {sameFleetBy, sameTags} from '../../source/store/guest-shape.js';
import {Box, Text} from 'ink';
import React, {useEffect, useMemo} from 'react';
import type {Scope} from '../../keymaps/index.js';
import {logsOf} from '../../source/services/logs/registry.js';
import {upgradesOf} from '../../source/services/upgrade/registry.js';
import type {LogPaneState} from '../../source/store/logs-types.js';
import type {TrackedTask} from '../../source/store/ops-types.js';
import {effectiveFilter, selectVisibleRows} from '../../source/store/selectors.js';
import type {AppState, GuestRow} from '../../source/store/types.js';
import {sanitize} from '../../source/util/sanitize.js';
import {COLUMNS, contentWidths, contentWidthsAfterNics, headerLine, layoutColumns, type Column, type ContentWidths} from '../columns.js';
import {DetailPanel, detailLines, type GuestBackupsView} from '../DetailPanel.js';
import {selectGuestBackups, selectNotCovered} from '../../source/store/backups-slice.js';
import type {Keymap} from '../../keymaps/index.js';
import {FleetRow, minuteOf, titleLine} from '../FleetTable.js';
import {busyGuests} from '../busy.js';
import {durationTick, fit, formatReadAge, readAgeTick} from '../format.js';
import {computeLayout, FOOTER_HEIGHT, HEADER_HEIGHT} from '../layout.js';
import {logsScope} from '../logs/log-keys.js';
import {statusText} from '../logs/LogPane.js';
import {LogsScreen} from '../logs/LogsScreen.js';
import {paneRows} from '../logs/pane-rows.js';
import {OpsPane} from '../OpsPane.js';
import {fleetFilterText} from '../ScreenBody.js';
import {ScrollList} from '../ScrollList.js';
import {theme, toneColor, type Tone} from '../theme.js';
import {topologyTitle, TopologyView} from '../TopologyView.js';
import {selectTopology, selectTopologyView, topologyProblemCount} from '../topology-lines.js';
import {UpgradeScreen} from '../upgrade/UpgradeScreen.js';
import {selectConsumers, selectFillInputs, selectPoolFigures} from '../zfs-lines.js';
import {ZfsView} from '../ZfsView.js';
import {selectCompactTopology, selectCompactZfs} from './compact-lines.js';
import type {PaneKind} from './layout-engine.js';
import type {Pane, PaneContext, PaneRenderProps} from './pane.js';
import {PANE_MIN_SIZE} from './pane-sizes.js';
import {countsText, problemLines} from '../problems-lines.js';
import {backupsPane} from '../backups/backups-pane.js';
import {nodesPane} from './nodes-pane.js';

// ── fleet ──────────────────────────────────────────────────────────────────

export function emptyFleetText(state: AppState): string {
	const {status, lastError} = state.connection;
	if (state.guests.size === 0) {
		if (status === 'connecting') return 'connecting…';
		if (status === 'failed') return `no data: ${sanitize(lastError ?? 'no answer')}`;
		return 'no guests';
	}
	return `no guest matches /${sanitize(effectiveFilter(state))}`;
}

/**
 * The fleet pane's split between table and the detail/tasks panel below it:
 * the single-screen arithmetic (views/layout.ts) applied to the pane, whose
 * title line stands in for the table's.
 */
export function fleetPaneLayout(state: AppState, size: {width: number; height: number}, now: number, keymap?: Keymap) {
	const detailOpen = state.ui.overlay === 'detail';
	const opsOpen = state.pane !== 'none';
	const selected = state.ui.selectedVmid === undefined ? undefined : state.guests.get(state.ui.selectedVmid);
	const backups = selected && detailOpen ? guestBackupsView(state, selected.vmid, keymap) : undefined;
	// Title, the detail's lines, and the last-upgrade line above them.
	const wanted = detailOpen && !opsOpen && selected ? 2 + detailLines(selected, state.detail, state.nics.get(selected.vmid), now, backups, guestPulses(state, selected.vmid)).length : undefined;
	// +1 title line of the pane (counted in the table chrome), the frame's header/footer/spare row added back.
	const layout = computeLayout({columns: size.width, rows: size.height + 1 + HEADER_HEIGHT + FOOTER_HEIGHT + 1}, detailOpen || opsOpen, wanted);
	return {viewportRows: layout.viewportRows, detailHeight: layout.detailHeight, detailOpen, opsOpen, selected, backups};
}

let backupsViewCache: {backups: AppState['backups']; vmid: number; restoreKey: string | undefined; view: GuestBackupsView} | undefined;

/** The selected guest's rrddata series for its detail's sparklines (services/nodes reads it while the detail is open). */
function guestPulses(state: AppState, vmid: number) {
	return {series: state.nodeHealth.pulses.get(`guest:${vmid}`), timeframe: state.nodeHealth.timeframe};
}


/** The detail panel's backup list of one guest; the same object while the backups and the guest are unchanged (the panel is memoised). */
export function guestBackupsView(state: AppState, vmid: number, keymap: Keymap | undefined): GuestBackupsView {
	const restoreKey = keymap?.bindings.find((b) => b.action === 'act.restore')?.keys[0];
	const c = backupsViewCache;
	if (c && c.backups === state.backups && c.vmid === vmid && c.restoreKey === restoreKey) return c.view;
	const view: GuestBackupsView = {entries: selectGuestBackups(state, vmid), read: state.backups.readAt !== undefined, notCovered: selectNotCovered(state, vmid), ...(restoreKey ? {restoreKey} : {})};
	backupsViewCache = {backups: state.backups, vmid, restoreKey, view};
	return view;
}

let columnsCache: {guests: AppState['guests']; nics: AppState['nics']; backupsRead: boolean; columns: Column[]; content: ContentWidths} | undefined;

/**
 * Whether a guest's cells in the columns' choice and flexible widths are the
 * same: those depend on its name, tags, lock, HA state, kind and node, never
 * on its figures. A poll that only moved CPU and memory (every pvestatd cycle)
 * then does not format every row's cells again (at 10,000 guests, 30,000 cells).
 */
const sameColumnText = (old: GuestRow, row: GuestRow) =>
	old.name === row.name && old.lock === row.lock && old.hastate === row.hastate && old.kind === row.kind && old.node === row.node && sameTags(old.tags, row.tags);

/**
 * The table's columns less those with nothing to say in this fleet (LOCK, HA
 * no guest fills; TYPE without a VM; NODE on one node; LAST BACKUP before the
 * backups were read), so TAGS is not cut for an empty column; and the width
 * the flexible ones' cells need.
 */
export function fleetColumns(guests: AppState['guests'], nics: AppState['nics'], backupsRead = false): {columns: Column[]; content: ContentWidths} {
	if (columnsCache && columnsCache.backupsRead === backupsRead && sameFleetBy(columnsCache.guests, guests, sameColumnText)) {
		if (columnsCache.nics !== nics) {
			// Only NICs changed: BRIDGE/IP's width, from the guests whose NICs changed.
			const content = contentWidthsAfterNics(columnsCache.content, columnsCache.columns, guests, columnsCache.nics, nics);
			columnsCache = {...columnsCache, nics, content};
		}
		columnsCache.guests = guests;
		return columnsCache;
	}
	const rows = [...guests.values()];
	const columns = COLUMNS.filter((c) => (c.shownFor?.(rows) ?? true) && (!c.needsBackups || backupsRead));
	columnsCache = {guests, nics, backupsRead, columns, content: contentWidths(columns, rows, nics)};
	return columnsCache;
}

function FleetBody({frame}: {frame: PaneRenderProps}) {
	const {state, store, keymap, width, height, now} = frame;
	const {columns, content} = fleetColumns(state.guests, state.nics, state.backups.readAt !== undefined);
	const placed = useMemo(() => layoutColumns(width, columns, content), [width, columns, content]);
	const l = fleetPaneLayout(state, {width, height}, now(), keymap);
	const {setViewportRows} = state.actions;
	useEffect(() => {
		setViewportRows(l.viewportRows);
	}, [l.viewportRows, setViewportRows]);
	// Memoised on the task list, so rows redraw only when a task changes (a running reboot reads "rebooting…").
	const busy = useMemo(() => busyGuests(state.tasks), [state.tasks]);
	const rows = selectVisibleRows(state);
	const scrollTop = Math.max(0, Math.min(state.ui.scrollTop, rows.length - l.viewportRows));
	const window = rows.slice(scrollTop, scrollTop + l.viewportRows);
	const {backups} = state;
	const minute = minuteOf(now());
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text wrap="truncate" bold>
				{fit(headerLine(placed, state.ui.sortKey, state.ui.sortDesc), width)}
			</Text>
			<Box flexDirection="column" height={l.viewportRows} overflow="hidden">
				{window.length === 0 ? (
					<Text wrap="truncate" color={theme.muted}>
						{emptyFleetText(state)}
					</Text>
				) : (
					window.map((row) => (
						<FleetRow key={row.vmid} row={row} nics={state.nics.get(row.vmid)} selected={row.vmid === state.ui.selectedVmid} placed={placed} marked={state.marks.has(row.vmid)} busy={busy.get(row.vmid)} lastBackup={backups.newest.get(row.vmid)} backupsRead={backups.readAt !== undefined} minute={minute} backupWindowS={backups.windowSeconds} figuresSeq={state.figuresSeq} />
					))
				)}
			</Box>
			{l.opsOpen ? (
				<OpsPane pane={state.pane as 'tasks' | 'audit'} tasks={state.tasks} taskCursor={state.taskCursor} audit={state.audit} height={l.detailHeight} now={now} />
			) : l.detailOpen ? (
				<>
					{l.selected ? <LastUpgradeLine store={store} vmid={l.selected.vmid} now={now()} /> : null}
					<DetailPanel row={l.selected} nodeOnline={l.selected ? state.nodes.some((n) => n.name === l.selected!.node && n.status === 'online') : false} detail={state.detail} nics={l.selected ? state.nics.get(l.selected.vmid) : undefined} height={Math.max(0, l.detailHeight - 1)} now={now} {...(l.backups ? {backups: l.backups} : {})} pulses={l.selected ? guestPulses(state, l.selected.vmid) : undefined} />
				</>
			) : null}
		</Box>
	);
}

const fleetPane: Pane = {
	kind: 'fleet',
	label: 'fleet',
	key: '1',
	title({state, now, keymap}, {width, body}) {
		const rows = selectVisibleRows(state);
		const l = fleetPaneLayout(state, body, now(), keymap);
		const scrollTop = Math.max(0, Math.min(state.ui.scrollTop, rows.length - l.viewportRows));
		const text = titleLine({shown: rows.length, total: state.guests.size, filter: fleetFilterText(state), scrollTop, viewportRows: l.viewportRows, width: Math.max(10, width)}).trimEnd();
		return {text, stale: state.connection.status === 'stale'};
	},
	scope: (state) => (state.ui.overlay === 'detail' ? 'detail' : 'fleet'),
	actions: [],
	minSize: PANE_MIN_SIZE.fleet,
	render: (p) => <FleetBody frame={p} />,
	// nodeHealth: the selected guest's pulses in its detail.
	// The connection's state and error, not its last poll time: an unchanged poll moves only that, and nothing here draws it.
	deps: (s) => [s.guests, s.nics, s.ui, s.marks, s.tasks, s.detail, s.pane, s.taskCursor, s.audit, s.connection.status, s.connection.lastError, s.backups, s.nodeHealth, s.deck.notice],
	// The detail's and the columns' ages ("snapshot 3d old", "last upgrade 12m ago").
	clockMs: () => 60_000,
};

/** A compact pane's body: its lines, the cursor drawn only while the pane has the keys. */
function CompactList({lines, cursor, width, height}: {lines: Array<{text: string; tone?: Tone; bold?: boolean}>; cursor: number | undefined; width: number; height: number}) {
	return (
		<Box width={width} height={height} overflow="hidden">
			<ScrollList lines={lines} cursor={cursor} height={height} />
		</Box>
	);
}

/** The detail's answer to "what was the last upgrade of X": its run, outcome and pre-upgrade snapshot, from the run journals. */
function LastUpgradeLine({store, vmid, now}: {store: PaneRenderProps['store']; vmid: number; now: number}) {
	const last = useMemo(() => upgradesOf(store)?.lastUpgrade(vmid), [store, vmid]);
	const text = !last
		? 'last upgrade: none by proxdeck (run journals)'
		: // R (in the footer's help) rolls back to the snapshot named here.
			`last upgrade ${last.runId} ${ago(now - last.at)}${last.outcome ? ` ${last.outcome}` : ''} · ${last.snapname ? `pre-upgrade snapshot ${sanitize(last.snapname)} (R)` : 'no snapshot taken'}`;
	return (
		<Text wrap="truncate" color={last?.snapname ? theme.accent : theme.muted}>
			{text}
		</Text>
	);
}

// ── topology ───────────────────────────────────────────────────────────────

function TopologyBody({frame}: {frame: PaneRenderProps}) {
	const {state, width, height, now, focused, zoomed} = frame;
	if (zoomed) return <TopologyView lines={selectTopologyView(state).lines} topology={state.topology} height={height} now={now} />;
	return <CompactList lines={selectCompactTopology(state)} cursor={focused ? state.topology.cursor : undefined} width={width} height={height} />;
}

const topologyPane: Pane = {
	kind: 'topology',
	label: 'topology',
	key: '2',
	title({state, now}) {
		const problems = topologyProblemCount(selectTopology(state));
		const read = topologyTitle(state.topology, now(), formatReadAge).replace(/^Bridge topology · /, '');
		return {text: `${problems > 0 ? `${problems} problem${problems === 1 ? '' : 's'} · ` : ''}${read}`, tone: problems > 0 ? 'danger' : undefined};
	},
	scope: () => 'topology',
	actions: ['topo.open'],
	minSize: PANE_MIN_SIZE.topology,
	render: (p) => <TopologyBody frame={p} />,
	// The topology memo keeps its identity while a poll changes only CPU and memory figures.
	deps: (s) => [selectTopology(s), s.topology, s.ui.selectedVmid, s.deck.notice],
	// Zoomed, the full screen counts seconds; compact, the title says "just now" / "3m ago".
	clockMs: (s, now, zoomed) => (s.topology.fetchedAt === undefined ? undefined : (zoomed ? durationTick : readAgeTick)(now - s.topology.fetchedAt)),
};

// ── ZFS ────────────────────────────────────────────────────────────────────

function ZfsBody({frame}: {frame: PaneRenderProps}) {
	const {state, width, height, now, focused, zoomed} = frame;
	if (zoomed) return <ZfsView zfs={state.zfs} consumers={selectConsumers(state)} figures={selectPoolFigures(state)} fill={selectFillInputs(state)} width={width} height={height} now={now} />;
	return <CompactList lines={selectCompactZfs(state, width)} cursor={focused ? state.zfs.cursor : undefined} width={width} height={height} />;
}

const zfsPane: Pane = {
	kind: 'zfs',
	label: 'ZFS',
	key: '3',
	title({state, now}) {
		const z = state.zfs;
		const parts: string[] = [];
		if (z.sample?.source === 'ssh') parts.push(`over ${sanitize(z.sample.sshLabel ?? 'ssh')}`);
		if (z.loading && !z.sample) parts.push('reading…');
		if (z.sample) parts.push(`read ${formatReadAge(now() - z.sample.at)}`);
		if (z.error) return {text: `failed: ${sanitize(z.error)}`, tone: 'danger'};
		return {text: parts.join(' · ') || 'not read yet'};
	},
	scope: () => 'zfs',
	actions: ['zfs.open'],
	minSize: PANE_MIN_SIZE.zfs,
	render: (p) => <ZfsBody frame={p} />,
	deps: (s) => [s.zfs, selectConsumers(s), selectPoolFigures(s), selectFillInputs(s), s.ui.selectedVmid, s.deck.notice],
	clockMs: (s, now, zoomed) => (s.zfs.sample ? (zoomed ? durationTick : readAgeTick)(now - s.zfs.sample.at) : undefined),
};

// ── logs ───────────────────────────────────────────────────────────────────

/** The log service pane a logs leaf shows: the follow pane, the host journal, or the Nth other open pane. */
export function logPaneOf(state: AppState, source: string | undefined): LogPaneState | undefined {
	const {panes} = state.logs;
	const {followPane, hostPane} = state.deck;
	if (source === undefined || source === 'follow') return panes.find((p) => p.id === followPane);
	if (source === 'host') return panes.find((p) => p.id === hostPane);
	if (source === 'all') return panes[state.logs.focus];
	const others = panes.filter((p) => p.id !== followPane && p.id !== hostPane);
	return others[Number(source) - 1];
}

const LEVEL_TONE: Record<string, Tone | undefined> = {error: 'danger', warn: 'warn', info: undefined};

function emptyLogText(state: AppState, source: string | undefined): string {
	if (source === 'host') return 'host journal of the selected guest\'s node (opens when shown)';
	if (source === undefined || source === 'follow') {
		if (!state.deck.follow) return 'follow is off: F follows the selected guest again';
		return state.ui.selectedVmid === undefined ? 'no guest selected' : "the selected guest's journal opens once the cursor rests";
	}
	return 'no log pane here: o (in a log pane) opens one — host journal, a guest, a task log, the audit log';
}

function LogsBody({frame}: {frame: PaneRenderProps}) {
	const {state, store, leaf, width, height, zoomed} = frame;
	const service = logsOf(store);
	if (zoomed || leaf.source === 'all') return <LogsScreen state={state} service={service} width={width} height={height} />;
	const pane = logPaneOf(state, leaf.source);
	const buffer = pane && service ? service.buffer(pane.id) : undefined;
	// The log keys' one-line result (saved to …, invalid regex) on the pane they acted on, until the next key.
	const notice = state.logs.notice !== undefined && pane !== undefined && state.logs.panes[state.logs.focus]?.id === pane.id ? state.logs.notice : undefined;
	const rowsHeight = Math.max(0, height - (notice === undefined ? 0 : 1));
	const rows = pane && buffer && service ? paneRows(buffer, pane, service.filterOf(pane), rowsHeight, width) : [];
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			{!pane ? (
				<Text wrap="truncate" color={theme.muted}>
					{emptyLogText(state, leaf.source)}
				</Text>
			) : null}
			{rows.map((row) => (
				<Text key={row.key} wrap="truncate" color={toneColor(LEVEL_TONE[row.level])}>
					{row.text === '' ? ' ' : row.text}
				</Text>
			))}
			{notice === undefined ? null : (
				<Text wrap="truncate" color={theme.warn}>
					{sanitize(notice)}
				</Text>
			)}
		</Box>
	);
}

const logsPane: Pane = {
	kind: 'logs',
	label: 'logs',
	key: '4',
	title({state, store, leaf, zoomed}) {
		if (zoomed || leaf.source === 'all') return {text: `${state.logs.panes.length} pane${state.logs.panes.length === 1 ? '' : 's'}`};
		const pane = logPaneOf(state, leaf.source);
		const following = (leaf.source ?? 'follow') === 'follow' ? (state.deck.follow ? 'follows selection' : 'follow off') : '';
		if (!pane) return {text: [leaf.source === 'host' ? 'host journal' : leaf.source === 'follow' || leaf.source === undefined ? 'journal' : `pane ${leaf.source}`, following].filter(Boolean).join(' · ')};
		const status = statusText(pane);
		const lines = logsOf(store)?.buffer(pane.id)?.length ?? 0;
		const filter = pane.filter === '' ? '' : ` · ${pane.invert ? '!' : ''}/${pane.filter}/`;
		return {text: `${pane.title} · ${status.text} · ${lines.toLocaleString('en-US')} lines${filter}${following ? ` · ${following}` : ''}`, tone: status.tone === 'danger' ? 'danger' : undefined};
	},
	scope: (state) => logsScope(state),
	actions: [],
	minSize: PANE_MIN_SIZE.logs,
	render: (p) => <LogsBody frame={p} />,
	// logs.version moves with every batch of lines the log service takes in.
	deps: (s) => [s.logs, s.deck.follow, s.deck.followPane, s.deck.hostPane, s.ui.selectedVmid, s.deck.notice],
};

// ── tasks ──────────────────────────────────────────────────────────────────

const HOUR = 3_600_000;

/** "now", "45s ago", "12m ago", "3h ago", "2d ago". */
export function ago(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	if (s < 5) return 'now';
	if (s < 60) return `${s}s ago`;
	if (s < 3600) return `${Math.floor(s / 60)}m ago`;
	if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
	return `${Math.floor(s / 86_400)}d ago`;
}

export function tasksShown(state: AppState): TrackedTask[] {
	return state.deck.tasksFailedOnly ? state.tasks.filter((t) => t.state === 'failed') : state.tasks;
}

export function compactTaskLine(t: TrackedTask, now: number): {text: string; tone?: Tone} {
	const mark = t.state === 'failed' ? '✗' : t.state === 'running' ? '…' : '✓';
	const outcome = t.state === 'failed' ? `failed: ${sanitize(t.exitstatus ?? '')}` : t.state === 'running' ? 'running' : 'OK';
	const target = sanitize(t.label ?? (t.id || t.node));
	return {
		text: `${mark} ${ago(now - (t.endedAt ?? t.startedAt)).padStart(7)}  ${t.type.padEnd(10)} ${target.padEnd(16)} ${outcome}  ${sanitize(t.user)}`,
		tone: t.state === 'failed' ? 'danger' : t.state === 'running' ? 'warn' : undefined,
	};
}

function TasksBody({frame}: {frame: PaneRenderProps}) {
	const {state, width, height, now, focused, zoomed} = frame;
	if (zoomed && !state.deck.tasksFailedOnly) return <OpsPane pane="tasks" tasks={state.tasks} taskCursor={state.taskCursor} audit={state.audit} height={height} now={now} />;
	const tasks = tasksShown(state);
	const lines = tasks.map((t) => compactTaskLine(t, now()));
	const shown = lines.length > 0 ? lines : [{text: state.deck.tasksFailedOnly ? 'no failed task' : 'no recent tasks', tone: 'muted' as const}];
	return <CompactList lines={shown} cursor={focused && lines.length > 0 ? state.taskCursor : undefined} width={width} height={height} />;
}

const tasksPane: Pane = {
	kind: 'tasks',
	label: 'tasks',
	key: '6',
	title({state, now}) {
		const running = state.tasks.filter((t) => t.state === 'running').length;
		const failedHour = state.tasks.filter((t) => t.state === 'failed' && now() - (t.endedAt ?? t.startedAt) < HOUR).length;
		const parts = [state.deck.tasksFailedOnly ? 'failed only' : `${state.tasks.length}`];
		if (running > 0) parts.push(`${running} running`);
		parts.push(`${failedHour} failed in the last hour`);
		return {text: parts.join(' · '), tone: failedHour > 0 ? 'danger' : undefined};
	},
	scope: () => 'tasks',
	actions: ['tasks.failedOnly'],
	minSize: PANE_MIN_SIZE.tasks,
	render: (p) => <TasksBody frame={p} />,
	deps: (s) => [s.tasks, s.deck.tasksFailedOnly, s.taskCursor, s.audit, s.deck.notice],
	// "45s ago" counts in seconds for the first minute; the title's "failed in the last hour" drops off at an hour.
	clockMs: (s, now) => (s.tasks.length === 0 ? undefined : Math.min(...s.tasks.map((t) => durationTick(now - (t.endedAt ?? t.startedAt))))),
};

// ── problems ───────────────────────────────────────────────────────────────

function ProblemsBody({frame}: {frame: PaneRenderProps}) {
	const {state, width, height, now, focused} = frame;
	const lines = problemLines(state.problems, now(), width);
	if (lines.length === 0) {
		const text = state.problems.evaluatedAt === undefined ? 'evaluating…' : 'no problems: every rule holds';
		return <CompactList lines={[{text, tone: state.problems.evaluatedAt === undefined ? 'muted' : 'ok'}]} cursor={undefined} width={width} height={height} />;
	}
	// The cursor is on a problem; its detail lines (a gateway's dependents) follow it.
	const cursorLine = lines.findIndex((l) => !l.detail && l.problem === state.problems.cursor);
	return <CompactList lines={lines} cursor={focused ? Math.max(0, cursorLine) : undefined} width={width} height={height} />;
}

const problemsPane: Pane = {
	kind: 'problems',
	label: 'problems',
	key: '7',
	title({state}) {
		const {counts, evaluatedAt} = state.problems;
		// Not "no problems" before the rules have run once: the first fleet is drawn before they do.
		if (evaluatedAt === undefined) return {text: 'evaluating…', tone: 'muted'};
		return {text: countsText(counts), tone: counts.critical > 0 ? 'danger' : counts.warning > 0 ? 'warn' : 'ok'};
	},
	scope: () => 'problems',
	actions: ['problems.down', 'problems.up', 'problems.top', 'problems.bottom', 'problems.open', 'problems.fix'],
	minSize: PANE_MIN_SIZE.problems,
	render: (p) => <ProblemsBody frame={p} />,
	deps: (s) => [s.problems, s.deck.notice],
	// Ages read "now" for a minute, then in minutes.
	clockMs: (s) => (s.problems.list.length === 0 ? undefined : 60_000),
};

// ── upgrade ────────────────────────────────────────────────────────────────

const upgradePane: Pane = {
	kind: 'upgrade',
	label: 'upgrade',
	key: '5',
	title: ({store}) => ({text: upgradesOf(store) ? 'plan, confirm, run' : 'needs a connection'}),
	scope: () => 'upgrade',
	actions: [],
	minSize: PANE_MIN_SIZE.upgrade,
	render: ({store, width, height, now}) => <UpgradeScreen controller={upgradesOf(store)} width={width} height={height} now={now} />,
	// The upgrade screen follows its controller itself (useSyncExternalStore); its clock is the run's.
	deps: (s) => [s.ui, s.marks, s.deck.notice],
	clockMs: () => 1000,
};

export const PANES: Readonly<Record<PaneKind, Pane>> = {
	fleet: fleetPane,
	topology: topologyPane,
	zfs: zfsPane,
	logs: logsPane,
	tasks: tasksPane,
	upgrade: upgradePane,
	problems: problemsPane,
	backups: backupsPane,
	nodes: nodesPane,
};

/** The pane a digit focuses and zooms (1 fleet … 5 upgrade, 6 tasks). */
export function paneOfKey(digit: string): PaneKind | undefined {
	return (Object.values(PANES) as Pane[]).find((p) => p.key === digit)?.kind;
}

export function paneScope(kind: PaneKind, state: AppState, zoomed: boolean): Scope {
	return PANES[kind].scope(state, zoomed);
}

export type {PaneContext};
