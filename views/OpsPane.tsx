// The bottom panes of the action side: the tasks pane (newest first, running
// ones with their elapsed time, failed ones in red, and the focused task's
// log tail) and the audit pane (the audit log's recent actions; a begin
// without an end reads "unknown outcome"). Explicit height: the frame never
// grows past rows − 1.

import {Box, Text} from 'ink';
import React from 'react';
import type {AuditView, Pane, TrackedTask} from '../source/store/ops-types.js';
import {sanitize} from '../source/util/sanitize.js';
import {formatDuration} from './format.js';
import {theme} from './theme.js';

interface Props {
	pane: Exclude<Pane, 'none'>;
	tasks: TrackedTask[];
	taskCursor: number;
	audit: AuditView[];
	height: number;
	now: () => number;
}

/** When a task started: "14:05" today, "Nov 22 14:05" before (local time, as the web UI shows it). */
export function taskStart(startedAt: number, now: number): string {
	const at = new Date(startedAt);
	const hhmm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
	if (at.toDateString() === new Date(now).toDateString()) return hhmm;
	return `${at.toLocaleString('en-US', {month: 'short'})} ${String(at.getDate()).padStart(2, '0')} ${hhmm}`;
}

/** Start, type, target, then the outcome (what a triager reads), the user last: a narrow pane cuts the user, not the reason. */
export function taskLine(t: TrackedTask, now: number, startWidth = 5): string {
	const elapsed = formatDuration(Math.max(0, (t.endedAt ?? now) - t.startedAt));
	const status = t.state === 'running' ? `running ${elapsed}` : t.state === 'ok' ? `OK ${t.exitstatus && t.exitstatus !== 'OK' ? sanitize(t.exitstatus) : ''}`.trim() : `failed: ${sanitize(t.exitstatus ?? '')}`;
	const target = t.label ?? (t.id ? `${t.id}` : t.node);
	const took = t.state === 'running' ? '' : ` (${elapsed})`;
	return `${t.ours ? '*' : ' '} ${taskStart(t.startedAt, now).padStart(startWidth)} ${t.type.padEnd(12)} ${sanitize(target).padEnd(18)} ${status}${took}  ${sanitize(t.user)}`;
}

function TasksView({tasks, taskCursor, height, now}: Omit<Props, 'pane' | 'audit'>) {
	const focused = tasks[taskCursor];
	const logRoom = focused ? Math.min(focused.logTail.length, Math.max(0, Math.floor((height - 1) / 2))) : 0;
	const listRoom = Math.max(0, height - 1 - logRoom - (logRoom > 0 ? 1 : 0));
	const top = Math.max(0, Math.min(taskCursor, tasks.length - listRoom));
	const running = tasks.filter((t) => t.state === 'running').length;
	// Room for "Nov 22 14:05" only when a task on screen started before today.
	const startWidth = tasks.slice(top, top + listRoom).some((t) => taskStart(t.startedAt, now()).length > 5) ? 12 : 5;
	return (
		<>
			<Text wrap="truncate" color={theme.accent} bold>{`tasks ${tasks.length}${running > 0 ? ` (${running} running)` : ''}  * = started here  [/] pick a task`}</Text>
			{tasks.length === 0 ? <Text color={theme.muted}>no recent tasks</Text> : null}
			{tasks.slice(top, top + listRoom).map((t, i) => (
				<Text key={t.upid} wrap="truncate" inverse={top + i === taskCursor} color={t.state === 'failed' ? theme.danger : t.state === 'running' ? theme.warn : undefined}>
					{taskLine(t, now(), startWidth)}
				</Text>
			))}
			{logRoom > 0 && focused ? (
				<>
					<Text wrap="truncate" color={theme.muted}>{`log of ${focused.type} ${sanitize(focused.label ?? focused.id)}:`}</Text>
					{focused.logTail.slice(-logRoom).map((line, i) => (
						<Text key={i} wrap="truncate" color={line.startsWith('TASK ERROR') ? theme.danger : theme.muted}>{`  ${line}`}</Text>
					))}
				</>
			) : null}
		</>
	);
}

function auditLine(a: AuditView): string {
	const outcome = a.ended ? (a.result === 'OK' ? 'OK' : `failed: ${sanitize(a.result ?? '')}`) : 'unknown outcome (no end recorded)';
	const took = a.durationMs !== undefined && Number.isFinite(a.durationMs) ? ` ${formatDuration(a.durationMs)}` : '';
	return `${a.time.replace('T', ' ').slice(0, 19)}  ${sanitize(a.identity)}  ${sanitize(a.action)} ${a.targets.join(',')}  ${outcome}${took}`;
}

function AuditPaneView({audit, height}: {audit: AuditView[]; height: number}) {
	return (
		<>
			<Text wrap="truncate" color={theme.accent} bold>{`audit log (${audit.length} recent actions)`}</Text>
			{audit.length === 0 ? <Text color={theme.muted}>no action recorded yet</Text> : null}
			{audit.slice(0, Math.max(0, height - 1)).map((a) => (
				<Text key={a.id} wrap="truncate" color={!a.ended ? theme.warn : a.result === 'OK' ? undefined : theme.danger}>
					{auditLine(a)}
				</Text>
			))}
		</>
	);
}

export function OpsPane(p: Props) {
	return (
		<Box flexDirection="column" height={p.height} overflowY="hidden">
			{p.pane === 'tasks' ? <TasksView tasks={p.tasks} taskCursor={p.taskCursor} height={p.height} now={p.now} /> : <AuditPaneView audit={p.audit} height={p.height} />}
		</Box>
	);
}
