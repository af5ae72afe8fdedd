import assert from 'node:assert/strict';
import {test} from 'node:test';
import {backoffDelay, createPoller} from '../../source/services/poller.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('backoff doubles per failure and is capped', () => {
	assert.equal(backoffDelay(2000, 0, 30000), 2000);
	assert.equal(backoffDelay(2000, 1, 30000), 4000);
	assert.equal(backoffDelay(2000, 3, 30000), 16000);
	assert.equal(backoffDelay(2000, 10, 30000), 30000);
});

test('a slow poll is never overlapped by the next one (single flight)', async () => {
	let active = 0;
	let maxActive = 0;
	let calls = 0;
	const poller = createPoller({
		intervalMs: 5,
		async poll() {
			calls++;
			active++;
			maxActive = Math.max(maxActive, active);
			await tick(30);
			active--;
		},
		onError() {},
	});
	poller.start();
	// refreshNow while one is running joins it instead of starting another.
	await Promise.all([poller.refreshNow(), poller.refreshNow()]);
	await tick(80);
	poller.stop();
	assert.equal(maxActive, 1);
	assert.ok(calls >= 2, `polled ${calls} times`);
});

test('failures are reported, back off, and polling resumes when the host answers again', async () => {
	const errors: string[] = [];
	let fail = true;
	let successes = 0;
	const poller = createPoller({
		intervalMs: 5,
		maxBackoffMs: 20,
		async poll() {
			if (fail) throw new Error('connection refused');
			successes++;
		},
		onError(error) {
			errors.push((error as Error).message);
		},
	});
	poller.start();
	await tick(60);
	assert.ok(errors.length >= 2, `errors: ${errors.length}`);
	assert.ok(poller.failures >= 2);
	// Backoff: far fewer attempts than one every 5 ms.
	assert.ok(errors.length < 10, `attempted ${errors.length} times in 60 ms despite backoff`);
	fail = false;
	await tick(60);
	poller.stop();
	assert.ok(successes >= 1);
	assert.equal(poller.failures, 0);
});

test('stop aborts the poll in flight and schedules nothing more', async () => {
	let aborted = false;
	let calls = 0;
	const poller = createPoller({
		intervalMs: 5,
		poll(signal) {
			calls++;
			return new Promise((_, reject) => {
				signal.addEventListener('abort', () => {
					aborted = true;
					reject(new Error('aborted'));
				});
			});
		},
		onError() {
			assert.fail('an abort on stop is not an error');
		},
	});
	poller.start();
	await tick(5);
	poller.stop();
	await tick(30);
	assert.equal(aborted, true);
	assert.equal(calls, 1);
});

test('an interval beyond setTimeout’s limit (or NaN, or ∞) waits, it never polls every millisecond', async () => {
	// 2147484 s in the config was 2^31 ms: setTimeout fired after 1 ms, 129 polls in 8 s.
	for (const intervalMs of [2_147_484_000, 1e308 * 1000, Infinity, Number.NaN]) {
		assert.equal(backoffDelay(intervalMs, 0, 30_000), 2 ** 31 - 1, String(intervalMs));
		let calls = 0;
		const poller = createPoller({intervalMs, poll: async () => void calls++, onError() {}});
		poller.start();
		await tick(60);
		poller.stop();
		assert.equal(calls, 1, `interval ${intervalMs}: only the first poll runs`);
	}
	assert.equal(backoffDelay(-5, 0, 30_000), 0);
});
