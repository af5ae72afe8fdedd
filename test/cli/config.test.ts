import assert from 'node:assert/strict';
import {chmodSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {parseArgs, UsageError} from '../../source/cli/args.js';
import {ConfigError, defaultConfigPath, loadConfig, parseConfig} from '../../source/cli/config.js';
import {resolveTarget, TargetError} from '../../source/cli/target.js';
import {optionsFrom} from '../../source/cli/upgrade-command.js';

const dir = mkdtempSync(join(tmpdir(), 'proxdeck-config-'));

test('the config path follows XDG_CONFIG_HOME', () => {
	assert.equal(defaultConfigPath({XDG_CONFIG_HOME: '/x/conf'}), '/x/conf/proxdeck/config.yaml');
	assert.match(defaultConfigPath({}), /\.config\/proxdeck\/config\.yaml$/);
});

test('a missing default config is a first run, a missing --config is an error', () => {
	assert.deepEqual(loadConfig(undefined, {XDG_CONFIG_HOME: join(dir, 'none')}).hosts, {});
	assert.throws(() => loadConfig(join(dir, 'nope.yaml')), (error: Error) => error instanceof ConfigError && /nope\.yaml: cannot read config file \(ENOENT\)/.test(error.message));
});

test('config problems name the file and the key in one line', () => {
	const cases: Array<[string, RegExp]> = [
		['hosts: {home: {host: pve, prot: 8006}}', /c\.yaml: hosts\.home\.prot: unknown key/],
		['hosts: {home: {port: 8006}}', /hosts\.home\.host: is required/],
		['hosts: {home: {host: pve, port: "x"}}', /hosts\.home\.port: expected a number/],
		['refresh: 0', /^c\.yaml: refresh: expected seconds from 1 to 3600$/],
		// Unbounded values overflowed setTimeout: the console then polled every millisecond.
		['refresh: 2147484', /^c\.yaml: refresh: expected seconds from 1 to 3600$/],
		['refresh: 1e308', /^c\.yaml: refresh: expected seconds from 1 to 3600$/],
		['refresh: .inf', /^c\.yaml: refresh: expected seconds from 1 to 3600$/],
		['refresh: .nan', /^c\.yaml: refresh: expected seconds from 1 to 3600$/],
		['refresh: 3601', /^c\.yaml: refresh: expected seconds from 1 to 3600$/],
		['hosts: {home: {host: pve, port: 0}}', /^c\.yaml: hosts\.home\.port: expected a whole number from 1 to 65535$/],
		['hosts: {home: {host: pve, port: 65536}}', /^c\.yaml: hosts\.home\.port: expected a whole number from 1 to 65535$/],
		['hosts: {home: {host: pve, port: 8006.5}}', /^c\.yaml: hosts\.home\.port: expected a whole number from 1 to 65535$/],
		['hosts: {home: {host: pve, port: .inf}}', /^c\.yaml: hosts\.home\.port: expected a whole number from 1 to 65535$/],
		['default: lab\nhosts: {home: {host: pve}}', /default: names no host under hosts: or context under contexts: \(have: home\)/],
		['refrsh: 2', /refrsh: unknown key/],
		['hosts: [', /not valid YAML/],
		['keys: {nav.down: 3}', /keys\.nav\.down: expected a key or a list of keys/],
		['layouts: {mine: {root: {split: row, children: [{pane: fleet}, {pane: zfs, size: big}]}}}', /^c\.yaml: layouts\.mine\.root\.children\[1\]\.size: expected rows\/columns \(a whole number\) or a percent like "40%" \(got "big"\)$/],
		['layouts: {mine: {root: {pane: graphs}}}', /^c\.yaml: layouts\.mine\.root\.pane: unknown pane "graphs"/],
		['layout: nope', /^c\.yaml: layout: unknown layout "nope" \(known: backups, cluster, fleet, logs, triage, upgrade\)$/],
	];
	for (const [text, pattern] of cases) {
		assert.throws(() => parseConfig(text, 'c.yaml'), (error: Error) => error instanceof ConfigError && pattern.test(error.message) && !error.message.includes('\n'), text);
	}
	assert.equal(parseConfig('refresh: 3600\nhosts: {home: {host: pve, port: 65535}}', 'c.yaml').refresh, 3600);
});

test('a user layout in the config is read, and can be the one the deck opens with', () => {
	const config = parseConfig('layout: side\nlayouts:\n  side:\n    description: fleet beside its journal\n    root: {split: row, children: [{pane: fleet, size: 70%}, {pane: logs, source: follow}]}\n', 'c.yaml');
	assert.equal(config.layout, 'side');
	assert.deepEqual(config.layouts?.map((l) => [l.name, l.description]), [['side', 'fleet beside its journal']]);
});

test('a config file holding a token secret is refused while group or others can read it', () => {
	const path = join(dir, 'open.yaml');
	writeFileSync(path, 'hosts: {home: {host: pve, tokenId: "a@pam!t", tokenSecret: s3cr3t-in-config}}');
	for (const mode of [0o644, 0o640, 0o604, 0o620]) {
		chmodSync(path, mode);
		assert.throws(
			() => loadConfig(path),
			(e: Error) => e instanceof ConfigError && e.message === `${path} holds a token secret (hosts.home.tokenSecret) and is accessible by group or others (mode 0${mode.toString(8)}): chmod 600 ${path}`,
			mode.toString(8),
		);
	}
	chmodSync(path, 0o600);
	assert.equal(loadConfig(path).hosts.home?.tokenSecret, 's3cr3t-in-config');
	// Without a secret in it, a readable config is fine (it names hosts and keys).
	writeFileSync(path, 'hosts: {home: {host: pve, tokenId: "a@pam!t", tokenSecretFile: /x}}');
	chmodSync(path, 0o644);
	assert.equal(loadConfig(path).hosts.home?.host, 'pve');
});

test('no host anywhere means the demo; --demo forces it', () => {
	const config = parseConfig('', 'c.yaml');
	assert.equal(resolveTarget(parseArgs([]), config, {}).kind, 'demo');
	const withHost = parseConfig('default: home\nhosts: {home: {host: pve.lan, tokenId: "root@pam!pd", tokenSecret: s}}', 'c.yaml');
	assert.equal(resolveTarget(parseArgs([]), withHost, {}).kind, 'host');
	assert.equal(resolveTarget(parseArgs(['--demo']), withHost, {}).kind, 'demo');
});

test('--host names a config entry, flags override it, the secret comes from the environment', () => {
	const config = parseConfig('hosts: {home: {host: 192.168.0.10, port: 8007, tokenId: "root@pam!pd", fingerprint: "AA:BB", readOnly: true}}', 'c.yaml');
	const target = resolveTarget(parseArgs(['--host', 'home', '--refresh', '5']), config, {PROXDECK_TOKEN_SECRET: 'sekrit'});
	assert.equal(target.kind, 'host');
	if (target.kind !== 'host') return;
	assert.equal(target.host, '192.168.0.10');
	assert.equal(target.port, 8007);
	assert.equal(target.fingerprint, 'AA:BB');
	assert.equal(target.readOnly, true);
	assert.equal(target.refreshMs, 5000);
	assert.deepEqual(target.credentials, {kind: 'token', tokenId: 'root@pam!pd', secret: 'sekrit'});
});

test('a token secret file is read; missing secrets and bad ids are one clear line', () => {
	const secretFile = join(dir, 'secret');
	writeFileSync(secretFile, 'from-file\n', {mode: 0o600});
	const config = parseConfig('', 'c.yaml');
	const target = resolveTarget(parseArgs(['-H', 'pve', '--token-id', 'root@pam!pd', '--token-secret-file', secretFile]), config, {});
	assert.equal(target.kind === 'host' && target.credentials.kind === 'token' && target.credentials.secret, 'from-file');
	assert.throws(() => resolveTarget(parseArgs(['-H', 'pve', '--token-id', 'root@pam!pd']), config, {}), (e: Error) => e instanceof TargetError && /no secret for token root@pam!pd: set PROXDECK_TOKEN_SECRET/.test(e.message));
	assert.throws(() => resolveTarget(parseArgs(['-H', 'pve', '--token-id', 'rootpd']), config, {}), /token id must look like user@realm!tokenname/);
	assert.throws(() => resolveTarget(parseArgs(['-H', 'pve']), config, {}), /no credentials/);
});

test('password login takes the password from PROXDECK_PASSWORD or leaves it to the prompt', () => {
	const config = parseConfig('', 'c.yaml');
	const withEnv = resolveTarget(parseArgs(['-H', 'pve', '--user', 'root@pam']), config, {PROXDECK_PASSWORD: 'pw'});
	assert.deepEqual(withEnv.kind === 'host' && withEnv.credentials, {kind: 'password', username: 'root@pam', password: 'pw'});
	const prompt = resolveTarget(parseArgs(['-H', 'pve', '--user', 'root@pam']), config, {});
	assert.deepEqual(prompt.kind === 'host' && prompt.credentials, {kind: 'password', username: 'root@pam', password: undefined});
});

test('contradictory or out-of-range flags are usage errors', () => {
	assert.throws(() => parseArgs(['--insecure', '--fingerprint', 'AA']), UsageError);
	assert.throws(() => parseArgs(['--token-id', 'a@b!c', '--user', 'a@b']), UsageError);
	assert.throws(() => parseArgs(['--refresh', '0.5']), /--refresh must be between 1 and 3600/);
	assert.throws(() => parseArgs(['--port', '70000']), /--port must be a whole number/);
	assert.throws(() => parseArgs(['frobnicate']), /unknown command: frobnicate/);
	assert.equal(parseArgs(['sim', '--fixture', 'cluster']).command, 'sim');
});

test('upgrade.health in the config: per-tag health checks, before those given with --health', () => {
	const config = parseConfig('upgrade:\n  health:\n    media: curl -fsS localhost:32400/identity\n    db: [pg_isready, "true"]\n', 'c.yaml');
	assert.deepEqual(config.upgradeHealth, {media: ['curl -fsS localhost:32400/identity'], db: ['pg_isready', 'true']});
	const args = parseArgs(['upgrade', '--all', '--health', 'media=systemctl is-active plexmediaserver']);
	assert.deepEqual(optionsFrom(args.upgrade, config.upgradeHealth).health, {
		media: ['curl -fsS localhost:32400/identity', 'systemctl is-active plexmediaserver'],
		db: ['pg_isready', 'true'],
	});
	for (const [text, pattern] of [
		['upgrade: {helth: {}}', /c\.yaml: upgrade\.helth: unknown key \(known: health\)/],
		['upgrade: {health: {media: 3}}', /upgrade\.health\.media: expected a command or a list of commands/],
		['upgrade: {health: {media: []}}', /upgrade\.health\.media: expected a command/],
		['upgrade: [1]', /upgrade: expected a mapping/],
	] as const) {
		assert.throws(() => parseConfig(text, 'c.yaml'), (error: Error) => error instanceof ConfigError && pattern.test(error.message), text);
	}
});
