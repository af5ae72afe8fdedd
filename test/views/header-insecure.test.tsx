// --insecure accepts any certificate; --help and the README promise that the
// header says so. It must be there, in red and inverse, at every width the
// console draws, and also beside the other badges, before the target (which is
// cut first on a narrow terminal).

import './force-color.js';
import assert from 'node:assert/strict';
import {afterEach, test} from 'node:test';
import {cleanup} from 'ink-testing-library';
import {createAppStore} from '../../source/store/store.js';
import {MIN_COLUMNS} from '../../views/layout.js';
import {homelabGuests, snapshot} from './data.js';
import {plain} from './harness.js';
import {renderApp} from './render.js';

afterEach(() => cleanup());

function store(insecure: boolean, extra: {demo?: boolean; readOnly?: boolean} = {}) {
	const s = createAppStore({target: 'a-very-long-host-name.example.internal:8006', demo: extra.demo ?? false, readOnly: extra.readOnly ?? false, insecure});
	s.getState().actions.fleetReceived(snapshot(homelabGuests()));
	return s;
}

for (const columns of [MIN_COLUMNS, 80, 120, 200]) {
	test(`--insecure shows INSECURE in red and inverse in the header at ${columns} columns`, async () => {
		const app = await renderApp(store(true, {readOnly: true}), {size: {columns, rows: 24}});
		const first = app.lastFrame()!.split('\n')[0]!;
		assert.match(plain(first), /^proxdeck INSECURE  READ-ONLY /, plain(first));
		// The badge's own styling: the codes right before the word turn on inverse (7) and red (31).
		const codes = /((?:\u001B\[[\d;]*m)+) INSECURE /.exec(first)?.[1] ?? '';
		assert.ok(codes.includes('\u001B[7m') && codes.includes('\u001B[31m'), JSON.stringify(first));
	});
}

test('a verified connection shows no INSECURE badge', async () => {
	const app = await renderApp(store(false), {size: {columns: 120, rows: 24}});
	assert.doesNotMatch(plain(app.lastFrame()!), /INSECURE/);
});
