import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {parseArgs} from '../../source/cli/args.js';
import {chooseSsh, startDemoSsh} from '../../source/cli/ssh-setup.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {buildState} from '../../source/sim/state.js';

const noPve = join(tmpdir(), 'proxdeck-no-such-pve-dir');

test('SSH is off unless asked for, on, or running on a PVE host', () => {
	assert.equal(chooseSsh(parseArgs([]), noPve).mode, 'none');
	assert.equal(chooseSsh(parseArgs(['--ssh']), noPve).mode, 'ssh');
	assert.equal(chooseSsh(parseArgs(['--ssh-user', 'admin']), noPve).user, 'admin');
	assert.equal(chooseSsh(parseArgs(['--ssh-key', '~/k']), noPve).mode, 'ssh');
	assert.equal(chooseSsh(parseArgs(['--local']), noPve).mode, 'local');
	const pveDir = mkdtempSync(join(tmpdir(), 'proxdeck-etc-pve-'));
	assert.equal(chooseSsh(parseArgs([]), pveDir).mode, 'local', 'an /etc/pve means this is the host');
	assert.equal(chooseSsh(parseArgs(['--accept-new-host-key', '--ssh']), noPve).acceptNewHostKey, true);
	assert.throws(() => parseArgs(['--local', '--ssh']), /--local runs commands on this machine/);
});

test('the demo reaches the simulator over SSH with the host key verified', async () => {
	const fixture = loadFixture(BUILTIN_FIXTURES.homelab);
	const state = buildState(fixture, {clock: Date.now, taskSpeed: 1, fingerprint: 'AA'});
	const demo = await startDemoSsh(state);
	try {
		const result = await demo.runner.run(['pct', 'list']);
		assert.equal(result.code, 0);
		assert.match(result.stdout, /^VMID\s+Status\s+Lock\s+Name/);
		assert.match(result.stdout, /\n100\s+running\s+plex/);
		assert.equal(result.stdout.trim().split('\n').length, 29, 'header + 28 containers');
	} finally {
		await demo.close();
	}
});
