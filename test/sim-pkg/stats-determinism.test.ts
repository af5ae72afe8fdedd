// The concurrency record an engine's limit is checked against, fixed
// per-container durations for the bench, and determinism: the same fixture
// gives the same packages and byte-identical output; another seed differs.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {generateFleet} from '../../source/sim/generate.js';
import {buildState} from '../../source/sim/state.js';
import {guestPackages, knownUpgrades, setUpgradeSeconds} from '../../source/sim/ssh/package-state.js';
import {drive, exec, fixtureState, manualTicker, settle, start, START} from './harness.js';

test('three parallel upgrades record a peak of 3; later sequential ones do not raise it', async () => {
	const state = fixtureState();
	const t = manualTicker();
	const running = [100, 200, 404].map((vmid) => start(state, t, vmid, 'apt-get update && apt-get -y dist-upgrade'));
	await drive(t, running);
	assert.deepEqual(running.map((r) => r.result()), [0, 0, 0]);
	assert.deepEqual({...state.upgradeStats, log: undefined}, {running: 0, peak: 3, started: 3, finished: 3, log: undefined});
	assert.deepEqual(state.upgradeStats.log.map((l) => l.vmid).sort(), [100, 200, 404]);
	for (const l of state.upgradeStats.log) assert.ok(l.endMs! > l.startMs, 'each upgrade took simulated time');
	await exec(state, 101, 'apt-get update && apt-get -y dist-upgrade', t);
	await exec(state, 102, 'apt-get update && apt-get -y dist-upgrade', t);
	assert.equal(state.upgradeStats.peak, 3);
	assert.equal(state.upgradeStats.finished, 5);
});

test('two overlapping upgrades of which one starts after the other ended count a peak of 1', async () => {
	const state = fixtureState();
	const t = manualTicker();
	const first = start(state, t, 100, 'apt-get update && apt-get -y dist-upgrade');
	await drive(t, [first]);
	const second = start(state, t, 200, 'apt-get update && apt-get -y dist-upgrade');
	await drive(t, [second]);
	assert.equal(state.upgradeStats.peak, 1);
});

test('setUpgradeSeconds fixes how long each container\'s upgrade takes, whatever its package count', async () => {
	const state = fixtureState();
	setUpgradeSeconds(state, 40);
	const t = manualTicker();
	await exec(state, 100, 'apt-get update', t);
	await exec(state, 404, 'apt-get update', t);
	for (const vmid of [100, 404]) {
		const r = start(state, t, vmid, 'apt-get -y dist-upgrade');
		const from = t.now();
		await drive(t, [r], 250);
		assert.equal(r.result(), 0);
		const took = (t.now() - from) / 1000;
		assert.ok(took >= 40 && took <= 40.5, `CT ${vmid} took ${took} s`);
	}
});

test('packageSpeed scales simulated time: at 10x a 40 s upgrade takes 4 ticker seconds', async () => {
	const state = fixtureState();
	state.packageSpeed = 10;
	setUpgradeSeconds(state, 40);
	const t = manualTicker();
	await exec(state, 100, 'apt-get update', t);
	const r = start(state, t, 100, 'apt-get -y dist-upgrade');
	const from = t.now();
	await drive(t, [r], 100);
	assert.equal(r.result(), 0);
	assert.ok(Math.abs((t.now() - from) / 1000 - 4) <= 0.1);
});

test('packageSpeed changed mid-run applies to the script already playing: 10 s at 1x, then the other 30 s at 10x', async () => {
	const state = fixtureState();
	setUpgradeSeconds(state, 40);
	const t = manualTicker();
	await exec(state, 100, 'apt-get update', t);
	const r = start(state, t, 100, 'apt-get -y dist-upgrade');
	const from = t.now();
	await settle();
	for (let i = 0; i < 40; i++) {
		t.advance(250);
		await settle();
	}
	assert.equal(r.result(), undefined, 'still upgrading after 10 ticker seconds at 1x');
	state.packageSpeed = 10;
	await drive(t, [r], 100);
	assert.equal(r.result(), 0);
	assert.ok(Math.abs((t.now() - from) / 1000 - 13) <= 0.1, `took ${(t.now() - from) / 1000} ticker seconds`);
});

test('deterministic: the same fixture gives the same package sets and byte-identical upgrade output', async () => {
	const outputs: string[] = [];
	const sets: string[] = [];
	for (let i = 0; i < 2; i++) {
		const state = fixtureState();
		await settle();
		sets.push(JSON.stringify([...state.guests.values()].map((g) => guestPackages(state, g))));
		outputs.push((await exec(state, 405, 'apt-get update && apt-get -y dist-upgrade')).stdout + (await exec(state, 206, 'apk upgrade -U')).stdout);
	}
	assert.equal(sets[0], sets[1]);
	assert.equal(outputs[0], outputs[1]);
	assert.ok(outputs[0]!.includes('Setting up '));
});

test('generated fleets get package sets too, and the seed changes them', () => {
	const pending = (seed: number) => {
		const state = buildState(generateFleet({guests: 60, nodes: 2, seed}), {clock: () => START, taskSpeed: 1, fingerprint: 'AA:BB'});
		return [...state.guests.values()].map((g) => {
			const pkgs = guestPackages(state, g);
			return pkgs ? knownUpgrades({...pkgs, indexStale: false}).map((u) => u.name).join(',') : 'none';
		});
	};
	const a = pending(1);
	assert.deepEqual(pending(1), a);
	const lxc = a.filter((p) => p !== 'none');
	assert.ok(lxc.length >= 50, 'containers have a package manager; VMs have none');
	assert.ok(lxc.filter((p) => p !== '').length > lxc.length * 0.6, 'most have pending upgrades');
	assert.notDeepEqual(pending(2), a);
});
