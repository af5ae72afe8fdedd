// The console sends the fleet's first read (GET /cluster/resources) alongside
// the check that the host answers (GET /version), not after its answer: a host
// slow over a large fleet starts on it one round trip earlier (issue 12). Here
// the host accepts the connection and never answers, so the first read must be
// on its way while /version still waits.

import assert from 'node:assert/strict';
import {createServer, type Socket} from 'node:net';
import {Writable} from 'node:stream';
import {test} from 'node:test';
import type {PveClient} from '../../source/api/client.js';
import {parseArgs} from '../../source/cli/args.js';
import {parseConfig} from '../../source/cli/config.js';
import {openHost, type Io} from '../../source/cli/open-host.js';
import {resolveTarget} from '../../source/cli/target.js';

test('openHost hands the client to alongsideCheck while GET /version is still unanswered', async () => {
	const sockets: Socket[] = [];
	const server = createServer((socket) => sockets.push(socket)); // accepts, never answers
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as {port: number}).port;
	let err = '';
	const stderr = new Writable({write: (chunk, _enc, done) => ((err += String(chunk)), done())}) as unknown as NodeJS.WriteStream;
	const io: Io = {stdin: process.stdin, stdout: stderr, stderr, env: {PROXDECK_TOKEN_SECRET: '00000000-0000-0000-0000-000000000000'}};
	const args = parseArgs(['-H', '127.0.0.1', '--port', String(port), '--token-id', 'root@pam!proxdeck', '--fingerprint', Array(32).fill('AB').join(':')]);
	let handed: PveClient | undefined;
	let versionAnswered = false;
	const opening = openHost(args, resolveTarget(args, parseConfig('', 'c.yaml'), io.env), io, {
		needsTty: false,
		alongsideCheck: (client) => {
			handed = client;
		},
	}).finally(() => (versionAnswered = true));
	// Poll until the host has the connection: the check is out and cannot have been answered.
	for (let i = 0; i < 500 && sockets.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
	assert.ok(sockets.length > 0, 'the client connected');
	assert.ok(handed, 'the client was handed over before /version answered');
	assert.equal(versionAnswered, false);
	server.close();
	for (const socket of sockets) socket.destroy();
	assert.equal(await opening, 1, 'a host that never answers the check fails it');
	assert.match(err, /^proxdeck: /);
});
