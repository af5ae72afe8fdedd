// Package state of a simulated container: what is installed (and in which
// dpkg-like status), what the repository offers, whether the local index is
// stale, the health of its services and the reboot-required flag. Derived
// lazily from the guest's ostype, hostname/tags, the fixture's `packages` and
// the seed, so a 5000-guest generated fleet pays nothing until a container is
// asked. Snapshots copy this state and a rollback restores it.

import {noise} from '../drift.js';
import type {FixturePackages, PackageFailure} from '../fixture-types.js';
import type {SimGuest, SimState} from '../state.js';
import {guestName} from '../state.js';
import {distroFor, serviceOf, servicePackages, type CatalogEntry, type Distro, type PackageManagerKind} from './package-catalog.js';

/** dpkg's status letters: installed, unpacked-not-configured, half-configured. Other managers only use `ii`. */
export type PackageStatus = 'ii' | 'iU' | 'iF';

export interface InstalledPackage {
	version: string;
	status: PackageStatus;
}

export interface RepoPackage {
	version: string;
	/** Download size in kB. */
	kb: number;
	/** Upgrading it asks for a reboot (libc, openssl, systemd). */
	reboot: boolean;
	/** Published after the container's last index refresh: invisible until `apt-get update` (or the like). */
	fresh: boolean;
}

export interface GuestPackages {
	manager: PackageManagerKind;
	installed: Record<string, InstalledPackage>;
	/** Newest version per package in the repository (what an upgrade installs). */
	repo: Record<string, RepoPackage>;
	/** True until the index is refreshed; a stale index hides `fresh` upgrades. */
	indexStale: boolean;
	/** Unit (OpenRC service on Alpine) → state; the first is the container's application. */
	services: Record<string, 'active' | 'failed'>;
	mainUnit: string;
	/** guest.runningSince when an upgrade asked for a reboot; the flag lives in /run (tmpfs), so a restart clears it. */
	rebootFlagBoot?: number;
	/** Packages that asked for the reboot (/var/run/reboot-required.pkgs, needs-restarting). */
	rebootPackages: string[];
	/** The injected failure (fixture `packages.failure`); survives rollbacks, like a broken upstream package would. */
	failure?: PackageFailure;
	rebootPolicy?: boolean;
	upgradeSeconds?: number;
	/** A package-manager process holds the lock (dpkg lock-frontend, apk's db lock, …). */
	busy: boolean;
}

/** A snapshot's copy: everything on the container's disk. */
export type PackageSnapshot = Omit<GuestPackages, 'busy' | 'failure' | 'rebootPolicy' | 'upgradeSeconds'>;

export interface UpgradeRecord {
	vmid: number;
	manager: PackageManagerKind;
	/** Ticker ms (the SSH side's time source) when the upgrade command started / ended. */
	startMs: number;
	endMs?: number;
	/** Packages whose version changed. */
	changed: number;
	outcome?: 'ok' | 'error' | 'killed' | 'dropped' | 'nothing-to-do';
}

/** How many package-manager upgrade commands run at once, for checking an engine's concurrency limit. */
export interface UpgradeStats {
	running: number;
	peak: number;
	started: number;
	finished: number;
	log: UpgradeRecord[];
}

export function emptyUpgradeStats(): UpgradeStats {
	return {running: 0, peak: 0, started: 0, finished: 0, log: []};
}

/** Starts a new measurement: the peak restarts from what runs now, the log and totals from zero. */
export function resetUpgradeStats(state: SimState): void {
	// In place: commands in flight hold this object and still count themselves out of it.
	const stats = state.upgradeStats;
	Object.assign(stats, {peak: stats.running, started: 0, finished: 0, log: []});
}

export interface PackageTiming {
	/** Simulated seconds of an index refresh. */
	refreshSec: number;
	/** Simulated seconds per upgraded package (download + unpack + configure). */
	perPackageSec: number;
}

export const DEFAULT_TIMING: PackageTiming = {refreshSec: 2.5, perPackageSec: 1.2};

function hashName(name: string): number {
	let h = 7;
	for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
	return h;
}

export function guestOstype(guest: SimGuest): string {
	return String(guest.config.ostype ?? 'debian');
}

/** The distro behind a guest, or undefined when no package manager is modelled (VMs, gentoo, nixos, unmanaged). */
export function guestDistro(guest: SimGuest): Distro | undefined {
	return guest.type === 'lxc' ? distroFor(guestOstype(guest)) : undefined;
}

/** Default number of pending upgrades: most containers have a few, some none. */
function defaultPendingCount(state: SimState, vmid: number, available: number): number {
	const roll = noise(state.seed, vmid, 0, 41);
	if (roll < 0.15) return 0;
	return Math.min(available, 2 + Math.floor(noise(state.seed, vmid, 0, 42) * 5));
}

/** Which upgradable entries are pending: a seeded order, security (reboot) updates first half the time. */
function choosePending(state: SimState, vmid: number, entries: readonly CatalogEntry[], count: number): Set<string> {
	const upgradable = entries.filter((e) => e[2] !== '');
	const ranked = [...upgradable].sort((a, b) => noise(state.seed, vmid, hashName(a[0]), 43) - noise(state.seed, vmid, hashName(b[0]), 43));
	return new Set(ranked.slice(0, count).map((e) => e[0]));
}

export function derivePackages(state: SimState, guest: SimGuest, spec: FixturePackages = {}): GuestPackages | undefined {
	const distro = guestDistro(guest);
	if (!distro) return undefined;
	const host = guestName(guest);
	const service = serviceOf(host, typeof guest.config.tags === 'string' ? guest.config.tags : '');
	const entries = [...distro.base, ...(service ? servicePackages(service, distro.family) : [])];
	const installed: Record<string, InstalledPackage> = {};
	const repo: Record<string, RepoPackage> = {};
	const explicit = Array.isArray(spec.pending) ? spec.pending : undefined;
	const pending = explicit
		? new Set<string>()
		: choosePending(state, guest.vmid, entries, typeof spec.pending === 'number' ? spec.pending : defaultPendingCount(state, guest.vmid, entries.filter((e) => e[2] !== '').length));
	for (const [name, from, to, kb, reboot] of entries) {
		installed[name] = {version: from, status: 'ii'};
		const upgrade = pending.has(name);
		// Security (reboot) updates are recent: only a refreshed index knows them.
		repo[name] = {version: upgrade ? to : from, kb: upgrade ? kb : 0, reboot: upgrade && reboot === 'r', fresh: upgrade && reboot === 'r'};
	}
	for (const p of explicit ?? []) {
		const known = entries.find((e) => e[0] === p.name);
		installed[p.name] = {version: p.from, status: 'ii'};
		repo[p.name] = {version: p.to, kb: known?.[3] || 150 + Math.floor(noise(state.seed, guest.vmid, hashName(p.name), 44) * 2000), reboot: known?.[4] === 'r', fresh: true};
	}
	const alpine = distro.family === 'alpine';
	const mainUnit = service?.unit ?? host;
	const services: Record<string, 'active' | 'failed'> = {[mainUnit]: 'active'};
	for (const unit of alpine ? ['sshd', 'crond'] : ['ssh', 'cron', 'systemd-journald']) services[unit] = 'active';
	return {
		manager: distro.manager,
		installed: sortKeys(installed),
		repo,
		indexStale: true,
		services,
		mainUnit,
		rebootPackages: [],
		...(spec.failure ? {failure: spec.failure} : {}),
		...(spec.rebootRequired !== undefined ? {rebootPolicy: spec.rebootRequired} : {}),
		...(spec.upgradeSeconds !== undefined ? {upgradeSeconds: spec.upgradeSeconds} : {}),
		busy: false,
	};
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
	return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The guest's package state, derived on first use; undefined when the guest has no modelled package manager. */
export function guestPackages(state: SimState, guest: SimGuest): GuestPackages | undefined {
	if (!guest.packages) guest.packages = derivePackages(state, guest, guest.packageSpec);
	return guest.packages;
}

export interface PendingUpgrade {
	name: string;
	from: string;
	to: string;
	kb: number;
	reboot: boolean;
}

/** Upgrades the local index knows about (all of them once refreshed), sorted by name. */
export function knownUpgrades(pkgs: GuestPackages): PendingUpgrade[] {
	const out: PendingUpgrade[] = [];
	for (const [name, current] of Object.entries(pkgs.installed)) {
		const candidate = pkgs.repo[name];
		if (!candidate || candidate.version === current.version) continue;
		if (pkgs.indexStale && candidate.fresh) continue;
		out.push({name, from: current.version, to: candidate.version, kb: candidate.kb, reboot: candidate.reboot});
	}
	return out;
}

/** Packages not fully configured (an interrupted or failed dpkg run). */
export function unconfigured(pkgs: GuestPackages): string[] {
	return Object.entries(pkgs.installed).filter(([, p]) => p.status !== 'ii').map(([name]) => name);
}

/** Whether the reboot-required flag is up: set by an upgrade during the current boot. */
export function rebootRequired(pkgs: GuestPackages, guest: SimGuest): boolean {
	return pkgs.rebootFlagBoot !== undefined && guest.status === 'running' && pkgs.rebootFlagBoot === guest.runningSince;
}

/** Marks the reboot flag after upgrading `changed` (the fixture's `rebootRequired` overrides the package rule). */
export function noteReboot(pkgs: GuestPackages, guest: SimGuest, changed: PendingUpgrade[]): void {
	const asking = changed.filter((u) => u.reboot).map((u) => u.name);
	const needed = pkgs.rebootPolicy ?? asking.length > 0;
	if (!needed || changed.length === 0) return;
	pkgs.rebootFlagBoot = guest.runningSince ?? 0;
	pkgs.rebootPackages = [...new Set([...(rebootRequired(pkgs, guest) ? pkgs.rebootPackages : []), ...(asking.length > 0 ? asking : [changed[0]!.name])])];
}

// --- snapshots ------------------------------------------------------------------

/** Hook for the snapshot code: the package state a new snapshot keeps. */
export function snapshotPackages(state: SimState, guest: SimGuest): PackageSnapshot | undefined {
	const pkgs = guestPackages(state, guest);
	if (!pkgs) return undefined;
	const {busy: _busy, failure: _failure, rebootPolicy: _policy, upgradeSeconds: _seconds, ...disk} = pkgs;
	return structuredClone(disk);
}

/**
 * Hook for the rollback code: the container's disk goes back to the snapshot;
 * the injected behaviour (failure, reboot policy, timing) stays. A fixture
 * snapshot predates the simulator and recorded nothing: like its config, the
 * derived start state is the best guess.
 */
export function restorePackages(state: SimState, guest: SimGuest, saved: PackageSnapshot | undefined): void {
	const current = guest.packages;
	if (!current) return;
	const disk = saved ? structuredClone(saved) : derivePackages(state, guest, guest.packageSpec);
	if (!disk) return;
	const {failure, rebootPolicy, upgradeSeconds} = current;
	const {failure: _f, rebootPolicy: _r, upgradeSeconds: _u, ...rest} = disk as GuestPackages;
	guest.packages = {
		...rest,
		busy: false,
		...(failure ? {failure} : {}),
		...(rebootPolicy !== undefined ? {rebootPolicy} : {}),
		...(upgradeSeconds !== undefined ? {upgradeSeconds} : {}),
	};
}

// --- test and bench helpers -----------------------------------------------------

/** Fixes every container's full-upgrade duration (simulated seconds), e.g. for a bench. */
export function setUpgradeSeconds(state: SimState, seconds: number): void {
	for (const guest of state.guests.values()) {
		const pkgs = guestPackages(state, guest);
		if (pkgs) pkgs.upgradeSeconds = seconds;
	}
}

/** Arms (or clears) a failure on one container at run time. */
export function setPackageFailure(state: SimState, vmid: number, failure: PackageFailure | undefined): void {
	const guest = state.guests.get(vmid);
	const pkgs = guest ? guestPackages(state, guest) : undefined;
	if (!pkgs) throw new Error(`guest ${vmid} has no simulated package manager`);
	if (failure) pkgs.failure = failure;
	else delete pkgs.failure;
}

/** Installed versions by name (what dpkg-query -W / apk info -v / rpm -q would list). */
export function installedVersions(state: SimState, vmid: number): Record<string, string> {
	const guest = state.guests.get(vmid);
	const pkgs = guest ? guestPackages(state, guest) : undefined;
	return Object.fromEntries(Object.entries(pkgs?.installed ?? {}).map(([name, p]) => [name, p.version]));
}
