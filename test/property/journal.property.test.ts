// Properties of the journal path: the timestamp split of journal lines (short,
// short-iso, short-precise, busybox syslog), and the log sources, which must
// hand nothing to the screen that a terminal would act on — whatever a host
// or container prints, however the bytes arrive.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {commandSource, formatAuditLine, type LogSink} from '../../source/services/logs/sources.js';
import {RingBuffer, splitTimestamp} from '../../source/services/logs/ring-buffer.js';
import {LineSplitter} from '../../source/ssh/line-splitter.js';
import type {CommandRunner, LineSource, RunnerStatus, StreamEnd} from '../../source/ssh/types.js';
import {sanitize} from '../../source/util/sanitize.js';
import {readSample} from '../samples.js';
import {escapeSequence, hasControl, hostileText, runs} from './arbitraries.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const when = fc.date({min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true});
const offset = fc.tuple(fc.constantFrom('+', '-'), fc.integer({min: 0, max: 14}), fc.constantFrom(0, 30, 45), fc.boolean());

/** The stamp journalctl (or syslogd) prints for `d` in each output mode. */
const stamp = fc.oneof(
	// short / syslog: "Apr  8 19:53:32" (day padded with a space)
	when.map((d) => `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`),
	// short-precise: "Apr 08 19:53:32.123456"
	fc.tuple(when, fc.integer({min: 0, max: 999_999})).map(([d, us]) => `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(us, 6)}`),
	// short-iso: "2026-11-23T16:40:01+00:00" (systemd ≥ 249) or "+0000" (older), "Z" from the API
	fc.tuple(when, offset, fc.option(fc.integer({min: 0, max: 999_999}), {nil: undefined})).map(([d, [sign, h, m, colon], us]) => {
		const base = d.toISOString().slice(0, 19) + (us === undefined ? '' : `.${pad(us, 6)}`);
		return `${base}${sign}${pad(h)}${colon ? ':' : ''}${pad(m)}`;
	}),
	when.map((d) => `${d.toISOString().slice(0, 19)}Z`),
);
const host = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
const unit = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9@._-]{0,15}$/), fc.integer({min: 1, max: 4_194_304})).map(([u, pid]) => `${u}[${pid}]`);
const message = fc.string({unit: 'grapheme', maxLength: 60}).map((s) => s.replace(/[\r\n]/g, ' '));

test('a journal line splits into exactly its stamp and the rest', () => {
	fc.assert(
		fc.property(stamp, host, unit, message, (ts, h, u, msg) => {
			const rest = `${h} ${u}: ${msg}`;
			assert.deepEqual(splitTimestamp(`${ts} ${rest}`), {ts, text: rest});
		}),
		runs(),
	);
});

test('any line: the split never throws, and stamp + blanks + text is the line again', () => {
	fc.assert(
		fc.property(fc.oneof(hostileText, fc.tuple(stamp, hostileText).map(([ts, t]) => `${ts}${t}`)), (line) => {
			const {ts, text} = splitTimestamp(line);
			if (ts === '') assert.equal(text, line);
			else {
				assert.ok(line.startsWith(ts));
				assert.match(line.slice(ts.length, line.length - text.length), /^\s+$/);
				assert.ok(line.endsWith(text));
			}
		}),
		runs(),
	);
});

test('every line of the recorded journals has exactly its stamp split off', () => {
	for (const name of ['journal-pvedaemon.txt', 'journal-pveproxy.txt', 'journal-corosync-knet.txt', 'journal-grafana.txt', 'journal-plex.txt', 'journal-vaultwarden.txt', 'journal-wireguard-wg-quick.txt']) {
		for (const line of readSample(name).split('\n').filter((l) => /^[A-Z][a-z]{2} [ \d]\d \d\d:/.test(l))) {
			const {ts, text} = splitTimestamp(line);
			assert.match(ts, /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d$/, `${name}: ${line}`);
			assert.equal(`${ts} ${text}`, line, `${name}: ${line}`);
			assert.match(text, /^\S/, `${name}: ${line}`);
		}
	}
});

/** A runner whose one stream prints `chunks` (stdout) and `errChunks` (stderr) through real line splitters. */
function scriptedRunner(chunks: Buffer[], errChunks: Buffer[], code: number): CommandRunner {
	return {
		label: 'test',
		run: async () => ({code: 0, stdout: '', stderr: ''}),
		stream(_argv, onLine: (line: string, from: LineSource) => void) {
			const out = new LineSplitter((l) => onLine(l, 'stdout'));
			const err = new LineSplitter((l) => onLine(l, 'stderr'));
			const done: Promise<StreamEnd> = Promise.resolve().then(() => {
				for (const c of chunks) out.push(c);
				for (const c of errChunks) err.push(c);
				out.end();
				err.end();
				return {code};
			});
			return {stop: () => {}, done};
		},
		onStatus: (_listener: (s: RunnerStatus) => void) => () => {},
		close: async () => {},
	};
}

function cutBytes(text: string, sizes: number[]): Buffer[] {
	const bytes = Buffer.from(text, 'utf8');
	const out: Buffer[] = [];
	let at = 0;
	for (const size of sizes) {
		if (at >= bytes.length) break;
		out.push(bytes.subarray(at, at + 1 + (size % 17)));
		at += 1 + (size % 17);
	}
	out.push(bytes.subarray(at));
	return out;
}

const hostileLog = fc.array(fc.oneof(hostileText, escapeSequence, fc.tuple(stamp, message).map(([ts, m]) => `${ts} pve ${m}\n`)), {maxLength: 10}).map((p) => p.join(''));

test('a command source hands the pane no control character, whatever the host prints and however it is cut', async () => {
	await fc.assert(
		fc.asyncProperty(hostileLog, hostileLog, fc.array(fc.nat(), {maxLength: 30}), fc.integer({min: 0, max: 255}), async (stdout, stderr, sizes, code) => {
			const shown: string[] = [];
			const reasons: string[] = [];
			let resolveEnd!: () => void;
			const ended = new Promise<void>((r) => (resolveEnd = r));
			const sink: LogSink = {
				line: (t) => shown.push(t),
				status: (s) => {
					if (s.state === 'failed') reasons.push(s.reason);
					if ('detail' in s && typeof s.detail === 'string') reasons.push(s.detail);
					if (s.state === 'failed' || s.state === 'ended') resolveEnd();
				},
			};
			commandSource(scriptedRunner(cutBytes(stdout, sizes), cutBytes(stderr, sizes.slice().reverse()), code), ['journalctl']).start(sink);
			await ended;
			for (const t of [...shown, ...reasons]) assert.ok(!hasControl(t), JSON.stringify(t));
			// Nothing is lost either: one shown line per line the host printed.
			const printed = (text: string) => new LineSplitterCount(text).count;
			assert.equal(shown.length, printed(stdout) + printed(stderr));
			// And what the ring buffer keeps (stamp split off) is still clean.
			const ring = new RingBuffer(50);
			for (const t of shown) {
				ring.append(t);
				const line = ring.newest()!;
				assert.ok(!hasControl(line.text) && !hasControl(line.ts));
			}
		}),
		runs(),
	);
});

/** How many lines a splitter yields for a text (the reference count for "nothing lost"). */
class LineSplitterCount {
	count = 0;
	constructor(text: string) {
		const s = new LineSplitter(() => this.count++);
		s.push(Buffer.from(text, 'utf8'));
		s.end();
	}
}

test('an audit line shown in the audit pane is one clean line whatever the JSON holds', () => {
	const entry = fc.record({
		time: fc.oneof(hostileText, fc.date({noInvalidDate: true}).map((d) => d.toISOString())),
		phase: fc.constantFrom('begin', 'end', 'other'),
		action: hostileText,
		targets: fc.oneof(fc.array(fc.oneof(fc.integer(), hostileText), {maxLength: 3}), hostileText),
		identity: hostileText,
		host: hostileText,
		upid: fc.option(hostileText, {nil: undefined}),
		result: fc.oneof(hostileText, fc.constant(null)),
		durationMs: fc.oneof(fc.nat(), hostileText),
	}, {requiredKeys: []});
	fc.assert(
		fc.property(fc.oneof(entry.map((e) => JSON.stringify(e)), hostileText), (raw) => {
			const shown = sanitize(formatAuditLine(raw));
			assert.ok(!hasControl(shown));
		}),
		runs(),
	);
});

test('regression: the last stderr line of an ended command is shown without its escape sequences', async () => {
	const statuses: string[] = [];
	await new Promise<void>((resolve) => {
		commandSource(scriptedRunner([Buffer.from('one line\n')], [Buffer.from('\u001b]0;owned\u0007warning: \u001b[31mdisk\n')], 0), ['journalctl']).start({
			line: () => {},
			status: (s) => {
				if (s.state === 'ended') {
					statuses.push(s.detail ?? '');
					resolve();
				}
			},
		});
	});
	assert.deepEqual(statuses, ['warning: disk']);
});
