// The backups pane's keys (scope `backups`): move between its jobs, guests
// and storages; Enter on an uncovered guest selects it in the fleet (d there
// backs it up); p on a storage previews its prune through the command
// interface (read-only refuses p before this runs: it is `dangerous`).

import type {Commands} from '../../source/services/actions/commands.js';
import type {AppState} from '../../source/store/types.js';
import {stopIndices, type BackupsStop} from './backups-lines.js';
import {selectBackupsLines} from './backups-pane.js';

export interface BackupsKeyContext {
	commands?: Commands;
	now: number;
	/** Focus the fleet with this guest selected. */
	openGuest(vmid: number): void;
	/** One line on the pane's title. */
	say(text: string): void;
}

type Handler = (state: AppState, ctx: BackupsKeyContext) => void;

const BIG = 1_000_000_000;

function stops(state: AppState, now: number): BackupsStop[] {
	const lines = selectBackupsLines(state, now);
	return stopIndices(lines).map((i) => lines[i]!.stop!);
}

const move = (delta: number): Handler => (state, ctx) => state.actions.backupsMove(delta, stops(state, ctx.now).length);

function current(state: AppState, ctx: BackupsKeyContext): BackupsStop | undefined {
	const all = stops(state, ctx.now);
	return all[Math.min(state.backups.cursor, all.length - 1)];
}

export const BACKUPS_HANDLERS: Record<string, Handler> = {
	'backups.down': move(1),
	'backups.up': move(-1),
	'backups.top': move(-BIG),
	'backups.bottom': move(BIG),
	'backups.open': (state, ctx) => {
		const stop = current(state, ctx);
		if (stop?.kind === 'guest') return ctx.openGuest(stop.vmid);
		if (stop?.kind === 'storage') return ctx.say('p previews what its retention would prune');
		ctx.say('Enter opens an uncovered guest in the fleet');
	},
	'backups.prune': (state, ctx) => {
		const stop = current(state, ctx);
		if (stop?.kind !== 'storage') return ctx.say('p prunes a backup storage: move to one under BACKUP STORAGES');
		if (!ctx.commands) return ctx.say('pruning needs a connection');
		ctx.commands.pruneBackups(stop.storage, stop.node);
	},
};
