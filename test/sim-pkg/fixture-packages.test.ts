// The fixture's `packages` key: what the built-in fixtures declare, how a
// mistake is reported, and that a fixture snapshot (no recorded package
// state) rolls back to the derived start state.

import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {BUILTIN_FIXTURES, FixtureError, parseFixture} from '../../source/sim/fixture.js';
import type {Fixture} from '../../source/sim/fixture-types.js';
import {guestPackages, installedVersions, knownUpgrades, restorePackages} from '../../source/sim/ssh/package-state.js';
import {exec, fixtureState} from './harness.js';

function raw(name: 'homelab' | 'cluster'): Fixture {
	return JSON.parse(readFileSync(BUILTIN_FIXTURES[name], 'utf8')) as Fixture;
}

function errorOf(edit: (fixture: Fixture) => void): string {
	const doc = raw('homelab');
	edit(doc);
	try {
		parseFixture(doc, 'lab.json');
	} catch (error) {
		assert.ok(error instanceof FixtureError);
		return error.message;
	}
	return 'no error';
}

test('homelab: most containers have pending upgrades, some need a reboot, nothing is made to fail', () => {
	const state = fixtureState();
	const containers = [...state.guests.values()];
	const pending = containers.map((g) => knownUpgrades({...guestPackages(state, g)!, indexStale: false}));
	assert.ok(pending.filter((p) => p.length > 0).length >= 24, 'most of the 28 have upgrades');
	assert.ok(pending.filter((p) => p.some((u) => u.reboot)).length >= 10, 'libc/openssl security updates ask for a reboot');
	assert.deepEqual(containers.filter((g) => guestPackages(state, g)!.failure).map((g) => g.vmid), []);
});

test('cluster: CT 111 fails with a dpkg error and CT 102 hangs', () => {
	const state = fixtureState('cluster');
	const failures = [...state.guests.values()].flatMap((g) => {
		const failure = guestPackages(state, g)?.failure;
		return failure ? [[g.vmid, failure]] : [];
	});
	assert.deepEqual(failures, [[102, 'hang'], [111, 'dpkg-error']]);
});

test('a wrong packages declaration is reported with its JSON path', () => {
	const at = (vmid: number, fixture: Fixture) => fixture.guests.find((g) => g.vmid === vmid)!;
	assert.equal(errorOf((f) => (at(200, f).packages = {failure: 'explode' as never})), 'lab.json: guests[9].packages.failure: expected one of dpkg-error, hang, break-service, drop-channel, index-error, got "explode"');
	assert.match(errorOf((f) => (at(200, f).packages = {pending: [{name: 'curl', from: '1', to: '1'}]})), /guests\[9\]\.packages\.pending\[0\]\.to: same as "from" \(1\): not an upgrade$/);
	assert.match(errorOf((f) => (at(200, f).packages = {pending: -1})), /guests\[9\]\.packages\.pending: /);
	assert.match(errorOf((f) => (at(200, f).packages = {rebootRequired: 'yes' as never})), /guests\[9\]\.packages\.rebootRequired: /);
	assert.match(errorOf((f) => (at(200, f).packages = {speed: 1} as never)), /guests\[9\]\.packages\.speed: unknown key \(expected one of: pending, failure, rebootRequired, upgradeSeconds\)$/);
});

test('a rollback to a fixture snapshot (recorded no package state) restores the derived start state', async () => {
	const state = fixtureState();
	const guest = state.guests.get(302)!;
	const start = installedVersions(state, 302);
	await exec(state, 302, 'apt-get update && apt-get -y dist-upgrade');
	assert.notDeepEqual(installedVersions(state, 302), start);
	restorePackages(state, guest, guest.snapshots[0]!.packages);
	assert.equal(guest.snapshots[0]!.packages, undefined);
	assert.deepEqual(installedVersions(state, 302), start);
});
