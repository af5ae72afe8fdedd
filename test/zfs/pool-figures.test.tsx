// The ZFS pane and the problems pane agree: each pool line shows zpool's raw
// fill (parity included) and the fill of the storage allocating in the pool
// (`pvesm status`'s used/total, the figure the storage-fill rule reads), each
// labelled and marked by the problem rules' own thresholds — in the full
// screen, in the deck's compact pane, and at narrow widths.

import '../views/force-color.js';
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {countProblems, evaluateProblems} from '../../source/services/problems/rules.js';
import {DEFAULT_THRESHOLDS, type Thresholds} from '../../source/services/problems/thresholds.js';
import {emptyFacts, type StorageFact} from '../../source/services/problems/types.js';
import type {ZfsPoolRow, ZfsSample} from '../../source/store/screen-types.js';
import {createAppStore} from '../../source/store/store.js';
import {compactZfsLines} from '../../views/deck/compact-lines.js';
import {selectConsumers, selectPoolFigures} from '../../views/zfs-lines.js';
import {plain, press} from '../views/harness.js';
import {renderApp} from '../views/render.js';
import {startSimSession, waitFor} from './sim-helpers.js';

afterEach(() => cleanup());

const T = 1024 ** 4;
const YELLOW = '\u001B[33m';
const RED = '\u001B[31m';

function pool(name: string, fraction: number): ZfsPoolRow {
	const size = 16 * T;
	return {node: 'pve', name, size, alloc: Math.round(size * fraction), free: Math.round(size * (1 - fraction)), frag: 14, dedup: 1, health: 'ONLINE', faulted: []};
}

/** tank: raidz1, zpool says `raw`; the zfspool storage `tank` allocates in it (storage.cfg `pool tank`). */
function sample(raw: number): ZfsSample {
	return {
		source: 'api',
		pools: [pool('rpool', 0.25), pool('tank', raw)],
		datasets: [],
		snapshots: [],
		storages: [],
		zfsStorages: [{storage: 'local-zfs', pool: 'rpool/data'}, {storage: 'tank', pool: 'tank'}],
		notes: [],
		at: 1_000_000,
	};
}

/** A store as the services leave it: the ZFS sample, and the problem list evaluated on these storages and pools. */
function storeWith(zfs: ZfsSample, storageFill: number, thresholds: Thresholds = DEFAULT_THRESHOLDS, active?: Set<string>) {
	const store = createAppStore({target: 'sim', demo: false, readOnly: false});
	store.getState().actions.fleetReceived({guests: [], nodes: [{name: 'pve', status: 'online', cpu: 0, maxcpu: 1, mem: 0, maxmem: 1, uptime: 0}], receivedAt: 1_000_000});
	store.getState().actions.zfsReceived(zfs);
	const total = 11.6 * T;
	const storages: StorageFact[] = [
		{node: 'pve', storage: 'local-zfs', used: 0.18 * 800e9, total: 800e9, shared: false, status: 'available'},
		{node: 'pve', storage: 'tank', used: Math.round(total * storageFill), total, shared: false, status: 'available'},
	];
	const facts = {...emptyFacts(1_000_000), nodes: store.getState().nodes, storages, pools: zfs.pools.map((p) => ({node: p.node, name: p.name, size: p.size, alloc: p.alloc, health: p.health})), ...(active ? {active} : {})};
	const list = evaluateProblems(facts, thresholds);
	store.getState().actions.problemsEvaluated(list, countProblems(list), 1_000_000, {storages, thresholds});
	return store;
}

const frameOf = (app: {lastFrame(): string | undefined}) => app.lastFrame() ?? '';
const lineWith = (frame: string, text: string) => frame.split('\n').find((l) => plain(l).includes(text));

test('a pool line labels both figures: zpool raw, and the storage allocating in it (the problems pane warns on the latter)', async () => {
	const store = storeWith(sample(0.84), 0.87);
	assert.ok(store.getState().problems.list.some((p) => p.text === 'storage tank on pve 87 % (≥ 85 %)' && p.level === 'warning'));
	const app = await renderApp(store, {size: {columns: 120, rows: 40}});
	await press(app, '3');
	const raw = frameOf(app);
	const tank = lineWith(raw, 'pve/tank')!;
	assert.match(plain(tank), /pve\/tank +█+░+ {2}pool 84% raw {2}storage tank 87% ▲ +ONLINE/);
	assert.ok(tank.includes(YELLOW) && !tank.includes(RED), 'yellow: the storage figure is over storage.warn');
	const rpool = lineWith(raw, 'pve/rpool')!;
	assert.match(plain(rpool), /pool 25% raw {2}storage local-zfs 18% {2}/);
	assert.ok(!rpool.includes(YELLOW) && !rpool.includes(RED));
	assert.doesNotMatch(plain(rpool), /[▲✖]/);
});

test('storage at 91 % while zpool raw is 84 %: red and ✖ on the storage figure, as the problems pane says (critical)', async () => {
	const store = storeWith(sample(0.84), 0.91);
	const problem = store.getState().problems.list.find((p) => p.id === 'storage-fill:pve/tank');
	assert.equal(problem?.level, 'critical');
	assert.equal(problem?.text, 'storage tank on pve 91 % (≥ 90 %)');
	assert.ok(!store.getState().problems.list.some((p) => p.rule === 'pool-fill'), 'raw 84 % is under pool.warn');
	const app = await renderApp(store, {size: {columns: 120, rows: 40}});
	await press(app, '3');
	const tank = lineWith(frameOf(app), 'pve/tank')!;
	assert.match(plain(tank), /pool 84% raw {2}storage tank 91% ✖ +ONLINE/);
	assert.ok(tank.includes(RED), 'red, as the critical problem');
	// The deck's compact ZFS pane says the same.
	const state = store.getState();
	const compact = compactZfsLines(state.zfs, selectConsumers(state), undefined, 70, 5, {figures: selectPoolFigures(state)}).find((l) => l.text.startsWith('pve/tank'))!;
	assert.match(compact.text, /^pve\/tank █+░* pool 84% raw · storage tank 91% ✖ /);
	assert.equal(compact.tone, 'danger');
});

test('narrow: at 60 columns the labels shorten, the marked storage figure stays; the compact pane keeps it at 36', async () => {
	const store = storeWith(sample(0.84), 0.91);
	const app = await renderApp(store, {size: {columns: 60, rows: 20}});
	await press(app, '3');
	const raw = frameOf(app);
	for (const line of plain(raw).split('\n')) assert.ok(line.length <= 60, line);
	const tank = lineWith(raw, 'pve/tank')!;
	assert.match(plain(tank), /^pve\/tank +█*░* +84% raw {2}storage 91% ✖ {2}ONLINE/);
	assert.ok(tank.includes(RED));
	const state = store.getState();
	for (const width of [50, 36]) {
		const compact = compactZfsLines(state.zfs, selectConsumers(state), undefined, width, 5, {figures: selectPoolFigures(state)}).find((l) => l.text.startsWith('pve/tank'))!;
		assert.match(compact.text.slice(0, width), /storage 91% ✖/, `${width}: ${compact.text}`);
		assert.equal(compact.tone, 'danger');
	}
});

test('the marks follow the configured thresholds and the problem list\'s hysteresis, not numbers of the ZFS pane\'s own', async () => {
	// storage: {warn: 80, crit: 95} in the config file: 91 % is a warning there.
	const lenient: Thresholds = {...DEFAULT_THRESHOLDS, storage: {warn: 80, crit: 95}};
	let store = storeWith(sample(0.84), 0.91, lenient);
	assert.equal(store.getState().problems.list.find((p) => p.id === 'storage-fill:pve/tank')?.level, 'warning');
	let figures = selectPoolFigures(store.getState()).get('pve/tank')!;
	assert.equal(figures.storage?.level, 'warning');
	assert.equal(figures.level, 'warning');
	// Raised before, now 83 %: the problems pane holds the warning (it clears below 82 %), and so does the ZFS pane.
	store = storeWith(sample(0.84), 0.832, DEFAULT_THRESHOLDS, new Set(['storage-fill:pve/tank']));
	assert.equal(store.getState().problems.list.find((p) => p.id === 'storage-fill:pve/tank')?.text, 'storage tank on pve 83 % (was ≥ 85 %; clears below 82 %)');
	const app = await renderApp(store, {size: {columns: 120, rows: 40}});
	await press(app, '3');
	const tank = lineWith(frameOf(app), 'pve/tank')!;
	assert.match(plain(tank), /storage tank 83% ▲/);
	assert.ok(tank.includes(YELLOW));
	// Not raised before: 83 % is under every bar, in both panes.
	const fresh = storeWith(sample(0.84), 0.832);
	assert.ok(!fresh.getState().problems.list.some((p) => p.id === 'storage-fill:pve/tank'));
	assert.equal(selectPoolFigures(fresh.getState()).get('pve/tank')!.level, undefined);
	figures = selectPoolFigures(store.getState()).get('pve/tank')!;
	assert.equal(figures.raw.level, undefined);
});

test('homelab end to end: storage.cfg from GET /storage, the figure from the problems service, the same verdict in both panes', async () => {
	const s = await startSimSession('homelab', {sshNode: 'pve'});
	try {
		s.store.getState().actions.setScreen('zfs');
		await waitFor('the ZFS sample with storage.cfg and the storages', () => s.store.getState().zfs.sample?.zfsStorages !== undefined && s.store.getState().problems.storages.length > 0);
		const state = s.store.getState();
		assert.deepEqual(
			state.zfs.sample!.zfsStorages!.map((c) => `${c.storage}=${c.pool}`).sort(),
			['local-zfs=rpool/data', 'tank-docker=tank/docker', 'tank-monitoring=tank/monitoring', 'tank=tank'],
		);
		const tank = selectPoolFigures(state).get('pve/tank')!;
		assert.equal(Math.round(tank.raw.fraction * 100), 84);
		assert.equal(tank.raw.level, undefined);
		assert.equal(tank.storage?.storage, 'tank');
		assert.equal(Math.round(tank.storage!.fraction * 100), 87);
		assert.equal(tank.storage?.level, 'warning');
		assert.deepEqual(tank.more.map((m) => `${m.storage} ${m.level}`), ['tank-monitoring warning']);
		const warned = state.problems.list.filter((p) => p.rule === 'storage-fill' || p.rule === 'pool-fill').map((p) => `${p.id} ${p.level}`).sort();
		assert.deepEqual(warned, ['storage-fill:pve/tank warning', 'storage-fill:pve/tank-monitoring warning']);
	} finally {
		await s.close();
	}
});

test('without SSH the storage table is marked by the configured storage thresholds, as the problems pane', async () => {
	const zfs: ZfsSample = {
		source: 'api',
		pools: [pool('tank', 0.7)],
		datasets: [],
		snapshots: [],
		storages: [{node: 'pve', storage: 'tank', type: 'zfspool', used: 0.82 * 10 * T, total: 10 * T, active: true}],
		zfsStorages: [{storage: 'tank', pool: 'tank'}],
		notes: [],
		at: 1_000_000,
	};
	// thresholds.storage {warn: 80, crit: 95} in the config file: 82 % is a warning in both panes.
	const store = storeWith(zfs, 0.82, {...DEFAULT_THRESHOLDS, storage: {warn: 80, crit: 95}});
	assert.equal(store.getState().problems.list.find((p) => p.id === 'storage-fill:pve/tank')?.level, 'warning');
	const app = await renderApp(store, {size: {columns: 80, rows: 24}});
	await press(app, '3');
	const raw = frameOf(app);
	const row = raw.split('\n').find((l) => /pve\/tank +zfspool/.test(plain(l)))!;
	assert.match(plain(row), /82% ▲ {2}8\.2T of 10T/);
	assert.ok(row.includes(YELLOW));
	assert.match(plain(lineWith(raw, 'pve/tank ')!), /70% raw {2}storage (tank )?82% ▲/);
});
