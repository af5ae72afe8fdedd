// The `:` commands as data (k9s style): name, aliases, what it does, and its
// handler. The prompt, Tab completion and the `?` help all read this table;
// later issues add entries (`:mark tag=media`) rather than code paths.

import type {StoreApi} from 'zustand/vanilla';
import {upgradesOf} from '../source/services/upgrade/registry.js';
import {contextsOf} from '../source/services/contexts/registry.js';
import type {AppActions, AppState} from '../source/store/types.js';
import {upgradeTargets} from './upgrade/upgrade-keys.js';
import {switchLayout} from './deck/deck-keys.js';

export interface CommandContext {
	actions: AppActions;
	quit(): void;
	/** The store, for commands that read guests or reach the upgrade controller. */
	store?: StoreApi<AppState>;
}

export interface Command {
	name: string;
	aliases: string[];
	/** Shown in help: "[args]" when the command takes any. */
	usage?: string;
	description: string;
	run(ctx: CommandContext, args: string[]): void;
}

export const COMMANDS: Command[] = [
	{name: 'fleet', aliases: ['ct', 'vm', 'guests'], usage: '[filter, e.g. type=vm]', description: 'the guest table (with words: filtered by them)', run: runFleet},
	{name: 'net', aliases: ['br', 'topology', 'bridges'], description: 'bridge topology and network problems', run: (c) => c.actions.setScreen('topology')},
	{name: 'problems', aliases: ['problem', 'wrong', 'alerts'], description: 'everything wrong in the fleet, worst first', run: (c) => c.actions.setScreen('problems')},
	{name: 'backups', aliases: ['backup', 'vzdump'], description: 'backup jobs, guests no job covers, backup storages', run: (c) => c.actions.setScreen('backups')},
	{name: 'zfs', aliases: ['pool', 'pools', 'storage'], description: 'ZFS pools, datasets and snapshot space', run: (c) => c.actions.setScreen('zfs')},
	{name: 'logs', aliases: ['log', 'journal'], description: 'live log panes (journals, task logs, audit log)', run: (c) => c.actions.setScreen('logs')},
	{name: 'upgrade', aliases: ['up', 'upgrades'], description: 'bulk upgrades: plan the marked containers (else show the screen)', run: runUpgrade},
	{name: 'nodes', aliases: ['node', 'hosts', 'ha'], description: 'node health, updates, reboots and pulses (rrddata sparklines)', run: (c) => c.actions.setScreen('nodes')},
	{name: 'layout', aliases: ['deck'], usage: 'NAME', description: 'switch the deck layout to one of these (help lists the built-ins and the config\'s):', run: runLayout},
	{name: 'mark', aliases: [], usage: 'tag=media | node=pve | os=alpine', description: 'mark the containers with this tag, on this node or of this OS', run: runMark},
	{name: 'ctx', aliases: ['context', 'contexts'], usage: '[NAME]', description: 'list the clusters of the config file, or switch to one (marks and filters stay behind)', run: runContext},
	{name: 'q', aliases: ['quit', 'q!'], description: 'quit proxdeck', run: (c) => c.quit()},
];

function runUpgrade(c: CommandContext): void {
	const controller = c.store ? upgradesOf(c.store) : undefined;
	const marked = c.store ? [...c.store.getState().marks] : [];
	if (controller && marked.length > 0) return controller.plan(upgradeTargets(c.store!.getState()));
	c.actions.setScreen('upgrade');
}

/** `:ctx` lists the config's contexts (the current one starred); `:ctx NAME` asks the context service to switch. */
function runContext(c: CommandContext, args: string[]): void {
	const switcher = c.store ? contextsOf(c.store) : undefined;
	if (!switcher) return c.actions.setCommandNotice('no contexts to switch to: add clusters under contexts: in the config file');
	if (args.length === 0) {
		const list = switcher.list().map((e) => `${e.current ? '*' : ''}${e.name} (${e.endpoint})`);
		return c.actions.setCommandNotice(`contexts: ${list.join('  ')} — :ctx NAME switches`);
	}
	switcher.switchTo(args[0]!);
}

function runLayout(c: CommandContext, args: string[]): void {
	if (!c.store) return c.actions.setCommandNotice(':layout needs the console');
	const notice = switchLayout(c.store, args[0]);
	if (notice) c.actions.setCommandNotice(notice);
}

/** `:mark tag=media`, `:mark node=pve`, `:mark os=alpine`: adds to the marks, like ctrl+a. */
/** `:ct type=vm` — the fleet, filtered by the words after the command (as `/` would). */
function runFleet(c: CommandContext, args: string[]): void {
	c.actions.setScreen('fleet');
	if (args.length === 0) return;
	c.actions.openFilter();
	c.actions.editFilter(args.join(' '));
	c.actions.commitFilter();
}

function runMark(c: CommandContext, args: string[]): void {
	const [field, value] = (args[0] ?? '').split('=', 2);
	if (!c.store || !value || (field !== 'tag' && field !== 'node' && field !== 'os')) {
		c.actions.setCommandNotice('usage: :mark tag=<tag> | node=<node> | os=<ostype>');
		return;
	}
	const guests = [...c.store.getState().guests.values()];
	if (field === 'os') {
		const controller = upgradesOf(c.store);
		if (!controller) return c.actions.setCommandNotice(':mark os= needs a connection');
		c.actions.setCommandNotice(`reading container configs for os=${value}…`);
		void controller.markByOs(value).then((n) => c.actions.setCommandNotice(`marked ${n} container${n === 1 ? '' : 's'} with os=${value}`));
		return;
	}
	const matching = guests.filter((g) => (field === 'tag' ? g.tags.includes(value) : g.node === value)).map((g) => g.vmid);
	c.actions.markAll(matching);
	c.actions.setCommandNotice(`marked ${matching.length} guest${matching.length === 1 ? '' : 's'} with ${field}=${value}`);
}

/** The command a word names (its name or an alias, case-insensitive). */
export function findCommand(word: string, commands: Command[] = COMMANDS): Command | undefined {
	const w = word.toLowerCase();
	return commands.find((c) => c.name === w || c.aliases.includes(w));
}

/** Runs `text` ("net", "zfs", "mark tag=media"); returns the notice to show when it is unknown. */
export function runCommand(text: string, ctx: CommandContext, commands: Command[] = COMMANDS): string | undefined {
	const [word = '', ...args] = text.trim().replace(/^:/, '').split(/\s+/);
	if (word === '') return undefined;
	const command = findCommand(word, commands);
	if (!command) return `unknown command :${word} — try ${commands.map((c) => `:${c.name}`).join(' ')}`;
	command.run(ctx, args);
	return undefined;
}

/** Tab: the draft completed to the one command name it starts, else unchanged. */
export function completeCommand(draft: string, commands: Command[] = COMMANDS): string {
	const w = draft.trim().toLowerCase();
	if (w === '' || /\s/.test(w)) return draft;
	const names = commands.flatMap((c) => [c.name, ...c.aliases]).filter((n) => n.startsWith(w));
	const unique = [...new Set(names)];
	return unique.length === 1 ? unique[0]! : draft;
}

/** Help lines: ":net (:br, :topology, :bridges)  bridge topology …". */
export function commandHelp(commands: Command[] = COMMANDS): string[] {
	return commands.map((c) => {
		const names = [`:${c.name}${c.usage ? ` ${c.usage}` : ''}`, c.aliases.length > 0 ? `(${c.aliases.map((a) => `:${a}`).join(' ')})` : ''].filter(Boolean).join(' ');
		return `${names}  ${c.description}`;
	});
}
