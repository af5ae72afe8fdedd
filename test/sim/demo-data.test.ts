// The demo's data agrees with itself on whatever day it starts (issue 15):
// snapshot names carry the date of their snaptime, seeded task logs the time
// their task ran, each container's journal comes from what runs in it, and a
// demo started from the fixture does not show an earlier run's audit entries.

import assert from 'node:assert/strict';
import {appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, it} from 'node:test';
import {startDemo} from '../../source/cli/demo.js';
import {BUILTIN_FIXTURES, loadFixture} from '../../source/sim/fixture.js';
import {redateName, retimeLog} from '../../source/sim/fixture-dates.js';
import {formatJournalLine, guestJournal, history} from '../../source/sim/ssh/journal.js';
import {buildState, type SimState} from '../../source/sim/state.js';
import {taskLog} from '../../source/sim/tasks.js';

/** A day and time of day the fixtures were not written for. */
const ELSEWHEN = Date.parse('2027-03-05T07:13:00Z');

function stateAt(fixture: 'homelab' | 'cluster', at = ELSEWHEN): SimState {
	return buildState(loadFixture(BUILTIN_FIXTURES[fixture]), {clock: () => at, taskSpeed: 1, fingerprint: 'AA:BB'});
}

function utcDate(epochS: number): string {
	return new Date(epochS * 1000).toISOString().slice(0, 10).replace(/-/g, '');
}

describe('demo data agrees with itself', () => {
	for (const fixture of ['homelab', 'cluster'] as const) {
		it(`${fixture}: a snapshot named for a date is named for its own snaptime's date, and parents still resolve`, () => {
			const state = stateAt(fixture);
			let dated = 0;
			for (const guest of state.guests.values()) {
				const names = new Set(guest.snapshots.map((s) => s.name));
				for (const snap of guest.snapshots) {
					const date = /(20\d{6})/.exec(snap.name)?.[1];
					if (date !== undefined) {
						dated++;
						assert.equal(date, utcDate(snap.snaptime), `CT ${guest.vmid} snapshot ${snap.name}`);
					}
					if (snap.parent !== undefined) assert.ok(names.has(snap.parent), `CT ${guest.vmid}: parent ${snap.parent} exists`);
				}
				if (typeof guest.config.parent === 'string') assert.ok(names.has(guest.config.parent), `CT ${guest.vmid}: config parent ${guest.config.parent}`);
			}
			if (fixture === 'homelab') assert.ok(dated > 0, 'the homelab has dated snapshot names');
		});

		it(`${fixture}: a seeded task log's timestamps fall within its task, starting when it started`, () => {
			const state = stateAt(fixture);
			let checked = 0;
			for (const task of state.tasks) {
				const stamps = taskLog(state, task).flatMap((line) => [...line.matchAll(/(20\d\d)-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)/g)]);
				if (stamps.length === 0) continue;
				checked++;
				const times = stamps.map((m) => Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000);
				assert.equal(times[0], task.starttime, `${task.upid}: first log time is the task's start`);
				for (const t of times) assert.ok(t >= task.starttime && t <= task.endtime!, `${task.upid}: ${new Date(t * 1000).toISOString()} within the task`);
			}
			if (fixture === 'homelab') assert.ok(checked >= 10, `the homelab's vzdump logs were checked (${checked})`);
		});
	}

	it('a snapshot task log names the snapshot as the guest now has it', () => {
		const state = stateAt('homelab');
		const failed = state.tasks.find((t) => t.type === 'vzsnapshot' && t.exitstatus?.includes('already used'));
		assert.ok(failed, 'the homelab has a failed snapshot task');
		const name = /'([^']+)'/.exec(failed.exitstatus!)![1]!;
		assert.ok(state.guests.get(Number(failed.id))!.snapshots.some((s) => s.name === name), `${name} is a snapshot of CT ${failed.id}`);
	});

	it('the helpers: a dated name follows its time, a log moves as a whole', () => {
		assert.equal(redateName('auto-20261117', Date.parse('2027-03-01T23:59:59Z') / 1000), 'auto-20270301');
		assert.equal(redateName('pre-upgrade', 0), 'pre-upgrade');
		assert.equal(redateName('daily-2026_11_17', Date.parse('2027-01-02T00:00:00Z') / 1000), 'daily-2027_01_02');
		const start = Date.parse('2027-03-05T01:00:00Z') / 1000;
		assert.deepEqual(retimeLog(['a', 'Backup started at 2026-11-22 02:00:09', "archive 'vzdump-lxc-300-2026_11_22-02_00_09.tar.zst'", 'Backup finished at 2026-11-22 02:00:25'], start), [
			'a', 'Backup started at 2027-03-05 01:00:00', "archive 'vzdump-lxc-300-2027_03_05-01_00_00.tar.zst'", 'Backup finished at 2027-03-05 01:00:16',
		]);
		assert.equal(retimeLog(['TASK OK'], start), undefined);
	});

	it("each container's journal comes from what runs in it: Alpine has busybox crond, never systemd, apt or Debian's cron job", () => {
		const state = stateAt('homelab');
		for (const guest of state.guests.values()) {
			if (guest.type !== 'lxc' || guest.status !== 'running') continue;
			const journal = guestJournal(state, guest);
			const lines = history(journal, ELSEWHEN, 400).map(({k, time}) => formatJournalLine('short', time, journal.host, journal.entry(k, time)!));
			if (guest.config.ostype === 'alpine') {
				for (const line of lines) assert.doesNotMatch(line, / (systemd|CRON|postfix\/pickup)\[\d+\]: /, `CT ${guest.vmid} (alpine): ${line}`);
				assert.ok(lines.some((l) => / crond\[\d+\]: USER root pid \d+ cmd run-parts \/etc\/periodic\//.test(l)), `CT ${guest.vmid}: busybox crond`);
			} else {
				for (const line of lines) assert.doesNotMatch(line, / crond\[\d+\]: /, `CT ${guest.vmid} (${String(guest.config.ostype)}): ${line}`);
			}
		}
	});
});

describe("a fresh demo's audit pane", () => {
	it('continues with a continued demo, and starts empty when the demo starts from the fixture', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'proxdeck-demo-audit-'));
		try {
			const first = await startDemo({kind: 'fixture', name: 'homelab'}, {stateDir: dir});
			assert.ok(first.auditLog, 'the demo has its own audit log');
			assert.equal(first.auditLog, join(dir, 'demo-homelab.audit.log'));
			appendFileSync(first.auditLog, '{"action":"snapshot","vmid":100}\n');
			first.sim.state.guests.get(100)!.config.description = 'changed';
			first.sim.state.onChange?.();
			await first.close();

			const continued = await startDemo({kind: 'fixture', name: 'homelab'}, {stateDir: dir});
			assert.match(readFileSync(continued.auditLog!, 'utf8'), /"vmid":100/, 'a continued demo keeps its audit entries');
			await continued.close();

			unlinkSync(join(dir, 'demo-homelab.sim.json'));
			const fresh = await startDemo({kind: 'fixture', name: 'homelab'}, {stateDir: dir});
			assert.ok(!existsSync(fresh.auditLog!), 'the fresh demo starts with an empty audit log');
			assert.match(readFileSync(`${fresh.auditLog!}.old`, 'utf8'), /"vmid":100/, 'the earlier entries are kept aside, not lost');
			assert.ok(fresh.notes.some((n) => n.includes('audit log is now')), fresh.notes.join('\n'));
			// Another demo (the cluster) has a log of its own.
			const cluster = await startDemo({kind: 'fixture', name: 'cluster'}, {stateDir: dir});
			assert.notEqual(cluster.auditLog, fresh.auditLog);
			await cluster.close();
			await fresh.close();
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});
