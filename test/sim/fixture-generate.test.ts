// Scale fleets: the right counts, the same bytes for the same seed, and valid
// for the loader like any hand-written fixture.

import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {parseFixture, parsePropertyString} from '../../source/sim/fixture.js';
import {generateFleet} from '../../source/sim/generate.js';

describe('generateFleet', () => {
	const fleet = generateFleet({guests: 5000, nodes: 8});

	it('builds the requested guests and nodes', () => {
		assert.equal(fleet.guests.length, 5000);
		assert.deepEqual(fleet.nodes.map((n) => n.name), ['pve1', 'pve2', 'pve3', 'pve4', 'pve5', 'pve6', 'pve7', 'pve8']);
		assert.equal(fleet.guests[0]?.vmid, 100);
		assert.equal(new Set(fleet.guests.map((g) => g.vmid)).size, 5000);
		// Spread evenly: 625 per node.
		for (const node of fleet.nodes) assert.equal(fleet.guests.filter((g) => g.node === node.name).length, 625);
		assert.ok(fleet.nodes.every((n) => n.zfs?.pools.length === 1));
		assert.ok(fleet.cluster);
	});

	it('has realistic variety: names, tags, stopped guests, hot guests, VLAN tags', () => {
		const names = fleet.guests.map((g) => String(g.config.hostname ?? g.config.name));
		assert.ok(names.every((n) => /^[a-z]+-\d{4}$/.test(n)), names.find((n) => !/^[a-z]+-\d{4}$/.test(n)));
		const stopped = fleet.guests.filter((g) => g.status === 'stopped').length;
		assert.ok(stopped > 0 && stopped < 500, `${stopped} stopped`);
		const hot = fleet.guests.filter((g) => g.usage.mem >= 0.9).length;
		assert.ok(hot > 0 && hot < 1000, `${hot} at >= 90 % memory`);
		const tagged = fleet.guests.filter((g) => {
			const nic = parsePropertyString(String(g.config.net0));
			return typeof nic !== 'string' && nic.has('tag');
		}).length;
		assert.ok(tagged > 500 && tagged < 4000, `${tagged} VLAN-tagged NICs`);
		assert.ok(fleet.guests.some((g) => g.type === 'qemu') && fleet.guests.some((g) => g.type === 'lxc'));
		const tags = new Set(fleet.guests.flatMap((g) => String(g.config.tags).split(';')));
		assert.ok(tags.size >= 5 && tags.size <= 30, `${tags.size} distinct tags`);
	});

	it('passes parseFixture and carries the demo token', () => {
		assert.doesNotThrow(() => parseFixture(fleet, 'generated'));
		const root = fleet.users.find((u) => u.userid === 'root@pam');
		assert.ok(root?.tokens?.some((t) => t.tokenid === 'proxdeck'));
		assert.doesNotThrow(() => parseFixture(generateFleet({guests: 3, nodes: 1}), 'generated'));
		assert.equal(generateFleet({guests: 3, nodes: 1}).cluster, undefined, 'one node is a standalone host');
	});

	it('is deterministic: same seed, same JSON; another seed, another fleet', () => {
		const a = JSON.stringify(generateFleet({guests: 300, nodes: 3, seed: 42}));
		const b = JSON.stringify(generateFleet({guests: 300, nodes: 3, seed: 42}));
		const c = JSON.stringify(generateFleet({guests: 300, nodes: 3, seed: 43}));
		assert.equal(a, b);
		assert.notEqual(a, c);
	});

	it('generates 5000 guests on 8 nodes well under a second', () => {
		// CPU time, not wall time: on a loaded CI machine other processes' work
		// would otherwise count against this one.
		const started = process.cpuUsage();
		generateFleet({guests: 5000, nodes: 8, seed: 7});
		const used = process.cpuUsage(started);
		const ms = (used.user + used.system) / 1000;
		assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms of CPU`);
	});

	it('rejects impossible sizes', () => {
		assert.throws(() => generateFleet({guests: -1, nodes: 1}), RangeError);
		assert.throws(() => generateFleet({guests: 10, nodes: 0}), RangeError);
	});
});
