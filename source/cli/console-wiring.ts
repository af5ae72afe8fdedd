// The services of one connected console: a store of its own and everything
// that keeps it fresh and acts on it, for one opened host or cluster. Built at
// start and again for every `:ctx` switch — a fresh store, so the previous
// cluster's marks, filters and selection stay behind with it.

import type {StoreApi} from 'zustand/vanilla';
import {createActionServices} from '../services/actions/index.js';
import type {Commands} from '../services/actions/commands.js';
import {watchFailover} from '../services/failover-notice.js';
import {createSession} from '../services/session.js';
import {statePaths} from '../services/state-paths.js';
import {createUpgradeController} from '../services/upgrade/controller.js';
import {attachUpgrades} from '../services/upgrade/registry.js';
import {createAppStore} from '../store/store.js';
import type {AppState} from '../store/types.js';
import {attachLayouts} from '../../views/deck/layout-registry.js';
import {allLayouts} from '../../views/deck/layouts.js';
import type {CliArgs} from './args.js';
import type {UserConfig} from './config.js';
import type {Io, OpenHost} from './open-host.js';
import type {Target} from './target.js';
import {optionsFrom} from './upgrade-command.js';

export interface WiredConsole {
	store: StoreApi<AppState>;
	commands: Commands;
	opened: OpenHost;
	/** A bulk upgrade is running (a switch would abandon it). */
	upgradeRunning(): boolean;
	start(): void;
	/** Stops every service and closes the host's connections (API and SSH). */
	stop(): Promise<void>;
}

/** `early.resources`: GET /cluster/resources already sent (main.tsx); it answers the fleet's first poll. */
export function wireConsole(opened: OpenHost, target: Target, config: UserConfig, args: CliArgs, io: Io, early: {resources?: Promise<unknown>} = {}): WiredConsole {
	const {client, demo, ssh} = opened;
	const label = (t: string) => (demo ? `simulator ${t}` : t);
	const store = createAppStore({
		target: label(client.target),
		demo: demo !== undefined,
		readOnly: target.readOnly,
		insecure: client.tlsMode === 'insecure',
		...(config.layout !== undefined ? {layout: config.layout} : {}),
	});
	// The API client moves to another node of the cluster when the one in use stops answering: the header says so.
	const unwatchFailover = watchFailover(client, store, label);
	// The deck's layouts: the built-ins (layouts/*.yaml) and the config's `layouts:`, validated by loadConfig.
	attachLayouts(store, allLayouts(config.layouts ?? []));
	// The demo keeps its audit log and upgrade journals apart from real hosts' (state-paths.ts).
	const paths = statePaths(io.env, {demo: demo !== undefined});
	const auditPath = args.auditLog ?? demo?.auditLog ?? paths.auditLog;
	const session = createSession({
		api: client,
		store,
		refreshMs: target.refreshMs,
		...(early.resources ? {firstResources: early.resources} : {}),
		runner: ssh?.runner,
		auditPath,
		problems: {...(config.thresholds ? {thresholds: config.thresholds} : {}), runsDir: paths.runsDir, host: client.target},
	});
	// Snapshot, reboot, rollback…: one dispatcher (read-only, privileges, confirmation, audit, task tracking).
	const actionServices = createActionServices({
		api: client,
		store,
		auditPath,
		identity: client.identity,
		host: client.target,
		onChanged: () => void session.refreshNow(),
	});
	// Bulk upgrades (u, 5, :upgrade): plans and runs through the same dispatcher; the journal is in $XDG_STATE_HOME/proxdeck/runs.
	// The upgrade flags (--concurrency, --health, --timeout…) and the config's upgrade.health apply here as headless.
	const upgrades = createUpgradeController({
		store,
		api: client,
		...(ssh ? {runner: ssh.runner} : {}),
		dispatcher: actionServices.dispatcher,
		audit: actionServices.audit,
		identity: client.identity,
		// The demo's journals name the demo, not its simulator's random port: the next start offers them.
		host: demo ? demo.identity : client.target,
		runsDir: paths.runsDir,
		options: optionsFrom(args.upgrade, config.upgradeHealth),
	});
	attachUpgrades(store, upgrades);
	let stopped: Promise<void> | undefined;
	return {
		store,
		commands: actionServices.commands,
		opened,
		upgradeRunning() {
			const view = upgrades.view();
			return view.stage === 'run' && !view.run.status().finished;
		},
		start() {
			session.start();
			actionServices.start();
		},
		stop() {
			stopped ??= (async () => {
				unwatchFailover();
				upgrades.stop();
				actionServices.stop();
				session.stop();
				await opened.close();
			})();
			return stopped;
		},
	};
}
