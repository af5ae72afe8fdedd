// Properties of the UPID codec: any task identity PVE can hand out survives
// format → parse; any text that parses formats back to itself (modulo hex
// case); nothing throws; and the UPIDs in the recorded journals and task lists parse.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {formatUpid, parseUpid} from '../../source/api/upid.js';
import {readSample} from '../samples.js';
import {hostileText, runs} from './arbitraries.js';

// pve-node: letters/digits, inner hyphens.
const node = fc.stringMatching(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,20}[a-zA-Z0-9])?$/);
// type/id/user: no colon, whitespace or slash (PVE's decode regex); id may be empty.
const field = (min: number) => fc.string({unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@!+=é'), minLength: min, maxLength: 24});
const upidFields = fc.record({
	node,
	pid: fc.integer({min: 0, max: 0xffffffff}),
	// pstart passes 8 hex digits after 497 days of uptime.
	pstart: fc.integer({min: 0, max: 0xfffffffff}),
	starttime: fc.integer({min: 0, max: 0xffffffff}),
	type: field(1),
	id: field(0),
	user: fc.tuple(field(1), fc.constantFrom('pam', 'pve', 'ldap'), fc.option(field(1), {nil: undefined})).map(([u, realm, token]) => `${u.replace(/[@!]/g, '')}@${realm}${token ? `!${token.replace(/[@!]/g, '')}` : ''}`),
});

test('format → parse is the identity for every task identity PVE can write', () => {
	fc.assert(
		fc.property(upidFields, (fields) => {
			assert.deepEqual(parseUpid(formatUpid(fields)), {...fields});
		}),
		runs(),
	);
});

test('a parsed UPID formats back to the same text (hex upper-cased)', () => {
	fc.assert(
		fc.property(upidFields, fc.boolean(), (fields, lower) => {
			const text = formatUpid(fields);
			const hexLower = lower ? text.replace(/:([0-9A-F]{8,9}):([0-9A-F]{8,9}):([0-9A-F]{8}):/, (m) => m.toLowerCase()) : text;
			assert.equal(formatUpid(parseUpid(hexLower)!), text);
		}),
		runs(),
	);
});

test('parseUpid never throws, and what it accepts holds no whitespace or control character', () => {
	fc.assert(
		fc.property(fc.oneof(hostileText, upidFields.chain((f) => fc.tuple(fc.constant(formatUpid(f)), hostileText, fc.nat()).map(([u, junk, at]) => u.slice(0, at % (u.length + 1)) + junk + u.slice(at % (u.length + 1))))), (text) => {
			const parsed = parseUpid(text);
			if (parsed) {
				for (const v of [parsed.node, parsed.type, parsed.id, parsed.user]) assert.ok(!/[\s\u0000-\u001f\u007f-\u009f]/.test(v), JSON.stringify(v));
				for (const n of [parsed.pid, parsed.pstart, parsed.starttime]) assert.ok(Number.isSafeInteger(n) && n >= 0);
			}
		}),
		runs(),
	);
});

test('a UPID with one field cut or one separator dropped is refused', () => {
	fc.assert(
		fc.property(upidFields, fc.nat(), (fields, n) => {
			const text = formatUpid(fields);
			const colons = [...text.matchAll(/:/g)].map((m) => m.index!);
			const at = colons[n % colons.length]!;
			assert.equal(parseUpid(text.slice(0, at) + text.slice(at + 1)), undefined, text);
		}),
		runs(),
	);
});

test('every UPID in the recorded journal and task list parses', () => {
	const texts = [readSample('journal-pvedaemon.txt'), readSample('api-node-tasks-pve64.json')].join('\n');
	const upids = [...texts.matchAll(/UPID:[^\s"']+:/g)].map((m) => m[0]);
	assert.ok(upids.length >= 5);
	for (const upid of upids) {
		const parsed = parseUpid(upid);
		assert.ok(parsed, upid);
		assert.equal(formatUpid(parsed), upid);
	}
});

test('regression: a UPID whose type carries an escape sequence is not a task id', () => {
	assert.equal(parseUpid('UPID:a:335DF31E:CB6F8C951:050B0D2B:\u001b[31m8uI!-1asy3:éwIKFn0:t0BmIw5S5ouH@ldap!ptpd:'), undefined);
	assert.equal(parseUpid('UPID:pve:000CDFF8:02ECFE2B:69E6283F:vncproxy:100:root@pam\u009b2J:'), undefined);
	assert.ok(parseUpid('UPID:pve:000CDFF8:02ECFE2B:69E6283F:vncproxy:100:root@pam:'));
});
