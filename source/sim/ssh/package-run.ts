// What every simulated package manager shares: the run context, timing, the
// package the injected failure hits, the state changes of an upgrade
// (versions, services, reboot flag), the container's package lock, and the
// upgrade bookkeeping (how many run at once) that tests check an engine's
// concurrency limit against.

import type {SimGuest, SimState} from '../state.js';
import type {Distro} from './package-catalog.js';
import {serviceOf, servicePackages} from './package-catalog.js';
import type {Script, ScriptBuilder, ScriptFinish} from './package-script.js';
import {DEFAULT_TIMING, noteReboot, type GuestPackages, type PendingUpgrade, type UpgradeRecord} from './package-state.js';
import {guestName} from '../state.js';

export interface PkgRun {
	state: SimState;
	guest: SimGuest;
	pkgs: GuestPackages;
	distro: Distro;
	/** Ticker ms now (the SSH side's clock), for the upgrade log. */
	now: () => number;
}

/** A handled command: either an immediate answer or a timed script. */
export type PkgAnswer = {code: number; stdout: string; stderr: string} | {script: Script; upgrade?: boolean; locks?: boolean};

export function answer(code: number, stdout = '', stderr = ''): PkgAnswer {
	return {code, stdout, stderr};
}

/** Simulated seconds one package takes in this container. */
export function perPackageSec(run: PkgRun, count: number): number {
	if (run.pkgs.upgradeSeconds !== undefined) return run.pkgs.upgradeSeconds / Math.max(1, count);
	return DEFAULT_TIMING.perPackageSec;
}

export function refreshSec(): number {
	return DEFAULT_TIMING.refreshSec;
}

/** The package the injected failure hits: the application's own package when it is upgraded, else the last one. */
export function failingPackage(run: PkgRun, upgrades: PendingUpgrade[]): PendingUpgrade | undefined {
	const service = serviceOf(guestName(run.guest), typeof run.guest.config.tags === 'string' ? run.guest.config.tags : '');
	const own = new Set((service ? servicePackages(service, run.distro.family) : []).map((e) => e[0]));
	return upgrades.find((u) => own.has(u.name)) ?? upgrades[upgrades.length - 1];
}

/** The upgrade order an injected failure needs: the failing package mid-way, so part of the fleet's versions change before it. */
export function orderForFailure(upgrades: PendingUpgrade[], failing: PendingUpgrade | undefined): PendingUpgrade[] {
	if (!failing || upgrades.length < 2) return upgrades;
	const rest = upgrades.filter((u) => u !== failing);
	const half = Math.ceil(rest.length / 2);
	return [...rest.slice(0, half), failing, ...rest.slice(half)];
}

export function setVersion(run: PkgRun, upgrade: PendingUpgrade, status: 'ii' | 'iU' | 'iF'): void {
	run.pkgs.installed[upgrade.name] = {version: upgrade.to, status};
}

export function setStatus(run: PkgRun, name: string, status: 'ii' | 'iU' | 'iF'): void {
	const entry = run.pkgs.installed[name];
	if (entry) entry.status = status;
}

/** After a successful upgrade: the reboot flag, and a `break-service` failure kills the application. */
export function completeUpgrade(b: ScriptBuilder, run: PkgRun, upgraded: PendingUpgrade[]): void {
	b.effect(() => {
		noteReboot(run.pkgs, run.guest, upgraded);
		if (run.pkgs.failure === 'break-service' && upgraded.length > 0) run.pkgs.services[run.pkgs.mainUnit] = 'failed';
	});
}

/** Marks the index refreshed. */
export function refreshIndex(b: ScriptBuilder, run: PkgRun): void {
	b.effect(() => {
		run.pkgs.indexStale = false;
	});
}

/** SI sizes as apt prints them: `5,612 kB`, `12.3 MB`. */
export function aptSize(kb: number): string {
	if (kb >= 10_000) return `${(kb / 1000).toFixed(1)} MB`;
	return `${Math.max(1, Math.round(kb)).toLocaleString('en-US')} kB`;
}

/** Binary sizes as dnf, apk and pacman print them: `5.6 MiB`, `83.6 KiB`. */
export function binSize(kb: number, digits = 1): string {
	const bytes = kb * 1000;
	if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(digits)} MiB`;
	return `${(bytes / 1024).toFixed(digits)} KiB`;
}

export function totalKb(upgrades: PendingUpgrade[]): number {
	return upgrades.reduce((sum, u) => sum + u.kb, 0);
}

/**
 * Wraps a script with the bookkeeping every package command needs: the
 * container's package lock (held while it runs) and, for upgrades, the
 * concurrency record and the per-command log entry.
 */
export function tracked(run: PkgRun, script: Script, options: {upgrade: boolean}): Script {
	const {pkgs, state, guest} = run;
	const stats = state.upgradeStats;
	const before = Object.fromEntries(Object.entries(pkgs.installed).map(([name, p]) => [name, p.version]));
	pkgs.busy = true;
	const record: UpgradeRecord | undefined = options.upgrade ? {vmid: guest.vmid, manager: pkgs.manager, startMs: run.now(), changed: 0} : undefined;
	if (record) {
		stats.running++;
		stats.started++;
		stats.peak = Math.max(stats.peak, stats.running);
		stats.log.push(record);
	}
	const inner = script.onFinish;
	return {
		...script,
		onFinish: (how: ScriptFinish, code: number | undefined) => {
			// A rollback may have replaced the package object meanwhile; release the one this run locked.
			pkgs.busy = false;
			inner?.(how, code);
			if (!record) return;
			stats.running--;
			stats.finished++;
			const after = guest.packages ?? pkgs;
			Object.assign(record, {
				endMs: run.now(),
				changed: Object.entries(after.installed).filter(([name, p]) => before[name] !== p.version).length,
				outcome: how === 'exit' ? (code === 0 ? 'ok' : 'error') : how === 'dropped' ? 'dropped' : 'killed',
			});
			if (record.outcome === 'ok' && record.changed === 0) record.outcome = 'nothing-to-do';
		},
	};
}
