// The backup dialogs (they only draw; keys go to the command interface):
// back up now's form (storage picker of backup storages only, mode, zstd,
// notes, protected), a guest's backup list, and the restore form (over the
// guest or to a new VMID, target storage). Each shows the host command that
// does the same.

import {Text} from 'ink';
import React from 'react';
import {hostCommands} from '../../source/services/actions/catalog.js';
import type {BackupFormDialog, BackupListDialog, RestoreFormDialog} from '../../source/store/ops-types.js';
import {sanitize} from '../../source/util/sanitize.js';
import {truncate, wrapLines} from '../format.js';
import {theme} from '../theme.js';
import {backupEntryText, backupEntryTone} from './backup-lines.js';
import {toneColor} from '../theme.js';

function Wrapped({text, width, color}: {text: string; width: number; color?: string}) {
	return (
		<>
			{wrapLines(text, width).map((line, i) => (
				<Text key={i} wrap="truncate" color={color}>
					{line}
				</Text>
			))}
		</>
	);
}

/** One field: its label (accent when focused) and its value; a choice shows all its options, the chosen one marked. */
function Field({label, focused, children}: {label: string; focused: boolean; children: React.ReactNode}) {
	return (
		<Text wrap="truncate">
			<Text bold={focused} color={focused ? theme.accent : undefined}>{`${focused ? '›' : ' '} ${label}: `}</Text>
			{children}
		</Text>
	);
}

function Choices({options, chosen}: {options: readonly string[]; chosen: number}) {
	return (
		<>
			{options.map((o, i) => (
				<Text key={o} inverse={i === chosen} bold={i === chosen}>{` ${sanitize(o)} `}</Text>
			))}
		</>
	);
}

export function BackupFormView({d, width}: {d: BackupFormDialog; width: number}) {
	const storage = d.storages[d.storage] ?? '';
	const command = hostCommands('backup', 'lxc', d.targets[0] ?? 0, {storage, mode: d.mode, notes: d.notes, ...(d.protected ? {protected: 1} : {})})[0] ?? '';
	return (
		<>
			<Text wrap="truncate" bold color={theme.accent}>{`back up ${sanitize(d.targetLabel)} now`}</Text>
			{d.bulkNote ? <Text color={theme.warn}>{d.bulkNote}</Text> : null}
			<Field label="storage" focused={d.field === 'storage'}>
				<Choices options={d.storages} chosen={d.storage} />
			</Field>
			<Field label="mode" focused={d.field === 'mode'}>
				<Choices options={['snapshot', 'suspend', 'stop']} chosen={['snapshot', 'suspend', 'stop'].indexOf(d.mode)} />
			</Field>
			<Text wrap="truncate">{'  compression: zstd'}</Text>
			<Field label="notes" focused={d.field === 'notes'}>
				{sanitize(d.notes)}
				{d.field === 'notes' ? <Text color={theme.accent}>█</Text> : ''}
			</Field>
			<Field label="protected (never pruned)" focused={d.field === 'protected'}>
				{d.protected ? '[x]' : '[ ]'}
			</Field>
			{d.error ? <Wrapped text={`✗ ${d.error}`} width={width} color={theme.danger} /> : null}
			<Wrapped text={`equivalent on the host: $ ${sanitize(command)}${d.targets.length > 1 ? ` (its guests, on each node)` : ''}`} width={width} color={theme.muted} />
			<Wrapped text="tab next field · ↑/↓ or space change the choice · enter: confirm · esc cancels" width={width} color={theme.muted} />
		</>
	);
}

export function BackupListView({d, height, width}: {d: BackupListDialog; height: number; width: number}) {
	const header = 2 + (d.error ? wrapLines(d.error, width).length : 0);
	const rows = Math.max(1, height - header);
	const top = Math.max(0, Math.min(d.cursor - Math.floor(rows / 2), d.entries.length - rows));
	return (
		<>
			<Text wrap="truncate" bold color={theme.accent}>{`backups of ${sanitize(d.label)} (${d.entries.length}), newest first`}</Text>
			<Text wrap="truncate" color={theme.muted}>
				enter restores from the one under the cursor (over the guest or to a new VMID) · esc closes
			</Text>
			{d.error ? <Wrapped text={`✗ ${d.error}`} width={width} color={theme.danger} /> : null}
			{d.entries.length === 0 ? <Text color={theme.danger}>no backup on any backup storage: d backs it up now</Text> : null}
			{d.entries.slice(top, top + rows).map((e, i) => (
				<Text key={e.volid} wrap="truncate" inverse={top + i === d.cursor} color={toneColor(backupEntryTone(e))}>
					{truncate(`${backupEntryText(e)}  ${sanitize(e.volid)}`, width)}
				</Text>
			))}
		</>
	);
}

export function RestoreFormView({d, width}: {d: RestoreFormDialog; width: number}) {
	const storage = d.storages[d.storage];
	const params = {volid: d.entry.volid, ...(storage ? {storage} : {}), ...(d.target === 'new' && d.newVmid !== undefined ? {newVmid: d.newVmid} : {})};
	const commands = hostCommands('restore', d.entry.subtype === 'qemu' ? 'qemu' : 'lxc', d.vmid, params);
	const newLabel = d.newVmid === undefined ? 'to a new VMID (reading…)' : `to a new VMID ${d.newVmid}`;
	return (
		<>
			<Text wrap="truncate" bold color={theme.danger}>{`restore ${sanitize(d.label)} from a backup`}</Text>
			<Text wrap="truncate">{`  ${backupEntryText(d.entry)}`}</Text>
			<Field label="restore" focused={d.field === 'target'}>
				<Choices options={[`over ${d.vmid} (stops it, replaces its disks)`, newLabel]} chosen={d.target === 'over' ? 0 : 1} />
			</Field>
			<Field label="target storage" focused={d.field === 'storage'}>
				{d.loading ? 'reading…' : d.storages.length === 0 ? "the archive's own" : <Choices options={d.storages} chosen={d.storage} />}
			</Field>
			{d.error ? <Wrapped text={`✗ ${d.error}`} width={width} color={theme.danger} /> : null}
			<Text color={theme.muted}>equivalent on the host:</Text>
			{commands.map((c) => (
				<Text key={c} wrap="truncate" color={theme.muted}>{`  $ ${sanitize(c)}`}</Text>
			))}
			<Wrapped text="tab next field · ↑/↓ or space change the choice · enter: confirm · esc cancels" width={width} color={theme.muted} />
		</>
	);
}
