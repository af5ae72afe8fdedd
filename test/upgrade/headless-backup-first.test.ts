// `proxdeck upgrade --backup-first STORAGE` as cron would run it against the
// demo: the bind-mounted containers are planned with B (a backup instead of a
// snapshot), upgraded after a vzdump, and one whose health check fails is
// restored from that backup (exit 1).

import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {RunSummary} from '../../source/services/upgrade/types.js';
import {demoUpgrade as proxdeck} from './demo-cli.js';

test('headless --backup-first: planned with B, backed up then upgraded; a failed health check is restored from the backup', async () => {
	const [dry, ok, failing] = await Promise.all([
		proxdeck(['--vmid', '101', '--backup-first', 'backups', '--dry-run']),
		proxdeck(['--vmid', '101', '--backup-first', 'backups', '--yes', '--json']),
		proxdeck(['--vmid', '102', '--backup-first', 'backups', '--yes', '--json', '--health', 'media=systemctl is-active no-such-unit']),
	]);
	assert.equal(dry.code, 0, dry.stderr);
	assert.match(dry.stdout + dry.stderr, /101 +sonarr +apt +\d+ +(yes)? *B +back up first, upgrade, restore the backup if it fails/);
	assert.match(dry.stdout + dry.stderr, /1 backed up first to backups/);

	assert.equal(ok.code, 0, ok.stderr);
	const upgraded = JSON.parse(ok.stdout) as RunSummary;
	assert.equal(upgraded.options.backupFirst, 'backups');
	assert.equal(upgraded.containers[0]?.outcome, 'upgraded');
	assert.match(upgraded.containers[0]?.backup ?? '', /^backups:backup\/vzdump-lxc-101-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.tar\.zst$/);

	assert.equal(failing.code, 1, failing.stderr);
	const restored = JSON.parse(failing.stdout) as RunSummary;
	assert.equal(restored.containers[0]?.outcome, 'rolled-back');
	assert.match(restored.containers[0]?.reason ?? '', /health check failed: .*; restored from backup backups:backup\/vzdump-lxc-102-/);
});
