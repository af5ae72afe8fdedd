// What the simulated containers have installed and what their repositories
// offer, per distribution family and per service. Versions follow each
// distribution's real scheme (Debian `+deb13u1` security uploads, Ubuntu
// `ubuntu1.1`, Alpine `-rN`, Fedora `.fc42`, EL `.el9_6`, Arch `-N`, SUSE
// `150600.x.y`) so proxdeck's parsers meet realistic strings. Data only.

export type PackageManagerKind = 'apt' | 'apk' | 'dnf' | 'pacman' | 'zypper';

/**
 * [name, installed version, newer version or '' when current, download kB,
 * 'r' when the update needs a reboot (libc, openssl, systemd) — the flag
 * /var/run/reboot-required and needs-restarting report].
 */
export type CatalogEntry = readonly [name: string, from: string, to: string, kb: number, reboot?: 'r'];

export interface Distro {
	family: 'debian' | 'ubuntu' | 'alpine' | 'fedora' | 'el' | 'arch' | 'suse';
	manager: PackageManagerKind;
	/** Fedora ≥ 41 ships dnf5, whose output differs from dnf 4. */
	dnf5?: boolean;
	/** Release name used in repository lines (trixie, plucky, v3.22, fc42, el9, leap 15.6). */
	release: string;
	/** rpm dist tag / arch suffix used in full package names. */
	arch: string;
	base: readonly CatalogEntry[];
}

const DEBIAN: Distro = {
	family: 'debian', manager: 'apt', release: 'trixie', arch: 'amd64',
	base: [
		['base-files', '13.8', '13.8+deb13u1', 71],
		['bash', '5.2.37-2+b5', '', 0],
		['ca-certificates', '20250419', '', 0],
		['coreutils', '9.7-3', '', 0],
		['curl', '8.14.1-2', '8.14.1-2+deb13u1', 269],
		['libcurl4t64', '8.14.1-2', '8.14.1-2+deb13u1', 391],
		['libc6', '2.41-12', '2.41-12+deb13u1', 2851, 'r'],
		['libc-bin', '2.41-12', '2.41-12+deb13u1', 623, 'r'],
		['libssl3t64', '3.5.1-1', '3.5.1-1+deb13u1', 2287, 'r'],
		['openssl', '3.5.1-1', '3.5.1-1+deb13u1', 1494, 'r'],
		['openssh-server', '1:10.0p1-7', '1:10.0p1-7+deb13u1', 612],
		['perl-base', '5.40.1-6', '', 0],
		['systemd', '257.7-1', '257.8-1~deb13u1', 3067, 'r'],
		['libsystemd0', '257.7-1', '257.8-1~deb13u1', 446, 'r'],
		['tzdata', '2025b-4', '2025b-4+deb13u1', 260],
		['sudo', '1.9.16p2-3', '1.9.16p2-3+deb13u1', 1928],
		['wget', '1.25.0-2', '', 0],
		['zlib1g', '1:1.3.dfsg+really1.3.1-1+b1', '', 0],
	],
};

const UBUNTU: Distro = {
	family: 'ubuntu', manager: 'apt', release: 'plucky', arch: 'amd64',
	base: [
		['base-files', '13.6ubuntu2', '13.6ubuntu2.1', 74],
		['bash', '5.2.37-1.1ubuntu1', '', 0],
		['ca-certificates', '20241223', '', 0],
		['coreutils', '9.5-1ubuntu2', '', 0],
		['curl', '8.12.1-3ubuntu1', '8.12.1-3ubuntu1.1', 250],
		['libcurl4t64', '8.12.1-3ubuntu1', '8.12.1-3ubuntu1.1', 402],
		['libc6', '2.41-6ubuntu1', '2.41-6ubuntu1.1', 3256, 'r'],
		['libc-bin', '2.41-6ubuntu1', '2.41-6ubuntu1.1', 687, 'r'],
		['libssl3t64', '3.4.1-1ubuntu3', '3.4.1-1ubuntu3.1', 2063, 'r'],
		['openssl', '3.4.1-1ubuntu3', '3.4.1-1ubuntu3.1', 1537, 'r'],
		['systemd', '257.4-1ubuntu3', '257.4-1ubuntu3.1', 3212, 'r'],
		['libsystemd0', '257.4-1ubuntu3', '257.4-1ubuntu3.1', 498, 'r'],
		['tzdata', '2025b-0ubuntu0.25.04', '2025b-0ubuntu0.25.04.1', 199],
		['sudo', '1.9.16p2-1ubuntu1', '1.9.16p2-1ubuntu1.1', 950],
		['python3.13', '3.13.3-1', '3.13.3-1ubuntu0.1', 739],
	],
};

const ALPINE: Distro = {
	family: 'alpine', manager: 'apk', release: 'v3.22', arch: 'x86_64',
	base: [
		['alpine-baselayout', '3.7.0-r0', '', 0],
		['apk-tools', '2.14.9-r2', '', 0],
		['busybox', '1.37.0-r18', '1.37.0-r19', 519],
		['ca-certificates-bundle', '20250619-r0', '', 0],
		['curl', '8.14.1-r1', '8.14.1-r2', 253],
		['libcurl', '8.14.1-r1', '8.14.1-r2', 389],
		['libcrypto3', '3.5.1-r0', '3.5.2-r0', 1942, 'r'],
		['libssl3', '3.5.1-r0', '3.5.2-r0', 347, 'r'],
		['musl', '1.2.5-r10', '1.2.5-r11', 409, 'r'],
		['openrc', '0.62.6-r0', '', 0],
		['tzdata', '2025b-r0', '2025c-r0', 459],
		['zlib', '1.3.1-r2', '', 0],
	],
};

const FEDORA: Distro = {
	family: 'fedora', manager: 'dnf', dnf5: true, release: 'fc42', arch: 'x86_64',
	base: [
		['bash', '5.2.37-1.fc42', '', 0],
		['ca-certificates', '2025.2.80_v9.0.304-1.0.fc42', '', 0],
		['curl', '8.11.1-5.fc42', '8.11.1-6.fc42', 312],
		['libcurl', '8.11.1-5.fc42', '8.11.1-6.fc42', 377],
		['glibc', '2.41-5.fc42', '2.41-9.fc42', 2312, 'r'],
		['glibc-common', '2.41-5.fc42', '2.41-9.fc42', 394, 'r'],
		['openssl-libs', '1:3.2.4-3.fc42', '1:3.2.4-4.fc42', 2403, 'r'],
		['systemd', '257.7-1.fc42', '257.9-2.fc42', 4211, 'r'],
		['tzdata', '2025b-1.fc42', '2025c-1.fc42', 429],
		['sudo', '1.9.15-7.p5.fc42', '', 0],
	],
};

const EL: Distro = {
	family: 'el', manager: 'dnf', release: 'el9', arch: 'x86_64',
	base: [
		['bash', '5.1.8-9.el9', '', 0],
		['curl', '7.76.1-31.el9', '7.76.1-31.el9_6.1', 297],
		['libcurl', '7.76.1-31.el9', '7.76.1-31.el9_6.1', 284],
		['glibc', '2.34-168.el9_6.19', '2.34-168.el9_6.23', 2031, 'r'],
		['glibc-common', '2.34-168.el9_6.19', '2.34-168.el9_6.23', 305, 'r'],
		['openssl-libs', '1:3.2.2-6.el9_5.1', '1:3.5.1-3.el9_6', 2287, 'r'],
		['systemd', '252-51.el9', '252-51.el9_6.1', 4150, 'r'],
		['tzdata', '2025b-1.el9', '2025b-2.el9', 841],
	],
};

const ARCH: Distro = {
	family: 'arch', manager: 'pacman', release: 'core', arch: 'x86_64',
	base: [
		['bash', '5.3.3-2', '', 0],
		['curl', '8.14.1-1', '8.15.0-1', 1210],
		['glibc', '2.41+r48+g5cb575ca9a3d-1', '2.42+r3+gbc13db739377-1', 10240, 'r'],
		['openssl', '3.5.1-1', '3.5.2-1', 5120],
		['pacman', '7.0.0.r6.gc685ae6-6', '', 0],
		['systemd', '257.7-1', '257.8-1', 8150],
		['tzdata', '2025b-1', '2025c-1', 321],
	],
};

const SUSE: Distro = {
	family: 'suse', manager: 'zypper', release: '15.6', arch: 'x86_64',
	base: [
		['bash', '4.4-150400.27.3.2', '', 0],
		['curl', '8.6.0-150600.4.21.1', '8.6.0-150600.4.24.1', 326],
		['libcurl4', '8.6.0-150600.4.21.1', '8.6.0-150600.4.24.1', 402],
		['glibc', '2.38-150600.14.26.1', '2.38-150600.14.32.1', 1840, 'r'],
		['libopenssl3', '3.1.4-150600.5.24.1', '3.1.4-150600.5.27.1', 1523, 'r'],
		['systemd', '254.24-150600.4.33.1', '254.25-150600.4.37.1', 4012, 'r'],
		['timezone', '2025b-150600.91.63.1', '2025c-150600.91.66.1', 314],
	],
};

/** The distro behind a container's `ostype`; undefined for gentoo, nixos and unmanaged (no package manager modelled). */
export function distroFor(ostype: string): Distro | undefined {
	switch (ostype) {
		case 'debian': case 'devuan': return DEBIAN;
		case 'ubuntu': return UBUNTU;
		case 'alpine': return ALPINE;
		case 'fedora': return FEDORA;
		// Proxmox has no rocky/alma ostype: EL rebuilds run as `centos`.
		case 'centos': return EL;
		case 'archlinux': return ARCH;
		case 'opensuse': return SUSE;
		default: return undefined;
	}
}

type FamilyEntries = Partial<Record<Distro['family'] | 'deb' | 'rpm', readonly CatalogEntry[]>>;

export interface ServicePackages {
	/** Matched against the container's hostname and tags. */
	match: RegExp;
	/** systemd unit (OpenRC service on Alpine) the health check asks about. */
	unit: string;
	packages: FamilyEntries;
}

/** The application each kind of container runs, with its packages where a distro packages it. */
export const SERVICES: readonly ServicePackages[] = [
	{match: /plex/, unit: 'plexmediaserver', packages: {deb: [['plexmediaserver', '1.41.8.9834-071366d65', '1.41.9.9961-46083195d', 118_272]]}},
	{match: /grafana/, unit: 'grafana-server', packages: {deb: [['grafana', '12.0.2', '12.1.0', 121_856]], rpm: [['grafana', '12.0.2-1', '12.1.0-1', 121_856]], alpine: [['grafana', '12.0.2-r1', '12.1.0-r0', 64_000]]}},
	{match: /prometheus/, unit: 'prometheus', packages: {deb: [['prometheus', '2.53.3+ds1-2', '2.53.3+ds1-2+deb13u1', 31_744]], alpine: [['prometheus', '3.4.2-r0', '3.5.0-r0', 30_100]]}},
	{match: /alertmanager/, unit: 'alertmanager', packages: {alpine: [['alertmanager', '0.28.1-r5', '0.28.1-r6', 11_200]], deb: [['prometheus-alertmanager', '0.28.1+ds-2', '0.28.1+ds-2+b1', 10_900]]}},
	{match: /loki/, unit: 'loki', packages: {deb: [['loki', '3.5.1', '3.5.3', 39_900]]}},
	{match: /promtail/, unit: 'promtail', packages: {alpine: [['loki-promtail', '3.5.1-r1', '3.5.3-r0', 28_300]]}},
	{match: /influx/, unit: 'influxdb', packages: {deb: [['influxdb2', '2.7.11-1', '2.7.12-1', 48_500]]}},
	{match: /ntfy/, unit: 'ntfy', packages: {alpine: [['ntfy', '2.13.0-r1', '2.14.0-r0', 9_800]]}},
	{match: /postgres/, unit: 'postgresql', packages: {deb: [['postgresql-17', '17.5-1', '17.6-1', 17_650], ['libpq5', '17.5-1', '17.6-1', 227]], ubuntu: [['postgresql-17', '17.5-0ubuntu0.25.04.1', '17.6-0ubuntu0.25.04.1', 17_500]], rpm: [['postgresql-server', '17.5-1', '17.6-1', 6_900]]}},
	{match: /redis/, unit: 'redis', packages: {alpine: [['redis', '8.0.3-r0', '8.0.3-r1', 1_400]], deb: [['redis-server', '5:8.0.2-3', '5:8.0.2-3+deb13u1', 150]]}},
	{match: /wireguard|wg-/, unit: 'wg-quick@wg0', packages: {deb: [['wireguard-tools', '1.0.20210914-1.1', '', 0]]}},
	{match: /swag|proxy|nginx/, unit: 'nginx', packages: {deb: [['nginx', '1.26.3-3', '1.26.3-3+deb13u1', 612], ['nginx-common', '1.26.3-3', '1.26.3-3+deb13u1', 104]], alpine: [['nginx', '1.28.0-r3', '1.28.0-r4', 700]], rpm: [['nginx', '2:1.26.3-1', '2:1.26.3-2', 610]]}},
	{match: /haproxy/, unit: 'haproxy', packages: {deb: [['haproxy', '3.0.11-1', '3.0.11-1+deb13u1', 2_600]]}},
	{match: /dns|unbound/, unit: 'unbound', packages: {deb: [['unbound', '1.22.0-2', '1.22.0-2+deb13u1', 1_150]]}},
	{match: /vaultwarden/, unit: 'vaultwarden', packages: {}},
	{match: /authelia/, unit: 'authelia', packages: {deb: [['authelia', '4.39.5', '4.39.6', 29_300]]}},
	{match: /nextcloud/, unit: 'php8.4-fpm', packages: {deb: [['php8.4-fpm', '8.4.10-1', '8.4.11-1', 2_050], ['php8.4-common', '8.4.10-1', '8.4.11-1', 820]]}},
	{match: /odoo/, unit: 'odoo', packages: {deb: [['odoo', '18.0.20250708', '18.0.20250812', 131_000]]}},
	{match: /qbittorrent|torrent/, unit: 'qbittorrent-nox', packages: {deb: [['qbittorrent-nox', '5.1.0-1', '5.1.2-1', 7_700]]}},
	{match: /gitea/, unit: 'gitea', packages: {}},
	{match: /minio/, unit: 'minio', packages: {deb: [['minio', '20250723155402.0.0', '20250907161309.0.0', 38_200]]}},
];

/** The packages of a service for a distro family (`deb` covers Debian and Ubuntu, `rpm` Fedora, EL and SUSE). */
export function servicePackages(service: ServicePackages, family: Distro['family']): readonly CatalogEntry[] {
	const generic = family === 'debian' || family === 'ubuntu' ? 'deb' : family === 'fedora' || family === 'el' || family === 'suse' ? 'rpm' : undefined;
	return service.packages[family] ?? (generic ? service.packages[generic] : undefined) ?? [];
}

/** The service a container runs, by hostname first, then tags. */
export function serviceOf(hostname: string, tags: string): ServicePackages | undefined {
	return SERVICES.find((s) => s.match.test(hostname)) ?? SERVICES.find((s) => s.match.test(tags));
}
