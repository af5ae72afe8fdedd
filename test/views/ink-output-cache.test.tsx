// proxdeck patches Ink's Output so its width and styled-character caches
// outlive one frame (patches/ink+6.8.0.patch, applied by `npm install`).
// These tests fail if the patch is missing, and if the shared cache ever let
// one frame's styling leak into another.
import './force-color.js';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {Box, Text} from 'ink';
import {render} from 'ink-testing-library';
import React from 'react';
import {packagePath} from '../../source/util/package-root.js';

test('the installed Ink carries the output-cache patch (npm install runs patch-package)', () => {
	const output = readFileSync(packagePath('node_modules', 'ink', 'build', 'output.js'), 'utf8');
	assert.ok(output.includes('proxdeck patch'), 'node_modules/ink is unpatched: run `npx patch-package` (or npm install without --ignore-scripts)');
});

test('the installed Yoga compiles its WebAssembly on the main thread (patches/yoga-layout; README, Design notes)', () => {
	const loader = readFileSync(packagePath('node_modules', 'yoga-layout', 'dist', 'binaries', 'yoga-wasm-base64-esm.js'), 'utf8');
	assert.ok(loader.includes('proxdeck patch') && loader.includes('new WebAssembly.Module(f)'), 'node_modules/yoga-layout is unpatched: run `npx patch-package` (or npm install without --ignore-scripts)');
	assert.ok(!loader.includes('WebAssembly.instantiate(f,d)'));
});

function Lines({lines}: {lines: Array<{text: string; color?: string; inverse?: boolean}>}) {
	return (
		<Box flexDirection="column">
			{lines.map((line, i) => (
				<Text key={i} color={line.color} inverse={line.inverse}>
					{line.text}
				</Text>
			))}
		</Box>
	);
}

test('lines repeated across frames keep their own styling (the shared cache leaks nothing)', () => {
	const plain = {text: 'plex      running'};
	const selected = {text: 'plex      running', inverse: true};
	const hot = {text: 'immich    93 %', color: 'red'};
	const app = render(<Lines lines={[plain, hot]} />);
	const first = app.lastFrame()!;
	app.rerender(<Lines lines={[selected, hot]} />);
	const second = app.lastFrame()!;
	app.rerender(<Lines lines={[plain, hot]} />);
	const third = app.lastFrame()!;
	app.unmount();

	assert.equal(third, first, 'the same tree renders the same frame again');
	assert.notEqual(second, first);
	const [selectedLine, hotLine] = second.split('\n');
	assert.ok(selectedLine!.includes('\u001B[7mplex      running'), JSON.stringify(selectedLine));
	assert.ok(!first.split('\n')[0]!.includes('\u001B[7m'), 'the unselected line is not inverse');
	assert.ok(hotLine!.includes('\u001B[31mimmich    93 %'), JSON.stringify(hotLine));
});
