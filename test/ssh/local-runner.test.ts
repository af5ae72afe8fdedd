import assert from 'node:assert/strict';
import {mkdtempSync, mkdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {SshError} from '../../source/ssh/errors.js';
import {createLocalRunner, detectLocalHost} from '../../source/ssh/local-runner.js';

const runner = createLocalRunner();
after(() => runner.close());

test('runs argv without a shell: metacharacters reach the program literally', async () => {
	const result = await runner.run(['printf', '%s|', '$(id)', 'a b', `it's`]);
	assert.deepEqual(result, {code: 0, stdout: '$(id)|a b|it\'s|', stderr: ''});
});

test('exit codes and stderr are surfaced', async () => {
	const result = await runner.run(['sh', '-c', 'echo oops >&2; exit 3']);
	assert.equal(result.code, 3);
	assert.equal(result.stderr, 'oops\n');
});

test('a missing program answers 127 like a shell, not an exception', async () => {
	const result = await runner.run(['no-such-program-proxdeck']);
	assert.equal(result.code, 127);
	assert.match(result.stderr, /no-such-program-proxdeck: command not found/);
});

test('stdin is passed and closed', async () => {
	const result = await runner.run(['cat'], {stdin: 'hello\n'});
	assert.equal(result.stdout, 'hello\n');
});

test('timeoutMs kills the process and rejects with kind timeout', async () => {
	await assert.rejects(runner.run(['sleep', '5'], {timeoutMs: 50}), (error: unknown) => error instanceof SshError && error.kind === 'timeout');
});

test('an AbortSignal kills the process and rejects with its reason', async () => {
	const controller = new AbortController();
	const pending = runner.run(['sleep', '5'], {signal: controller.signal});
	setTimeout(() => controller.abort(new Error('user cancelled')), 20);
	await assert.rejects(pending, /user cancelled/);
});

test('stream delivers lines from stdout and stderr, and the exit code', async () => {
	const lines: Array<[string, string]> = [];
	const handle = runner.stream(['sh', '-c', 'printf "a\\r\\nb"; echo err >&2; exit 4'], (line, from) => lines.push([from, line]));
	assert.deepEqual(await handle.done, {code: 4});
	assert.deepEqual(lines.filter(([f]) => f === 'stdout'), [['stdout', 'a'], ['stdout', 'b']]);
	assert.deepEqual(lines.filter(([f]) => f === 'stderr'), [['stderr', 'err']]);
});

test('stop() ends a running stream with SIGTERM', async () => {
	const lines: string[] = [];
	const handle = runner.stream(['sh', '-c', 'echo ready; exec sleep 5'], (line) => {
		lines.push(line);
		handle.stop();
	});
	assert.deepEqual(await handle.done, {code: null, signal: 'TERM'});
	assert.deepEqual(lines, ['ready']);
});

test('detectLocalHost looks for the /etc/pve directory', () => {
	const dir = mkdtempSync(join(tmpdir(), 'proxdeck-local-'));
	try {
		assert.equal(detectLocalHost(join(dir, 'pve')), false);
		mkdirSync(join(dir, 'pve'));
		assert.equal(detectLocalHost(join(dir, 'pve')), true);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('the label says local', () => {
	assert.equal(runner.label, 'local');
});

test('a command that prints more than the output limit is stopped with one line, not buffered whole', async () => {
	const small = createLocalRunner({runOutputLimit: 64 * 1024});
	await assert.rejects(small.run(['yes', 'spam from a hostile host']), (error: unknown) =>
		error instanceof SshError && error.kind === 'too-large' && error.message === 'local: yes printed more than 64 KiB; stopped it');
	assert.equal((await small.run(['printf', 'fits'])).stdout, 'fits');
	await small.close();
});
