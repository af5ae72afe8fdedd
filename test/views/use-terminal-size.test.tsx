import assert from 'node:assert/strict';
import {EventEmitter} from 'node:events';
import {afterEach, test} from 'node:test';
import {Text} from 'ink';
import {cleanup, render} from 'ink-testing-library';
import React from 'react';
import {useTerminalSize} from '../../views/useTerminalSize.js';
import {settle, waitForFrame} from './harness.js';

afterEach(() => cleanup());

function Probe({stdout}: {stdout: NodeJS.WriteStream}) {
	const size = useTerminalSize(stdout);
	return <Text>{`${size.columns}x${size.rows}`}</Text>;
}

test('useTerminalSize follows the stream’s resize events', async () => {
	const fake = Object.assign(new EventEmitter(), {columns: 100, rows: 30}) as unknown as NodeJS.WriteStream & {columns: number; rows: number};
	const app = render(<Probe stdout={fake} />);
	await settle();
	assert.equal(app.lastFrame(), '100x30');
	fake.columns = 70;
	fake.rows = 20;
	fake.emit('resize');
	await waitForFrame(app, (f) => f === '70x20');
	cleanup();
	assert.equal(fake.listenerCount('resize'), 0, 'unsubscribes on unmount');
});
