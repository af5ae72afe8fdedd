import '../views/force-color.js';
// Two guests claiming one IP address, in the default deck against the
// simulator: the ranked problems list it (a warning naming both), the header
// counts it, and the topology pane's title counts the same problem. The
// homelab's NICs without the firewall are a note in the topology, not a
// problem anywhere (its title used to say "1 problem" for them, which the
// ranked list and the header never counted).

import assert from 'node:assert/strict';
import {cleanup, render} from 'ink-testing-library';
import React from 'react';
import {after, afterEach, test} from 'node:test';
import {loadKeymap} from '../../keymaps/index.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {App} from '../../views/App.js';
import {keyClock, plain, settle} from '../views/harness.js';
import {startRig, waitFor, type ActionRig} from '../actions/helpers.js';

const rigs: ActionRig[] = [];
afterEach(() => cleanup());
after(async () => {
	for (const rig of rigs) await rig.close();
});

async function deck(sameIpAs101: boolean) {
	const fixture = loadFixture(BUILTIN_FIXTURES.homelab);
	if (sameIpAs101) {
		const radarr = fixture.guests.find((g) => g.vmid === 102)!;
		radarr.config.net0 = String(radarr.config.net0).replace(/ip=[^,]+/, 'ip=192.168.0.101/24');
	}
	const rig = await startRig({fixture});
	rigs.push(rig);
	const app = render(<App store={rig.store} keymap={loadKeymap()} size={{columns: 160, rows: 50}} onQuit={() => {}} tickMs={0} commands={rig.services.commands} inputClock={keyClock} now={rig.clock} />);
	// The deck's topology pane asks for every guest's NICs; the problem rules read them from the store.
	await waitFor('every NIC read', () => rig.store.getState().nics.size >= 20);
	await settle();
	return {rig, frame: () => plain(app.lastFrame() ?? '')};
}

test('a duplicate IP is a ranked warning naming both guests, and the topology title counts that one problem', async () => {
	const {rig, frame} = await deck(true);
	await waitFor('the duplicate IP ranked', () => rig.store.getState().problems.list.some((p) => p.id === 'duplicate-ip:192.168.0.101'));
	await settle();
	const text = frame();
	const {counts} = rig.store.getState().problems;
	assert.ok(counts.warning >= 1);
	assert.match(text.split('\n')[1]!, new RegExp(`▲ ${counts.warning} warning`));
	assert.match(text, /▲ duplicate IP 192\.168\.0\.101: 101 sonarr, 102 radarr/);
	assert.match(text, /\[2\] topology · 1 problem ·/);
	assert.match(text, /Network problems \(1\)/);
	assert.match(text, /✗ duplicate IP 192\.168\.0\.101: 101 sonarr, 102 radarr/);
});

test('NICs without the firewall are a note in the topology, not a problem in its title or the ranked list', async () => {
	const {rig, frame} = await deck(false);
	await settle();
	const text = frame();
	assert.match(text, /No network problems found/);
	assert.match(text, /i firewall off on 12 NICs on pve/);
	assert.doesNotMatch(text, /\[2\] topology · \d+ problems? ·/);
	assert.ok(!rig.store.getState().problems.list.some((p) => /firewall/.test(p.text)), rig.store.getState().problems.list.map((p) => p.text).join('\n'));
});
