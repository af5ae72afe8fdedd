// Properties of the pending-upgrade parsers (apt, apk, dnf, pacman, zypper).
// Model-based: a list of N pending packages is printed the way each tool
// prints it (apt-get -s Inst lines with their variants; dnf's column layout,
// which moves an over-wide column's neighbours to the next line; zypper's
// table), parsed back and compared. No output, however odd, may throw.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {MANAGERS, type ManagerKind, type PendingPackage} from '../../source/services/upgrade/managers.js';
import {hostileText, runs} from './arbitraries.js';

const debName = fc.stringMatching(/^[a-z0-9][a-z0-9+.-]{1,30}$/);
const debVersion = fc.tuple(fc.option(fc.integer({min: 1, max: 9}), {nil: undefined}), fc.stringMatching(/^[0-9][0-9A-Za-z.+~]{0,12}$/), fc.option(fc.stringMatching(/^[0-9A-Za-z.+~]{1,10}$/), {nil: undefined})).map(([epoch, up, rev]) => `${epoch ? `${epoch}:` : ''}${up}${rev ? `-${rev}` : ''}`);
const archive = fc.constantFrom('Debian:12.8/stable [amd64]', 'Debian-Security:12/stable-security [amd64]', 'Debian:13.1/stable, Debian-Security:13/stable-security [all]', 'Ubuntu:24.04/noble-updates [amd64]', 'Proxmox:bookworm/pve-no-subscription [amd64]');
const aptPackage = fc.record({name: fc.tuple(debName, fc.constantFrom('', '', '', ':i386')).map(([n, a]) => n + a), from: fc.option(debVersion, {nil: undefined}), to: debVersion, archive, broken: fc.boolean()});

/** `apt-get -s dist-upgrade` as apt prints it: the header, the summary, then Inst (and Conf) lines. */
function aptSimulate(pkgs: Array<typeof aptPackage extends fc.Arbitrary<infer T> ? T : never>): string {
	const upgraded = pkgs.filter((p) => p.from !== undefined);
	const fresh = pkgs.filter((p) => p.from === undefined);
	const out = [
		'NOTE: This is only a simulation!',
		'      apt-get needs root privileges for real execution.',
		'      Keep also in mind that locking is deactivated,',
		"      so don't depend on the relevance to the real current situation!",
		'Reading package lists...',
		'Building dependency tree...',
		'Reading state information...',
		'Calculating upgrade...',
	];
	if (fresh.length > 0) out.push('The following NEW packages will be installed:', `  ${fresh.map((p) => p.name).join(' ')}`);
	if (upgraded.length > 0) out.push('The following packages will be upgraded:', `  ${upgraded.map((p) => p.name).join(' ')}`);
	out.push(`${upgraded.length} upgraded, ${fresh.length} newly installed, 0 to remove and 0 not upgraded.`);
	for (const p of pkgs) out.push(`Inst ${p.name}${p.from !== undefined ? ` [${p.from}]` : ''} (${p.to} ${p.archive})${p.broken ? ' []' : ''}`);
	for (const p of pkgs) out.push(`Conf ${p.name} (${p.to} ${p.archive})`);
	return `${out.join('\n')}\n`;
}

test('apt: every Inst line of a simulated dist-upgrade is one pending package', () => {
	fc.assert(
		fc.property(fc.array(aptPackage, {maxLength: 25}), fc.constantFrom('\n', '\r\n'), (pkgs, nl) => {
			const parsed = MANAGERS.apt.parseCount(aptSimulate(pkgs).replace(/\n/g, nl));
			assert.deepEqual(parsed, pkgs.map((p): PendingPackage => ({name: p.name, to: p.to})));
		}),
		runs(),
	);
});

const apkName = fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9_+.]{0,10}$/), {minLength: 1, maxLength: 3}).map((p) => p.join('-'));
const apkVersion = fc.tuple(fc.array(fc.integer({min: 0, max: 99}), {minLength: 1, maxLength: 4}), fc.option(fc.constantFrom('_git20240101', '_p2', '_rc1', 'a'), {nil: undefined}), fc.integer({min: 0, max: 30})).map(([nums, suffix, r]) => `${nums.join('.')}${suffix ?? ''}-r${r}`);

test('apk: `apk list -u` lines give each name and new version (names may hold hyphens and digits)', () => {
	fc.assert(
		fc.property(fc.uniqueArray(fc.record({name: apkName, from: apkVersion, to: apkVersion, license: fc.constantFrom('MIT', 'GPL-2.0-or-later', 'GPL-2.0-only AND LGPL-2.1-or-later', 'BSD-3-Clause')}), {maxLength: 20, selector: (p) => p.name}), (pkgs) => {
			const text = pkgs.map((p) => `${p.name}-${p.to} x86_64 {${p.name}} (${p.license}) [upgradable from: ${p.name}-${p.from}]`).join('\n');
			assert.deepEqual(MANAGERS.apk.parseCount(text), pkgs.map((p) => ({name: p.name, to: p.to})));
		}),
		runs(),
	);
});

const rpmName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_+-]{0,44}$/);
const rpmVersion = fc.tuple(fc.option(fc.integer({min: 1, max: 9}), {nil: undefined}), fc.stringMatching(/^[0-9][0-9a-z.^~]{0,14}$/), fc.stringMatching(/^[0-9][0-9a-z._]{0,8}$/)).map(([e, v, r]) => `${e ? `${e}:` : ''}${v}-${r}`);
const rpmPackage = fc.record({name: rpmName, arch: fc.constantFrom('x86_64', 'noarch', 'i686', 'aarch64'), evr: rpmVersion, repo: fc.constantFrom('updates', 'baseos', 'appstream', 'fedora', 'epel', 'updates-testing')});

/**
 * dnf 4's Output.fmtColumns: each column padded to its width; a value wider
 * than its column is printed whole, then a newline and an indent up to where
 * the next column starts (so `check-update` prints a long name.arch alone on a
 * line and its version and repo on the next).
 */
function dnfColumns(values: string[], widths: number[]): string {
	let msg = '';
	let total = 0;
	values.slice(0, -1).forEach((value, i) => {
		const width = widths[i]!;
		if (value.length <= width) msg += `${value.padEnd(width)} `;
		else msg += `${value}\n${' '.repeat(total + width + 1)}`;
		total += width + 1;
	});
	return msg + values.at(-1)!;
}

test('dnf: check-update lines give each name and version, also when dnf wraps an over-wide column', () => {
	fc.assert(
		fc.property(fc.array(rpmPackage, {maxLength: 25}), fc.integer({min: 20, max: 48}), fc.integer({min: 10, max: 30}), (pkgs, w1, w2) => {
			const text = pkgs.map((p) => dnfColumns([`${p.name}.${p.arch}`, p.evr, p.repo], [w1, w2, 16])).join('\n');
			assert.deepEqual(MANAGERS.dnf.parseCount(`\n${text}\n`), pkgs.map((p) => ({name: p.name, to: p.evr})));
		}),
		runs(),
	);
});

test('regression: dnf check-update with a name too wide for its column', () => {
	const out = [
		'',
		'NetworkManager-libnm.x86_64                1:1.30.0-7.el8               baseos',
		'texlive-collection-fontsrecommended.noarch',
		'                                           7:20180414-20.el8            appstream',
		'kmod-kvdo.x86_64                           6.2.4.26-76.el8_4.some.very.long.release',
		'                                                                        baseos',
		'',
	].join('\n');
	assert.deepEqual(MANAGERS.dnf.parseCount(out), [
		{name: 'NetworkManager-libnm', to: '1:1.30.0-7.el8'},
		{name: 'texlive-collection-fontsrecommended', to: '7:20180414-20.el8'},
		{name: 'kmod-kvdo', to: '6.2.4.26-76.el8_4.some.very.long.release'},
	]);
});

test('pacman: -Qu lines give each name and new version; [ignored] ones are not pending', () => {
	const archVersion = fc.stringMatching(/^[0-9][0-9a-z.+_]{0,10}-[0-9]{1,2}$/);
	fc.assert(
		fc.property(fc.array(fc.record({name: fc.stringMatching(/^[a-z0-9@._+-]{1,25}$/), from: archVersion, to: archVersion, ignored: fc.boolean()}), {maxLength: 20}), (pkgs) => {
			const text = pkgs.map((p) => `${p.name} ${p.from} -> ${p.to}${p.ignored ? ' [ignored]' : ''}`).join('\n');
			assert.deepEqual(MANAGERS.pacman.parseCount(text), pkgs.filter((p) => !p.ignored).map((p) => ({name: p.name, to: p.to})));
		}),
		runs(),
	);
});

test('zypper: list-updates table rows give each name and available version', () => {
	const suseVersion = fc.stringMatching(/^[0-9][0-9a-z.+_~]{0,10}-[0-9][0-9.]{0,6}$/);
	fc.assert(
		fc.property(fc.array(fc.record({repo: fc.constantFrom('Main Update Repository', 'repo-oss', 'openSUSE-Leap-15.6-Update'), name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.+-]{0,25}$/), from: suseVersion, to: suseVersion, arch: fc.constantFrom('x86_64', 'noarch')}), {maxLength: 15}), (pkgs) => {
			const cols = (cells: string[], widths: number[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
			const header = ['S', 'Repository', 'Name', 'Current Version', 'Available Version', 'Arch'];
			const rows = pkgs.map((p) => ['v', p.repo, p.name, p.from, p.to, p.arch]);
			const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
			const text = ['Loading repository data...', 'Reading installed packages...', cols(header, widths), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map((r) => cols(r, widths))].join('\n');
			assert.deepEqual(MANAGERS.zypper.parseCount(text), pkgs.map((p) => ({name: p.name, to: p.to})));
		}),
		runs(),
	);
});

test('no manager parser throws on arbitrary output, and each name it reports is one printable word', () => {
	const kinds = Object.keys(MANAGERS) as ManagerKind[];
	fc.assert(
		fc.property(fc.array(fc.oneof(hostileText, fc.constantFrom('Inst x [1] (2 y)', 'v | r | n | 1 | 2 | a', 'a.b 1 r', 'a 1 -> 2', 'a-1-r0 x {a} (M) [upgradable from: a-0-r0]', '   ')), {maxLength: 12}), (lines) => {
			const text = lines.join('\n');
			for (const kind of kinds) {
				for (const p of MANAGERS[kind].parseCount(text)) {
					assert.ok(p.name.length > 0, kind);
					assert.ok(!/[\s\u0000-\u001f\u007f-\u009f]/.test(p.name), `${kind}: ${JSON.stringify(p.name)}`);
				}
			}
		}),
		runs(),
	);
});
