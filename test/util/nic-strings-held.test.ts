// NICs are kept in the store for every guest; their values must not keep the
// config text they were parsed from alive (a V8 substring of 13+ characters is
// a slice of its parent). At 10,000 guests that was ~1.5 MB (issue 12).

import assert from 'node:assert/strict';
import {test} from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import {listNics} from '../../source/util/pve-config.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAfterGc(): number {
	gc();
	gc();
	return process.memoryUsage().heapUsed;
}

test('parsed NICs hold their own short strings, not the 2 KB config lines they came from', () => {
	const padding = 'x'.repeat(2000);
	const before = heapAfterGc();
	const kept = [];
	for (let i = 0; i < 5000; i++) {
		// JSON.parse, as the API answer arrives: each net0 is its own 2 KB string.
		const config = JSON.parse(
			JSON.stringify({
				net0: `name=eth0,bridge=vmbr0,hwaddr=BC:24:11:${String(i % 100).padStart(2, '0')}:AA:${String(i % 89).padStart(2, '0')},ip=10.${i % 200}.${i % 250}.17/24,gw=10.0.0.1,ip6=fd00::${i.toString(16)}:1/64,type=veth,comment=${padding}`,
				net1: `virtio=BC:24:11:${String(i % 100).padStart(2, '0')}:BB:${String(i % 89).padStart(2, '0')},bridge=vmbr1,tag=${i % 4000}`,
				ipconfig1: `ip=192.168.${i % 250}.${i % 200}/24,gw=192.168.0.1,note=${padding}`,
			}),
		) as Record<string, unknown>;
		kept.push(listNics(config, 'qemu'));
	}
	const held = heapAfterGc() - before;
	assert.equal(kept.length, 5000);
	assert.equal(kept[7]![0]!.hwaddr, 'BC:24:11:07:AA:07');
	assert.equal(kept[7]![1]!.ip, '192.168.7.7/24');
	assert.equal(kept[7]![0]!.ip6, 'fd00::7:1/64');
	// With the config lines kept: 5,000 × 2 × 2 KB ≈ 20 MB; the NICs alone are well under 4 MB.
	assert.ok(held < 4 * 1024 * 1024, `${(held / 1048576).toFixed(1)} MB held for 10,000 NICs`);
});
