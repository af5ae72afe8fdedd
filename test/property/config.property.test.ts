// Properties of the config-file reader: a valid config written as YAML reads
// back to the same values; any other text or document is either accepted with
// the right types or refused with ONE ConfigError line naming the file — never
// another exception, never a control character, never a second line.

import assert from 'node:assert/strict';
import {test} from 'node:test';
import fc from 'fast-check';
import {stringify} from 'yaml';
import {ConfigError, parseConfig, type HostConfig} from '../../source/cli/config.js';
import {hasControl, hostileText, runs} from './arbitraries.js';

const PATH = '/home/u/.config/proxdeck/config.yaml';
const hostKey = fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/);
const hostConfig: fc.Arbitrary<HostConfig> = fc.record(
	{
		host: fc.oneof(fc.ipV4(), fc.domain()),
		port: fc.integer({min: 1, max: 65535}),
		tokenId: fc.stringMatching(/^[a-z]{1,8}@(pam|pve)![a-z0-9]{1,8}$/),
		tokenSecretFile: fc.stringMatching(/^~?\/[a-z/]{1,20}$/),
		user: fc.stringMatching(/^[a-z]{1,8}$/),
		fingerprint: fc.array(fc.integer({min: 0, max: 255}).map((n) => n.toString(16).toUpperCase().padStart(2, '0')), {minLength: 32, maxLength: 32}).map((p) => p.join(':')),
		ca: fc.stringMatching(/^\/[a-z/]{1,20}\.pem$/),
		insecure: fc.boolean(),
		readOnly: fc.boolean(),
	},
	{requiredKeys: ['host']},
);
const validConfig = fc.dictionary(hostKey, hostConfig, {minKeys: 1, maxKeys: 4}).chain((hosts) =>
	fc.record(
		{
			default: fc.constantFrom(...Object.keys(hosts)),
			refresh: fc.integer({min: 1, max: 3600}),
			readOnly: fc.boolean(),
			keys: fc.dictionary(fc.constantFrom('nav.down', 'nav.up', 'app.quit'), fc.oneof(fc.constantFrom('j', 'x', 'ctrl+n'), fc.constant(['j', 'down']))),
			hosts: fc.constant(hosts),
			upgrade: fc.record({health: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.oneof(fc.constant('curl -fsS localhost'), fc.constant(['systemctl is-active x', 'true'])))}),
		},
		{requiredKeys: ['hosts']},
	),
);

test('a valid config written as YAML reads back to the same values', () => {
	fc.assert(
		fc.property(validConfig, (doc) => {
			const config = parseConfig(stringify(doc), PATH);
			assert.deepEqual({...config.hosts}, JSON.parse(JSON.stringify(doc.hosts)));
			assert.equal(config.defaultHost, doc.default);
			assert.equal(config.refresh, doc.refresh);
			assert.equal(config.readOnly, doc.readOnly);
			assert.deepEqual(config.keys, doc.keys === undefined ? undefined : JSON.parse(JSON.stringify(doc.keys)));
			if (doc.upgrade) {
				const expected = Object.fromEntries(Object.entries(doc.upgrade.health).map(([tag, c]) => [tag, typeof c === 'string' ? [c] : c]));
				assert.deepEqual(config.upgradeHealth, expected);
			}
		}),
		runs(100),
	);
});

/** parseConfig's contract: a config, or one ConfigError line that names the file. */
function readOrRefuse(text: string): ReturnType<typeof parseConfig> | undefined {
	try {
		return parseConfig(text, PATH);
	} catch (error) {
		assert.ok(error instanceof ConfigError, `not a ConfigError: ${String(error)}`);
		assert.ok(error.message.startsWith(`${PATH}: `), error.message);
		assert.ok(!error.message.includes('\n'), JSON.stringify(error.message));
		assert.ok(!hasControl(error.message), JSON.stringify(error.message));
		return undefined;
	}
}

function checkTypes(config: ReturnType<typeof parseConfig>): void {
	// What was accepted has the types the rest of proxdeck relies on, as own properties.
	for (const [name, host] of Object.entries(config.hosts)) {
		assert.equal(typeof host.host, 'string', name);
		assert.ok(host.host !== '');
	}
	if (config.defaultHost !== undefined) assert.ok(Object.hasOwn(config.hosts, config.defaultHost), config.defaultHost);
	if (config.refresh !== undefined) assert.ok(typeof config.refresh === 'number' && config.refresh >= 1);
}

// Documents near the valid shape, with every value replaced now and then by junk.
const junk = fc.oneof(hostileText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), {maxLength: 2}), fc.dictionary(hostileText, fc.string(), {maxKeys: 2}));
const nearDoc = fc.record(
	{
		default: fc.oneof(hostKey, junk, fc.constantFrom('__proto__', 'constructor', 'toString')),
		refresh: fc.oneof(fc.integer({min: -5, max: 5000}), junk),
		readOnly: fc.oneof(fc.boolean(), junk),
		keys: fc.oneof(fc.dictionary(hostileText, fc.oneof(fc.string(), junk), {maxKeys: 3}), junk),
		hosts: fc.oneof(fc.dictionary(fc.oneof(hostKey, hostileText, fc.constantFrom('__proto__', 'constructor')), fc.oneof(hostConfig, junk, fc.dictionary(hostileText, junk, {maxKeys: 2})), {maxKeys: 3}), junk),
		upgrade: fc.oneof(fc.record({health: fc.oneof(fc.dictionary(hostileText, junk, {maxKeys: 2}), junk)}), junk),
		[`${'x'}`]: junk,
	},
	{requiredKeys: []},
);

test('any document near the valid shape is accepted with the right types or refused in one clean line', () => {
	fc.assert(
		fc.property(nearDoc, fc.dictionary(hostileText, junk, {maxKeys: 2}), (doc, extra) => {
			const config = readOrRefuse(stringify(doc));
			if (config) checkTypes(config);
			readOrRefuse(stringify({...doc, ...extra}));
		}),
		runs(),
	);
});

test('arbitrary text is a config or one clean ConfigError line', () => {
	fc.assert(
		fc.property(fc.oneof(hostileText, fc.array(fc.oneof(hostileText, fc.constantFrom('hosts:', '  pve:', '    host: 1.2.3.4', 'refresh: .inf', 'refresh: .nan', '- a', '? x', '&a [*a]', '!!binary AAAA', '%YAML 1.2', '---', '...')), {maxLength: 8}).map((l) => l.join('\n'))), (text) => {
			const config = readOrRefuse(text);
			if (config) checkTypes(config);
		}),
		runs(),
	);
});

test('regression: a host called __proto__ is a host, not the prototype of the host table', () => {
	const config = readOrRefuse('default: host\nhosts:\n  __proto__:\n    host: 10.0.0.1\n');
	// Without the fix `default: host` resolved through the prototype to the string "10.0.0.1".
	assert.equal(config, undefined);
	const named = parseConfig('default: __proto__\nhosts:\n  __proto__:\n    host: 10.0.0.1\n', PATH);
	assert.deepEqual(named.hosts.__proto__, {host: '10.0.0.1'});
	assert.equal(Object.getPrototypeOf(named.hosts), null);
});

test('regression: a key holding a line break or escape is named in one printable line', () => {
	assert.throws(() => parseConfig('hosts:\n  "a\\nb\\u001b[2J":\n    host: x\n    bogus: 1\n', PATH), (error: Error) => {
		assert.ok(error instanceof ConfigError);
		assert.ok(!error.message.includes('\n') && !hasControl(error.message), JSON.stringify(error.message));
		assert.match(error.message, /hosts\.a\\nb\\u001b\[2J\.bogus: unknown key/);
		return true;
	});
});
