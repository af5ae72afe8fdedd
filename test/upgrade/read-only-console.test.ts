// Read-only in the console: `u` (plan), `5` → resume and the engine itself
// refuse before any command runs inside a container — planning alone would
// run `apt-get update` as root — and nothing is written to the host.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import {createUpgradeController} from '../../source/services/upgrade/controller.js';
import {openJournal} from '../../source/services/upgrade/journal.js';
import type {CommandRunner} from '../../source/ssh/types.js';
import {startUpgradeRig} from './helpers.js';

test('console in read-only: u and resume refuse before one command is executed', async () => {
	const rig = await startUpgradeRig({readOnly: true});
	try {
		const commands: string[][] = [];
		const counting: CommandRunner = {
			...rig.deps.runner,
			run: (argv, o) => (commands.push(argv), rig.deps.runner.run(argv, o)),
			stream: (argv, onLine, o) => (commands.push(argv), rig.deps.runner.stream(argv, onLine, o)),
		};
		// An unfinished run of this host whose next step would be an upgrade.
		const plan = await startUpgradeRig().then(async (rw) => {
			try {
				return await rw.plan([300]);
			} finally {
				await rw.close();
			}
		});
		const journal = openJournal(rig.runsDir, 'up-20261123-100000-aaaa');
		journal.append({t: 'run', id: 'up-20261123-100000-aaaa', host: rig.client.target, at: Date.now(), plan});
		const controller = createUpgradeController({...rig.deps, runner: counting, store: rig.store});

		controller.plan([300, 301, 405]);
		assert.equal(controller.view().stage, 'idle');
		assert.match(rig.store.getState().notice?.text ?? '', /upgrade is disabled \(read-only\)/);
		controller.resume();
		assert.equal(controller.view().stage, 'idle');
		assert.match(rig.store.getState().notice?.text ?? '', /upgrade is disabled \(read-only\)/);
		await new Promise((resolve) => setTimeout(resolve, 200));
		assert.deepEqual(commands, [], 'no command ran over SSH');
		assert.deepEqual(rig.writes(), []);
		controller.stop();
	} finally {
		await rig.close();
	}
});
