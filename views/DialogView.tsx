// Draws the open dialog (state.dialog) in the body area: the confirm dialog
// (targets, effect, the equivalent pct/qm commands, [Cancel] [OK] with Cancel
// focused first), the snapshot prompt (with include RAM for a running VM), and the snapshot picker (the tree with
// time, description and parent; newest marked; ZFS non-latest greyed out).
// It only draws: keys go to the Commands interface (ops-keys.ts).

import {Box, Text} from 'ink';
import React from 'react';
import type {ConfirmDialog, Dialog, SnapshotPickerDialog, SnapshotPromptDialog} from '../source/store/ops-types.js';
import {BackupFormView, BackupListView, RestoreFormView} from './backups/BackupDialogs.js';
import {sanitize} from '../source/util/sanitize.js';
import {snapTime, truncate, wrapLines} from './format.js';
import {hostCommands} from '../source/services/actions/catalog.js';
import {theme} from './theme.js';

interface Props {
	dialog: Dialog;
	height: number;
	width: number;
}

export {snapTime} from './format.js';

function Line({children, color, bold, dim}: {children: React.ReactNode; color?: string; bold?: boolean; dim?: boolean}) {
	return (
		<Text wrap="truncate" color={color} bold={bold} dimColor={dim}>
			{children}
		</Text>
	);
}

/** Fits a list into `room` lines, ending with "… N more" when it does not fit. */
function bounded(lines: string[], room: number): string[] {
	if (lines.length <= room) return lines;
	const keep = Math.max(0, room - 1);
	return [...lines.slice(0, keep), `… ${lines.length - keep} more`];
}

function Button({label, focused, disabled}: {label: string; focused: boolean; disabled?: boolean}) {
	return (
		<Text inverse={focused} bold={focused} dimColor={disabled}>
			{` ${label} `}
		</Text>
	);
}

/** Text that explains a consequence, wrapped to the width: read whole, never cut. */
function Wrapped({text, width, color, bold}: {text: string; width: number; color?: string; bold?: boolean}) {
	return (
		<>
			{wrapLines(text, width).map((line, i) => (
				<Line key={i} color={color} bold={bold}>
					{line}
				</Line>
			))}
		</>
	);
}

/** Lines `text` takes wrapped to `width` (0 for no text). */
const linesOf = (text: string | undefined, width: number) => (text ? wrapLines(text, width).length : 0);

function ConfirmView({d, height, width}: {d: ConfirmDialog; height: number; width: number}) {
	const danger = d.request.action !== 'snapshot' && d.request.action !== 'start' && d.request.action !== 'backup';
	const title = sanitize(d.title);
	const effect = `This ${d.effect}.`;
	const typeLine = d.typeToConfirm !== undefined ? `Type ${d.typeToConfirm} to confirm: ${sanitize(d.typed)}█` : undefined;
	// Title, bulk note, effect, warning and the type line wrap; the commands title and buttons take a line each: the rest is for targets and commands.
	const fixed = linesOf(title, width) + linesOf(d.bulkNote, width) + linesOf(effect, width) + linesOf(d.warning, width) + linesOf(typeLine, width) + 2;
	const room = Math.max(2, height - fixed);
	const targetRoom = Math.max(1, Math.ceil(room / 2));
	const commandRoom = Math.max(1, room - Math.min(targetRoom, d.targets.length));
	const typedOk = d.typeToConfirm === undefined || d.typed.trim() === d.typeToConfirm;
	return (
		<>
			<Wrapped text={title} width={width} bold color={danger ? theme.danger : theme.accent} />
			{d.bulkNote ? <Wrapped text={d.bulkNote} width={width} color={theme.warn} /> : null}
			{bounded(d.targets.map(sanitize), targetRoom).map((t, i) => (
				<Line key={`t${i}`}>{`  ${t}`}</Line>
			))}
			<Wrapped text={effect} width={width} />
			{d.warning ? <Wrapped text={d.warning} width={width} color={theme.warn} /> : null}
			<Line color={theme.muted}>equivalent on the host:</Line>
			{bounded(d.commands.map(sanitize), commandRoom).map((c, i) => (
				<Line key={`c${i}`} color={theme.muted}>{`  $ ${c}`}</Line>
			))}
			{typeLine !== undefined ? <Wrapped text={typeLine} width={width} color={theme.warn} /> : null}
			<Text>
				<Button label="Cancel" focused={d.focus === 'cancel'} />
				{'  '}
				<Button label={danger ? `${d.request.action === 'delsnapshot' ? 'Delete' : d.request.action === 'prune' || d.request.action === 'prunebackups' ? 'Prune' : capital(d.request.action)}` : 'OK'} focused={d.focus === 'ok'} disabled={!typedOk} />
			</Text>
		</>
	);
}

function capital(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

function SnapshotPromptView({d, width}: {d: SnapshotPromptDialog; width: number}) {
	const field = (label: string, value: string, focused: boolean) => (
		<Text wrap="truncate">
			<Text bold={focused} color={focused ? theme.accent : undefined}>{`${label}: `}</Text>
			{sanitize(value)}
			{focused ? <Text color={theme.accent}>█</Text> : ''}
		</Text>
	);
	return (
		<>
			<Line bold color={theme.accent}>{`snapshot ${sanitize(d.targetLabel)}`}</Line>
			{d.bulkNote ? <Line color={theme.warn}>{d.bulkNote}</Line> : null}
			{field('name', d.name, d.field === 'name')}
			{field('description (optional)', d.description, d.field === 'description')}
			{d.vmstate !== undefined ? (
				<Text wrap="truncate">
					<Text bold={d.field === 'vmstate'} color={d.field === 'vmstate' ? theme.accent : undefined}>{`[${d.vmstate ? 'x' : ' '}] include RAM`}</Text>
					{d.field === 'vmstate' ? ' (space toggles)' : ''}
				</Text>
			) : null}
			{d.error ? <Wrapped text={`✗ ${d.error}`} width={width} color={theme.danger} /> : null}
			{d.warning ? <Wrapped text={d.warning} width={width} color={theme.warn} /> : null}
			<Wrapped text={`equivalent on the host: $ ${snapshotCommand(d)}${d.targets.length > 1 ? ` (and ${d.targets.length - 1} more)` : ''}`} width={width} color={theme.muted} />
			<Wrapped text="enter takes the snapshot · tab switches field · esc cancels" width={width} color={theme.muted} />
		</>
	);
}

/** The `pct snapshot` / `qm snapshot` the prompt would run, description (quoted for the shell) and RAM included, as the dialog's OK sends it. */
function snapshotCommand(d: SnapshotPromptDialog): string {
	const description = d.description.trim();
	return sanitize(hostCommands('snapshot', d.guestKind, d.targets[0] ?? 0, {snapname: d.name.trim(), ...(description ? {description} : {}), ...(d.vmstate ? {vmstate: 1} : {})})[0] ?? '');
}

function PickerView({d, height, width}: {d: SnapshotPickerDialog; height: number; width: number}) {
	const browse = d.browseOnly ? `browse only: roll back and delete are off (${sanitize(d.browseOnly)})` : undefined;
	const error = d.error ? `✗ ${sanitize(d.error)}` : undefined;
	const header = 2 + (browse ? linesOf(browse, width) : 1) + linesOf(error, width);
	const rows = Math.max(1, height - header);
	const top = Math.max(0, Math.min(d.cursor - Math.floor(rows / 2), d.entries.length - rows));
	const shown = d.entries.slice(top, top + rows);
	return (
		<>
			<Line bold color={theme.accent}>{`snapshots of ${sanitize(d.label)}${d.zfs ? '  (ZFS: only the newest can be rolled back to)' : ''}`}</Line>
			{browse ? (
				<Wrapped text={browse} width={width} color={theme.warn} />
			) : (
				<Line>{`[${d.startAfter ? 'x' : ' '}] start after rollback (space)`}</Line>
			)}
			{error ? <Wrapped text={error} width={width} color={theme.danger} /> : null}
			{d.loading ? <Line color={theme.muted}>loading…</Line> : null}
			{!d.loading && d.entries.length === 0 && !d.error ? <Line color={theme.muted}>no snapshots</Line> : null}
			{shown.map((e, i) => {
				const index = top + i;
				const s = e.snapshot;
				const text = `${'  '.repeat(e.depth)}${e.depth > 0 ? '└ ' : ''}${sanitize(s.name)}${e.newest ? ' (newest)' : ''}  ${snapTime(s.snaptime)}  ${sanitize(s.description.split('\n')[0] ?? '')}${s.parent ? `  ← ${sanitize(s.parent)}` : ''}`;
				return (
					<Text key={s.name} wrap="truncate" inverse={index === d.cursor} dimColor={e.rollbackBlocked !== undefined} color={e.newest ? theme.ok : undefined}>
						{truncate(text, width)}
					</Text>
				);
			})}
		</>
	);
}

export function DialogView({dialog, height, width}: Props) {
	return (
		<Box flexDirection="column" height={height} width={width} overflowY="hidden" borderStyle={undefined}>
			{dialog.kind === 'confirm' ? <ConfirmView d={dialog} height={height} width={width} /> : null}
			{dialog.kind === 'snapshot' ? <SnapshotPromptView d={dialog} width={width} /> : null}
			{dialog.kind === 'picker' ? <PickerView d={dialog} height={height} width={width} /> : null}
			{dialog.kind === 'backup' ? <BackupFormView d={dialog} width={width} /> : null}
			{dialog.kind === 'backups' ? <BackupListView d={dialog} height={height} width={width} /> : null}
			{dialog.kind === 'restore' ? <RestoreFormView d={dialog} width={width} /> : null}
		</Box>
	);
}
