// The package managers proxdeck drives inside containers: which one a
// container's ostype means, the shell lines for refresh / count / upgrade /
// reboot check, and the parsers that turn their output into a pending list.
// Data plus small parsers; no I/O. Command forms follow fixtures/README.md
// (what the simulator answers), which follows what the real tools accept.

export type ManagerKind = 'apt' | 'apk' | 'dnf' | 'pacman' | 'zypper';

export interface PendingPackage {
	name: string;
	to?: string;
}

export interface ManagerSpec {
	kind: ManagerKind;
	/** Refreshes the package index. */
	refresh: string;
	/** Lists pending upgrades (after a refresh). */
	count: string;
	/** Exit codes of `count` that still mean "answered" (dnf: 100 = upgrades exist; pacman: 1 = none). */
	countOkCodes: readonly number[];
	parseCount(stdout: string): PendingPackage[];
	/** Non-interactive upgrade of everything pending. */
	upgrade: string;
	/** Exits `rebootExit` when a reboot is needed; undefined when the distro has no such check. */
	rebootCheck?: string;
	rebootExit?: number;
}

/** Packages whose upgrade means a reboot (the flag apt and needs-restarting raise for them). */
const REBOOT_PACKAGES = /^(libc6|libc-bin|glibc|musl|libssl3(t64)?|openssl(-libs)?|libcrypto3|systemd|libsystemd0|linux-image.*|kernel.*)$/;

export function predictsReboot(packages: PendingPackage[]): boolean {
	return packages.some((p) => REBOOT_PACKAGES.test(p.name));
}

const lines = (text: string) => text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');

/**
 * dnf 4 lays `check-update` out in columns (Output.fmtColumns): a value wider
 * than its column is printed whole, then a newline and an indent to where the
 * next column starts. So a long `name.arch` (or version) leaves the rest of
 * its row on the next, indented line; those rows were dropped and the
 * container looked up to date (test/property/package-managers.property.test.ts).
 * Indented lines continue a row that has fewer than its three fields.
 */
function dnfRows(text: string): string[] {
	const rows: string[] = [];
	for (const line of lines(text)) {
		const last = rows.length - 1;
		if (last >= 0 && /^\s/.test(line) && rows[last]!.trim().split(/\s+/).length < 3) rows[last] += ` ${line.trim()}`;
		else rows.push(line);
	}
	return rows;
}

export const MANAGERS: Record<ManagerKind, ManagerSpec> = {
	apt: {
		kind: 'apt',
		refresh: 'apt-get update -o APT::Update::Error-Mode=any',
		count: 'apt-get -s dist-upgrade',
		countOkCodes: [0],
		// "Inst libc6 [2.41-12] (2.41-12+deb13u1 Debian-Security:13/…)"
		parseCount: (out) =>
			lines(out)
				.map((l) => /^Inst (\S+)(?: \[[^\]]*\])? \((\S+)/.exec(l))
				.filter((m): m is RegExpExecArray => m !== null)
				.map((m) => ({name: m[1]!, to: m[2]!})),
		upgrade: 'DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Options::=--force-confold dist-upgrade',
		rebootCheck: 'test -f /var/run/reboot-required',
		rebootExit: 0,
	},
	apk: {
		kind: 'apk',
		refresh: 'apk update',
		count: 'apk list -u',
		countOkCodes: [0],
		// "musl-1.2.5-r11 x86_64 {musl} (MIT) [upgradable from: musl-1.2.5-r10]"
		parseCount: (out) =>
			lines(out)
				.map((l) => /^(\S+) \S+ \{[^}]*\} .*\[upgradable from: /.exec(l))
				.filter((m): m is RegExpExecArray => m !== null)
				.map((m) => {
					const full = m[1]!;
					const split = /^(.+)-([^-]+-r\d+)$/.exec(full);
					return split ? {name: split[1]!, to: split[2]!} : {name: full};
				}),
		upgrade: 'apk upgrade',
	},
	dnf: {
		kind: 'dnf',
		refresh: 'dnf -y makecache',
		count: 'dnf -q check-update',
		countOkCodes: [0, 100],
		// "openssl-libs.x86_64   1:3.2.4-4.fc42   updates"
		parseCount: (out) =>
			dnfRows(out)
				.map((l) => /^(\S+)\.(\w+)\s+(\S+)\s+\S+$/.exec(l))
				.filter((m): m is RegExpExecArray => m !== null)
				.map((m) => ({name: m[1]!, to: m[3]!})),
		upgrade: 'dnf -y upgrade',
		rebootCheck: 'dnf needs-restarting -r',
		rebootExit: 1,
	},
	pacman: {
		kind: 'pacman',
		refresh: 'pacman -Sy',
		count: 'pacman -Qu',
		countOkCodes: [0, 1],
		// "glibc 2.41+r48-1 -> 2.42+r3-1"
		parseCount: (out) =>
			lines(out)
				.map((l) => /^(\S+) \S+ -> (\S+)$/.exec(l))
				.filter((m): m is RegExpExecArray => m !== null)
				.map((m) => ({name: m[1]!, to: m[2]!})),
		upgrade: 'pacman -Syu --noconfirm',
	},
	zypper: {
		kind: 'zypper',
		refresh: 'zypper -n refresh',
		count: 'zypper list-updates',
		countOkCodes: [0],
		// "v | Main Update Repository | curl | 8.6.0-… | 8.6.0-… | x86_64"
		parseCount: (out) =>
			lines(out)
				.map((l) => l.split('|').map((c) => c.trim()))
				.filter((cells) => cells[0] === 'v' && cells.length >= 5)
				.map((cells) => ({name: cells[2]!, to: cells[4]!})),
		upgrade: 'zypper --non-interactive update',
		rebootCheck: 'zypper needs-rebooting',
		rebootExit: 102,
	},
};

/** The package manager an LXC `ostype` means, or undefined (gentoo, nixos, unmanaged …). */
export function managerForOstype(ostype: string | undefined): ManagerKind | undefined {
	switch ((ostype ?? '').toLowerCase()) {
		case 'debian':
		case 'ubuntu':
		case 'devuan':
			return 'apt';
		case 'alpine':
			return 'apk';
		case 'fedora':
		case 'centos':
		case 'rocky':
		case 'alma':
		case 'almalinux':
			return 'dnf';
		case 'archlinux':
			return 'pacman';
		case 'opensuse':
			return 'zypper';
		default:
			return undefined;
	}
}

/** argv for a shell line inside a container: `pct exec <vmid> -- sh -c '<line>'`. */
export function pctExec(vmid: number, line: string): string[] {
	return ['pct', 'exec', String(vmid), '--', 'sh', '-c', line];
}
