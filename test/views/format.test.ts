import assert from 'node:assert/strict';
import {test} from 'node:test';
import stringWidth from 'string-width';
import {fit, formatAge, formatBytes, formatMiB, formatPercent, formatUptime, truncate} from '../../views/format.js';

test('formatBytes uses binary units with one decimal below ten', () => {
	assert.equal(formatBytes(0), '0');
	assert.equal(formatBytes(512 * 1024 ** 2), '512M');
	assert.equal(formatBytes(1.5 * 1024 ** 3), '1.5G');
	assert.equal(formatBytes(4 * 1024 ** 3), '4G');
	assert.equal(formatBytes(1023.9 * 1024 ** 2), '1G');
	assert.equal(formatBytes(2.5 * 1024 ** 4), '2.5T');
	assert.equal(formatBytes(900), '900B');
	assert.equal(formatMiB(4096), '4G');
});

test('formatPercent, formatUptime and formatAge', () => {
	assert.equal(formatPercent(0.456), '45%', 'the floor: a printed figure never claims a bar it has not reached');
	assert.equal(formatPercent(0.29), '29%', '0.29 * 100 is 28.999999999999996');
	assert.equal(formatPercent(0.8999), '89%');
	assert.equal(formatPercent(0.9), '90%');
	assert.equal(formatPercent(1), '100%');
	assert.equal(formatUptime(3 * 86400 + 4 * 3600 + 5), '3d 4h');
	assert.equal(formatUptime(5 * 3600 + 12 * 60), '5h 12m');
	assert.equal(formatUptime(42), '42s');
	assert.equal(formatUptime(0), '-');
	assert.equal(formatAge(12_400), '12s ago');
	assert.equal(formatAge(180_000), '3m ago');
});

test('truncate and fit count terminal cells, not code units', () => {
	assert.equal(truncate('vaultwarden', 6), 'vault…');
	assert.equal(truncate('short', 6), 'short');
	assert.equal(fit('ab', 5), 'ab   ');
	assert.equal(fit('ab', 5, 'right'), '   ab');
	// Wide (CJK) characters take two cells each.
	const wide = fit('日本語のコンテナ', 9);
	assert.equal(stringWidth(wide), 9);
	assert.ok(wide.includes('…'));
	assert.equal(stringWidth(fit('🚀rocket', 4)), 4);
});
