// A journal names the host its run was planned on, and only that host is ever
// offered it for resuming: its VMIDs and snapshot names mean nothing on
// another host (the demo is named by its fleet, not its port: demo.ts).

import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {openJournal, unfinishedRuns} from '../../source/services/upgrade/journal.js';
import {statePaths, stateDir} from '../../source/services/state-paths.js';
import type {UpgradePlan} from '../../source/services/upgrade/types.js';
import {createUpgradeController, type ControllerOptions} from '../../source/services/upgrade/controller.js';
import {createAppStore} from '../../source/store/store.js';

const plan = {entries: [], options: {}} as unknown as UpgradePlan;

function journal(dir: string, id: string, host: string, ended: boolean, cluster?: string): void {
	const j = openJournal(dir, id);
	j.append({t: 'run', id, host, ...(cluster ? {cluster} : {}), at: 1, plan});
	j.append({t: 'step', vmid: 101, step: 'upgrade', at: 2});
	if (ended) j.append({t: 'end', at: 3});
}

test('unfinished runs are those of the connected host only, newest first', () => {
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-journal-host-'));
	journal(dir, 'up-20261120-100000-aaaa', 'pve.lab:8006', false);
	journal(dir, 'up-20261121-100000-bbbb', '127.0.0.1:40123', false);
	journal(dir, 'up-20261122-100000-cccc', 'pve.lab:8006', true);
	journal(dir, 'up-20261123-100000-dddd', 'pve.lab:8006', false);
	assert.deepEqual(unfinishedRuns(dir, 'pve.lab:8006').map((r) => r.id), ['up-20261123-100000-dddd', 'up-20261120-100000-aaaa']);
	assert.deepEqual(unfinishedRuns(dir, '127.0.0.1:40123').map((r) => r.id), ['up-20261121-100000-bbbb']);
	assert.deepEqual(unfinishedRuns(dir, '127.0.0.1:40999'), [], 'a demo simulator on a new port is another host');
	assert.deepEqual(unfinishedRuns(join(dir, 'missing'), 'pve.lab:8006'), []);
});

test('a run on a cluster is found again through another node or address of that cluster', () => {
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-journal-cluster-'));
	journal(dir, 'up-20261123-090000-ffff', 'pve1.lab:8006', false, 'prod');
	journal(dir, 'up-20261123-091000-0000', 'other.lab:8006', false, 'staging');
	assert.deepEqual(unfinishedRuns(dir, '192.168.10.12:8006', 'prod').map((r) => r.id), ['up-20261123-090000-ffff']);
	assert.equal(unfinishedRuns(dir, 'pve1.lab:8006')[0]!.cluster, 'prod');
	assert.deepEqual(unfinishedRuns(dir, '192.168.10.12:8006'), [], 'an unknown cluster matches by host only');
});

test('the demo keeps its audit log and journals apart from real hosts', () => {
	const env = {XDG_STATE_HOME: '/s', HOME: '/h'};
	assert.equal(stateDir(env), '/s/proxdeck');
	assert.deepEqual(statePaths(env, {demo: false}), {dir: '/s/proxdeck', auditLog: '/s/proxdeck/audit.log', runsDir: '/s/proxdeck/runs'});
	assert.deepEqual(statePaths(env, {demo: true}), {dir: '/s/proxdeck/demo', auditLog: '/s/proxdeck/demo/audit.log', runsDir: '/s/proxdeck/demo/runs'});
	assert.deepEqual(statePaths({HOME: '/h', XDG_STATE_HOME: 'relative'}, {demo: false}).runsDir, '/h/.local/state/proxdeck/runs');
});

test('the console says at start that this host has an interrupted run; another host is not told', () => {
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-journal-notice-'));
	journal(dir, 'up-20261123-100000-eeee', 'pve.lab:8006', false);
	const open = (host: string) => {
		const store = createAppStore({target: host, demo: false, readOnly: false});
		const deps = {store, host, runsDir: dir, identity: 'root@pam!proxdeck'} as unknown as ControllerOptions;
		const controller = createUpgradeController(deps);
		controller.stop();
		return store.getState().notice?.text;
	};
	assert.equal(open('pve.lab:8006'), 'interrupted upgrade run up-20261123-100000-eeee: 0 of 0 done — 5 to resume or review');
	assert.equal(open('other:8006'), undefined);
});

test('after a crash cut the last line short, the next event starts a line of its own and is read back', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-journal-'));
	journal(dir, 'up-torn', 'pve:8006', false);
	const {appendFileSync} = await import('node:fs');
	// What a kill -9 in the middle of a write leaves: half a JSON line, no newline.
	appendFileSync(join(dir, 'up-torn.jsonl'), '{"t":"done","vmid":101,"outc');
	// The resumed process opens the journal again and appends.
	openJournal(dir, 'up-torn').append({t: 'done', vmid: 101, outcome: 'upgraded', at: 4, packages: 3});
	const [run] = unfinishedRuns(dir, 'pve:8006');
	assert.equal(run?.done.get(101)?.outcome, 'upgraded');
});

test('the problems read a run another proxdeck is still running as running, not interrupted', async () => {
	const {runFacts} = await import('../../source/services/problems/run-facts.js');
	const {acquireRunLock} = await import('../../source/services/upgrade/run-lock.js');
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-journal-'));
	journal(dir, 'up-live', 'pve:8006', false);
	journal(dir, 'up-dead', 'pve:8006', false);
	const lock = acquireRunLock(dir, 'up-live');
	try {
		assert.deepEqual(runFacts(dir, 'pve:8006', undefined, Date.now(), 100_000).map((r) => [r.id, r.state]), [['up-dead', 'interrupted']]);
	} finally {
		lock.release();
	}
	assert.deepEqual(runFacts(dir, 'pve:8006', undefined, Date.now(), 100_000).map((r) => r.id).sort(), ['up-dead', 'up-live']);
});
