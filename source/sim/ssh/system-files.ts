// Small system facts a container or host answers: /etc/os-release per ostype
// and `uptime` in procps (Debian/Ubuntu/host) or busybox (Alpine) wording.

import {noise} from '../drift.js';

const OS_RELEASE: Record<string, string> = {
	debian: `PRETTY_NAME="Debian GNU/Linux 13 (trixie)"
NAME="Debian GNU/Linux"
VERSION_ID="13"
VERSION="13 (trixie)"
VERSION_CODENAME=trixie
DEBIAN_VERSION_FULL=13.2
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`,
	ubuntu: `PRETTY_NAME="Ubuntu 24.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.3 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
`,
	alpine: `NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.22.2
PRETTY_NAME="Alpine Linux v3.22"
HOME_URL="https://alpinelinux.org/"
BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
`,
	fedora: `NAME="Fedora Linux"
VERSION="43 (Container Image)"
ID=fedora
VERSION_ID=43
PRETTY_NAME="Fedora Linux 43 (Container Image)"
`,
	archlinux: `NAME="Arch Linux"
PRETTY_NAME="Arch Linux"
ID=arch
BUILD_ID=rolling
`,
};

export function osRelease(ostype: string): string {
	return OS_RELEASE[ostype] ?? OS_RELEASE.debian!;
}

function two(n: number): string {
	return String(n).padStart(2, '0');
}

/** "2 days, 12:00" / "12:00" / "5 min", as procps and busybox both word it. */
function upFor(seconds: number): string {
	const days = Math.floor(seconds / 86_400);
	const hours = Math.floor((seconds % 86_400) / 3600);
	const minutes = Math.floor((seconds % 3600) / 60);
	const dayPart = days > 0 ? `${days} day${days === 1 ? '' : 's'}, ` : '';
	if (days === 0 && hours === 0) return `${minutes} min`;
	return `${dayPart}${hours === 0 ? `${minutes} min` : `${String(hours).padStart(2, ' ')}:${two(minutes)}`}`;
}

export function uptimeLine(now: number, uptimeSeconds: number, load: {seed: number; key: number; base: number}, busybox: boolean): string {
	const d = new Date(now);
	const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
	const tick = Math.floor(now / 60_000);
	const loads = [0, 1, 2].map((i) => (load.base * (0.7 + 0.6 * noise(load.seed, load.key, tick, 50 + i))).toFixed(2)).join(', ');
	const users = busybox ? ' ' : '  0 users, ';
	return ` ${clock} up ${upFor(uptimeSeconds)},${users} load average: ${loads}\n`;
}
